#pragma once
// Before a problem is timed, rnnsuite and each other implementation run it once on the same
// data and every output and gradient is compared in PyTorch's layout, so both are known to
// compute the same thing; a network's parameter gradients block by block
// (grad_weight_ih_l1_reverse, ...).
#include <string>

#include "implementation_set.hpp"
#include "rnn/problem.hpp"

namespace bench {

// Normwise relative error ||ours - theirs|| / ||ours|| allowed per tensor. Two correct float32
// implementations differ by summation order and rounding only (the largest error seen is
// reported per benchmark as the counter agreement_error); a wrong gate mapping, bias block or
// missing term gives errors of order 0.1 to 1 (a swapped GRU gate map: 0.36 on the output).
inline constexpr double agreement_tolerance = 1e-3;
// ReLU's derivative jumps at 0: a pre-activation within rounding of 0 gets slope 1 on one side and
// 0 on the other, so one δ entry differs by O(1), and so does everything backward carries from it
// to earlier steps of that batch row. Measured on elman_relu_t50_b64_i1760_h1760_f32: 1 of 5.6
// million outputs has opposite signs in the two implementations, grad_x differs by 9.0e-4; every
// other problem stays below 1e-5. The wider bound still rejects the O(0.1..1) of a real bug.
inline constexpr double agreement_tolerance_relu = 1e-2;

struct agreement {
  std::string failure;       // empty when every tensor agrees, else names the first that does not
  double largest_error = 0;  // over all tensors compared
};

// `theirs` against `ours` (rnnsuite) on p, in p's precision. Computed once per (problem, label)
// and remembered: the fwd and fwdbwd benchmarks of both share it.
const agreement& check_agreement(const rnn::problem& p, int threads, const benchmarked& ours,
                                 const benchmarked& theirs);

}  // namespace bench
