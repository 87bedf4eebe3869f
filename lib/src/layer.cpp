// rnn::layer: construction (validation, weight packing, workspace) and the forward pass.
#include <algorithm>
#include <cmath>
#include <new>
#include <unistd.h>

#include "layer_impl.hpp"
#include "rnn/lengths.hpp"

namespace rnn {

namespace {

// a·b and a+b on byte counts, throwing instead of wrapping.
std::size_t checked_mul(std::size_t a, std::size_t b, const problem& p) {
  std::size_t r;
  if (__builtin_mul_overflow(a, b, &r))
    throw error("problem " + format_problem(p) + ": workspace size overflows size_t");
  return r;
}

template <class Real>
void transpose(Real* out, const Real* in, kernels::index rows, kernels::index cols) {
  for (kernels::index r = 0; r < rows; ++r)
    for (kernels::index c = 0; c < cols; ++c) out[c * rows + r] = in[r * cols + c];
}

// Steps per chunk. Measured fwd+bwd, one thread (rnnsuite_time_layer with the chunk forced):
// - weights that fit in half of L2 (W_ih ≤ 1 MiB on a 2 MiB L2): about 256 rows per chunk, but
//   no more than 256 KiB of deltas, so a chunk's gates and deltas are re-read from L2;
//   lstm_t1024_b64_i128_h128_f32 413–425 ms at 1–2 steps (64–128 rows), 437–450 at 4–8, 532 at
//   128 and 565 unchunked;
//   lstm_t1024_b16_i128_h128_f32 118 / 109 / 106 / 112 ms at 1 / 4 / 16 / 64 steps;
// - larger weights: every chunk re-reads W_ih, W_hh and dW from L3, which at least 512 rows
//   amortize; lstm_t128_b16_i512_h512_f32 235 / 225 / 219 ms at 128 / 256 / 512 rows, 219
//   unchunked; lstm_t1024_b64_i512_h512_f32 within ±2 % from 128 rows to unchunked.
kernels::index automatic_chunk_steps(kernels::index T, kernels::index B, kernels::index GH,
                                     kernels::index I, std::size_t real_bytes,
                                     std::size_t half_of_l2) {
  constexpr std::size_t delta_budget = 256 << 10;
  const std::size_t step_bytes = std::size_t(B) * std::size_t(GH) * real_bytes;
  const bool small_weights =
      std::size_t(GH) * std::size_t(I) * real_bytes <= half_of_l2;
  const kernels::index rows = small_weights ? 256 : 512;
  kernels::index steps = (rows + B - 1) / B;
  if (small_weights)
    steps = std::min(steps, kernels::index(std::max<std::size_t>(1, delta_budget / step_bytes)));
  return std::min(T, steps);
}

// layer_options.chunk_steps (at most T), or the automatic choice for an L2 of l2_bytes.
kernels::index chunk_steps_for(const problem& p, std::int64_t chunk_steps, std::size_t real_bytes,
                               std::size_t l2_bytes) {
  return chunk_steps > 0 ? std::min<kernels::index>(p.T, chunk_steps)
                         : automatic_chunk_steps(p.T, p.B, p.G() * p.H, p.I, real_bytes,
                                                 l2_bytes / 2);
}

}  // namespace

checkpoint_sizes checkpoint_sizes_of(const problem& p, const layer_options& options) {
  const tensor_sizes n = sizes_of(p);  // validates the problem
  if (options.chunk_steps < 0)
    throw error("layer_options.chunk_steps must be >= 0 (0: automatic), got " +
                std::to_string(options.chunk_steps));
  const std::size_t real_bytes = p.precision == precision::f32 ? 4 : 8;
  const std::size_t l2 = options.l2_bytes != 0 ? options.l2_bytes : l2_cache_bytes();
  checkpoint_sizes s;
  s.chunk_steps = chunk_steps_for(p, options.chunk_steps, real_bytes, l2);
  s.chunks = (p.T + s.chunk_steps - 1) / s.chunk_steps;
  const detail::checkpoint_costs costs = detail::checkpoint_costs_of(p, s.chunk_steps, real_bytes);
  s.chunk_bytes = costs.chunk_bytes, s.state_bytes = costs.slot_bytes;
  // Full storage keeps x, every step's gates (Elman's are the input projection's scratch, not
  // counted), h and c at T + 1 boundaries, and GRU's W_hn·h + b_hn.
  const bool lstm = p.cell == cell::lstm, gru = p.cell == cell::gru;
  const std::size_t gate_seq = checked_mul(n.sequence, std::size_t(p.G()), p);
  const std::size_t state_seq = n.sequence + n.state;
  std::size_t full = 0;
  for (std::size_t part : {n.x, p.G() == 1 ? 0 : gate_seq, state_seq, lstm ? state_seq : 0,
                           gru ? n.sequence : 0})
    if (__builtin_add_overflow(full, part, &full))
      throw error("problem " + format_problem(p) + ": workspace size overflows size_t");
  s.full_storage_bytes = checked_mul(full, real_bytes, p);
  return s;
}

std::size_t checkpoint_sizes::budget_for(std::int64_t slots, std::int64_t kept_chunks) const {
  if (slots < checkpoint::min_slots() || kept_chunks < 1)
    throw error("checkpoint_sizes::budget_for: slots and kept_chunks must be >= 1, got " +
                std::to_string(slots) + " and " + std::to_string(kept_chunks));
  std::size_t kept = 0, stored = 0, total = 0;
  if (__builtin_mul_overflow(std::size_t(kept_chunks), chunk_bytes - state_bytes, &kept) ||
      __builtin_mul_overflow(std::size_t(slots), state_bytes, &stored) ||
      __builtin_add_overflow(kept, stored, &total) ||
      __builtin_add_overflow(total, state_bytes, &total))
    throw error("checkpoint_sizes::budget_for: " + std::to_string(slots) + " slots and " +
                std::to_string(kept_chunks) + " chunks overflow size_t");
  return total;
}

std::size_t checkpoint_sizes::sqrt_rule_bytes() const {
  const checkpoint::sqrt_rule rule = checkpoint::sqrt_rule_for(chunks);
  return std::size_t(rule.states) * state_bytes + std::size_t(rule.segment) * chunk_bytes;
}

template <class Real>
layer<Real>::layer(const problem& p, parameters_view<Real> params, layer_options options) {
  constexpr precision expected = sizeof(Real) == 4 ? precision::f32 : precision::f64;
  const tensor_sizes n = sizes_of(p);  // validates the problem
  const std::string name = format_problem(p);
  if (p.precision != expected)
    throw error("layer: problem " + name + " has precision " +
                std::string(precision_name(p.precision)) + ", but the layer's Real is " +
                std::string(precision_name(expected)));
  if (options.threads < 1 || options.threads > 1024)
    throw error("layer_options.threads must be in [1, 1024], got " +
                std::to_string(options.threads));
  if (options.chunk_steps < 0)
    throw error("layer_options.chunk_steps must be >= 0 (0: automatic), got " +
                std::to_string(options.chunk_steps));
  // A cache smaller than a page or larger than 1 TiB is a unit mistake, not a machine.
  const std::size_t l2_option = options.l2_bytes;
  if (l2_option != 0 && (l2_option < 4096 || l2_option > (std::size_t(1) << 40)))
    throw error("layer_options.l2_bytes must be 0 (ask the OS) or in [4096, 2^40] bytes, got " +
                std::to_string(l2_option));
  const char* where = "layer";
  detail::check_size(where, "parameters.weight_ih", params.weight_ih.size(), n.weight_ih, "(G·H)×I");
  detail::check_size(where, "parameters.weight_hh", params.weight_hh.size(), n.weight_hh, "(G·H)×H");
  detail::check_size(where, "parameters.bias_ih", params.bias_ih.size(), n.bias, "G·H");
  detail::check_size(where, "parameters.bias_hh", params.bias_hh.size(), n.bias, "G·H");

  const rnn::isa chosen = options.isa ? *options.isa : default_isa();
  auto m = std::make_unique<impl>();
  m->p = p;
  m->chosen_isa = chosen;
  m->k = kernels::for_isa<Real>(chosen);
  m->T = p.T, m->B = p.B, m->I = p.I, m->H = p.H, m->GH = p.G() * p.H;
  m->l2_bytes = l2_option != 0 ? l2_option : l2_cache_bytes();
  m->half_of_l2 = m->l2_bytes / 2;
  m->chunk = chunk_steps_for(p, options.chunk_steps, sizeof(Real), m->l2_bytes);
  const bool lstm = p.cell == cell::lstm, gru = p.cell == cell::gru;
  // Packed sizes: the column count rounded up to whole panels, times K.
  const std::size_t panel = m->k.panel_width;
  auto packed_size = [&](std::size_t K, std::size_t N) {
    return checked_mul(K, (N + panel - 1) / panel * panel, p);
  };
  const std::size_t G = p.G(), I = p.I, H = p.H;
  const std::size_t packed_ih = packed_size(G * H, I), packed_ih_t = packed_size(I, G * H);
  // The per-step product takes W_hh in the matvec's layout at batch 1, in panels above.
  const bool batch_1 = p.B == 1;
  const std::size_t packed_hh = batch_1 ? 0 : packed_size(G * H, H);
  const std::size_t packed_hh_t = batch_1 ? 0 : packed_size(H, G * H);
  const std::size_t matvec_hh =
      batch_1 ? std::size_t(m->k.matvec_packed_size(m->GH, m->H)) : 0;
  const std::size_t matvec_hh_t =
      batch_1 ? std::size_t(m->k.matvec_packed_size(m->H, m->GH)) : 0;

  // Everything the layer will hold, checked for overflow before anything is allocated.
  const std::size_t gate_seq = checked_mul(n.sequence, static_cast<std::size_t>(p.G()), p);
  const std::size_t gate_chunk = std::size_t(m->chunk) * n.state * p.G();
  const std::size_t state_seq = n.sequence + n.state;
  // With lengths, backward's chunk of rows in the packed order (see layer_impl.hpp).
  const std::size_t chunk_rows = std::size_t(m->chunk) * std::size_t(p.B);
  const std::size_t packed_rows = chunk_rows * std::size_t(std::max(p.I, p.H));
  const std::size_t packed_states = chunk_rows * std::size_t(p.H);
  const std::size_t dw_scratch =
      m->packs_weight_gradient_operands(m->chunk * m->B, std::max(m->I, m->H))
          ? std::size_t(options.threads) * m->weight_gradient_scratch_size()
          : 0;
  // The activations: every step's, or under a memory budget below that, one chunk's and the
  // stored states (layer_checkpointed.cpp).
  std::size_t x_size = n.x, gates_size = gate_seq, states_size = state_seq,
              hidden_n_size = gru ? n.sequence : 0, slots_size = 0;
  if (options.memory_budget_bytes != 0) {
    if (options.memory_budget_bytes < checkpoint_sizes_of(p, options).full_storage_bytes) {
      const auto b = m->plan_checkpoints(options.memory_budget_bytes);
      x_size = 0, gates_size = b.gates, states_size = b.states, hidden_n_size = b.hidden_n;
      slots_size = b.slots;
    }
  }
  std::size_t total = 0;
  for (std::size_t part : {n.weight_ih, n.weight_hh, 2 * n.bias, matvec_hh, matvec_hh_t,
                           packed_ih, packed_hh, packed_ih_t, packed_hh_t, x_size, gates_size,
                           states_size, lstm ? states_size : 0, hidden_n_size, slots_size,
                           n.state * p.G(), gate_chunk, gru ? gate_chunk : 0, 2 * n.state,
                           dw_scratch, packed_rows, packed_states, lstm ? packed_states : 0})
    if (__builtin_add_overflow(total, part, &total))
      throw error("problem " + name + ": workspace size overflows size_t");
  const std::size_t bytes = checked_mul(total, sizeof(Real), p);
  // Refuse up front what this machine cannot hold: with overcommit the allocation itself may
  // succeed and the first touch of the pages would end the process instead of throwing.
  const double physical = double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGE_SIZE));
  if (physical > 0 && double(bytes) > physical)
    throw error("problem " + name + ": T=" + std::to_string(p.T) + " needs " +
                std::to_string(bytes) + " bytes of workspace, more than this machine's " +
                std::to_string(static_cast<std::size_t>(physical)) + " bytes of memory");
  try {
    m->bias_ih.assign(params.bias_ih.begin(), params.bias_ih.end());
    m->bias_hh.assign(params.bias_hh.begin(), params.bias_hh.end());
    m->packed_ih.resize(packed_ih);
    m->packed_ih_t.resize(packed_ih_t);
    m->k.pack_panels(m->packed_ih.data(), params.weight_ih.data(), m->GH, m->I);
    {  // W_hh's transpose is needed only as the source of its packed copy
      aligned_vector<Real> weight_hh_t(n.weight_hh);  // H×GH
      transpose(weight_hh_t.data(), params.weight_hh.data(), m->GH, m->H);
      if (batch_1) {
        m->matvec_hh.resize(matvec_hh);
        m->matvec_hh_t.resize(matvec_hh_t);
        m->k.pack_matvec(m->matvec_hh.data(), params.weight_hh.data(), m->GH, m->H);
        m->k.pack_matvec(m->matvec_hh_t.data(), weight_hh_t.data(), m->H, m->GH);
      } else {
        m->packed_hh.resize(packed_hh);
        m->packed_hh_t.resize(packed_hh_t);
        m->k.pack_panels(m->packed_hh.data(), params.weight_hh.data(), m->GH, m->H);
        m->k.pack_panels(m->packed_hh_t.data(), weight_hh_t.data(), m->H, m->GH);
      }
    }
    {  // W_ih's transpose is needed only as the source of its panels
      aligned_vector<Real> weight_ih_t(n.weight_ih);  // I×GH
      transpose(weight_ih_t.data(), params.weight_ih.data(), m->GH, m->I);
      m->k.pack_panels(m->packed_ih_t.data(), weight_ih_t.data(), m->I, m->GH);
    }
    m->x.resize(x_size);
    m->gates.resize(gates_size);
    m->h.resize(states_size);
    if (lstm) m->c.resize(states_size);
    m->hidden_n.resize(hidden_n_size);
    m->slots.resize(slots_size);
    m->recurrent.resize(n.state * p.G());
    m->delta_x.resize(gate_chunk);
    if (gru) m->delta_h.resize(gate_chunk);
    m->dh_carry.resize(n.state);
    if (lstm) m->dc_carry.resize(n.state);
    m->dw_scratch.resize(dw_scratch);
    m->packed_rows.resize(packed_rows);
    m->packed_grad_h.resize(packed_states);
    if (lstm) m->packed_grad_c.resize(packed_states);
    m->packing.resize(m->T, m->B);
  } catch (const std::bad_alloc&) {
    throw error("problem " + name + ": T=" + std::to_string(p.T) + " needs " +
                std::to_string(bytes) + " bytes of workspace, which cannot be allocated");
  }
  m->recurrent_by_columns = options.threads > 1 && p.B > 1 &&
                            n.weight_hh * sizeof(Real) > m->half_of_l2;
  m->pool = std::make_unique<thread_pool>(options.threads);  // borrows OpenMP's threads
  impl_ = std::move(m);
}

