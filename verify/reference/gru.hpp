#pragma once
// GRU in PyTorch's form, gates r, z, n (rows [0,H), [H,2H), [2H,3H)):
// r, z = σ(·), n = tanh(W_in x + b_in + r ⊙ (W_hn h' + b_hn)), h = (1 − z) ⊙ n + z ⊙ h'.
#include "reference/types.hpp"

namespace rnnsuite::reference {

template <class Real>
trajectory<Real> gru_forward(const rnn::problem& p, const weights<Real>& w,
                             const std::vector<Real>& x, const std::vector<Real>& h0) {
  const dims d(p);
  detail::check_forward_args("reference::gru_forward", d, false, w, x, h0, {});
  const std::size_t H = d.H;
  trajectory<Real> run;
  run.x = x, run.h0 = h0;
  run.output.assign(d.T * d.B * H, Real(0));
  run.gates.assign(d.T * d.B * 3 * H, Real(0));
  run.hidden_n.assign(d.T * d.B * H, Real(0));
  std::vector<Real> from_x, from_h;  // 3H each
  for (std::size_t t = 0; t < d.T; ++t)
    for (std::size_t b = 0; b < d.B; ++b) {
      const std::size_t row = (t * d.B + b) * H;
      const Real* h_prev = t == 0 ? &h0[b * H] : &run.output[((t - 1) * d.B + b) * H];
      detail::affine(from_x, from_h, w, &x[(t * d.B + b) * d.I], h_prev, d);
      Real* gate = &run.gates[(t * d.B + b) * 3 * H];
      for (std::size_t k = 0; k < H; ++k) {
        const Real r = detail::logistic(Real(from_x[k] + from_h[k]));
        const Real z = detail::logistic(Real(from_x[H + k] + from_h[H + k]));
        const Real n = detail::hyperbolic_tangent(Real(from_x[2 * H + k] + r * from_h[2 * H + k]));
        gate[k] = r, gate[H + k] = z, gate[2 * H + k] = n;
        run.hidden_n[row + k] = from_h[2 * H + k];
        run.output[row + k] = (Real(1) - z) * n + z * h_prev[k];
      }
    }
  run.h_n.assign(run.output.end() - static_cast<std::ptrdiff_t>(d.B * H), run.output.end());
  return run;
}

template <class Real>
gradients<Real> gru_backward(const rnn::problem& p, const weights<Real>& w,
                             const trajectory<Real>& run, const std::vector<Real>& grad_output,
                             const std::vector<Real>& grad_h_n) {
  const dims d(p);
  detail::check_backward_args("reference::gru_backward", d, false, run, grad_output, grad_h_n,
                              {});
  const std::size_t H = d.H;
  gradients<Real> g = detail::zero_gradients<Real>(d, false);
  std::vector<Real> dh_carry(d.B * H, Real(0));  // B×H, into h_t from step t+1
  if (!grad_h_n.empty()) dh_carry = grad_h_n;
  // dL/d(pre-activation) on the x side and on the h side: they differ only in n, where r
  // multiplies (W_hn h' + b_hn).
  std::vector<Real> delta_x(3 * H), delta_h(3 * H);
  for (std::size_t t = d.T; t-- > 0;) {
    std::vector<Real> dh_prev(d.B * H, Real(0));
    for (std::size_t b = 0; b < d.B; ++b) {
      const std::size_t row = (t * d.B + b) * H;
      const Real* gate = &run.gates[(t * d.B + b) * 3 * H];
      const Real* h_prev = t == 0 ? &run.h0[b * H] : &run.output[((t - 1) * d.B + b) * H];
      for (std::size_t k = 0; k < H; ++k) {
        const Real r = gate[k], z = gate[H + k], n = gate[2 * H + k];
        const Real dh = grad_output[row + k] + dh_carry[b * H + k];
        g.h[row + k] = dh;
        const Real dn_pre = dh * (Real(1) - z) * (Real(1) - n * n);
        const Real dz_pre = dh * (h_prev[k] - n) * z * (Real(1) - z);
        const Real dr_pre = dn_pre * run.hidden_n[row + k] * r * (Real(1) - r);
        delta_x[k] = dr_pre, delta_x[H + k] = dz_pre, delta_x[2 * H + k] = dn_pre;
        delta_h[k] = dr_pre, delta_h[H + k] = dz_pre, delta_h[2 * H + k] = dn_pre * r;
        dh_prev[b * H + k] = dh * z;  // the direct path h' → h, before W_hhᵀ δ_h is added
      }
      detail::affine_backward(g, &dh_prev[b * H], w, delta_x,
                              delta_h, &run.x[(t * d.B + b) * d.I], h_prev, t * d.B + b, d);
    }
    dh_carry = dh_prev;
  }
  g.h0 = dh_carry;
  return g;
}

}  // namespace rnnsuite::reference
