#pragma once
// The reference's common types: weights, a kept forward trajectory, every gradient, in any Real.
// Plain std::vector, time-major and row-major like lib (DESIGN.md), gate order PyTorch's.
// Written to be obviously right, not fast; it shares no code with lib's kernels.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/multiprecision/mpfr.hpp>

#include "rnn/error.hpp"
#include "rnn/problem.hpp"

namespace rnnsuite::reference {

// Static precision (decimal digits fixed at compile time): no global precision state to forget.
using real50 = boost::multiprecision::mpfr_float_50;
using real100 = boost::multiprecision::mpfr_float_100;

template <class Real>
struct weights {
  std::vector<Real> weight_ih;  // (G·H)×I
  std::vector<Real> weight_hh;  // (G·H)×H
  std::vector<Real> bias_ih;    // G·H
  std::vector<Real> bias_hh;    // G·H
};

// Everything forward computes and backward needs.
template <class Real>
struct trajectory {
  std::vector<Real> x;         // T×B×I, the input (kept so backward needs nothing else)
  std::vector<Real> h0;        // B×H
  std::vector<Real> c0;        // B×H, LSTM only
  std::vector<Real> output;    // T×B×H, h_t for t = 1..T
  std::vector<Real> c;         // T×B×H, LSTM only: c_t
  std::vector<Real> gates;     // T×B×(G·H): gate values after their nonlinearity
  std::vector<Real> hidden_n;  // T×B×H, GRU only: W_hn h' + b_hn (what r multiplies)
  std::vector<Real> h_n;       // B×H
  std::vector<Real> c_n;       // B×H, LSTM only
};

template <class Real>
struct gradients {
  std::vector<Real> weight_ih;  // (G·H)×I
  std::vector<Real> weight_hh;  // (G·H)×H
  std::vector<Real> bias_ih;    // G·H
  std::vector<Real> bias_hh;    // G·H
  std::vector<Real> x;          // T×B×I
  std::vector<Real> h0;         // B×H
  std::vector<Real> c0;         // B×H, LSTM only
  std::vector<Real> h;          // T×B×H: total dL/dh_t (every path to the loss)
  std::vector<Real> c;          // T×B×H, LSTM only: total dL/dc_t
  // T×B×(G·H): dL/d(pre-activation) of every step on the x side and on the h side (they differ
  // only in GRU's n gate); the terms the parameter gradients sum, kept for conditioning estimates.
  std::vector<Real> delta_x, delta_h;
};

// Sizes as plain size_t, after lib's own validation of the descriptor.
struct dims {
  std::size_t T, B, I, H, G;
  explicit dims(const rnn::problem& p) {
    rnn::validate(p);
    T = static_cast<std::size_t>(p.T), B = static_cast<std::size_t>(p.B);
    I = static_cast<std::size_t>(p.I), H = static_cast<std::size_t>(p.H);
    G = static_cast<std::size_t>(p.G());
  }
};

namespace detail {

inline void check_size(const char* where, const char* name, std::size_t got, std::size_t want) {
  if (got != want)
    throw rnn::error(std::string(where) + ": " + name + " must have " + std::to_string(want) +
                     " elements, got " + std::to_string(got));
}

// Allows empty (meaning zero) or exactly `want` elements.
inline void check_optional(const char* where, const char* name, std::size_t got,
                           std::size_t want) {
  if (got != 0) check_size(where, name, got, want);
}

inline void check_weights_sizes(const char* where, const dims& d, std::size_t ih, std::size_t hh,
                                std::size_t bih, std::size_t bhh) {
  check_size(where, "weight_ih", ih, d.G * d.H * d.I);
  check_size(where, "weight_hh", hh, d.G * d.H * d.H);
  check_size(where, "bias_ih", bih, d.G * d.H);
  check_size(where, "bias_hh", bhh, d.G * d.H);
}

template <class Real>
Real logistic(const Real& a) {
  using std::exp;
  return Real(1) / (Real(1) + exp(-a));
}

template <class Real>
Real hyperbolic_tangent(const Real& a) {
  using std::tanh;
  return tanh(a);
}

// pre[r] = b_ih[r] + b_hh[r] + Σ_i W_ih[r,i] x[i] + Σ_j W_hh[r,j] h[j], split in the x part and
// the h part because GRU's n gate treats them apart. rows: G·H.
template <class Real>
void affine(std::vector<Real>& from_x, std::vector<Real>& from_h, const weights<Real>& w,
            const Real* x, const Real* h_prev, const dims& d) {
  const std::size_t rows = d.G * d.H;
  from_x.assign(rows, Real(0));
  from_h.assign(rows, Real(0));
  for (std::size_t r = 0; r < rows; ++r) {
    Real sx = w.bias_ih[r];
    for (std::size_t i = 0; i < d.I; ++i) sx += w.weight_ih[r * d.I + i] * x[i];
    Real sh = w.bias_hh[r];
    for (std::size_t j = 0; j < d.H; ++j) sh += w.weight_hh[r * d.H + j] * h_prev[j];
    from_x[r] = sx;
    from_h[r] = sh;
  }
}

// The adjoint of affine() for batch row b of step t (step_row = t·B + b): accumulates the
// parameter gradients, keeps the deltas, writes dx = W_ihᵀ δ_x and adds W_hhᵀ δ_h to dh_prev.
// delta_x, delta_h: G·H.
template <class Real>
void affine_backward(gradients<Real>& g, Real* dh_prev, const weights<Real>& w,
                     const std::vector<Real>& delta_x, const std::vector<Real>& delta_h,
                     const Real* x, const Real* h_prev, std::size_t step_row, const dims& d) {
  Real* dx = &g.x[step_row * d.I];
  const std::size_t rows = d.G * d.H;
  for (std::size_t r = 0; r < rows; ++r) {
    g.delta_x[step_row * rows + r] = delta_x[r];
    g.delta_h[step_row * rows + r] = delta_h[r];
    g.bias_ih[r] += delta_x[r];
    g.bias_hh[r] += delta_h[r];
    for (std::size_t i = 0; i < d.I; ++i) g.weight_ih[r * d.I + i] += delta_x[r] * x[i];
    for (std::size_t j = 0; j < d.H; ++j) g.weight_hh[r * d.H + j] += delta_h[r] * h_prev[j];
  }
  for (std::size_t i = 0; i < d.I; ++i) {
    Real s = 0;
    for (std::size_t r = 0; r < rows; ++r) s += w.weight_ih[r * d.I + i] * delta_x[r];
    dx[i] = s;
  }
  for (std::size_t j = 0; j < d.H; ++j) {
    Real s = 0;
    for (std::size_t r = 0; r < rows; ++r) s += w.weight_hh[r * d.H + j] * delta_h[r];
    dh_prev[j] += s;
  }
}

template <class Real>
gradients<Real> zero_gradients(const dims& d, bool lstm) {
  gradients<Real> g;
  g.weight_ih.assign(d.G * d.H * d.I, Real(0));
  g.weight_hh.assign(d.G * d.H * d.H, Real(0));
  g.bias_ih.assign(d.G * d.H, Real(0));
  g.bias_hh.assign(d.G * d.H, Real(0));
  g.x.assign(d.T * d.B * d.I, Real(0));
  g.h0.assign(d.B * d.H, Real(0));
  g.c0.assign(lstm ? d.B * d.H : 0, Real(0));
  g.h.assign(d.T * d.B * d.H, Real(0));
  g.c.assign(lstm ? d.T * d.B * d.H : 0, Real(0));
  g.delta_x.assign(d.T * d.B * d.G * d.H, Real(0));
  g.delta_h.assign(d.T * d.B * d.G * d.H, Real(0));
  return g;
}

template <class Real>
void check_forward_args(const char* where, const dims& d, bool lstm, const weights<Real>& w,
                        const std::vector<Real>& x, const std::vector<Real>& h0,
                        const std::vector<Real>& c0) {
  check_weights_sizes(where, d, w.weight_ih.size(), w.weight_hh.size(), w.bias_ih.size(),
                      w.bias_hh.size());
  check_size(where, "x", x.size(), d.T * d.B * d.I);
  check_size(where, "h0", h0.size(), d.B * d.H);
  check_size(where, "c0", c0.size(), lstm ? d.B * d.H : 0);
}

template <class Real>
void check_backward_args(const char* where, const dims& d, bool lstm,
                         const trajectory<Real>& run, const std::vector<Real>& grad_output,
                         const std::vector<Real>& grad_h_n, const std::vector<Real>& grad_c_n) {
  check_size(where, "trajectory.output", run.output.size(), d.T * d.B * d.H);
  check_size(where, "trajectory.gates", run.gates.size(), d.T * d.B * d.G * d.H);
  check_size(where, "grad_output", grad_output.size(), d.T * d.B * d.H);
  check_optional(where, "grad_h_n", grad_h_n.size(), d.B * d.H);
  if (lstm)
    check_optional(where, "grad_c_n", grad_c_n.size(), d.B * d.H);
  else
    check_size(where, "grad_c_n", grad_c_n.size(), 0);
}

}  // namespace detail
}  // namespace rnnsuite::reference
