#pragma once
// One recurrent layer: forward over T steps and backpropagation through time, for any of the
// five cells (cells.hpp), on arrays already checked against the problem (arguments.hpp).
//
// Memory: the weights are the layer's own copy (the host lends them to create() only). What
// forward keeps for backward lives in the host's reserve, at the offsets reserve_layout gives;
// the per-step temporaries live in the host's scratch (scratch_layout). Nothing is allocated
// in forward or backward.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "cells.hpp"
#include "sizes.hpp"

namespace example {

// The saved activations, views into the reserve.
template <class Real>
struct saved_activations {
  Real* x;         // T×B×I: x itself (backward is not given x again)
  Real* h;         // (T+1)×B×H: h[0] = h0, h[t+1] = h_t
  Real* c;         // (T+1)×B×H: c[0] = c0, c[t+1] = c_t (LSTM; else NULL)
  Real* gates;     // T×B×(G·H): every gate after its nonlinearity
  Real* hidden_n;  // T×B×H: GRU's W_hn h_{t-1} + b_hn (else NULL)

  saved_activations(const sizes& s, void* reserve) {
    Real* base = static_cast<Real*>(reserve);
    const reserve_layout& r = s.reserve;
    x = base + r.x;
    h = base + r.h;
    c = s.cell == RNNSUITE_CELL_LSTM ? base + r.c : nullptr;
    gates = base + r.gates;
    hidden_n = s.cell == RNNSUITE_CELL_GRU ? base + r.hidden_n : nullptr;
  }
};

// The temporaries of one step of one batch row, views into the scratch.
template <class Real>
struct step_buffers {
  Real* proj_x;    // G·H: forward's W_ih x_t + b_ih; backward's delta_ih
  Real* proj_h;    // G·H: forward's W_hh h_{t-1} + b_hh; backward's delta_hh
  Real* dh_carry;  // B×H: backward's dL/dh_t reaching step t from t+1
  Real* dc_carry;  // B×H: backward's dL/dc_t reaching step t from t+1 (LSTM)

  step_buffers(const sizes& s, void* scratch) {
    Real* base = static_cast<Real*>(scratch);
    const scratch_layout& l = s.scratch;
    proj_x = base + l.proj_x;
    proj_h = base + l.proj_h;
    dh_carry = base + l.dh_carry;
    dc_carry = base + l.dc_carry;
  }
};

template <class Real>
struct parameters {
  const Real* weight_ih;  // (G·H)×I
  const Real* weight_hh;  // (G·H)×H
  const Real* bias_ih;    // G·H
  const Real* bias_hh;    // G·H
};

template <class Real>
struct parameter_gradients {
  Real* weight_ih;  // (G·H)×I
  Real* weight_hh;  // (G·H)×H
  Real* bias_ih;    // G·H
  Real* bias_hh;    // G·H
};

template <class Real>
struct forward_arrays {
  const Real* x;   // T×B×I
  const Real* h0;  // B×H, or NULL: zeros
  const Real* c0;  // B×H (LSTM), or NULL: zeros
  Real* output;    // T×B×H
  Real* h_n;       // B×H
  Real* c_n;       // B×H (LSTM; else NULL)
};

template <class Real>
struct backward_arrays {
  const Real* grad_output;                    // T×B×H: dL/dh_t from the loss
  const Real* grad_h_n;                       // B×H, or NULL: zero
  const Real* grad_c_n;                       // B×H (LSTM), or NULL: zero
  parameter_gradients<Real> grad_parameters;  // all four wanted
  Real* grad_x;                               // T×B×I, or NULL: not wanted
  Real* grad_h0;                              // B×H, or NULL
  Real* grad_c0;                              // B×H (LSTM), or NULL
  Real* grad_h;                               // T×B×H, or NULL: the total dL/dh_t of every step
  Real* grad_c;  // T×B×H (LSTM), or NULL: the total dL/dc_t of every step
};

// y = W v + b, W rows×cols (row-major), y and b rows long.
template <class Real>
void affine(int64_t rows, int64_t cols, const Real* W, const Real* v, const Real* b, Real* y) {
  for (int64_t r = 0; r < rows; ++r) {
    Real sum = b[r];
    for (int64_t k = 0; k < cols; ++k) sum += W[r * cols + k] * v[k];
    y[r] = sum;
  }
}

// y += Wᵀ d, W rows×cols, d rows long, y cols long.
template <class Real>
void add_transposed_product(int64_t rows, int64_t cols, const Real* W, const Real* d, Real* y) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = 0; k < cols; ++k) y[k] += W[r * cols + k] * d[r];
}

