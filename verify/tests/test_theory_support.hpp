#pragma once
// Shared by the theory and seed tests: parameters and inputs built by hand (the closed forms need
// exact structure: W_hh = 0, constant gates), and one forward+backward through lib's fast path.
#include <cstdint>
#include <span>
#include <vector>

#include "rnnsuite/verify/theory.hpp"

namespace rnnsuite::theory_test {

using pass = rnnsuite::verify::fast_pass;
using rnnsuite::verify::run_fast_as;

// Block k (B×H) of a T×B×H sequence, or of h0's B×H when step is -1 (so step t-1 of h_t is t-1).
inline std::span<const double> step_of(std::span<const double> sequence,
                                       std::span<const double> initial, std::int64_t step,
                                       std::size_t state) {
  if (step < 0) return initial.subspan(0, state);
  return sequence.subspan(step * state, state);
}

}  // namespace rnnsuite::theory_test
