#pragma once
// Test-only planted BPTT bugs, to prove the verification catches them (docs/verification.md,
// "Mutation testing"). Only the second library that `cmake -DRNNSUITE_MUTANTS=ON` builds
// (rnnsuite_lib_mutants, verify/mutants/) defines RNNSUITE_MUTATION_TESTING; there each hook
// `if (RNNSUITE_PLANTED(name))` asks which mutant is active (RNNSUITE_MUTANT_ID, or the driver). In
// every other build, rnnsuite_lib included, RNNSUITE_PLANTED is the constant false and the hooks
// compile to nothing.
#ifdef RNNSUITE_MUTATION_TESTING
namespace rnn::detail {
// The names (and order) verify/mutants/ lists; keep the two in step.
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
  count
};
// The active mutant: at start the one RNNSUITE_MUTANT_ID names (its number; none when unset),
// then whatever the matrix driver sets, so one process runs every mutant on one reference.
mutant planted_mutant();
void set_planted_mutant(mutant m);
}  // namespace rnn::detail
#define RNNSUITE_PLANTED(name) (::rnn::detail::planted_mutant() == ::rnn::detail::mutant::name)
#else
#define RNNSUITE_PLANTED(name) false
#endif
