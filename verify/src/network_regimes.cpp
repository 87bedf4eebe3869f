// The regimes of stacked and bidirectional networks (docs/networks.md), appended to every
// profile: for each cell, in the profile's precision,
// - a stack of three layers in a vanishing regime, where gradients fade across depth and time at
//   once, with a loss on every block's final state (every layer's grad_h_n) and PyTorch's biases;
// - two bidirectional layers in a regime that carries gradients far (edge, or the gates' carousel),
//   the loss on every step, on the design's thread count (the two directions run at once);
// - one bidirectional layer at batch 1 (lib's matrix-vector path) with a 4 KiB L2 and a chunk of
//   3 steps (its blocked paths), the loss on the last step (the reverse direction's first).
// The full profile adds every other family of the cell as a two-layer bidirectional network, and
// longer sequences.
#include <string>

#include "regime_families.hpp"
#include "rnnsuite/verify/regimes.hpp"

namespace rnnsuite::verify {

namespace {

struct network_shape {
  const char* family;
  std::int64_t T, B, I, H, L, D;
};

}  // namespace

std::vector<regime> network_regimes(profile which, rnn::precision p, int threads) {
  const bool quick = which == profile::quick;
  const std::int64_t longer = quick ? 1 : 3;
  std::vector<std::pair<network_shape, execution>> chosen;
  auto add = [&](network_shape s, execution how) { chosen.push_back({s, how}); };
  const char* stacked[] = {"elman_tanh_vanishing", "elman_sigmoid_vanishing", "elman_relu_vanishing",
                           "lstm_forget_half", "gru_update_0"};
  const char* bidirectional[] = {"elman_tanh_edge", "elman_sigmoid_edge", "elman_relu_edge",
                                 "lstm_forget_1", "gru_update_1"};
  for (int c = 0; c < 5; ++c) {
    execution stack;
    stack.realistic_biases = true, stack.final_state_loss = true;
    add({stacked[c], 9 * longer, 3, 5, 6, 3, 1}, stack);
    execution both;
    both.realistic_biases = true, both.loss = rnn::loss_kind::all, both.threads = threads;
    add({bidirectional[c], 8 * longer, 2, 4, 5, 2, 2}, both);
    execution single;
    single.l2_bytes = 4096, single.chunk_steps = 3;
    add({bidirectional[c], 7 * longer, 1, 3, 4, 1, 2}, single);
  }
  if (!quick)
    for (const detail::family_spec& f : detail::families()) {
      bool listed = false;
      for (int c = 0; c < 5; ++c)
        listed |= std::string(f.family) == stacked[c] || std::string(f.family) == bidirectional[c];
      if (listed) continue;
      execution how;
      how.realistic_biases = true, how.final_state_loss = true, how.threads = threads;
      add({f.family, f.exploding ? 8 : 16, 3, 4, 5, 2, 2}, how);
    }
  std::vector<regime> out;
  std::uint64_t seed = quick ? 501 : 601;
  for (const auto& [s, how] : chosen) {
    rnn::cell cell = rnn::cell::lstm;
    for (const detail::family_spec& f : detail::families())
      if (std::string(f.family) == s.family) cell = f.cell;
    regime r = regime_for(s.family, rnn::problem{cell, s.T, s.B, s.I, s.H, p, s.L, s.D}, seed++);
    r.run = how;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace rnnsuite::verify
