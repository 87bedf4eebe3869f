#pragma once
// `rnnsuite run --memory-budget`: the flag's value and the problems it applies to (lib's
// rnn::network_checkpoint_sizes_of gives the sizes the report sets the peak beside).
#include <cstdint>
#include <string>

#include "rnn/layer.hpp"
#include "rnn/problem.hpp"

namespace rnnsuite::cli {

// The flag's value: a size (cli/byte_size.hpp) or `sqrt` (Chen et al.'s √n rule, resolved per
// problem by rnn::network_checkpoint_sizes::sqrt_rule_bytes). Throws rnn::error naming --memory-budget
// and the text.
struct memory_budget {
  std::string text;            // as given
  bool sqrt_rule = false;      // `sqrt`
  std::uint64_t bytes = 0;     // a size's bytes (> 0); 0 for `sqrt`
};
memory_budget parse_memory_budget(const std::string& text);

// Throws rnn::error (exit status 2) for what lib's checkpointed BPTT does not take yet: sequences
// of different lengths.
void require_budget_applies(const rnn::problem& p, const memory_budget& budget);

}  // namespace rnnsuite::cli
