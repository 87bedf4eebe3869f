// The regimes of backward under a memory budget (lib's checkpointed BPTT, rnn/checkpoint.hpp),
// appended to every profile: for each cell, in the profile's precision, in the regime that carries
// gradients farthest (the edge, LSTM's forget gate and GRU's update gate near 1), with biases, a
// loss on every step and a gradient on the final states, so every step's recomputed activations
// reach dW, dx, dh0 and dc0.
// The budget is a hint only lib reads (every other implementation runs the same problem in full
// storage). lib's gradients are bit-identical to full storage's (lib's own tests say so); here the
// verifier grades them against the reference like any other, so a schedule that restores a wrong
// state or recomputes a chunk from the wrong place FAILs by name.
// The shapes (explicit chunks, so the budget and the schedule are the same on every machine):
// - quick: T = 16 in chunks of 2 (8 units) with 2 stored states: a schedule that stores, restores
//   and recomputes some units three times (14 recomputed); B = 2 on the design's thread count;
// - quick also runs two bidirectional layers (T = 12 in chunks of 2, 2 states per block): the
//   network keeps layer 0's output for layer 1's recomputation and writes the reverse blocks'
//   reversed input again before their backward (rnn/network.hpp);
// - full adds batch 1 (lib's matvec path, whose sweep order follows the step) with the smallest
//   budget, one stored state: every unit recomputed from h0, the quadratic schedule.
#include "regime_families.hpp"
#include "rnnsuite/verify/regimes.hpp"

namespace rnnsuite::verify {

namespace {

struct checkpoint_shape {
  std::int64_t T, B, I, H, chunk, slots;
  bool threaded;
  std::int64_t layers = 1, directions = 1;
};

}  // namespace

std::vector<regime> checkpoint_regimes(profile which, rnn::precision p, int threads) {
  std::vector<regime> out;
  std::uint64_t seed = which == profile::quick ? 901 : 951;
  for (const detail::carrying_family& c : detail::carrying_families) {
    std::vector<checkpoint_shape> shapes = {{16, 2, 3, 5, 2, 2, true},
                                            {12, 2, 3, 4, 2, 2, true, 2, 2}};
    if (which == profile::full) shapes.push_back({40, 1, 3, 6, 3, 1, false});
    for (const checkpoint_shape& s : shapes) {
      const rnn::problem problem{c.cell, s.T, s.B, s.I, s.H, p, s.layers, s.directions};
      regime r = regime_for(c.family, problem, seed++);
      r.run.realistic_biases = true, r.run.loss = rnn::loss_kind::all;
      r.run.final_state_loss = true;
      r.run.chunk_steps = s.chunk, r.run.checkpoint_slots = s.slots;
      if (s.threaded) r.run.threads = threads;
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace rnnsuite::verify
