#pragma once
// One block's normwise relative error and verdict, shared by the three legs (private to verify/).
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "reference/reference.hpp"
#include "rnnsuite/verify/legs.hpp"

namespace rnnsuite::verify::detail {

// What the checked format can represent: its smallest normal, smallest subnormal and largest.
struct format_range {
  double min_normal, min_subnormal, max;
  double unit_roundoff;
};

template <class F>
format_range range_of() {
  return {std::numeric_limits<F>::min(), std::numeric_limits<F>::denorm_min(),
          std::numeric_limits<F>::max(), std::numeric_limits<F>::epsilon() / 2};
}

// Judges `checked` (values of the format, held exactly in Real) against `truth`.
// tolerance: the model's, for this block; floor: the error the truth itself may carry; exploding:
// whether non-finite results are an OVERFLOW finding. The reference norm is computed in Real,
// so no absolute floor enters anywhere.
template <class Real>
block_check judge(std::string block, std::int64_t step, std::span<const Real> checked,
                  std::span<const Real> truth, double tolerance, double floor,
                  const format_range& range, bool exploding) {
  block_check c;
  c.block = std::move(block), c.step = step;
  Real diff2 = 0, norm2 = 0, largest = 0;
  bool finite = true;
  for (std::size_t k = 0; k < truth.size(); ++k) {
    using std::abs;
    using boost::multiprecision::isfinite;
    using std::isfinite;
    if (!isfinite(checked[k])) finite = false;
    const Real d = checked[k] - truth[k];
    diff2 += d * d;
    norm2 += truth[k] * truth[k];
    const Real a = abs(truth[k]);
    if (a > largest) largest = a;
  }
  using std::sqrt;
  const Real norm = sqrt(norm2);
  c.reference_norm = reference::to_double(norm);
  const double largest_d = reference::to_double(largest);
  if (!finite) {
    c.error = std::numeric_limits<double>::infinity();
    c.tolerance = tolerance;
    c.outcome = exploding ? verdict::overflow : verdict::fail;
    return c;
  }
  if (largest_d > range.max) {  // the true value is not representable in the format
    c.tolerance = tolerance;
    c.outcome = verdict::overflow;
    return c;
  }
  if (norm2 == 0) {  // an exactly zero truth: only an exactly zero result is right
    c.error = reference::to_double(Real(sqrt(diff2)));
    c.tolerance = 0;
    c.outcome = c.error == 0 ? verdict::pass : verdict::fail;
    return c;
  }
  c.error = reference::to_double(Real(sqrt(diff2) / norm));
  // Subnormal results carry an absolute error of half the smallest subnormal per element.
  const double subnormal = 0.5 * range.min_subnormal *
                           std::sqrt(static_cast<double>(truth.size())) /
                           reference::to_double(norm);
  c.tolerance = tolerance + (std::isfinite(subnormal) ? subnormal : 0);
  if (largest_d < range.min_normal) {
    // Below the normal range the format keeps no relative accuracy, but it still bounds the
    // answer: a result that reaches the normal range where the truth does not is wrong, not a
    // finding (a bug that turns a 1e-40 gradient into 1e-3 must not hide behind UNDERFLOW).
    const double absolute = reference::to_double(Real(sqrt(diff2)));
    const double allowed = c.tolerance * c.reference_norm +
                           range.min_normal * std::sqrt(static_cast<double>(truth.size()));
    c.outcome = absolute <= allowed ? verdict::underflow : verdict::fail;
  }
  else if (!(c.tolerance < 0.1) || !(floor < 1e-3 * c.tolerance))
    c.outcome = verdict::mistrusted;  // demands not even one digit, or the truth is unsure
  else
    c.outcome = c.error <= c.tolerance ? verdict::pass : verdict::fail;
  return c;
}

// Folds the checks into the leg's verdict and worst ratio.
inline void summarize(leg_result& r) {
  r.outcome = verdict::pass;
  r.worst_ratio = 0;
  for (const block_check& c : r.checks) {
    r.outcome = worse(r.outcome, c.outcome);
    const double ratio = c.tolerance > 0 ? c.error / c.tolerance
                         : c.error == 0 ? 0
                                        : std::numeric_limits<double>::infinity();
    if (c.outcome != verdict::underflow && c.outcome != verdict::overflow &&
        (ratio > r.worst_ratio || r.worst_block.empty())) {
      r.worst_ratio = ratio, r.worst_block = c.block, r.worst_step = c.step;
    }
  }
}

inline const char* gate_names(rnn::cell cell) {
  if (cell == rnn::cell::lstm) return "ifgo";
  if (cell == rnn::cell::gru) return "rzn";
  return "h";
}

}  // namespace rnnsuite::verify::detail
