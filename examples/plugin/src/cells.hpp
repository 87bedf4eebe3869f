#pragma once
// One step of each cell for one batch row: forward and backward, in PyTorch's equations
// (rnnsuite/plugin.h, DESIGN.md). Plain scalar loops over the H units; layer.hpp runs them over
// every step and batch row and does the matrix products around them.
//
// Every function takes the row's pre-activations split in two, as PyTorch computes them:
//   proj_x = W_ih x_t + b_ih      (G·H)
//   proj_h = W_hh h_{t-1} + b_hh  (G·H)
// because GRU's reset gate multiplies only the hidden part of its n gate.
//
// Backward works on the gradient dL/da with respect to the pre-activations a ("delta"), once
// for the x side (delta_ih: multiplies W_ih, sums into dW_ih, db_ih) and once for the hidden side
// (delta_hh: W_hh, dW_hh, db_hh). They are the same vector except in GRU's n gate.
#include <cmath>
#include <cstdint>

#include "rnnsuite/plugin.h"

namespace example {

template <class Real>
Real sigmoid(Real a) {
  // Two forms so exp never overflows: exp(-a) for a >= 0, exp(a) otherwise.
  if (a >= Real(0)) return Real(1) / (Real(1) + std::exp(-a));
  const Real e = std::exp(a);
  return e / (Real(1) + e);
}

// tanh'(c) = 1 - tanh(c)^2, written so it keeps its digits in the tail. From a rounded tanh(c),
// 1 - tanh^2 cancels: at |c| = 10 it keeps about 3 of double's 16 digits and none of float's, and
// LSTM cell states reach such values. With u = exp(-2|c|), 1 - tanh^2(c) = 4u / (1 + u)^2.
template <class Real>
Real tanh_derivative(Real c) {
  const Real u = std::exp(Real(-2) * std::abs(c));
  return Real(4) * u / ((Real(1) + u) * (Real(1) + u));
}

// ---------------------------------------------------------------------------------------------
// Elman: h = f(a), a = proj_x + proj_h, f = tanh, sigmoid or ReLU. G = 1.

template <class Real>
void elman_forward(int32_t cell, int64_t H,
                   const Real* proj_x,  // H
                   const Real* proj_h,  // H
                   Real* gates,         // H: f(a), saved for backward
                   Real* h) {           // H: h_t
  for (int64_t j = 0; j < H; ++j) {
    const Real a = proj_x[j] + proj_h[j];
    Real activation;
    switch (cell) {
      case RNNSUITE_CELL_ELMAN_TANH:
        activation = std::tanh(a);
        break;
      case RNNSUITE_CELL_ELMAN_SIGMOID:
        activation = sigmoid(a);
        break;
      default:  // RNNSUITE_CELL_ELMAN_RELU
        activation = a > Real(0) ? a : Real(0);
        break;
    }
    gates[j] = activation;
    h[j] = activation;
  }
}

// dh: in, the total dL/dh_t; out, the part of dL/dh_{t-1} that does not go through W_hh (none).
template <class Real>
void elman_backward(int32_t cell, int64_t H,
                    const Real* gates,  // H: f(a) of this step
                    Real* dh,           // H: in/out, as above
                    Real* delta_ih,     // H: dL/da
                    Real* delta_hh) {   // H: the same
  for (int64_t j = 0; j < H; ++j) {
    const Real h = gates[j];
    Real derivative;  // f'(a), from f(a)
    switch (cell) {
      case RNNSUITE_CELL_ELMAN_TANH:
        derivative = Real(1) - h * h;
        break;
      case RNNSUITE_CELL_ELMAN_SIGMOID:
        derivative = h * (Real(1) - h);
        break;
      default:  // ReLU, with f'(0) taken as 0
        derivative = h > Real(0) ? Real(1) : Real(0);
        break;
    }
    delta_ih[j] = dh[j] * derivative;
    delta_hh[j] = delta_ih[j];
    dh[j] = Real(0);
  }
}

// ---------------------------------------------------------------------------------------------
// LSTM, gates i, f, g, o (blocks of H in that order). G = 4.
//   i, f, o = sigmoid(a_i, a_f, a_o), g = tanh(a_g)
//   c_t = f * c_{t-1} + i * g,  h_t = o * tanh(c_t)

template <class Real>
void lstm_forward(int64_t H,
                  const Real* proj_x,  // 4H
                  const Real* proj_h,  // 4H
                  const Real* c_prev,  // H: c_{t-1}
                  Real* gates,         // 4H: i, f, g, o after their nonlinearities
                  Real* c,             // H: c_t
                  Real* h) {           // H: h_t
  for (int64_t j = 0; j < H; ++j) {
    const Real i = sigmoid(proj_x[j] + proj_h[j]);
    const Real f = sigmoid(proj_x[H + j] + proj_h[H + j]);
    const Real g = std::tanh(proj_x[2 * H + j] + proj_h[2 * H + j]);
    const Real o = sigmoid(proj_x[3 * H + j] + proj_h[3 * H + j]);
    gates[j] = i;
    gates[H + j] = f;
    gates[2 * H + j] = g;
    gates[3 * H + j] = o;
    c[j] = f * c_prev[j] + i * g;
    h[j] = o * std::tanh(c[j]);
  }
}

// dh: in, the total dL/dh_t; out, the part of dL/dh_{t-1} not through W_hh (none).
// dc: in, dL/dc_t from step t+1 (or the loss on c_n); out, dL/dc_{t-1} = dL/dc_t * f.
template <class Real>
void lstm_backward(int64_t H,
                   const Real* gates,   // 4H: i, f, g, o of this step
                   const Real* c_prev,  // H: c_{t-1}
                   const Real* c,       // H: c_t
                   Real* dh,            // H: in/out, as above
                   Real* dc,            // H: in/out, as above
                   Real* dc_total,      // H or NULL: the total dL/dc_t (grad_c at this step)
                   Real* delta) {       // 4H: dL/da for i, f, g, o (x side and hidden side alike)
  for (int64_t j = 0; j < H; ++j) {
    const Real i = gates[j], f = gates[H + j], g = gates[2 * H + j], o = gates[3 * H + j];
    const Real dc_t = dc[j] + dh[j] * o * tanh_derivative(c[j]);
    if (dc_total) dc_total[j] = dc_t;
    delta[j] = dc_t * g * i * (Real(1) - i);
    delta[H + j] = dc_t * c_prev[j] * f * (Real(1) - f);
    delta[2 * H + j] = dc_t * i * (Real(1) - g * g);
    delta[3 * H + j] = dh[j] * std::tanh(c[j]) * o * (Real(1) - o);
    dc[j] = dc_t * f;
    dh[j] = Real(0);
  }
}

// ---------------------------------------------------------------------------------------------
// GRU, gates r, z, n (blocks of H in that order), PyTorch's form. G = 3.
//   r, z = sigmoid(a_r, a_z)
//   n = tanh(W_in x + b_in + r * (W_hn h_{t-1} + b_hn))
//   h_t = (1 - z) * n + z * h_{t-1}

template <class Real>
void gru_forward(int64_t H,
                 const Real* proj_x,  // 3H
                 const Real* proj_h,  // 3H
                 const Real* h_prev,  // H: h_{t-1}
                 Real* gates,         // 3H: r, z, n after their nonlinearities
                 Real* hidden_n,      // H: W_hn h_{t-1} + b_hn, which r multiplies
                 Real* h) {           // H: h_t
  for (int64_t j = 0; j < H; ++j) {
    const Real r = sigmoid(proj_x[j] + proj_h[j]);
    const Real z = sigmoid(proj_x[H + j] + proj_h[H + j]);
    const Real n = std::tanh(proj_x[2 * H + j] + r * proj_h[2 * H + j]);
    gates[j] = r;
    gates[H + j] = z;
    gates[2 * H + j] = n;
    hidden_n[j] = proj_h[2 * H + j];
    h[j] = (Real(1) - z) * n + z * h_prev[j];
  }
}

// dh: in, the total dL/dh_t; out, the part of dL/dh_{t-1} not through W_hh: dh * z, from the
// term z * h_{t-1} of h_t.
template <class Real>
void gru_backward(int64_t H,
                  const Real* gates,     // 3H: r, z, n of this step
                  const Real* hidden_n,  // H: W_hn h_{t-1} + b_hn of this step
                  const Real* h_prev,    // H: h_{t-1}
                  Real* dh,              // H: in/out, as above
                  Real* delta_ih,        // 3H: dL/da on the x side: r, z, n
                  Real* delta_hh) {      // 3H: on the hidden side: r, z, and n times r
  for (int64_t j = 0; j < H; ++j) {
    const Real r = gates[j], z = gates[H + j], n = gates[2 * H + j];
    const Real delta_n = dh[j] * (Real(1) - z) * (Real(1) - n * n);
    const Real delta_r = delta_n * hidden_n[j] * r * (Real(1) - r);
    const Real delta_z = dh[j] * (h_prev[j] - n) * z * (Real(1) - z);
    delta_ih[j] = delta_r;
    delta_ih[H + j] = delta_z;
    delta_ih[2 * H + j] = delta_n;
    delta_hh[j] = delta_r;
    delta_hh[H + j] = delta_z;
    delta_hh[2 * H + j] = delta_n * r;  // r multiplies W_hn h_{t-1} + b_hn in the forward
#ifdef RNNSUITE_EXAMPLE_PLANTED_BUG
    // PLANTED BUG (librnnsuite_example_plugin_mutant.so only): the direct path h_t = ... +
    // z*h_{t-1} is forgotten, so dL/dh_{t-1} gets only W_hh^T delta_hh. A realistic slip: the path
    // carries no weight. rnnsuite verify catches it in every GRU regime (gru_update_1 most of all,
    // where z ~ 0.98 and this path carries nearly all of the gradient).
    dh[j] = Real(0);
#else
    dh[j] = dh[j] * z;
#endif
  }
}

}  // namespace example
