// The run-time choice of planted mutant, in the test-only mutant library only (mutation.hpp).
#ifdef RNNSUITE_MUTATION_TESTING
#include "mutation.hpp"

#include <cstdlib>
#include <string>

#include "rnn/error.hpp"

namespace rnn::detail {

// -1 until first asked, so a bad RNNSUITE_MUTANT_ID is an rnn::error from the first hook that
// asks, not a throw during static initialisation.
std::atomic<int> active_mutant{-1};
std::atomic<std::uint64_t> reached_hooks{0};

int read_mutant_id() {
  const char* id = std::getenv("RNNSUITE_MUTANT_ID");
  if (!id || !*id) return static_cast<int>(mutant::none);
  char* end = nullptr;
  const long n = std::strtol(id, &end, 10);
  if (*end != '\0' || n < 0 || n >= static_cast<long>(mutant::count))
    throw error("RNNSUITE_MUTANT_ID must be a number in [0, " +
                std::to_string(static_cast<int>(mutant::count) - 1) + "], got '" + id + "'");
  return static_cast<int>(n);
}

}  // namespace rnn::detail
#endif
