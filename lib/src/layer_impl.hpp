#pragma once
// The state of one rnn::layer, shared by layer.cpp (construction, forward) and
// layer_backward.cpp. Every buffer is allocated once, in the constructor.
#include <algorithm>
#include <functional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/table.hpp"
#include "mutation.hpp"
#include "packed_batch.hpp"
#include "rnn/aligned.hpp"
#include "rnn/checkpoint.hpp"
#include "rnn/error.hpp"
#include "rnn/layer.hpp"
#include "thread_pool.hpp"

namespace rnn {

namespace detail {
// What a memory budget pays for (layer_checkpointed.cpp): one chunk's activations (elements of
// gates, of h and of c each, of hidden_n; their bytes) and one stored state (elements, bytes).
struct checkpoint_costs {
  std::size_t gates, states, hidden_n, chunk_bytes;
  std::size_t slot, slot_bytes;
};
checkpoint_costs checkpoint_costs_of(const problem& p, kernels::index chunk, std::size_t real_bytes);
}  // namespace detail

template <class Real>
struct layer<Real>::impl {
  problem p;
  rnn::isa chosen_isa;
  kernels::table<Real> k;
  kernels::index T, B, I, H, GH;
  // Steps per chunk. Forward computes the input projection, backward dx and the weight
  // gradients, one chunk of steps at a time, so the chunk's gates and deltas are still in L2 when
  // the next pass reads them (one GEMM over all T·B rows streamed 128 MiB arrays from memory at
  // lstm_t1024_b64_i128_h128_f32). See chunk_steps in layer.cpp.
  kernels::index chunk;
  std::size_t l2_bytes;  // layer_options.l2_bytes, or l2_cache_bytes()
  // Half of one core's L2: the size below which a matrix read every step stays in a core's cache
  // alongside the step's other data. The batch-1 sweep order, the chunk size and the column
  // split of the per-step products all switch at it (each measured, see their comments). It
  // follows the machine: the same problem on a 2 MiB-L2 Xeon and a 1 MiB-L2 Zen 5 can take
  // different sides.
  std::size_t half_of_l2;

  // Batch 1 only: W_hh and its transpose packed once for the matvec (kernels/matvec.hpp), which
  // takes dot products along rows, W_hh·h' forward and W_hhᵀ·δ backward.
  aligned_vector<Real> matvec_hh;    // W_hh (GH×H) in the matvec's layout
  aligned_vector<Real> matvec_hh_t;  // W_hhᵀ (H×GH) in the matvec's layout
  // W_ih, W_hh and their transposes packed once into the GEMM micro-kernel's panels
  // (kernels/gemm.hpp): W_ih's for the all-rows GEMMs, W_hh's for batch > 1.
  aligned_vector<Real> packed_ih;    // panels of weight_ih (K = GH, N = I): dx = δ·W_ih
  aligned_vector<Real> packed_hh;    // panels of weight_hh (K = GH, N = H): dh' = δ·W_hh
  aligned_vector<Real> packed_ih_t;  // panels of weight_ih_t (K = I, N = GH): x·W_ihᵀ
  aligned_vector<Real> packed_hh_t;  // panels of weight_hh_t (K = H, N = GH): h'·W_hhᵀ
  aligned_vector<Real> bias_ih;      // GH
  aligned_vector<Real> bias_hh;      // GH

  // Which rows each step works on and where they are (packed_batch.hpp): every row at every
  // step unless the last forward had lengths. The activations below are in its packed order:
  // step t's rows from packing.first_row[t] (t·B with every length T).
  detail::packed_batch packing;

  // Activations kept from forward for backward; with lengths only the first Σ len_b rows (plus
  // B final states) are used.
  aligned_vector<Real> x;         // T×B×I (dW_ih needs it; the caller's x need not outlive forward)
  aligned_vector<Real> gates;     // T×B×GH activated gates (LSTM, GRU; Elman's one gate is h)
  aligned_vector<Real> h;         // (T+1)×B×H: h0, h_1 .. h_T (packed: each step's input states, then h_n)
  aligned_vector<Real> c;         // (T+1)×B×H, LSTM only: c0, c_1 .. c_T (likewise)
  aligned_vector<Real> hidden_n;  // T×B×H, GRU only: W_hn·h' + b_hn

