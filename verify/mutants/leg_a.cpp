// rnnsuite's leg a as the matrix runs it, and the mutant's effect (matrix.hpp).
#include <algorithm>
#include <cmath>
#include <limits>

#include "matrix.hpp"
#include "rnn/isa.hpp"

namespace rnnsuite::mutants {

using reference::real50;

namespace {

// Normwise relative error of n values of `got` against `want`; an exact zero truth needs an
// exact zero, anything else is an error of 1 (no absolute floor).
template <class A, class B>
double normwise(const A& got, const B& want, std::size_t begin, std::size_t n) {
  real50 diff(0), ref(0);
  for (std::size_t k = begin; k < begin + n; ++k) {
    const real50 w(want[k]);
    diff += (real50(got[k]) - w) * (real50(got[k]) - w);
    ref += w * w;
  }
  if (ref == 0) return diff == 0 ? 0.0 : 1.0;
  const double e = static_cast<double>(sqrt(diff / ref));
  return std::isnan(e) ? std::numeric_limits<double>::infinity() : e;
}

}  // namespace

leg_a_result run_leg_a(const verify::fast_path_check& check) {
  const verify::leg_result leg = check.run(rnn::default_isa());
  leg_a_result r;
  r.outcome = leg.outcome;
  r.caught = !verify::acceptable(leg.outcome);
  r.worst = leg.worst_ratio;
  r.where =
      leg.worst_block + (leg.worst_step >= 0 ? " step " + std::to_string(leg.worst_step) : "");
  for (const auto& c : leg.checks) r.max_tolerance = std::max(r.max_tolerance, c.tolerance);
  return r;
}

double adjoint_spread(const regime& r) {
  const auto truth = verify::run_reference<real50>(
      r.named.problem, verify::to_reference<real50>(r.params), r.in, rnn::loss_kind::last);
  const std::size_t state = r.named.problem.B * r.named.problem.H, T = r.named.problem.T;
  auto norm_at = [&](std::size_t t) -> real50 {  // |dL/dh_t|, t = 0..T
    real50 s(0);
    for (std::size_t k = 0; k < state; ++k) {
      const real50 v = t == 0 ? truth.grads.h0[k] : truth.grads.h[(t - 1) * state + k];
      s += v * v;
    }
    return sqrt(s);
  };
  real50 largest(0);
  for (std::size_t t = 0; t <= T; ++t) largest = std::max(largest, norm_at(t));
  const real50 top = norm_at(T);
  return top > 0 ? static_cast<double>(largest / top) : 1.0;
}

double mutant_effect(const verify::fast_pass& clean, const verify::fast_pass& mutated) {
  double effect = 0;
  auto blocks = [&](const std::vector<double>& a, const std::vector<double>& b, std::size_t n) {
    for (std::size_t begin = 0; n && begin < a.size(); begin += n)
      effect = std::max(effect, normwise(b, a, begin, std::min(n, a.size() - begin)));
  };
  const std::size_t state = clean.grad_h0.size();
  blocks(clean.grad_h, mutated.grad_h, state);
  blocks(clean.grad_c, mutated.grad_c, state);
  blocks(clean.grad_h0, mutated.grad_h0, state);
  blocks(clean.grad_c0, mutated.grad_c0, state);
  blocks(clean.grad_x, mutated.grad_x,
         clean.grad_x.size() / std::max<std::size_t>(1, clean.output.size() / state));
  blocks(clean.weight_ih, mutated.weight_ih, clean.weight_ih.size());
  blocks(clean.weight_hh, mutated.weight_hh, clean.weight_hh.size());
  blocks(clean.bias_ih, mutated.bias_ih, clean.bias_ih.size());
  blocks(clean.bias_hh, mutated.bias_hh, clean.bias_hh.size());
  return effect;
}

}  // namespace rnnsuite::mutants
