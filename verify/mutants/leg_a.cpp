// rnnsuite's leg a as the matrix runs it, and the mutant's effect (matrix.hpp).
#include <algorithm>
#include <cmath>
#include <limits>

#include "matrix.hpp"

namespace rnnsuite::mutants {

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

leg_a_result run_leg_a(const regime& r, const verify::reference_pass<real50>& truth) {
  const verify::fast_pass fast =
      verify::run_fast_as<double>(r.p, r.params, r.in, rnn::loss_kind::last);
  const std::size_t state = r.p.B * r.p.H, T = r.p.T;
  const double u = std::numeric_limits<double>::epsilon() / 2;
  // Conditioning from the reference: how far the gradient norm travels across the sequence
  // (VERIFICATION.md: about |dL/dh_0| / |dL/dh_T| in the exploding regime), at least 1.
  real50 top(0), largest(0);
  auto norm_at = [&](std::size_t t) -> real50 {  // |dL/dh_t|, t = 0..T
    real50 s(0);
    for (std::size_t k = 0; k < state; ++k) {
      const real50 v = t == 0 ? truth.grads.h0[k] : truth.grads.h[(t - 1) * state + k];
      s += v * v;
    }
    return sqrt(s);
  };
  for (std::size_t t = 0; t <= T; ++t) largest = std::max(largest, norm_at(t));
  top = norm_at(T);
  const double kappa = std::max(1.0, top > 0 ? static_cast<double>(largest / top) : 1.0);
  const double tolerance = 64 * u * double(T) * kappa;

  leg_a_result result;
  result.tolerance = tolerance, result.kappa = kappa;
  auto judge = [&](const std::string& what, double error) {
    const double ratio = error / tolerance;
    const double score = std::isnan(ratio) ? std::numeric_limits<double>::infinity() : ratio;
    if (score > result.worst) result.worst = score, result.where = what;
  };
  for (std::size_t t = 1; t <= T; ++t) {
    judge("dL/dh_" + std::to_string(t),
          normwise(fast.grad_h, truth.grads.h, (t - 1) * state, state));
    if (!truth.grads.c.empty())
      judge("dL/dc_" + std::to_string(t),
            normwise(fast.grad_c, truth.grads.c, (t - 1) * state, state));
  }
  judge("dL/dh_0", normwise(fast.grad_h0, truth.grads.h0, 0, state));
  if (!truth.grads.c0.empty()) judge("dL/dc_0", normwise(fast.grad_c0, truth.grads.c0, 0, state));
  const std::size_t I = r.p.I;
  for (std::size_t t = 1; t <= T; ++t)
    judge("dx_" + std::to_string(t),
          normwise(fast.grad_x, truth.grads.x, (t - 1) * r.p.B * I, r.p.B * I));
  // Parameter blocks split per gate.
  const std::size_t H = r.p.H, G = r.p.G();
  for (std::size_t g = 0; g < G; ++g) {
    const std::string gate = "[gate " + std::to_string(g) + "]";
    judge("dW_ih" + gate, normwise(fast.weight_ih, truth.grads.weight_ih, g * H * I, H * I));
    judge("dW_hh" + gate, normwise(fast.weight_hh, truth.grads.weight_hh, g * H * H, H * H));
    judge("db_ih" + gate, normwise(fast.bias_ih, truth.grads.bias_ih, g * H, H));
    judge("db_hh" + gate, normwise(fast.bias_hh, truth.grads.bias_hh, g * H, H));
  }
  result.failed = !(result.worst <= 1);
  return result;
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