template <class Real>
layer<Real>::~layer() = default;
template <class Real>
layer<Real>::layer(layer&&) noexcept = default;
template <class Real>
layer<Real>& layer<Real>::operator=(layer&&) noexcept = default;

template <class Real>
const problem& layer<Real>::shape() const { return impl_->p; }
template <class Real>
rnn::isa layer<Real>::isa() const { return impl_->chosen_isa; }
template <class Real>
std::int64_t layer<Real>::chunk_steps() const { return impl_->chunk; }

template <class Real>
std::size_t layer<Real>::l2_bytes() const { return impl_->l2_bytes; }

template <class Real>
std::size_t layer<Real>::activation_bytes() const {
  const impl& m = *impl_;
  // Elman's gate buffer is only the input projection's scratch: backward works from h alone.
  // Under a budget they are the input projection's only copy, which backward reads.
  const bool elman = m.p.G() == 1 && !m.checkpointed;
  return m.activation_bytes() - (elman ? m.gates.size() * sizeof(Real) : 0);
}

template <class Real>
std::int64_t layer<Real>::recomputed_chunks() const { return impl_->recomputed; }

template <class Real>
std::size_t layer<Real>::workspace_bytes() const {
  const impl& m = *impl_;
  std::size_t elements = 0;
  for (const auto* v : {&m.matvec_hh, &m.matvec_hh_t, &m.packed_ih,
                        &m.packed_hh, &m.packed_ih_t, &m.packed_hh_t, &m.bias_ih,
                        &m.bias_hh, &m.x, &m.gates, &m.h, &m.c, &m.hidden_n, &m.recurrent,
                        &m.delta_x, &m.delta_h, &m.dh_carry, &m.dc_carry, &m.dw_scratch,
                        &m.packed_rows, &m.packed_grad_h, &m.packed_grad_c, &m.slots})
    elements += v->size();
  return elements * sizeof(Real);
}

