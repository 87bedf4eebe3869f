#pragma once
// oneDNN 2.6's RNN primitives for one float32 problem, in PyTorch's layouts in and out
// (onednn_implementation.hpp says what that means for each tensor). The constructor creates the
// forward_training and backward primitives and reorders the weights into oneDNN's preferred
// layout, once; forward and backward then only point oneDNN at the caller's arrays and run.
#include <cstddef>
#include <memory>

#include "rnnsuite/impl/implementation.hpp"

namespace rnnsuite::impl::onednn {

// oneDNN's gate block for PyTorch's gate block g: identity for Elman and LSTM (i, f, c, o is
// PyTorch's i, f, g, o); GRU's r, z, n are lbr_gru's blocks 1, 0, 2 (u, r, o).
int onednn_gate(rnn::cell c, int pytorch_gate);

class rnn_primitives {
 public:
  // Throws rnn::error for parameters of the wrong size, dnnl::error if oneDNN rejects the problem.
  rnn_primitives(const rnn::problem& p, rnn::parameters_view<float> params);
  ~rnn_primitives();
  rnn_primitives(const rnn_primitives&) = delete;
  rnn_primitives& operator=(const rnn_primitives&) = delete;

  // forward_training: fills out and the workspace. Throws rnn::error on a span of the wrong size.
  void forward(sequence_inputs<float> in, sequence_outputs<float> out);
  // Full BPTT over the last forward. Overwrites every gradient: grads.x, h0, c0 may be empty
  // (computed into scratch and dropped); grads.h, c must be empty. The weight and bias gradients
  // are always computed; with all four spans empty (parameter_gradients_wanted) they stay in
  // oneDNN's layout, not transposed into PyTorch's rows.
  void backward(upstream_gradients<float> upstream, rnn::gradients_view<float> grads);

  std::size_t workspace_bytes() const;   // oneDNN's workspace: what forward keeps for backward
  std::size_t scratchpad_bytes() const;  // forward's plus backward's scratchpad

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace rnnsuite::impl::onednn
