#pragma once
// LSTM, PyTorch's gates i, f, g, o (rows [0,H), [H,2H), [2H,3H), [3H,4H)):
// i, f, o = σ(·), g = tanh(·), c_t = f ⊙ c_{t-1} + i ⊙ g, h_t = o ⊙ tanh(c_t).
#include "reference/types.hpp"

namespace rnnsuite::reference {

template <class Real>
trajectory<Real> lstm_forward(const rnn::problem& p, const weights<Real>& w,
                              const std::vector<Real>& x, const std::vector<Real>& h0,
                              const std::vector<Real>& c0) {
  const dims d(p);
  detail::check_forward_args("reference::lstm_forward", d, true, w, x, h0, c0);
  const std::size_t H = d.H;
  trajectory<Real> run;
  run.x = x, run.h0 = h0, run.c0 = c0;
  run.output.assign(d.T * d.B * H, Real(0));
  run.c.assign(d.T * d.B * H, Real(0));
  run.gates.assign(d.T * d.B * 4 * H, Real(0));
  std::vector<Real> from_x, from_h;  // 4H each
  for (std::size_t t = 0; t < d.T; ++t)
    for (std::size_t b = 0; b < d.B; ++b) {
      const std::size_t prev = ((t - 1) * d.B + b) * H, row = (t * d.B + b) * H;
      const Real* h_prev = t == 0 ? &h0[b * H] : &run.output[prev];
      const Real* c_prev = t == 0 ? &c0[b * H] : &run.c[prev];
      detail::affine(from_x, from_h, w, &x[(t * d.B + b) * d.I], h_prev, d);
      Real* gate = &run.gates[(t * d.B + b) * 4 * H];
      for (std::size_t k = 0; k < H; ++k) {
        const Real i = detail::logistic(Real(from_x[k] + from_h[k]));
        const Real f = detail::logistic(Real(from_x[H + k] + from_h[H + k]));
        const Real g = detail::hyperbolic_tangent(Real(from_x[2 * H + k] + from_h[2 * H + k]));
        const Real o = detail::logistic(Real(from_x[3 * H + k] + from_h[3 * H + k]));
        gate[k] = i, gate[H + k] = f, gate[2 * H + k] = g, gate[3 * H + k] = o;
        run.c[row + k] = f * c_prev[k] + i * g;
        run.output[row + k] = o * detail::hyperbolic_tangent(run.c[row + k]);
      }
    }
  const auto last = static_cast<std::ptrdiff_t>(d.B * H);
  run.h_n.assign(run.output.end() - last, run.output.end());
  run.c_n.assign(run.c.end() - last, run.c.end());
  return run;
}

template <class Real>
gradients<Real> lstm_backward(const rnn::problem& p, const weights<Real>& w,
                              const trajectory<Real>& run, const std::vector<Real>& grad_output,
                              const std::vector<Real>& grad_h_n,
                              const std::vector<Real>& grad_c_n) {
  const dims d(p);
  detail::check_backward_args("reference::lstm_backward", d, true, run, grad_output, grad_h_n,
                              grad_c_n);
  const std::size_t H = d.H;
  gradients<Real> g = detail::zero_gradients<Real>(d, true);
  // B×H each: what flows into h_t and c_t from step t+1 (from grad_h_n, grad_c_n at t = T).
  std::vector<Real> dh_carry(d.B * H, Real(0)), dc_carry(d.B * H, Real(0));
  if (!grad_h_n.empty()) dh_carry = grad_h_n;
  if (!grad_c_n.empty()) dc_carry = grad_c_n;
  std::vector<Real> delta(4 * H);  // dL/d(pre-activation) of i, f, g, o
  for (std::size_t t = d.T; t-- > 0;) {
    std::vector<Real> dh_prev(d.B * H, Real(0)), dc_prev(d.B * H, Real(0));
    for (std::size_t b = 0; b < d.B; ++b) {
      const std::size_t row = (t * d.B + b) * H, prev = ((t - 1) * d.B + b) * H;
      const Real* gate = &run.gates[(t * d.B + b) * 4 * H];
      const Real* c_prev = t == 0 ? &run.c0[b * H] : &run.c[prev];
      for (std::size_t k = 0; k < H; ++k) {
        const Real i = gate[k], f = gate[H + k], gg = gate[2 * H + k], o = gate[3 * H + k];
        const Real tanh_c = detail::hyperbolic_tangent(run.c[row + k]);
        // tanh'(c) = 1/cosh²(c), not 1 − tanh²(c): a carousel's |c| grows to tens, where
        // 1 − tanh² cancels every digit a format has (measured: 1e7 u in lstm_forget_1, T = 1000).
        using std::cosh;
        const Real cosh_c = cosh(run.c[row + k]);
        const Real tanh_derivative = Real(1) / (cosh_c * cosh_c);
        const Real dh = grad_output[row + k] + dh_carry[b * H + k];
        // c_t reaches the loss through h_t = o ⊙ tanh(c_t) and through c_{t+1} = f ⊙ c_t + ...
        const Real dc = dc_carry[b * H + k] + dh * o * tanh_derivative;
        g.h[row + k] = dh;
        g.c[row + k] = dc;
        delta[k] = dc * gg * i * (Real(1) - i);
        delta[H + k] = dc * c_prev[k] * f * (Real(1) - f);
        delta[2 * H + k] = dc * i * (Real(1) - gg * gg);
        delta[3 * H + k] = dh * tanh_c * o * (Real(1) - o);
        dc_prev[b * H + k] = dc * f;
      }
      const Real* h_prev = t == 0 ? &run.h0[b * H] : &run.output[prev];
      detail::affine_backward(g, &dh_prev[b * H], w, delta, delta,
                              &run.x[(t * d.B + b) * d.I], h_prev, t * d.B + b, d);
    }
    dh_carry = dh_prev, dc_carry = dc_prev;
  }
  g.h0 = dh_carry, g.c0 = dc_carry;
  return g;
}

}  // namespace rnnsuite::reference
