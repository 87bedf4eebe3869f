#pragma once
// Test-only planted bugs, to prove the verification catches them (docs/verification.md,
// "Mutation testing"). Only the second library that `cmake -DRNNSUITE_MUTANTS=ON` builds
// (rnnsuite_lib_mutants, verify/mutants/) defines RNNSUITE_MUTATION_TESTING; there each hook
// `if (RNNSUITE_PLANTED(name))` asks which mutant is active (RNNSUITE_MUTANT_ID, or the driver). In
// every other build, rnnsuite_lib included, RNNSUITE_PLANTED is the constant false and the hooks
// compile to nothing.
#ifdef RNNSUITE_MUTATION_TESTING
#include <atomic>
#include <cstdint>

namespace rnn::detail {
// The names (and order) verify/mutants/mutant_names.hpp lists; keep the two in step.
enum class mutant : int {
  none,
  off_by_one,             // time loop stops before step 0
  missing_dh0_transpose,  // dh0 = dL/dh_1, the last W_hhᵀ multiply skipped
  wrong_derivative_step,  // at the last step f' evaluated at h_{T-1} (c_{T-1}) instead of h_T (c_T)
  swapped_gate_derivatives,  // LSTM: the i and f gate deltas stored in each other's place
  missing_dc_accumulation,   // LSTM: dL/dc_t forgets what flowed back from step t+1
  bias_dropped_step,         // db_ih misses the last step's rows
  wrong_sign,                // the recurrent part of dL/dh_t subtracted instead of added
  transposed_whh,            // Elman: dh' = W_hh·δ instead of W_hhᵀ·δ
  truncation_unasked,        // full BPTT asked, only the last ceil(T/2) steps done
  float_accumulation,        // dL/dh carried between steps rounded to float (matters in double)
  gru_reset_wrong_term,      // GRU: r multiplies the n delta on the x side instead of the h side
  dx_missing_last_step,      // dx of the last step left zero
  relu_derivative_at_zero,   // ReLU: f'(0) taken as 1 (select on h >= 0), every clipped unit
  // Issue 29's classes: paths a regime's own axis does not reach.
  tail_half_vector,        // simd load of a tail longer than half a vector: lanes past the half 0
  matvec_tail_dropped,     // batch-1 product: the columns past the last whole vector skipped
  gemm_tail_column,        // GEMM: the last of a row's tail columns (past whole vectors) unwritten
  thread_split_remainder,  // parallel_for splits whole grains: the last total % grain rows lost
  chunk_rows_full,         // backward's partial chunk: dW, db, dx over a whole chunk's rows
  gru_bias_hh_from_x,      // GRU: db_hh summed from the x-side deltas (n gate lacks r)
  truncation_window_short, // layer::backward(steps): one step fewer than asked
  streaming_window_short,  // streaming k1/k2: each window starts one step late (k2 − 1 steps)
  streaming_cell_state_dropped,  // streaming, LSTM: the cell state not carried between windows
  upstream_last_step_only, // grad_output read only at the last step (as if the loss were last)
  grad_h_n_ignored,        // the gradient on h_n dropped (dh_carry starts at 0)
  grad_c_n_ignored,        // LSTM: the gradient on c_n dropped (dc_carry starts at 0)
  lstm_rounded_tanh,       // LSTM: tanh'(c) as 1 − tanh²(c) from the rounded tanh (the old lib)
  // Issue 25's: the published gradient bugs of stacked and bidirectional networks.
  network_reverse_forward_order,  // the reverse direction reads its input in forward order
  network_dx_overwritten,         // the reverse direction's dx overwrites the forward's (MXNet #17898)
  network_bias_dropped_upper,     // bias gradients zero for layers l > 0 (MXNet #17818)
  network_reverse_dh0_wrong_end,  // the reverse direction's dh0 is the gradient on its h_n
  // Issue 26's: the bugs of variable-length batches.
  lengths_finished_updated,  // a finished sequence still steps through the padding (h_n at T-1)
  lengths_reverse_from_end,  // the reverse direction starts at T-1 instead of len_b - 1
  lengths_gradient_leak,     // grad_output past a sequence's length reaches its carried dh
  // Issue 27's: backward under a memory budget.
  checkpoint_restore_older_slot,  // a restore reads the slot before the one stored (an earlier state)
  network_checkpoint_stale_reversed_input,  // a budgeted reverse block's backward reads the
                                            // reversed input the last forward left (layer L-1's)
  count
};
static_assert(static_cast<int>(mutant::count) <= 64, "reached_hooks holds one bit per mutant");

// The active mutant: at start the one RNNSUITE_MUTANT_ID names (its number; none when unset),
// then whatever the matrix driver sets, so one process runs every mutant on one reference.
// Atomic: a layer's worker threads ask too; the driver sets it only between runs.
extern std::atomic<int> active_mutant;  // -1 until first asked
int read_mutant_id();                   // RNNSUITE_MUTANT_ID, checked (rnn::error)
inline mutant planted_mutant() {
  int m = active_mutant.load(std::memory_order_relaxed);
  if (m < 0) {
    m = read_mutant_id();
    active_mutant.store(m, std::memory_order_relaxed);
  }
  return static_cast<mutant>(m);
}
inline void set_planted_mutant(mutant m) {
  active_mutant.store(static_cast<int>(m), std::memory_order_relaxed);
}

// Bit m is set once a hook of mutant m has been evaluated. A run whose hooks of m never evaluate
// takes the same path with m active (every other hook answers false either way), so its results
// are bit-identical to the unmutated run's: the driver need not run m there.
extern std::atomic<std::uint64_t> reached_hooks;
// The bits set since the last call, cleared.
inline std::uint64_t take_reached_hooks() {
  return reached_hooks.exchange(0, std::memory_order_relaxed);
}
inline bool planted(mutant m) {
  const std::uint64_t bit = std::uint64_t(1) << static_cast<int>(m);
  if (!(reached_hooks.load(std::memory_order_relaxed) & bit))
    reached_hooks.fetch_or(bit, std::memory_order_relaxed);
  return planted_mutant() == m;
}
}  // namespace rnn::detail
#define RNNSUITE_PLANTED(name) (::rnn::detail::planted(::rnn::detail::mutant::name))
#else
#define RNNSUITE_PLANTED(name) false
#endif