  // Scratch.
  aligned_vector<Real> recurrent;  // B×GH: h'·W_hhᵀ of the current step
  aligned_vector<Real> delta_x;    // chunk×B×GH: gate deltas of one chunk, x side
  aligned_vector<Real> delta_h;    // chunk×B×GH, GRU only: gate deltas of one chunk, h side
  aligned_vector<Real> dh_carry;   // B×H
  aligned_vector<Real> dc_carry;   // B×H, LSTM only
  // With lengths, backward's per-row data in the packed order, one chunk at a time: the kernels
  // read and write contiguous rows, the caller's arrays are in its own order.
  aligned_vector<Real> packed_rows;    // chunk×B×max(I, H): grad_output during the steps, then dx
  aligned_vector<Real> packed_grad_h;  // chunk×B×H: total dL/dh_t, before it is scattered
  aligned_vector<Real> packed_grad_c;  // chunk×B×H, LSTM only: total dL/dc_t, likewise
  // threads × k.transposed_a_scratch(max(I, H)), or empty: where dW = δᵀ·x (or δᵀ·h') packs its
  // operands, each thread's own (see packs_weight_gradient_operands).
  aligned_vector<Real> dw_scratch;

  std::unique_ptr<thread_pool> pool;  // layer_options.threads, the caller included
  // Batch > 1 with several threads and a W_hh larger than half an L2: each step's recurrent
  // product is split among the threads by its output columns instead of by batch rows, so each
  // thread streams only its share of the packed W_hh from L3 instead of all of it. It costs a
  // second hand-off per step (product, then pointwise work by batch rows); below 1 MiB, half the
  // Xeon's L2, that cost was larger than the gain (docs/performance-limits-xeon.md).
  bool recurrent_by_columns = false;

  bool has_forward = false;

  // Where the activation buffers start: gates, h, c and hidden_n hold packed rows from row_base
  // on (0 with full storage; under a memory budget they hold one chunk, see below).
  kernels::index row_base = 0;
  // T×B×I, what dW_ih reads: x above, or under a memory budget the caller's x itself.
  const Real* x_rows = nullptr;

  // Under a memory budget below full storage (layer_checkpointed.cpp): x is left empty, gates,
  // h, c and hidden_n hold `kept` chunks (kept·chunk×B×GH, (kept·chunk+1)×B×H twice,
  // kept·chunk×B×H, the state entering the first in h's and c's first B rows), and `slots` the
  // stored states. Chunks are the ones backward walks: chunk j is steps
  // [unit_start(j), unit_start(j+1)), the last `chunk` steps the last one. The schedule's units
  // are chunks 0 .. units-kept-1, each recomputed as the schedule says, then the last `kept`
  // chunks as one unit whose activations the first forward keeps (schedule_chunk maps them).
  bool checkpointed = false;
  kernels::index units = 0;  // chunks
  kernels::index kept = 1;   // the last chunks, never recomputed
  aligned_vector<Real> slots;  // slots × (h: B×H, then c: B×H for LSTM)
  std::vector<checkpoint::operation> plan;
  std::size_t first_backward = 0;  // plan[first_backward]: the first backward operation
  std::int64_t recomputed = 0;     // units the plan forwards after its first backward
  // The plan's operations before first_backward ran in the last forward and no backward since:
  // the stored slots and the kept chunk are the plan's, backward goes on from there. Otherwise
  // backward runs the whole plan again from slot 0 (h0, c0).
  bool plan_prefix_done = false;
  bool state_at_end = false;  // the current state: the kept chunk's last (or h's first rows)

  // Sizes (elements) of the activation buffers under a budget. Throws below the minimum.
  struct budget_sizes {
    std::size_t gates, states, hidden_n, slots;
  };
  budget_sizes plan_checkpoints(std::size_t budget);            // layer_checkpointed.cpp
  kernels::index unit_start(kernels::index j) const;
  // The first chunk of the schedule's unit u, for u in [0, units - kept + 1] (the last: `units`).
  kernels::index schedule_chunk(std::int64_t u) const { return u <= units - kept ? u : units; }
  void forward_unit(kernels::index j, Real* output);
  void run_plan(std::size_t from, std::size_t to, Real* output,
                const std::function<void(kernels::index, kernels::index)>& backprop);
  void checkpointed_forward(std::span<const Real> x, std::span<const Real> h0,
                            std::span<const Real> c0, std::span<Real> output, std::span<Real> h_n,
                            std::span<Real> c_n);
  void checkpointed_backward(const std::function<void(kernels::index, kernels::index)>& backprop);

  // dW += δᵀ·B over `rows` rows, B (x or h', row stride N) a chunk's rows × N: packed
  // (kernels::gemm_kernel::run_transposed_a) when they do not fit in half of L2, where streaming
  // them in place for every 8 rows of dW costs more than packing; in place below, where the
  // packing costs more (each measured, see gemm.hpp). Both give the same bits.
  bool packs_weight_gradient_operands(kernels::index rows, kernels::index N) const {
    return std::size_t(rows) * std::size_t(N) * sizeof(Real) > half_of_l2;
  }
  // Values of dw_scratch per thread, and one thread's part.
  std::size_t weight_gradient_scratch_size() const {
    return std::size_t(k.transposed_a_scratch(std::max(I, H)));
  }
  Real* weight_gradient_scratch(int thread) {
    return dw_scratch.data() + std::size_t(thread) * weight_gradient_scratch_size();
  }

