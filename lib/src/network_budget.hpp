#pragma once
// A network's memory budget arithmetic (network_checkpoint_sizes_of, rnn::network's
// constructor): what its blocks take, by layer (the D blocks of a layer have one problem), and
// what the network keeps itself: every layer's output but the last, which the blocks above read
// again in backward.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "rnn/layer.hpp"
#include "rnn/network.hpp"

namespace rnn::detail {

struct budget_split {
  network_checkpoint_sizes sizes;
  std::size_t blocks_minimum = 0;  // Σ blocks' budget_for(1)

  // Validates the problem and the options; throws rnn::error if a sum overflows size_t.
  budget_split(const problem& p, const layer_options& options);

  // The least budget below full storage can be: the kept sequences and every block's minimum.
  std::size_t checkpointed_minimum(const problem& p) const;

  // Throws rnn::error when `budget` is below sizes.minimum_bytes, naming what the minimum pays
  // for.
  void require_at_least_minimum(std::size_t budget, const problem& p) const;

  // Block k's layer_options.memory_budget_bytes out of `budget` (>= checkpointed_minimum): its
  // own minimum and an equal share of the rest. The blocks' minima differ when the automatic
  // chunk does (layer 0's input is I wide, the others' D·H): an equal split of the whole would
  // need L·D times the largest minimum.
  std::size_t block_budget(std::size_t budget, std::int64_t k, const problem& p) const;
};

}  // namespace rnn::detail
