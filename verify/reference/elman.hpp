#pragma once
// Elman cells, h_t = f(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), f = tanh, logistic or ReLU,
// forward and backpropagation through time, one scalar at a time.
#include "reference/types.hpp"

namespace rnnsuite::reference {

namespace detail {

template <class Real>
Real elman_activation(rnn::cell cell, const Real& a) {
  if (cell == rnn::cell::elman_tanh) return hyperbolic_tangent(a);
  if (cell == rnn::cell::elman_sigmoid) return logistic(a);
  return a > 0 ? a : Real(0);
}

// f'(a) written through h = f(a), as every textbook does: 1 − h², h(1 − h), [h > 0].
template <class Real>
Real elman_derivative(rnn::cell cell, const Real& h) {
  if (cell == rnn::cell::elman_tanh) return Real(1) - h * h;
  if (cell == rnn::cell::elman_sigmoid) return h * (Real(1) - h);
  return h > 0 ? Real(1) : Real(0);
}

}  // namespace detail

template <class Real>
trajectory<Real> elman_forward(const rnn::problem& p, const weights<Real>& w,
                               const std::vector<Real>& x, const std::vector<Real>& h0) {
  const dims d(p);
  detail::check_forward_args("reference::elman_forward", d, false, w, x, h0, {});
  trajectory<Real> run;
  run.x = x, run.h0 = h0;
  run.output.assign(d.T * d.B * d.H, Real(0));
  run.gates.assign(d.T * d.B * d.H, Real(0));
  std::vector<Real> from_x, from_h;  // H each
  for (std::size_t t = 0; t < d.T; ++t)
    for (std::size_t b = 0; b < d.B; ++b) {
      const Real* h_prev = t == 0 ? &h0[b * d.H] : &run.output[((t - 1) * d.B + b) * d.H];
      detail::affine(from_x, from_h, w, &x[(t * d.B + b) * d.I], h_prev, d);
      Real* h = &run.output[(t * d.B + b) * d.H];
      for (std::size_t k = 0; k < d.H; ++k) h[k] = detail::elman_activation(p.cell, Real(from_x[k] + from_h[k]));
      for (std::size_t k = 0; k < d.H; ++k) run.gates[(t * d.B + b) * d.H + k] = h[k];
    }
  run.h_n.assign(run.output.end() - static_cast<std::ptrdiff_t>(d.B * d.H), run.output.end());
  return run;
}

template <class Real>
gradients<Real> elman_backward(const rnn::problem& p, const weights<Real>& w,
                               const trajectory<Real>& run, const std::vector<Real>& grad_output,
                               const std::vector<Real>& grad_h_n) {
  const dims d(p);
  detail::check_backward_args("reference::elman_backward", d, false, run, grad_output, grad_h_n,
                              {});
  gradients<Real> g = detail::zero_gradients<Real>(d, false);
  // dh_carry: B×H, what flows into h_t from step t+1 (and from grad_h_n at t = T).
  std::vector<Real> dh_carry(d.B * d.H, Real(0));
  if (!grad_h_n.empty()) dh_carry = grad_h_n;
  std::vector<Real> delta(d.H);
  for (std::size_t t = d.T; t-- > 0;) {
    std::vector<Real> dh_prev(d.B * d.H, Real(0));
    for (std::size_t b = 0; b < d.B; ++b) {
      const std::size_t row = (t * d.B + b) * d.H;
      for (std::size_t k = 0; k < d.H; ++k) {
        const Real dh = grad_output[row + k] + dh_carry[b * d.H + k];
        g.h[row + k] = dh;
        delta[k] = dh * detail::elman_derivative(p.cell, run.output[row + k]);
      }
      const Real* h_prev = t == 0 ? &run.h0[b * d.H] : &run.output[((t - 1) * d.B + b) * d.H];
      detail::affine_backward(g, &dh_prev[b * d.H], w, delta, delta,
                              &run.x[(t * d.B + b) * d.I], h_prev, t * d.B + b, d);
    }
    dh_carry = dh_prev;
  }
  g.h0 = dh_carry;
  return g;
}

}  // namespace rnnsuite::reference
