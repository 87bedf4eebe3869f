#pragma once
// The mutant matrix as `rnnsuite verify --profile full` runs it. The planted bugs live only in
// the test-only mutant build (-DRNNSUITE_MUTANTS=ON; scripts/mutants makes build/mutants), whose
// driver rnnsuite-mutants judges every mutant × regime with rnnsuite's leg a and the gradcheck
// baseline. rnnsuite itself never links a mutant: it finds that driver and runs it.
#include <filesystem>
#include <optional>
#include <string>

namespace rnnsuite::verify {

// Where rnnsuite-mutants is, if built: $RNNSUITE_MUTANTS_DRIVER when set (an error if it names
// no executable file), else beside this program's build tree (<build>/verify/mutants/, when the
// same build has RNNSUITE_MUTANTS=ON) or in the sibling build/mutants that scripts/mutants makes.
std::optional<std::filesystem::path> find_mutant_driver();

struct mutant_matrix_result {
  int exit_status = 0;  // the driver's: 0 only if rnnsuite's verdict is right in every cell
  std::string table;    // the driver's Markdown table (its standard output)
};

// Runs the driver and collects its table; its progress goes to this process's standard error.
// Throws rnn::error if the driver cannot be started.
mutant_matrix_result run_mutant_matrix(const std::filesystem::path& driver);

}  // namespace rnnsuite::verify