  void forward_step(kernels::index t);  // layer.cpp

  std::size_t activation_bytes() const {
    return (x.size() + gates.size() + h.size() + c.size() + hidden_n.size() + slots.size()) *
           sizeof(Real);
  }
};

namespace detail {
// Runs body(begin, end) over a split of [0, total) among the pool's threads, cut at multiples of
// `grain` and the same way on every call. Work below min_total runs on the caller alone.
// The kernels compute each row (of C, of a matvec in groups of 4 rows, of a pointwise step)
// independently of how rows are grouped, so results are the same for any thread count.
// A body taking (thread, begin, end) also learns which of the pool's threads runs it (for its
// own scratch).
template <class F>
void parallel_for(thread_pool& pool, kernels::index total, kernels::index grain,
                  kernels::index min_total, F&& body) {
  auto call = [&](int thread, kernels::index begin, kernels::index end) {
    if constexpr (std::is_invocable_v<F&, kernels::index, kernels::index>)
      body(begin, end);
    else
      body(thread, begin, end);
  };
  const int n = pool.size();
  if (n == 1 || total < min_total || total < 2 * grain) {
    call(0, kernels::index(0), total);
    return;
  }
  // (thread_split_remainder: whole grains only, and the last thread ends at its grain boundary.)
  const kernels::index groups =
      RNNSUITE_PLANTED(thread_split_remainder) ? total / grain : (total + grain - 1) / grain;
  auto task = [&](int i) {
    const kernels::index begin = groups * i / n * grain;
    const kernels::index end = i + 1 == n && !RNNSUITE_PLANTED(thread_split_remainder)
                                   ? total
                                   : groups * (i + 1) / n * grain;
    if (begin < end) call(i, begin, end);
  };
  pool.run(task);
}

// Batch 1: y[r0, r1) = (or +=) W·v, W (rows × cols) packed by pack_matvec, its rows in blocks
// taken front to back on even steps and back to front on odd ones. A W larger than L2 (an LSTM's
// 4 MiB W_hh at H = 512) swept in one order every step misses on every line (LRU evicts each
// line just before its reuse); swept in alternating order, the blocks the last step read last
// are read first and still in L2. Each row is still one dot product computed the same way, so
// results do not depend on the order.
template <class Real>
void matvec_alternating(const kernels::table<Real>& k, Real* y, const Real* w, const Real* v,
                        kernels::index r0, kernels::index r1, kernels::index rows,
                        kernels::index cols, bool accumulate, bool backwards,
                        std::size_t half_of_l2) {
  // A W that stays in L2 gains nothing from the order: one call.
  if (std::size_t(r1 - r0) * std::size_t(cols) * sizeof(Real) <= half_of_l2) {
    k.matvec(y, w, v, r0, r1, rows, cols, accumulate);
    return;
  }
  constexpr kernels::index block = 32;  // rows; a multiple of the matvec's 4-row groups
  const kernels::index blocks = (r1 - r0 + block - 1) / block;
  for (kernels::index i = 0; i < blocks; ++i) {
    const kernels::index b = backwards ? blocks - 1 - i : i;
    const kernels::index begin = r0 + b * block, end = std::min(r1, begin + block);
    k.matvec(y, w, v, begin, end, rows, cols, accumulate);
  }
}

// C (M×N) = or += A·B with B packed, split among the pool's threads by columns at panel
// boundaries: each C element is computed by the same tile whatever the split, so results do not
// depend on the thread count.
template <class Real>
void gemm_by_columns(thread_pool& pool, const kernels::table<Real>& k, Real* c, kernels::index ldc,
                     const Real* a, kernels::index lda, const Real* packed, kernels::index M,
                     kernels::index N, kernels::index K, bool accumulate) {
  const kernels::index panel = k.panel_width;
  parallel_for(pool, N, panel, 2 * panel, [&](kernels::index n0, kernels::index n1) {
    k.gemm_packed(c + n0, ldc, a, lda, 1, packed + n0 * K, M, n1 - n0, K, accumulate);
  });
}

// Throws "<where>: <name> has <actual> elements, expected <expected> (<shape>)".
inline void check_size(const char* where, const char* name, std::size_t actual,
                       std::size_t expected, const std::string& shape) {
  if (actual != expected)
    throw error(std::string(where) + ": " + name + " has " + std::to_string(actual) +
                " elements, expected " + std::to_string(expected) + " (" + shape + ")");
}
// Same, but an empty span is accepted (the caller does not want / does not give it).
inline void check_optional(const char* where, const char* name, std::size_t actual,
                           std::size_t expected, const std::string& shape) {
  if (actual != 0) check_size(where, name, actual, expected, shape);
}
}  // namespace detail

}  // namespace rnn