template <class Real>
void layer<Real>::forward(std::span<const Real> x, std::span<const Real> h0,
                          std::span<const Real> c0, std::span<Real> output, std::span<Real> h_n,
                          std::span<Real> c_n, std::span<const std::int64_t> lengths) {
  impl& m = *impl_;
  const bool lstm = m.p.cell == cell::lstm;
  const std::size_t state = m.B * m.H, seq = m.T * state;
  const char* where = "layer::forward";
  detail::check_size(where, "x", x.size(), m.T * m.B * m.I, "T×B×I");
  detail::check_size(where, "h0", h0.size(), state, "B×H");
  detail::check_size(where, "c0", c0.size(), lstm ? state : 0, lstm ? "B×H" : "empty, not LSTM");
  detail::check_size(where, "output", output.size(), seq, "T×B×H");
  detail::check_size(where, "h_n", h_n.size(), state, "B×H");
  detail::check_size(where, "c_n", c_n.size(), lstm ? state : 0, lstm ? "B×H" : "empty, not LSTM");
  check_lengths(m.p, lengths, where);
  m.has_forward = false;
  const bool uneven = !all_full(m.p, lengths);
  if (m.checkpointed) {
    if (uneven)
      throw error("layer::forward: lengths below T (" + format_problem(m.p) + ") with "
                  "layer_options.memory_budget_bytes below full storage are not supported yet");
    m.pool->session([&] { m.checkpointed_forward(x, h0, c0, output, h_n, c_n); });
    m.has_forward = true;
    return;
  }
  m.packing.assign(lengths, uneven && RNNSUITE_PLANTED(lengths_finished_updated));
  const detail::packed_batch& pack = m.packing;
  m.x_rows = m.x.data();

  if (!pack.packed) {
    std::copy(h0.begin(), h0.end(), m.h.begin());
    if (lstm) std::copy(c0.begin(), c0.end(), m.c.begin());
  } else {
    // Row r of the packed states is the caller's row order[r].
    pack.gather_rows(m.h.data(), h0.data(), m.H);
    if (lstm) pack.gather_rows(m.c.data(), c0.data(), m.H);
  }

  const kernels::index GH = m.GH;
  // One OpenMP region for all the steps: the pool's per-step hand-overs cost no system call
  // (thread_pool.hpp).
  m.pool->session([&] {
    for (kernels::index t0 = 0; t0 < pack.steps; t0 += m.chunk) {
      const kernels::index t1 = std::min(pack.steps, t0 + m.chunk);
      // The input projection of the chunk's steps as one GEMM: x·W_ihᵀ + b_ih.
      // x and the output are copied a chunk at a time, each thread its rows, while the rows are
      // in its cache: the chunk's x just before the GEMM reads it, the chunk's h just after the
      // steps wrote it (whole-sequence copies streamed twice T·B·(I + H) values from memory).
      const kernels::index first_row = pack.first_row[t0];
      const kernels::index rows = pack.first_row[t1] - first_row;
      Real* gates = m.gates.data() + first_row * GH;
      detail::parallel_for(*m.pool, rows, 8, 16, [&](kernels::index r0, kernels::index r1) {
        const std::size_t x0 = (first_row + r0) * m.I, x1 = (first_row + r1) * m.I;
        if (!pack.packed)
          std::copy(x.begin() + x0, x.begin() + x1, m.x.begin() + x0);
        else
          pack.for_packed_rows(first_row + r0, first_row + r1,
                               [&](kernels::index t, kernels::index r, kernels::index q) {
                                 std::copy_n(x.data() + (t * m.B + pack.order[r]) * m.I, m.I,
                                             m.x.data() + q * m.I);
                               });
        m.k.gemm_packed_onto_row(gates + r0 * GH, GH, m.x.data() + x0, m.I, 1, m.packed_ih_t.data(),
                                 m.bias_ih.data(), r1 - r0, GH, m.I);
      });
      for (kernels::index t = t0; t < t1; ++t) m.forward_step(t);
      if (!pack.packed) {
        detail::parallel_for(*m.pool, rows, 8, 16, [&](kernels::index r0, kernels::index r1) {
          const std::size_t o0 = (first_row + r0) * m.H, o1 = (first_row + r1) * m.H;
          std::copy(m.h.begin() + state + o0, m.h.begin() + state + o1, output.begin() + o0);
        });
        continue;
      }
      // Every position (t, sorted row r) of the chunk: its new state, or zero past its length.
      detail::parallel_for(*m.pool, (t1 - t0) * m.B, 8, 16,
                           [&](kernels::index p0, kernels::index p1) {
        for (kernels::index p = p0; p < p1; ++p) {
          const kernels::index t = t0 + p / m.B, r = p % m.B;
          Real* to = output.data() + (t * m.B + pack.order[r]) * m.H;
          if (pack.inside(t, r))
            std::copy_n(m.h.data() + pack.next_state_row(t, r) * m.H, m.H, to);
          else
            std::fill_n(to, m.H, Real(0));
        }
      });
    }
  });
  // Steps past the longest sequence: nothing ran, the output is zero.
  std::fill(output.begin() + pack.steps * state, output.end(), Real(0));
  const std::size_t final_states = pack.first_row[m.T] * m.H;
  if (!pack.packed) {
    std::copy(m.h.begin() + final_states, m.h.begin() + final_states + state, h_n.begin());
    if (lstm) std::copy(m.c.begin() + final_states, m.c.begin() + final_states + state, c_n.begin());
  } else {
    pack.scatter_rows(h_n.data(), m.h.data() + final_states, m.H);
    if (lstm) pack.scatter_rows(c_n.data(), m.c.data() + final_states, m.H);
  }
  m.has_forward = true;
}

