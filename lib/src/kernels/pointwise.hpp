#pragma once
// Per-step pointwise work of every cell, forward and backward, vectorized along H.
// Gate blocks inside a row of G·H: LSTM i, f, g, o; GRU r, z, n (PyTorch's order).
#include "kernels/gemm.hpp"
#include "kernels/matvec.hpp"
#include "kernels/simd.hpp"
#include "mutation.hpp"

namespace rnn::kernels {

template <class Real, class Arch>
struct pointwise {
  using S = simd<Real, Arch>;
  using batch = typename S::batch;

  static void forward(rnn::cell cell, const step_forward<Real>& s) {
    const index H = s.H, GH = gate_count(cell) * s.H;
    const batch one(Real(1));
    for (index b = 0; b < s.B; ++b) {
      Real* gates = s.gates + b * GH;
      const Real* rec = s.recurrent + b * GH;
      const Real* h_prev = s.h_prev + b * H;
      Real* h = s.h + b * H;
      // pre-activation of gate block q at columns j..j+n
      auto pre = [&](index q, index j, index n) {
        return S::load(gates + q * H + j, n) + S::load(rec + q * H + j, n) +
               S::load(s.bias_hh + q * H + j, n);
      };
      switch (cell) {
        case rnn::cell::elman_tanh:
          S::for_each_chunk(H, [&](index j, index n) { S::store(h + j, xsimd::tanh(pre(0, j, n)), n); });
          break;
        case rnn::cell::elman_sigmoid:
          S::for_each_chunk(H, [&](index j, index n) { S::store(h + j, S::sigmoid(pre(0, j, n)), n); });
          break;
        case rnn::cell::elman_relu:
          S::for_each_chunk(H, [&](index j, index n) { S::store(h + j, S::relu(pre(0, j, n)), n); });
          break;
        case rnn::cell::lstm: {
          const Real* c_prev = s.c_prev + b * H;
          Real* c = s.c + b * H;
          S::for_each_chunk(H, [&](index j, index n) {
            const batch i = S::sigmoid(pre(0, j, n)), f = S::sigmoid(pre(1, j, n));
            const batch g = xsimd::tanh(pre(2, j, n)), o = S::sigmoid(pre(3, j, n));
            const batch c_new = f * S::load(c_prev + j, n) + i * g;
            S::store(gates + j, i, n);
            S::store(gates + H + j, f, n);
            S::store(gates + 2 * H + j, g, n);
            S::store(gates + 3 * H + j, o, n);
            S::store(c + j, c_new, n);
            S::store(h + j, o * xsimd::tanh(c_new), n);
          });
          break;
        }
        case rnn::cell::gru: {
          Real* hidden_n = s.hidden_n + b * H;
          S::for_each_chunk(H, [&](index j, index n) {
            const batch r = S::sigmoid(pre(0, j, n)), z = S::sigmoid(pre(1, j, n));
            const batch hn = S::load(rec + 2 * H + j, n) + S::load(s.bias_hh + 2 * H + j, n);
            const batch nn = xsimd::tanh(S::load(gates + 2 * H + j, n) + r * hn);
            S::store(gates + j, r, n);
            S::store(gates + H + j, z, n);
            S::store(gates + 2 * H + j, nn, n);
            S::store(hidden_n + j, hn, n);
            S::store(h + j, (one - z) * nn + z * S::load(h_prev + j, n), n);
          });
          break;
        }
      }
    }
  }

