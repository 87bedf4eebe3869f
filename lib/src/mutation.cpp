// The run-time choice of planted mutant, in the test-only mutant library only (mutation.hpp).
#ifdef RNNSUITE_MUTATION_TESTING
#include "mutation.hpp"

#include <cstdlib>
#include <string>

#include "rnn/error.hpp"

namespace rnn::detail {

namespace {
mutant read_mutant_id() {
  const char* id = std::getenv("RNNSUITE_MUTANT_ID");
  if (!id || !*id) return mutant::none;
  char* end = nullptr;
  const long n = std::strtol(id, &end, 10);
  if (*end != '\0' || n < 0 || n >= static_cast<long>(mutant::count))
    throw error("RNNSUITE_MUTANT_ID must be a number in [0, " +
                std::to_string(static_cast<int>(mutant::count) - 1) + "], got '" + id + "'");
  return static_cast<mutant>(n);
}

// -1 until first asked, so a bad RNNSUITE_MUTANT_ID is an rnn::error from the first backward,
// not a throw during static initialisation. Plain, not atomic: backward asks first on the calling
// thread (the truncation hook) before any worker does, and the driver sets it between calls.
int active = -1;
}  // namespace

mutant planted_mutant() {
  if (active < 0) active = static_cast<int>(read_mutant_id());
  return static_cast<mutant>(active);
}
void set_planted_mutant(mutant m) {
  active = static_cast<int>(m);
}

}  // namespace rnn::detail
#endif