// Step t: the recurrent product and the pointwise work; the input projection is in gates.
// Rows [0, B_t) in the packed order (every row with every length T).
template <class Real>
void layer<Real>::impl::forward_step(kernels::index t) {
  impl& m = *this;
  const bool lstm = m.p.cell == cell::lstm;
  const kernels::index GH = m.GH;
  // Rows of the activation buffers, which start at row_base.
  const kernels::index active = m.packing.active[t], row = m.packing.first_row[t] - m.row_base;
  const std::size_t s0 = row * m.H;  // the states entering step t
  // The recurrent product and the pointwise step of batch rows [b0, b1).
  const bool by_columns = m.recurrent_by_columns;
  auto step_rows = [&](kernels::index b0, kernels::index b1) {
    if (m.B > 1 && !by_columns)
      m.k.gemm_packed(m.recurrent.data() + b0 * GH, GH, m.h.data() + s0 + b0 * m.H, m.H, 1,
                      m.packed_hh_t.data(), b1 - b0, GH, m.H, false);
    // Rows going on and rows ending at this step write their new states to different places;
    // each row's arithmetic is the same either way.
    m.packing.split_at_end(t, b0, b1, [&](kernels::index e0, kernels::index e1,
                                          kernels::index next) {
      const std::size_t r0 = e0 * m.H, s1 = (next - m.row_base) * m.H;
      kernels::step_forward<Real> step{};
      step.gates = m.gates.data() + (row + e0) * GH;
      step.hidden_n = m.hidden_n.empty() ? nullptr : m.hidden_n.data() + s0 + r0;
      step.h = m.h.data() + s1 + r0;
      step.c = lstm ? m.c.data() + s1 + r0 : nullptr;
      step.recurrent = m.recurrent.data() + e0 * GH;
      step.bias_hh = m.bias_hh.data();
      step.h_prev = m.h.data() + s0 + r0;
      step.c_prev = lstm ? m.c.data() + s0 + r0 : nullptr;
      step.B = e1 - e0, step.H = m.H;
      m.k.forward_step(m.p.cell, step);
    });
  };
  if (m.B == 1) {
    // Batch 1: W_hh·h' streaming W_hh's rows, each thread always the same rows (its cache).
    detail::parallel_for(*m.pool, GH, 16, (kernels::index(1) << 16) / m.H,
                         [&](kernels::index r0, kernels::index r1) {
      detail::matvec_alternating(m.k, m.recurrent.data(), m.matvec_hh.data(), m.h.data() + s0,
                                 r0, r1, GH, m.H, false, t % 2 == 1, m.half_of_l2);
    });
    step_rows(0, 1);
  } else {
    if (by_columns)
      detail::gemm_by_columns(*m.pool, m.k, m.recurrent.data(), GH, m.h.data() + s0, m.H,
                              m.packed_hh_t.data(), active, GH, m.H, false);
    detail::parallel_for(*m.pool, active, 8, 16, step_rows);
  }
#ifdef RNNSUITE_PLANTED_SLOWDOWN
  // Test-only: a redundant pass over the step's gates, so the regression gate has something to
  // catch. The volatile sink keeps the compiler from dropping it.
  {
    Real sum = 0;
    const Real* gates = m.gates.data() + row * GH;
    for (kernels::index i = 0; i < active * GH; ++i) sum += std::exp(gates[i] * Real(1e-3));
    volatile Real sink = sum;
    (void)sink;
  }
#endif
}

template class layer<float>;
template class layer<double>;

}  // namespace rnn
