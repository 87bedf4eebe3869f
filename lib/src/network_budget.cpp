// A network's memory budget arithmetic (network_budget.hpp) and network_checkpoint_sizes_of.
#include "network_budget.hpp"

#include <algorithm>
#include <string>

#include "rnn/error.hpp"

namespace rnn {

namespace detail {

namespace {

std::size_t add_bytes(std::size_t a, std::size_t b, const problem& p) {
  std::size_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum))
    throw error("problem " + format_problem(p) + ": the network's memory budget sizes overflow size_t");
  return sum;
}

}  // namespace

budget_split::budget_split(const problem& p, const layer_options& options) {
  const network_sizes n = network_sizes_of(p);  // validates the problem
  const std::size_t D = std::size_t(p.directions), L = std::size_t(p.layers);
  const std::size_t real_bytes = p.precision == precision::f32 ? 4 : 8;
  sizes.directions = p.directions;
  // validate() made every tensor's bytes fit: (L-1)·T·B·(D·H) values are fewer than grads.h's.
  sizes.kept_sequence_bytes = (L - 1) * n.output * real_bytes;
  std::size_t blocks_sqrt = 0;
  for (std::size_t l = 0; l < L; ++l) {
    sizes.layers.push_back(checkpoint_sizes_of(layer_problem(p, std::int64_t(l)), options));
    const checkpoint_sizes& layer = sizes.layers.back();
    for (std::size_t d = 0; d < D; ++d) {
      sizes.full_storage_bytes = add_bytes(sizes.full_storage_bytes, layer.full_storage_bytes, p);
      blocks_minimum = add_bytes(blocks_minimum, layer.budget_for(1), p);
      blocks_sqrt = add_bytes(blocks_sqrt, layer.sqrt_rule_bytes(), p);
    }
  }
  sizes.minimum_bytes = std::min(checkpointed_minimum(p), sizes.full_storage_bytes);
  sizes.sqrt_rule_bytes = add_bytes(sizes.kept_sequence_bytes, blocks_sqrt, p);
}

std::size_t budget_split::checkpointed_minimum(const problem& p) const {
  return add_bytes(sizes.kept_sequence_bytes, blocks_minimum, p);
}

void budget_split::require_at_least_minimum(std::size_t budget, const problem& p) const {
  if (budget >= sizes.minimum_bytes) return;
  const std::size_t least = checkpointed_minimum(p);
  std::string parts;
  if (least > sizes.full_storage_bytes)  // full storage is less than any checkpointed run
    parts = "full storage; checkpointed BPTT would need " + std::to_string(least) + " bytes: ";
  if (p.layers > 1)
    parts += std::to_string(sizes.kept_sequence_bytes) + " bytes for " +
             (p.layers == 2 ? std::string("the output of layer 0")
                            : "the outputs of layers 0 to " + std::to_string(p.layers - 2)) +
             ", kept for backward, and ";
  const std::int64_t blocks = p.layers * p.directions;
  parts += std::to_string(blocks_minimum) + " bytes for the " + std::to_string(blocks) +
           " blocks' minima, one stored state and one chunk's activations each:";
  for (std::size_t l = 0; l < sizes.layers.size(); ++l)
    parts += std::string(l == 0 ? " " : "; ") + "layer " + std::to_string(l) + "'s " +
             std::to_string(sizes.layers[l].budget_for(1)) + " bytes (" +
             std::to_string(sizes.layers[l].chunk_steps) + " steps per chunk)";
  throw error("network: layer_options.memory_budget_bytes = " + std::to_string(budget) +
              " is below the minimum for " + format_problem(p) + ": " +
              std::to_string(sizes.minimum_bytes) + " bytes (" + parts + ")");
}

std::size_t budget_split::block_budget(std::size_t budget, std::int64_t k, const problem& p) const {
  const std::size_t blocks = std::size_t(p.layers * p.directions);
  if (blocks == 1) return budget;  // the layer's own check names its chunk, state and minimum
  const std::size_t surplus = budget - sizes.kept_sequence_bytes - blocks_minimum;
  return sizes.layers[std::size_t(k / p.directions)].budget_for(1) + surplus / blocks;
}

}  // namespace detail

std::int64_t network_checkpoint_sizes::chunks() const {
  std::int64_t total = 0;
  for (const checkpoint_sizes& layer : layers) total += layer.chunks * directions;
  return total;
}

std::size_t network_checkpoint_sizes::budget_for(std::int64_t slots) const {
  std::size_t total = kept_sequence_bytes;
  for (const checkpoint_sizes& layer : layers)
    for (std::int64_t d = 0; d < directions; ++d)
      if (__builtin_add_overflow(total, layer.budget_for(slots), &total))
        throw error("network_checkpoint_sizes::budget_for(" + std::to_string(slots) +
                    "): the budget overflows size_t");
  return total;
}

network_checkpoint_sizes network_checkpoint_sizes_of(const problem& p, const layer_options& options) {
  return detail::budget_split(p, options).sizes;
}

}  // namespace rnn
