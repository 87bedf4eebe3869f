#pragma once
// The planted mutants of lib/src/mutation.hpp by name, in its enum's order: what each plants, its
// class and where its hook is.
#include <array>
#include <string_view>

#include "mutation.hpp"

namespace rnnsuite::mutants {

using rnn::detail::mutant;

struct mutant_info {
  mutant id;
  std::string_view name;
  std::string_view kind;   // the class of bug
  std::string_view bug;    // one line for the docs table
  std::string_view where;  // the file of its hook (lib/src/...)
};

inline constexpr std::array<mutant_info, static_cast<int>(mutant::count)> all_mutants{{
    {mutant::none, "none", "–", "the unmutated fast path", "–"},
    {mutant::off_by_one, "off_by_one", "time loop", "time loop stops before step 0",
     "layer_backward.cpp"},
    {mutant::missing_dh0_transpose, "missing_dh0_transpose", "time loop",
     "dh0 = dL/dh_1: last W_hhᵀ multiply skipped", "layer_backward.cpp"},
    {mutant::wrong_derivative_step, "wrong_derivative_step", "derivative",
     "f' at h_{T-1} (c_{T-1}) instead of h_T (c_T), last step", "layer_backward.cpp"},
    {mutant::swapped_gate_derivatives, "swapped_gate_derivatives", "derivative",
     "LSTM i and f gate deltas swapped", "kernels/pointwise.hpp"},
    {mutant::missing_dc_accumulation, "missing_dc_accumulation", "derivative",
     "LSTM dL/dc_t drops the carry from t+1", "kernels/pointwise.hpp"},
    {mutant::bias_dropped_step, "bias_dropped_step", "biases", "db_ih misses the last step",
     "layer_backward.cpp"},
    {mutant::wrong_sign, "wrong_sign", "derivative", "recurrent part of dL/dh_t subtracted",
     "kernels/pointwise.hpp"},
    {mutant::transposed_whh, "transposed_whh", "derivative",
     "Elman dh' = W_hh·δ instead of W_hhᵀ·δ", "layer_backward.cpp"},
    {mutant::truncation_unasked, "truncation_unasked", "truncation",
     "full BPTT asked, last ceil(T/2) steps done", "layer_backward.cpp"},
    {mutant::float_accumulation, "float_accumulation", "precision",
     "dL/dh carried in float inside the double build", "layer_backward.cpp"},
    {mutant::gru_reset_wrong_term, "gru_reset_wrong_term", "derivative",
     "GRU r applied to the n delta's x side, not h side", "kernels/pointwise.hpp"},
    {mutant::dx_missing_last_step, "dx_missing_last_step", "time loop",
     "dx of the last step left zero", "layer_backward.cpp"},
    {mutant::relu_derivative_at_zero, "relu_derivative_at_zero", "derivative",
     "ReLU f'(0) = 1 (h >= 0)", "kernels/pointwise.hpp"},
    {mutant::tail_half_vector, "tail_half_vector", "kernel tails",
     "a tail longer than half a vector loaded as its first half, the rest read as 0",
     "kernels/simd.hpp"},
    {mutant::matvec_tail_dropped, "matvec_tail_dropped", "kernel tails",
     "batch-1 W·v skips the columns past the last whole vector", "kernels/matvec.hpp"},
    {mutant::gemm_tail_column, "gemm_tail_column", "kernel tails",
     "GEMM's scalar tail columns stop one short: the last column of C unwritten",
     "kernels/gemm.hpp"},
    {mutant::thread_split_remainder, "thread_split_remainder", "thread splits",
     "parallel_for splits whole grains only: the last total mod grain rows run on no thread",
     "layer_impl.hpp"},
    {mutant::chunk_rows_full, "chunk_rows_full", "chunk bookkeeping",
     "backward's partial chunk: dW, db and dx over a whole chunk's rows (stale deltas)",
     "layer_backward.cpp"},
    {mutant::gru_bias_hh_from_x, "gru_bias_hh_from_x", "biases",
     "GRU db_hh summed from the x-side deltas (the n gate's lacks r)", "layer_backward.cpp"},
    {mutant::truncation_window_short, "truncation_window_short", "truncation",
     "backward(steps) goes through steps − 1 steps", "layer_backward.cpp"},
    {mutant::streaming_window_short, "streaming_window_short", "truncation",
     "streaming k1/k2: every window starts a step late, k2 − 1 steps deep", "tbptt.cpp"},
    {mutant::streaming_cell_state_dropped, "streaming_cell_state_dropped", "truncation",
     "streaming k1/k2, LSTM: h carried to the next window's start, c left at c0", "tbptt.cpp"},
    {mutant::upstream_last_step_only, "upstream_last_step_only", "loss modes",
     "grad_output read only at the last step, as if the loss were on h_T alone",
     "layer_backward.cpp"},
    {mutant::grad_h_n_ignored, "grad_h_n_ignored", "final states", "the gradient on h_n dropped",
     "layer_backward.cpp"},
    {mutant::grad_c_n_ignored, "grad_c_n_ignored", "final states",
     "LSTM: the gradient on c_n dropped", "layer_backward.cpp"},
    {mutant::lstm_rounded_tanh, "lstm_rounded_tanh", "saturation",
     "LSTM tanh'(c) = 1 − tanh²(c) from the rounded tanh (lib before 8bdcd66)",
     "kernels/pointwise.hpp"},
    {mutant::network_reverse_forward_order, "network_reverse_forward_order", "networks",
     "the reverse direction reads its input in forward order", "network.cpp"},
    {mutant::network_dx_overwritten, "network_dx_overwritten", "networks",
     "one direction's dx overwrites the other's instead of adding (MXNet #17898)", "network.cpp"},
    {mutant::network_bias_dropped_upper, "network_bias_dropped_upper", "networks",
     "bias gradients zero for layers l > 0 (MXNet #17818)", "network.cpp"},
    {mutant::network_reverse_dh0_wrong_end, "network_reverse_dh0_wrong_end", "networks",
     "the reverse direction's dh0 taken from the wrong end: the gradient on its h_n", "network.cpp"},
    {mutant::lengths_finished_updated, "lengths_finished_updated", "lengths",
     "a finished sequence still steps through the padded steps: h_n, c_n are its state at T−1",
     "layer.cpp"},
    {mutant::lengths_reverse_from_end, "lengths_reverse_from_end", "lengths",
     "the reverse direction starts at T−1 (the whole padded sequence reversed), not len_b − 1",
     "network.cpp"},
    {mutant::lengths_gradient_leak, "lengths_gradient_leak", "lengths",
     "grad_output at t ≥ len_b is added into the finished sequence's carried dL/dh",
     "layer_backward.cpp"},
    {mutant::checkpoint_restore_older_slot, "checkpoint_restore_older_slot", "checkpoints",
     "under a memory budget, a restore reads the slot stored before the one named: chunks "
     "recomputed from an earlier state", "layer_checkpointed.cpp"},
    {mutant::network_checkpoint_stale_reversed_input, "network_checkpoint_stale_reversed_input",
     "checkpoints",
     "a network under a memory budget: the reverse blocks' backward reads the reversed input the "
     "last forward left (the top layer's), not its own layer's", "network.cpp"},
}};

static_assert(
    [] {
      for (int k = 0; k < static_cast<int>(all_mutants.size()); ++k)
        if (static_cast<int>(all_mutants[k].id) != k) return false;
      return true;
    }(),
    "all_mutants must list lib/src/mutation.hpp's mutants in order");

}  // namespace rnnsuite::mutants
