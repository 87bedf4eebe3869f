// The regimes of batches whose sequences differ in length (rnn/lengths.hpp, PyTorch's packed
// sequences), appended to every profile: for each cell, in the profile's precision, in the regime
// that carries gradients farthest (the edge, LSTM's forget gate and GRU's update gate near 1),
// with a gradient on the final states (each sequence's, at its own last step) and one of two
// losses:
// - on every step: every sequence's real steps meet it, and the upstream gradient at the padded
//   steps is nonzero, so an implementation that lets it in is caught;
// - on the last step: each sequence's own last step len_b − 1 (rnn/loss.hpp), PyTorch's
//   output[-1] for packed sequences: a sequence's whole upstream gradient at one step, wherever
//   it ends (the padded steps get none, so a leak there shows only under the other loss).
// The shapes:
// - a single layer with lengths 1, T, ceil(T/2), 1 (`_lenx`), loss on every step: the shortest
//   and the longest in one unsorted batch of 4 (onnxruntime PR #3893's bug showed only from batch
//   3), on the design's thread count (lib splits a batch that shrinks as sequences end);
// - two stacked bidirectional layers with lengths 1, T, ceil(T/2), 1, T, loss on the last step:
//   each reverse direction starts at its own len_b − 1 (OpenNMT #306 was a bug of the padded
//   reverse path).
// The full profile adds both shapes with lengths uniform in [1, T] (`_lenu<seed>`), longer, each
// with the other loss: every shape meets both losses there.
#include <string>

#include "regime_families.hpp"
#include "rnnsuite/verify/regimes.hpp"

namespace rnnsuite::verify {

namespace {

struct packed_shape {
  std::int64_t T, B, I, H, L, D;
  rnn::lengths_rule rule;
  std::uint64_t lengths_seed;
  bool threaded;
  rnn::loss_kind loss;
};

}  // namespace

std::vector<regime> packed_regimes(profile which, rnn::precision p, int threads) {
  std::vector<regime> out;
  std::uint64_t seed = which == profile::quick ? 701 : 801;
  for (const detail::carrying_family& c : detail::carrying_families) {
    const rnn::loss_kind all = rnn::loss_kind::all, last = rnn::loss_kind::last;
    std::vector<packed_shape> shapes = {
        {12, 4, 5, 7, 1, 1, rnn::lengths_rule::extremes, 0, true, all},
        {7, 5, 4, 5, 2, 2, rnn::lengths_rule::extremes, 0, false, last}};
    if (which == profile::full) {
      const std::uint64_t drawn = 11 + std::uint64_t(&c - detail::carrying_families);  // by cell
      shapes.push_back({24, 6, 5, 7, 1, 1, rnn::lengths_rule::uniform, drawn, true, last});
      shapes.push_back({16, 4, 4, 5, 2, 2, rnn::lengths_rule::uniform, drawn, false, all});
    }
    for (const packed_shape& s : shapes) {
      rnn::problem problem{c.cell, s.T, s.B, s.I, s.H, p, s.L, s.D};
      problem.lengths = s.rule, problem.lengths_seed = s.lengths_seed;
      regime r = regime_for(c.family, problem, seed++);
      r.run.realistic_biases = true, r.run.loss = s.loss;
      r.run.final_state_loss = true;
      if (s.threaded) r.run.threads = threads;
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace rnnsuite::verify