// dW += d vᵀ (dW rows×cols), db += d.
template <class Real>
void add_outer_product(int64_t rows, int64_t cols, const Real* d, const Real* v, Real* dW,
                       Real* db) {
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t k = 0; k < cols; ++k) dW[r * cols + k] += d[r] * v[k];
    db[r] += d[r];
  }
}

template <class Real>
class layer {
 public:
  layer(const sizes& s, parameters<Real> p)
      : s_(s),
        weight_ih_(p.weight_ih, p.weight_ih + s.GH * s.I),
        weight_hh_(p.weight_hh, p.weight_hh + s.GH * s.H),
        bias_ih_(p.bias_ih, p.bias_ih + s.GH),
        bias_hh_(p.bias_hh, p.bias_hh + s.GH) {}

  void forward(const forward_arrays<Real>& a, void* reserve, void* scratch) const {
    const int64_t T = s_.T, B = s_.B, I = s_.I, H = s_.H, GH = s_.GH;
    const bool lstm = s_.cell == RNNSUITE_CELL_LSTM;
    saved_activations<Real> saved(s_, reserve);
    step_buffers<Real> buffers(s_, scratch);

    std::copy(a.x, a.x + T * B * I, saved.x);
    fill_or_copy(a.h0, B * H, saved.h);
    if (lstm) fill_or_copy(a.c0, B * H, saved.c);

    for (int64_t t = 0; t < T; ++t) {
      for (int64_t b = 0; b < B; ++b) {
        const int64_t row = t * B + b;  // (t, b) in T×B
        const int64_t next = row + B;   // (t + 1, b): where h_t is saved
        const Real* x_t = saved.x + row * I;
        const Real* h_prev = saved.h + row * H;
        Real* h_t = saved.h + next * H;
        Real* gates = saved.gates + row * GH;
        affine(GH, I, weight_ih_.data(), x_t, bias_ih_.data(), buffers.proj_x);
        affine(GH, H, weight_hh_.data(), h_prev, bias_hh_.data(), buffers.proj_h);
        switch (s_.cell) {
          case RNNSUITE_CELL_LSTM:
            lstm_forward(H, buffers.proj_x, buffers.proj_h, saved.c + row * H, gates,
                         saved.c + next * H, h_t);
            break;
          case RNNSUITE_CELL_GRU:
            gru_forward(H, buffers.proj_x, buffers.proj_h, h_prev, gates, saved.hidden_n + row * H,
                        h_t);
            break;
          default:
            elman_forward(s_.cell, H, buffers.proj_x, buffers.proj_h, gates, h_t);
            break;
        }
      }
    }
    std::copy(saved.h + B * H, saved.h + (T + 1) * B * H, a.output);
    std::copy(saved.h + T * B * H, saved.h + (T + 1) * B * H, a.h_n);
    if (lstm) std::copy(saved.c + T * B * H, saved.c + (T + 1) * B * H, a.c_n);
  }

