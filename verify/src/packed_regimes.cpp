// The regimes of batches whose sequences differ in length (rnn/lengths.hpp, PyTorch's packed
// sequences), appended to every profile: for each cell, in the profile's precision, in the regime
// that carries gradients farthest (the edge, LSTM's forget gate and GRU's update gate near 1),
// with the loss on every step (so every sequence's real steps meet it, and the upstream gradient
// at the padded steps is nonzero: an implementation that lets it in is caught) and on the final
// states (each sequence's, at its own last step):
// - a single layer with lengths 1, T, ceil(T/2), 1 (`_lenx`): the shortest and the longest in one
//   unsorted batch of 4 (onnxruntime PR #3893's bug showed only from batch 3), on the design's
//   thread count (lib splits a batch that shrinks as sequences end);
// - two stacked bidirectional layers with lengths 1, T, ceil(T/2), 1, T: each reverse direction
//   starts at its own len_b − 1 (OpenNMT #306 was a bug of the padded reverse path).
// The full profile adds both shapes with lengths uniform in [1, T] (`_lenu<seed>`), longer.
#include <string>

#include "rnnsuite/verify/regimes.hpp"

namespace rnnsuite::verify {

namespace {

struct packed_shape {
  std::int64_t T, B, I, H, L, D;
  rnn::lengths_rule rule;
  std::uint64_t lengths_seed;
  bool threaded;
};

}  // namespace

std::vector<regime> packed_regimes(profile which, rnn::precision p, int threads) {
  const char* carrying[] = {"elman_tanh_edge", "elman_sigmoid_edge", "elman_relu_edge",
                            "lstm_forget_1", "gru_update_1"};
  const rnn::cell cells[] = {rnn::cell::elman_tanh, rnn::cell::elman_sigmoid,
                             rnn::cell::elman_relu, rnn::cell::lstm, rnn::cell::gru};
  std::vector<regime> out;
  std::uint64_t seed = which == profile::quick ? 701 : 801;
  for (int c = 0; c < 5; ++c) {
    std::vector<packed_shape> shapes = {{12, 4, 5, 7, 1, 1, rnn::lengths_rule::extremes, 0, true},
                                        {7, 5, 4, 5, 2, 2, rnn::lengths_rule::extremes, 0, false}};
    if (which == profile::full) {
      const std::uint64_t drawn = 11 + std::uint64_t(c);
      shapes.push_back({24, 6, 5, 7, 1, 1, rnn::lengths_rule::uniform, drawn, true});
      shapes.push_back({16, 4, 4, 5, 2, 2, rnn::lengths_rule::uniform, drawn, false});
    }
    for (const packed_shape& s : shapes) {
      rnn::problem problem{cells[c], s.T, s.B, s.I, s.H, p, s.L, s.D};
      problem.lengths = s.rule, problem.lengths_seed = s.lengths_seed;
      regime r = regime_for(carrying[c], problem, seed++);
      r.run.realistic_biases = true, r.run.loss = rnn::loss_kind::all;
      r.run.final_state_loss = true;
      if (s.threaded) r.run.threads = threads;
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace rnnsuite::verify
