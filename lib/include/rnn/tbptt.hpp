#pragma once
// The streaming truncated-BPTT schedule (Williams & Peng's k1/k2): run forward k1 new steps,
// backpropagate through the last k2 steps, carry the state, repeat to the end of the sequence.
#include <cstdint>
#include <span>

#include "rnn/layer.hpp"

namespace rnn {

struct tbptt_schedule {
  std::int64_t k1 = 1;  // new steps between two backward passes (>= 1)
  std::int64_t k2 = 1;  // steps each backward pass goes through (>= k1)
};

// Sums, over every backward pass of the schedule, the parameter gradients of the upstream
// gradient grad_output (T×B×H) restricted to that window. p.T is the whole stream's length.
// Writes grads.weight_*, grads.bias_*; grads.x, h0, c0, h, c may be empty (not wanted).
template <class Real>
void streaming_tbptt(const problem& p, parameters_view<Real> params, tbptt_schedule schedule,
                     std::span<const Real> x, std::span<const Real> h0, std::span<const Real> c0,
                     std::span<const Real> grad_output, gradients_view<Real> grads,
                     layer_options options = {});

}  // namespace rnn