  // Backpropagation through the last `window` steps (1 <= window <= T; T is full BPTT). Steps
  // before the window get no gradient, and dh0, dc0 are zero unless the window is all T steps.
  // Every gradient asked for is overwritten.
  void backward(const backward_arrays<Real>& a, int64_t window, void* reserve,
                void* scratch) const {
    const int64_t T = s_.T, B = s_.B, I = s_.I, H = s_.H, GH = s_.GH;
    const bool lstm = s_.cell == RNNSUITE_CELL_LSTM;
    const saved_activations<Real> saved(s_, reserve);  // read only
    step_buffers<Real> buffers(s_, scratch);
    const parameter_gradients<Real>& grads = a.grad_parameters;
    Real* delta_ih = buffers.proj_x;  // forward's projections are dead now: reuse them
    Real* delta_hh = buffers.proj_h;

    std::fill(grads.weight_ih, grads.weight_ih + GH * I, Real(0));
    std::fill(grads.weight_hh, grads.weight_hh + GH * H, Real(0));
    std::fill(grads.bias_ih, grads.bias_ih + GH, Real(0));
    std::fill(grads.bias_hh, grads.bias_hh + GH, Real(0));
    // Steps before the window keep these zeros.
    if (a.grad_x) std::fill(a.grad_x, a.grad_x + T * B * I, Real(0));
    if (a.grad_h) std::fill(a.grad_h, a.grad_h + T * B * H, Real(0));
    if (a.grad_c) std::fill(a.grad_c, a.grad_c + T * B * H, Real(0));
    fill_or_copy(a.grad_h_n, B * H, buffers.dh_carry);
    if (lstm) fill_or_copy(a.grad_c_n, B * H, buffers.dc_carry);

    for (int64_t t = T - 1; t >= T - window; --t) {
      for (int64_t b = 0; b < B; ++b) {
        const int64_t row = t * B + b;  // (t, b) in T×B
        const int64_t next = row + B;   // (t + 1, b) in (T+1)×B: h_t, c_t
        Real* dh = buffers.dh_carry + b * H;
        for (int64_t j = 0; j < H; ++j) dh[j] += a.grad_output[row * H + j];  // total dL/dh_t
        if (a.grad_h) std::copy(dh, dh + H, a.grad_h + row * H);

        const Real* gates = saved.gates + row * GH;
        const Real* h_prev = saved.h + row * H;
        switch (s_.cell) {
          case RNNSUITE_CELL_LSTM:
            lstm_backward(H, gates, saved.c + row * H, saved.c + next * H, dh,
                          buffers.dc_carry + b * H, a.grad_c ? a.grad_c + row * H : nullptr,
                          delta_ih);
            std::copy(delta_ih, delta_ih + GH, delta_hh);
            break;
          case RNNSUITE_CELL_GRU:
            gru_backward(H, gates, saved.hidden_n + row * H, h_prev, dh, delta_ih, delta_hh);
            break;
          default:
            elman_backward(s_.cell, H, gates, dh, delta_ih, delta_hh);
            break;
        }
        // dh now holds the part of dL/dh_{t-1} that bypasses W_hh; add the part through it.
        add_transposed_product(GH, H, weight_hh_.data(), delta_hh, dh);
        if (a.grad_x)
          add_transposed_product(GH, I, weight_ih_.data(), delta_ih, a.grad_x + row * I);
        add_outer_product(GH, I, delta_ih, saved.x + row * I, grads.weight_ih, grads.bias_ih);
        add_outer_product(GH, H, delta_hh, h_prev, grads.weight_hh, grads.bias_hh);
      }
    }

    // What reached step -1 is dL/dh0 (dL/dc0), unless the window stopped short of it.
    const bool full = window == T;
    if (a.grad_h0) fill_or_copy(full ? buffers.dh_carry : nullptr, B * H, a.grad_h0);
    if (a.grad_c0) fill_or_copy(full ? buffers.dc_carry : nullptr, B * H, a.grad_c0);
  }

 private:
  // to = from, or zeros where from is NULL.
  static void fill_or_copy(const Real* from, int64_t n, Real* to) {
    if (from)
      std::copy(from, from + n, to);
    else
      std::fill(to, to + n, Real(0));
  }

  sizes s_;
  std::vector<Real> weight_ih_;  // (G·H)×I
  std::vector<Real> weight_hh_;  // (G·H)×H
  std::vector<Real> bias_ih_;    // G·H
  std::vector<Real> bias_hh_;    // G·H
};

}  // namespace example
