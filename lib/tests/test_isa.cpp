// Instruction-set names, availability and the RNNSUITE_ARCH override.
#include <gtest/gtest.h>

#include <cstdlib>

#include "rnn/error.hpp"
#include "rnn/isa.hpp"
#include "rnn/layer.hpp"

namespace rnn {
namespace {

TEST(Isa, NamesRoundTrip) {
  for (isa i : {isa::sse2, isa::avx2, isa::avx512}) EXPECT_EQ(parse_isa(isa_name(i)), i);
  try {
    parse_isa("neon");
    ADD_FAILURE() << "no error";
  } catch (const error& e) {
    EXPECT_NE(std::string(e.what()).find("neon"), std::string::npos);
  }
}

TEST(Isa, Sse2AlwaysAvailableAndBestFirst) {
  const auto isas = available_isas();
  ASSERT_FALSE(isas.empty());
  EXPECT_EQ(isas.back(), isa::sse2);
  for (std::size_t i = 1; i < isas.size(); ++i) EXPECT_GT(isas[i - 1], isas[i]);
}

// Restores RNNSUITE_ARCH when a test ends, whatever it set.
struct arch_env {
  std::string saved;
  bool had = false;
  arch_env() {
    if (const char* v = std::getenv("RNNSUITE_ARCH")) saved = v, had = true;
  }
  ~arch_env() {
    if (had) setenv("RNNSUITE_ARCH", saved.c_str(), 1);
    else unsetenv("RNNSUITE_ARCH");
  }
};

TEST(Isa, EnvironmentOverridesDefault) {
  arch_env guard;
  unsetenv("RNNSUITE_ARCH");
  EXPECT_EQ(default_isa(), available_isas().front());
  setenv("RNNSUITE_ARCH", "sse2", 1);
  EXPECT_EQ(default_isa(), isa::sse2);
  setenv("RNNSUITE_ARCH", "mmx", 1);
  EXPECT_THROW(default_isa(), error);
}

TEST(Isa, LayerOptionOverridesEnvironment) {
  arch_env guard;
  setenv("RNNSUITE_ARCH", "sse2", 1);
  const problem p{cell::elman_tanh, 1, 1, 1, 1, precision::f64};
  const std::vector<double> one{0.5};
  const parameters_view<double> params{one, one, one, one};
  EXPECT_EQ(layer<double>(p, params).isa(), isa::sse2);
  const isa best = available_isas().front();
  EXPECT_EQ(layer<double>(p, params, layer_options{best, 1}).isa(), best);
}

}  // namespace
}  // namespace rnn