  static void backward(rnn::cell cell, const step_backward<Real>& s) {
    const index H = s.H, GH = gate_count(cell) * s.H;
    const batch one(Real(1)), zero(Real(0));
    for (index b = 0; b < s.B; ++b) {
      const index row = b * H;
      Real* delta = s.delta_x + b * GH;
      const Real* gates = s.gates + b * GH;
      // total dL/dh_t: upstream plus what flowed back from step t+1
      auto total_dh = [&](index j, index n) {
        const batch carry = S::load(s.dh_carry + row + j, n);
        const batch dh =
            S::load(s.grad_output + row + j, n) + (RNNSUITE_PLANTED(wrong_sign) ? -carry : carry);
        if (s.grad_h) S::store(s.grad_h + row + j, dh, n);
        return dh;
      };
      switch (cell) {
        case rnn::cell::elman_tanh:
          S::for_each_chunk(H, [&](index j, index n) {
            const batch h = S::load(s.h + row + j, n);
            S::store(delta + j, total_dh(j, n) * (one - h * h), n);
          });
          break;
        case rnn::cell::elman_sigmoid:
          S::for_each_chunk(H, [&](index j, index n) {
            const batch h = S::load(s.h + row + j, n);
            S::store(delta + j, total_dh(j, n) * (h * (one - h)), n);
          });
          break;
        case rnn::cell::elman_relu:
          S::for_each_chunk(H, [&](index j, index n) {
            const batch h = S::load(s.h + row + j, n);
            const auto on = RNNSUITE_PLANTED(relu_derivative_at_zero) ? h >= zero : h > zero;
            S::store(delta + j, xsimd::select(on, total_dh(j, n), zero), n);
          });
          break;
        case rnn::cell::lstm:
          S::for_each_chunk(H, [&](index j, index n) {
            const batch dh = total_dh(j, n);
            const batch i = S::load(gates + j, n), f = S::load(gates + H + j, n);
            const batch g = S::load(gates + 2 * H + j, n), o = S::load(gates + 3 * H + j, n);
            const batch c = S::load(s.c + row + j, n);
            const batch tanh_c = xsimd::tanh(c);
            const batch carry_c =
                RNNSUITE_PLANTED(missing_dc_accumulation) ? zero : S::load(s.dc_carry + row + j, n);
            const batch dc =
                carry_c + dh * o *
                              (RNNSUITE_PLANTED(lstm_rounded_tanh) ? one - tanh_c * tanh_c
                                                                   : S::sech_squared(c));
            if (s.grad_c) S::store(s.grad_c + row + j, dc, n);
            const index swap = RNNSUITE_PLANTED(swapped_gate_derivatives) ? H : 0;
            S::store(delta + swap + j, dc * g * i * (one - i), n);
            S::store(delta + H - swap + j, dc * S::load(s.c_prev + row + j, n) * f * (one - f), n);
            S::store(delta + 2 * H + j, dc * i * (one - g * g), n);
            S::store(delta + 3 * H + j, dh * tanh_c * o * (one - o), n);
            S::store(s.dc_carry + row + j, dc * f, n);
          });
          break;
        case rnn::cell::gru: {
          Real* delta_h = s.delta_h + b * GH;
          S::for_each_chunk(H, [&](index j, index n) {
            const batch dh = total_dh(j, n);
            const batch r = S::load(gates + j, n), z = S::load(gates + H + j, n);
            const batch nn = S::load(gates + 2 * H + j, n);
            const batch h_prev = S::load(s.h_prev + row + j, n);
            const batch delta_n = dh * (one - z) * (one - nn * nn);
            const batch delta_r = delta_n * S::load(s.hidden_n + row + j, n) * r * (one - r);
            const batch delta_z = dh * (h_prev - nn) * z * (one - z);
            S::store(delta + j, delta_r, n);
            S::store(delta + H + j, delta_z, n);
            const bool reset_on_x = RNNSUITE_PLANTED(gru_reset_wrong_term);
            S::store(delta + 2 * H + j, reset_on_x ? delta_n * r : delta_n, n);
            S::store(delta_h + j, delta_r, n);
            S::store(delta_h + H + j, delta_z, n);
            S::store(delta_h + 2 * H + j, reset_on_x ? delta_n : delta_n * r, n);
            S::store(s.dh_carry + row + j, dh * z, n);
          });
          break;
        }
      }
    }
  }
};

template <class Real, class Arch>
table<Real> make_table() {
  return {&gemm_kernel<Real, Arch>::run,
          &gemm_kernel<Real, Arch>::run_packed,
          &gemm_kernel<Real, Arch>::run_packed_onto_row,
          &gemm_kernel<Real, Arch>::run_transposed_a,
          &gemm_kernel<Real, Arch>::transposed_a_scratch,
          &gemm_kernel<Real, Arch>::pack_panels,
          gemm_kernel<Real, Arch>::panel_width,
          &matvec_kernel<Real, Arch>::run,
          &matvec_kernel<Real, Arch>::pack,
          &matvec_kernel<Real, Arch>::packed_size,
          &gemm_kernel<Real, Arch>::column_sums,
          &pointwise<Real, Arch>::forward, &pointwise<Real, Arch>::backward};
}

}  // namespace rnn::kernels
