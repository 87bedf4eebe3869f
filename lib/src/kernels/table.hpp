#pragma once
// The kernels one instruction set provides, as a table of function pointers, so layer.cpp (built
// without instruction-set flags) can call the ones chosen at run time. Every pointer argument is
// a raw array; shapes are in the comments of step_forward / step_backward below.
#include <cstdint>

#include "rnn/cell.hpp"
#include "rnn/isa.hpp"

namespace rnn::kernels {

using index = std::int64_t;

// One forward step's pointwise work after the recurrent GEMM: bias, gates, state update.
template <class Real>
struct step_forward {
  Real* gates;           // B×GH: in, x·W_ihᵀ + b_ih; out, the activated gates (what backward needs)
  Real* hidden_n;        // B×H, GRU only: out, W_hn·h' + b_hn (the reset gate multiplies it)
  Real* h;               // B×H: out, this step's h
  Real* c;               // B×H, LSTM only: out, this step's c
  const Real* recurrent; // B×GH: h'·W_hhᵀ (no bias)
  const Real* bias_hh;   // GH
  const Real* h_prev;    // B×H
  const Real* c_prev;    // B×H, LSTM only
  index B, H;
};

// One backward step's pointwise work: the gate deltas from the total dL/dh of this step.
template <class Real>
struct step_backward {
  Real* delta_x;         // B×GH: out, dL/d(pre-activation), the x side (and h side except GRU's n)
  Real* delta_h;         // B×GH, GRU only: out, dL/d(W_hh·h' + b_hh); other cells use delta_x
  Real* dh_carry;        // B×H: in, dL/dh_t from step t+1; out, GRU only: z⊙dh (the direct path
                         //   to h'), which the recurrent GEMM then accumulates onto
  Real* dc_carry;        // B×H, LSTM only: in, dL/dc_t from step t+1; out, dL/dc_{t-1}
  Real* grad_h;          // B×H or null: out, total dL/dh_t
  Real* grad_c;          // B×H or null, LSTM only: out, total dL/dc_t
  const Real* grad_output; // B×H: upstream dL/dh_t
  const Real* gates;     // B×GH: activated gates of the forward step
  const Real* hidden_n;  // B×H, GRU only
  const Real* h;         // B×H: h_t
  const Real* h_prev;    // B×H: h_{t-1}
  const Real* c;         // B×H, LSTM only: c_t
  const Real* c_prev;    // B×H, LSTM only: c_{t-1}
  index B, H;
};

template <class Real>
struct table {
  // c (M×N, row stride ldc) = or += A·B, A(m,k) = a[m·a_row + k·a_col], B K×N with row stride ldb.
  void (*gemm)(Real* c, index ldc, const Real* a, index a_row, index a_col, const Real* b,
               index ldb, index M, index N, index K, bool accumulate);
  // The same with B packed by pack_panels (weights, packed once per layer).
  void (*gemm_packed)(Real* c, index ldc, const Real* a, index a_row, index a_col,
                      const Real* packed, index M, index N, index K, bool accumulate);
  // C = row + A·B, the row (N) added to every row of C, B packed.
  void (*gemm_packed_onto_row)(Real* c, index ldc, const Real* a, index a_row, index a_col,
                               const Real* packed, const Real* row, index M, index N, index K);
  // c (M×N) = or += A·B, A(m,k) = a[m + k·lda] (transposed in memory), B K×N with row stride
  // ldb; both packed on the way into scratch (transposed_a_scratch(N) values, the caller's).
  void (*gemm_transposed_a)(Real* c, index ldc, const Real* a, index lda, const Real* b,
                            index ldb, index M, index N, index K, bool accumulate, Real* scratch);
  index (*transposed_a_scratch)(index N);
  // packed (ceil(N / panel_width)·panel_width·K) = panels of src (K×N row-major).
  void (*pack_panels)(Real* packed, const Real* src, index K, index N);
  index panel_width;
  // y[r] = or += (W·v)[r] for r in [begin, end), W rows×cols packed by pack_matvec: the batch-1
  // recurrent product. y: rows, v: cols.
  void (*matvec)(Real* y, const Real* packed, const Real* v, index begin, index end, index rows,
                 index cols, bool accumulate);
  // packed (matvec_packed_size(rows, cols)) = W (rows×cols, row-major) in the matvec's layout.
  void (*pack_matvec)(Real* packed, const Real* w, index rows, index cols);
  index (*matvec_packed_size)(index rows, index cols);
  // sums (N) += Σ over the M rows of a (M×N, row stride lda), row by row in order.
  void (*column_sums)(Real* sums, const Real* a, index lda, index M, index N);
  void (*forward_step)(rnn::cell cell, const step_forward<Real>& s);
  void (*backward_step)(rnn::cell cell, const step_backward<Real>& s);
};

// Defined in lib/src/arch/kernels_<isa>.cpp, each built with its instruction set's flags.
table<float> sse2_f32();
table<double> sse2_f64();
table<float> avx2_f32();
table<double> avx2_f64();
table<float> avx512_f32();
table<double> avx512_f64();

template <class Real>
table<Real> for_isa(rnn::isa i);

}  // namespace rnn::kernels
