// `rnnsuite verify --profile full` finds and runs the mutant matrix driver (mutants.hpp); here
// with stand-in programs, since the real driver exists only in a mutant build.
#include <gtest/gtest.h>

#include <cstdlib>

#include "rnn/error.hpp"
#include "rnnsuite/verify/mutants.hpp"

namespace {

struct driver_variable {
  explicit driver_variable(const char* value) { ::setenv("RNNSUITE_MUTANTS_DRIVER", value, 1); }
  ~driver_variable() { ::unsetenv("RNNSUITE_MUTANTS_DRIVER"); }
};

TEST(theory_mutant_runner, the_driver_variable_is_honoured_and_checked) {
  {
    driver_variable v("/bin/true");
    const auto found = rnnsuite::verify::find_mutant_driver();
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->string(), "/bin/true");
  }
  driver_variable v("/nonexistent/rnnsuite-mutants");
  try {
    rnnsuite::verify::find_mutant_driver();
    FAIL() << "no error for a missing driver";
  } catch (const rnn::error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/rnnsuite-mutants"), std::string::npos);
  }
}

TEST(theory_mutant_runner, exit_status_and_output_come_back) {
  const auto ok = rnnsuite::verify::run_mutant_matrix("/bin/pwd");
  EXPECT_EQ(ok.exit_status, 0);
  EXPECT_FALSE(ok.table.empty());
  EXPECT_EQ(rnnsuite::verify::run_mutant_matrix("/bin/false").exit_status, 1);
}

}  // namespace
