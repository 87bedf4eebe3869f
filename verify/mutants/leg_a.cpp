// rnnsuite's leg a as the matrix judges a mutant's run, and the run's change of the clean fast
// path (matrix.hpp).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "matrix.hpp"
#include "rnn/error.hpp"

namespace rnnsuite::mutants {

namespace {

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (std::bit_cast<std::uint64_t>(a[k]) != std::bit_cast<std::uint64_t>(b[k])) return false;
  return true;
}

bool same_bits(const verify::fast_gradients& a, const verify::fast_gradients& b) {
  const auto first = a.members(), second = b.members();
  for (std::size_t k = 0; k < first.size(); ++k)
    if (!same_bits(*first[k], *second[k])) return false;
  return true;
}

}  // namespace

std::string block_name(const std::string& block, std::int64_t step) {
  return step >= 0 ? block + " step " + std::to_string(step) : block;
}

leg_outcome judge(const verify::fast_path_check& check, rnn::isa isa,
                  const verify::leg_result& clean, const verify::fast_gradients& clean_grads,
                  const verify::leg_result& mutated, const verify::fast_gradients& grads) {
  leg_outcome o;
  o.isa = isa;
  o.outcome = mutated.outcome;
  o.caught = !verify::acceptable(mutated.outcome);
  o.worst = mutated.worst_ratio;
  o.where = block_name(mutated.worst_block, mutated.worst_step);
  o.changes = !same_bits(clean_grads, grads);
  if (!o.changes || o.caught) return o;
  // The change per check, against that check's tolerance; only where the clean run PASSed (an
  // UNDERFLOW or OVERFLOW block is one the format cannot hold, judged by other rules).
  const std::vector<double> change = check.changes(clean_grads, grads);
  if (change.size() != clean.checks.size())
    throw rnn::error("mutant matrix: the changes and the checks of " + clean.problem +
                     " differ in number");
  for (std::size_t k = 0; k < change.size(); ++k) {
    const verify::block_check& c = clean.checks[k];
    if (c.outcome != verify::verdict::pass) continue;
    const double inf = std::numeric_limits<double>::infinity();
    double ratio = c.tolerance > 0 ? change[k] / c.tolerance : change[k] == 0 ? 0 : inf;
    if (std::isnan(ratio)) ratio = inf;
    if (ratio > o.effect) o.effect = ratio, o.effect_where = block_name(c.block, c.step);
  }
  return o;
}

double adjoint_spread(const verify::fast_gradients& clean, const rnn::problem& p) {
  const std::size_t state = p.B * p.H, T = p.T;
  if (clean.h.size() != T * state || clean.h0.size() != state) return 0;
  auto norm_at = [&](std::size_t t) {  // ‖dL/dh_t‖, t = 0..T
    double s = 0;
    for (std::size_t k = 0; k < state; ++k) {
      const double v = t == 0 ? clean.h0[k] : clean.h[(t - 1) * state + k];
      s += v * v;
    }
    return std::sqrt(s);
  };
  double largest = 0;
  for (std::size_t t = 0; t <= T; ++t) largest = std::max(largest, norm_at(t));
  const double top = norm_at(T);
  return top > 0 ? largest / top : 1.0;
}

}  // namespace rnnsuite::mutants
