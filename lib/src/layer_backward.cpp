// rnn::layer::backward: backpropagation through time over the last `steps` steps.
// Per step only the gate deltas and dh' = δ·W_hh; the weight and bias gradients and dx are GEMMs
// over all the rows of a chunk of steps, after the chunk's steps.
#include <algorithm>

#include "layer_impl.hpp"
#include "mutation.hpp"

namespace rnn {

template <class Real>
void layer<Real>::backward(std::span<const Real> grad_output, std::span<const Real> grad_h_n,
                           std::span<const Real> grad_c_n, gradients_view<Real> grads,
                           std::int64_t steps) {
  impl& m = *impl_;
  const char* where = "layer::backward";
  if (!m.has_forward) throw error("layer::backward called before any forward");
  if (steps < 0) throw error("layer::backward: steps must be >= 0, got " + std::to_string(steps));
  const bool lstm = m.p.cell == cell::lstm, gru = m.p.cell == cell::gru;
  const kernels::index T = m.T, B = m.B, I = m.I, H = m.H, GH = m.GH;
  const std::size_t state = B * H, seq = T * state;
  detail::check_size(where, "grad_output", grad_output.size(), seq, "T×B×H");
  detail::check_optional(where, "grad_h_n", grad_h_n.size(), state, "B×H or empty");
  if (lstm)
    detail::check_optional(where, "grad_c_n", grad_c_n.size(), state, "B×H or empty");
  else
    detail::check_size(where, "grad_c_n", grad_c_n.size(), 0, "empty, not LSTM");
  detail::check_size(where, "grads.weight_ih", grads.weight_ih.size(), GH * I, "(G·H)×I");
  detail::check_size(where, "grads.weight_hh", grads.weight_hh.size(), GH * H, "(G·H)×H");
  detail::check_size(where, "grads.bias_ih", grads.bias_ih.size(), GH, "G·H");
  detail::check_size(where, "grads.bias_hh", grads.bias_hh.size(), GH, "G·H");
  detail::check_optional(where, "grads.x", grads.x.size(), T * B * I, "T×B×I or empty");
  detail::check_optional(where, "grads.h0", grads.h0.size(), state, "B×H or empty");
  if (lstm)
    detail::check_optional(where, "grads.c0", grads.c0.size(), state, "B×H or empty");
  else
    detail::check_size(where, "grads.c0", grads.c0.size(), 0, "empty, not LSTM");
  detail::check_optional(where, "grads.h", grads.h.size(), seq, "T×B×H or empty");
  if (lstm)
    detail::check_optional(where, "grads.c", grads.c.size(), seq, "T×B×H or empty");
  else
    detail::check_size(where, "grads.c", grads.c.size(), 0, "empty, not LSTM");

  const detail::packed_batch& pack = m.packing;
  if (pack.packed && steps != 0 && steps < T)
    throw error("layer::backward: steps = " + std::to_string(steps) + " < T = " +
                std::to_string(T) + " asks truncated BPTT after a forward with lengths (" +
                format_problem(m.p) + "), which is not supported: a sequence's last steps are "
                "not the batch's; use steps = 0");
  if (m.checkpointed && steps != 0 && steps < T)
    throw error("layer::backward: steps = " + std::to_string(steps) + " < T = " +
                std::to_string(T) + " (truncated BPTT) with layer_options.memory_budget_bytes "
                "below full storage (" + format_problem(m.p) + ") is not supported yet");
  // The window [t_first, T); earlier steps get no gradient (truncated BPTT).
  kernels::index window = (steps == 0 || steps > T) ? T : steps;
  if (RNNSUITE_PLANTED(truncation_unasked) && steps == 0) window = (T + 1) / 2;
  if (RNNSUITE_PLANTED(truncation_window_short) && steps > 0 && steps < T) window = steps - 1;
  const kernels::index t_first = T - window;

  // The carried gradients are in the packed order: a row waits there untouched until the step
  // its sequence ends, where its gradient on h_n (c_n) enters.
  if (grad_h_n.empty() || RNNSUITE_PLANTED(grad_h_n_ignored))
    std::fill(m.dh_carry.begin(), m.dh_carry.end(), Real(0));
  else if (!pack.packed)
    std::copy(grad_h_n.begin(), grad_h_n.end(), m.dh_carry.begin());
  else
    pack.gather_rows(m.dh_carry.data(), grad_h_n.data(), H);
  if (lstm) {
    if (grad_c_n.empty() || RNNSUITE_PLANTED(grad_c_n_ignored))
      std::fill(m.dc_carry.begin(), m.dc_carry.end(), Real(0));
    else if (!pack.packed)
      std::copy(grad_c_n.begin(), grad_c_n.end(), m.dc_carry.begin());
    else
      pack.gather_rows(m.dc_carry.data(), grad_c_n.data(), H);
  }
  // lengths_gradient_leak: the upstream gradient on a finished sequence's padded steps reaches
  // its carried dL/dh, as if its state there were its output.
  if (pack.packed && RNNSUITE_PLANTED(lengths_gradient_leak))
    for (kernels::index t = 0; t < T; ++t)
      for (kernels::index r = 0; r < B; ++r)
        if (!pack.inside(t, r))
          for (kernels::index j = 0; j < H; ++j)
            m.dh_carry[r * H + j] += grad_output[(t * B + pack.order[r]) * H + j];
  // The forward pass's scratch row, zeroed: an upstream gradient of nothing.
  if (RNNSUITE_PLANTED(upstream_last_step_only))
    std::fill(m.recurrent.begin(), m.recurrent.end(), Real(0));
  // δ on the h side: GRU's n gate differs (r multiplies W_hn·h'); the other cells share δ.
  Real* delta_h = gru ? m.delta_h.data() : m.delta_x.data();
  // Outside GRU both biases see the same δ, so db_ih = db_hh: one pass over the deltas instead of
  // two (about 1 % of lstm_t128_b16_i128_h128_f32's time).
  const bool bias_ih_is_bias_hh = !gru && !RNNSUITE_PLANTED(bias_dropped_step);
  // The first chunk (the last steps) writes dW, the others add to it; an empty window leaves 0.
  // window = min(steps, T) >= 1 for every steps the API takes, and lengths refuse truncation;
  // only a planted mutant (truncation_window_short at steps = 1, truncation_unasked with short
  // lengths) empties it. GCOVR_EXCL_START
  if (t_first >= pack.steps) {
    std::fill(grads.weight_ih.begin(), grads.weight_ih.end(), Real(0));
    std::fill(grads.weight_hh.begin(), grads.weight_hh.end(), Real(0));
  }
  // GCOVR_EXCL_STOP
  std::fill(grads.bias_hh.begin(), grads.bias_hh.end(), Real(0));
  if (!bias_ih_is_bias_hh) std::fill(grads.bias_ih.begin(), grads.bias_ih.end(), Real(0));
  if (!grads.x.empty()) std::fill(grads.x.begin(), grads.x.begin() + t_first * B * I, Real(0));
  // Steps past the longest sequence: no gradient.
  if (!grads.x.empty()) std::fill(grads.x.begin() + pack.steps * B * I, grads.x.end(), Real(0));
  if (!grads.h.empty()) std::fill(grads.h.begin() + pack.steps * state, grads.h.end(), Real(0));
  if (!grads.c.empty()) std::fill(grads.c.begin() + pack.steps * state, grads.c.end(), Real(0));

  // Step t of the chunk starting at step t0: the gate deltas, then dL/dh_{t-1} = δ_h·W_hh, added
  // for GRU onto the direct path z⊙dh the step left in dh_carry. Rows [0, B_t) in the packed
  // order; with lengths the chunk's upstream gradient and dL/dh_t, dL/dc_t are in packed rows
  // too (gathered before, scattered after).
  const bool want_h = !grads.h.empty(), want_c = !grads.c.empty();
  auto backward_step = [&](kernels::index t, kernels::index t0) {
    const kernels::index active = pack.active[t], row = pack.first_row[t];
    // s_prev: the step's first row in the caller's T×B×H arrays (not packed); the activations'
    // rows are from row_base on (layer_impl.hpp).
    const std::size_t s_prev = row * H, local_prev = (row - m.row_base) * H;
    const kernels::index local_row = row - m.row_base;
    const kernels::index chunk_row = row - pack.first_row[t0];
    // Where the per-row data of the step's row 0 is: the caller's arrays or the chunk's rows.
    Real* grad_h = !want_h ? nullptr
                   : pack.packed ? m.packed_grad_h.data() + chunk_row * H
                                 : grads.h.data() + s_prev;
    Real* grad_c = !want_c ? nullptr
                   : pack.packed ? m.packed_grad_c.data() + chunk_row * H
                                 : grads.c.data() + s_prev;
    const Real* upstream = pack.packed ? m.packed_rows.data() + chunk_row * H
                                       : grad_output.data() + s_prev;
    // Gate deltas of batch rows [b0, b1).
    auto deltas = [&](kernels::index b0, kernels::index b1) {
      pack.split_at_end(t, b0, b1, [&](kernels::index e0, kernels::index e1,
                                       kernels::index next) {
        const std::size_t r0 = e0 * H, g0 = (chunk_row + e0) * GH;
        const std::size_t s_deriv = RNNSUITE_PLANTED(wrong_derivative_step) && t == T - 1
                                        ? local_prev
                                        : (next - m.row_base) * H;
        kernels::step_backward<Real> step{};
        step.delta_x = m.delta_x.data() + g0;
        step.delta_h = gru ? m.delta_h.data() + g0 : nullptr;
        step.dh_carry = m.dh_carry.data() + r0;
        step.dc_carry = lstm ? m.dc_carry.data() + r0 : nullptr;
        step.grad_h = grad_h ? grad_h + r0 : nullptr;
        step.grad_c = grad_c ? grad_c + r0 : nullptr;
        step.grad_output = upstream + r0;
        if (RNNSUITE_PLANTED(upstream_last_step_only) && t != T - 1)  // as if the loss were last
          step.grad_output = m.recurrent.data() + r0;
        step.gates = m.gates.data() + (local_row + e0) * GH;
        step.hidden_n = gru ? m.hidden_n.data() + local_prev + r0 : nullptr;
        step.h = m.h.data() + s_deriv + r0;
        step.h_prev = m.h.data() + local_prev + r0;
        step.c = lstm ? m.c.data() + s_deriv + r0 : nullptr;
        step.c_prev = lstm ? m.c.data() + local_prev + r0 : nullptr;
        step.B = e1 - e0, step.H = H;
        m.k.backward_step(m.p.cell, step);
      });
    };
    const bool skip_recurrence = RNNSUITE_PLANTED(missing_dh0_transpose) && t == 0;
    const bool transposed = RNNSUITE_PLANTED(transposed_whh) && GH == H;
    if (B == 1) {
      deltas(0, 1);
      if (skip_recurrence) return;
      // Batch 1: W_hhᵀ·δ streaming W_hhᵀ's rows, each thread always the same rows.
      detail::parallel_for(*m.pool, H, 16, (kernels::index(1) << 16) / GH,
                           [&](kernels::index r0, kernels::index r1) {
                             detail::matvec_alternating(
                                 m.k, m.dh_carry.data(),
                                 (transposed ? m.matvec_hh : m.matvec_hh_t).data(),
                                 delta_h + chunk_row * GH, r0, r1, H, GH, gru, t % 2 == 1,
                                 m.half_of_l2);
                           });
    } else if (m.recurrent_by_columns) {
      detail::parallel_for(*m.pool, active, 8, 16, deltas);
      if (!skip_recurrence)
        detail::gemm_by_columns(*m.pool, m.k, m.dh_carry.data(), H, delta_h + chunk_row * GH, GH,
                                (transposed ? m.packed_hh_t : m.packed_hh).data(), active, H, GH,
                                gru);
    } else {
      detail::parallel_for(*m.pool, active, 8, 16, [&](kernels::index b0, kernels::index b1) {
        deltas(b0, b1);
        if (skip_recurrence) return;
        m.k.gemm_packed(m.dh_carry.data() + b0 * H, H, delta_h + (chunk_row + b0) * GH, GH, 1,
                        (transposed ? m.packed_hh_t : m.packed_hh).data(), b1 - b0, H, GH, gru);
      });
    }
    if (RNNSUITE_PLANTED(float_accumulation))
      for (Real& v : m.dh_carry) v = static_cast<Real>(static_cast<float>(v));
  };

  // The caller's positions (t, order[r]) of steps [t0, t1), in parallel: copy(t, r, q) where
  // the sequence has step t (q: its packed row), else zero(t, r).
  auto for_positions = [&](kernels::index t0, kernels::index t1, auto&& copy, auto&& zero) {
    detail::parallel_for(*m.pool, (t1 - t0) * B, 8, 16, [&](kernels::index p0, kernels::index p1) {
      for (kernels::index p = p0; p < p1; ++p) {
        const kernels::index t = t0 + p / B, r = p % B;
        if (pack.inside(t, r))
          copy(t, r, pack.first_row[t] + r);
        else
          zero(t, r);
      }
    });
  };
  // Row (t, order[r]) of a T×B×N array of the caller's.
  auto caller_row = [&](auto* a, kernels::index N, kernels::index t, kernels::index r) {
    return a + (t * B + pack.order[r]) * N;
  };

  // Backpropagates the chunk of steps [t0, t1). After the chunk's steps, over all its rows while
  // its deltas are still in cache: dW_ih += δ_xᵀ·x, dW_hh += δ_hᵀ·h_prev, db += Σ_rows δ,
  // dx = δ_x·W_ih.
  auto backprop_chunk = [&](kernels::index t0, kernels::index t1) {
    const kernels::index first_row = pack.first_row[t0];
    if (pack.packed)  // the chunk's upstream gradient in its packed rows; padded positions ignored
      for_positions(t0, t1, [&](kernels::index t, kernels::index r, kernels::index q) {
        std::copy_n(caller_row(grad_output.data(), H, t, r), H,
                    m.packed_rows.data() + (q - first_row) * H);
      }, [](kernels::index, kernels::index) {});
    for (kernels::index t = t1 - 1; t >= t0; --t) {
      if (RNNSUITE_PLANTED(off_by_one) && t == t_first) {  // the loop stops one step early
        const kernels::index rows_of_t = pack.active[t] * GH;
        std::fill(m.delta_x.begin(), m.delta_x.begin() + rows_of_t, Real(0));
        if (gru) std::fill(m.delta_h.begin(), m.delta_h.begin() + rows_of_t, Real(0));
        continue;
      }
      backward_step(t, t0);
    }
    const kernels::index rows = RNNSUITE_PLANTED(chunk_rows_full) && t1 < pack.steps
                                    ? m.chunk * B
                                    : pack.first_row[t1] - first_row;
    // Each thread takes the same rows of dW and entries of db (gate units) or rows of dx in every
    // chunk, so any thread count gives the same sums in the same order.
    const bool accumulate = t1 < pack.steps;
    const bool drop_last_step = RNNSUITE_PLANTED(bias_dropped_step) && t1 == pack.steps;
    // dW (rows g0..g1) += δᵀ·b (b: the chunk's x or h', N columns).
    auto weight_gradient = [&](int thread, Real* dw, const Real* delta, const Real* b,
                               kernels::index N, kernels::index g0, kernels::index g1) {
      if (m.packs_weight_gradient_operands(rows, N))
        m.k.gemm_transposed_a(dw + g0 * N, N, delta + g0, GH, b, N, g1 - g0, N, rows,
                              accumulate, m.weight_gradient_scratch(thread));
      else
        m.k.gemm(dw + g0 * N, N, delta + g0, 1, GH, b, N, g1 - g0, N, rows, accumulate);
    };
    detail::parallel_for(*m.pool, GH, 8, 16, [&](int thread, kernels::index g0,
                                                 kernels::index g1) {
      weight_gradient(thread, grads.weight_ih.data(), m.delta_x.data(), m.x_rows + first_row * I,
                      I, g0, g1);
      weight_gradient(thread, grads.weight_hh.data(), delta_h,
                      m.h.data() + (first_row - m.row_base) * H, H, g0, g1);
      m.k.column_sums(grads.bias_hh.data() + g0,
                      (RNNSUITE_PLANTED(gru_bias_hh_from_x) ? m.delta_x.data() : delta_h) + g0,
                      GH, rows, g1 - g0);
      if (!bias_ih_is_bias_hh)
        m.k.column_sums(grads.bias_ih.data() + g0, m.delta_x.data() + g0, GH,
                        rows - (drop_last_step ? pack.active[t1 - 1] : 0), g1 - g0);
    });
    // dx of the chunk's rows: straight into the caller's array, or into packed rows first.
    Real* dx = pack.packed || grads.x.empty() ? m.packed_rows.data() : grads.x.data() + first_row * I;
    if (!grads.x.empty())
      detail::parallel_for(*m.pool, rows, 8, 16, [&](kernels::index r0, kernels::index r1) {
        m.k.gemm_packed(dx + r0 * I, I, m.delta_x.data() + r0 * GH, GH, 1, m.packed_ih.data(),
                        r1 - r0, I, GH, false);
      });
    if (pack.packed) {
      // The chunk's packed rows to the caller's positions, zero past each sequence's length.
      auto scatter = [&](std::span<Real> to, const Real* from, kernels::index N) {
        if (to.empty()) return;
        for_positions(t0, t1, [&](kernels::index t, kernels::index r, kernels::index q) {
          std::copy_n(from + (q - first_row) * N, N, caller_row(to.data(), N, t, r));
        }, [&](kernels::index t, kernels::index r) {
          std::fill_n(caller_row(to.data(), N, t, r), N, Real(0));
        });
      };
      scatter(grads.x, m.packed_rows.data(), I);
      scatter(grads.h, m.packed_grad_h.data(), H);
      scatter(grads.c, m.packed_grad_c.data(), H);
    }
  };
  // The chunks of the window [t_first, T), last first (with lengths, of the steps any sequence
  // has); under a memory budget the same chunks in the same order, each recomputed first.
  // One OpenMP region for all the steps (thread_pool.hpp).
  m.pool->session([&] {
    if (m.checkpointed) {
      m.checkpointed_backward(backprop_chunk);
    } else {
      for (kernels::index t1 = pack.steps; t1 > t_first;) {
        const kernels::index t0 = std::max(t_first, t1 - m.chunk);
        backprop_chunk(t0, t1);
        t1 = t0;
      }
    }
  });
  if (bias_ih_is_bias_hh)
    std::copy(grads.bias_hh.begin(), grads.bias_hh.end(), grads.bias_ih.begin());
  if (!grads.x.empty() && RNNSUITE_PLANTED(dx_missing_last_step))
    std::fill(grads.x.end() - B * I, grads.x.end(), Real(0));

  // Steps before the window receive nothing.
  if (!grads.h.empty()) std::fill(grads.h.begin(), grads.h.begin() + t_first * state, Real(0));
  if (!grads.c.empty()) std::fill(grads.c.begin(), grads.c.begin() + t_first * state, Real(0));
  if (!grads.h0.empty()) {
    if (t_first == 0 && pack.packed)
      pack.scatter_rows(grads.h0.data(), m.dh_carry.data(), H);
    else if (t_first == 0)
      std::copy(m.dh_carry.begin(), m.dh_carry.end(), grads.h0.begin());
    else
      std::fill(grads.h0.begin(), grads.h0.end(), Real(0));
  }
  if (!grads.c0.empty()) {
    if (t_first == 0 && pack.packed)
      pack.scatter_rows(grads.c0.data(), m.dc_carry.data(), H);
    else if (t_first == 0)
      std::copy(m.dc_carry.begin(), m.dc_carry.end(), grads.c0.begin());
    else
      std::fill(grads.c0.begin(), grads.c0.end(), Real(0));
  }
}

template void layer<float>::backward(std::span<const float>, std::span<const float>,
                                     std::span<const float>, gradients_view<float>, std::int64_t);
template void layer<double>::backward(std::span<const double>, std::span<const double>,
                                      std::span<const double>, gradients_view<double>,
                                      std::int64_t);

}  // namespace rnn
