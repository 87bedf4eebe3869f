#include "memory_budget.hpp"

#include "byte_size.hpp"
#include "rnn/error.hpp"

namespace rnnsuite::cli {

memory_budget parse_memory_budget(const std::string& text) {
  memory_budget b;
  b.text = text;
  if (text == "sqrt")
    b.sqrt_rule = true;
  else
    b.bytes = parse_byte_size(text, "--memory-budget");
  return b;
}

void require_budget_applies(const rnn::problem& p, const memory_budget& budget) {
  if (rnn::has_lengths(p))
    throw rnn::error("--memory-budget " + budget.text + ": problem " + rnn::format_problem(p) +
                     " has sequences of different lengths; checkpointed BPTT takes full-length "
                     "batches for now (drop the '_len' field)");
}

}  // namespace rnnsuite::cli
