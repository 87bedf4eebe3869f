#pragma once
// The regime families (regimes.cpp), shared with the problem design (problem_design.cpp).
#include <vector>

#include "rnnsuite/verify/regimes.hpp"

namespace rnnsuite::verify::detail {

struct family_spec {
  const char* family;
  rnn::cell cell;
  double gain;
  std::vector<bias_shift> shifts;
  bool exploding;
  bool saturating;
  const char* shows;
};

const std::vector<family_spec>& families();

regime make_regime(const family_spec& f, const rnn::problem& p, std::uint64_t seed,
                   const execution& run);

// Each cell with the family that carries gradients farthest (the edge; LSTM's forget gate and
// GRU's update gate near 1): the regime of the packed and checkpointed problems.
struct carrying_family {
  rnn::cell cell;
  const char* family;
};
inline constexpr carrying_family carrying_families[] = {
    {rnn::cell::elman_tanh, "elman_tanh_edge"},
    {rnn::cell::elman_sigmoid, "elman_sigmoid_edge"},
    {rnn::cell::elman_relu, "elman_relu_edge"},
    {rnn::cell::lstm, "lstm_forget_1"},
    {rnn::cell::gru, "gru_update_1"}};

}  // namespace rnnsuite::verify::detail
