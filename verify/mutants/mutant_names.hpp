#pragma once
// The planted mutants of lib/src/mutation.hpp by name, in its enum's order, and what each plants.
#include <array>
#include <string_view>

#include "mutation.hpp"

namespace rnnsuite::mutants {

using rnn::detail::mutant;

struct mutant_info {
  mutant id;
  std::string_view name;
  std::string_view bug;  // one line for the docs table
};

inline constexpr std::array<mutant_info, static_cast<int>(mutant::count)> all_mutants{{
    {mutant::none, "none", "the unmutated fast path"},
    {mutant::off_by_one, "off_by_one", "time loop stops before step 0"},
    {mutant::missing_dh0_transpose, "missing_dh0_transpose",
     "dh0 = dL/dh_1: last W_hhᵀ multiply skipped"},
    {mutant::wrong_derivative_step, "wrong_derivative_step",
     "f' at h_{T-1} (c_{T-1}) instead of h_T (c_T), last step"},
    {mutant::swapped_gate_derivatives, "swapped_gate_derivatives",
     "LSTM i and f gate deltas swapped"},
    {mutant::missing_dc_accumulation, "missing_dc_accumulation",
     "LSTM dL/dc_t drops the carry from t+1"},
    {mutant::bias_dropped_step, "bias_dropped_step", "db_ih misses the last step"},
    {mutant::wrong_sign, "wrong_sign", "recurrent part of dL/dh_t subtracted"},
    {mutant::transposed_whh, "transposed_whh", "Elman dh' = W_hh·δ instead of W_hhᵀ·δ"},
    {mutant::truncation_unasked, "truncation_unasked",
     "full BPTT asked, last ceil(T/2) steps done"},
    {mutant::float_accumulation, "float_accumulation",
     "dL/dh carried in float inside the double build"},
    {mutant::gru_reset_wrong_term, "gru_reset_wrong_term",
     "GRU r applied to the n delta's x side, not h side"},
    {mutant::dx_missing_last_step, "dx_missing_last_step", "dx of the last step left zero"},
    {mutant::relu_derivative_at_zero, "relu_derivative_at_zero", "ReLU f'(0) = 1 (h >= 0)"},
}};

static_assert(
    [] {
      for (int k = 0; k < static_cast<int>(all_mutants.size()); ++k)
        if (static_cast<int>(all_mutants[k].id) != k) return false;
      return true;
    }(),
    "all_mutants must list lib/src/mutation.hpp's mutants in order");

}  // namespace rnnsuite::mutants
