#pragma once
// oneDNN 2.6's RNN primitives for one float32 problem, in PyTorch's layouts in and out
// (onednn_implementation.hpp says what that means for each tensor). The constructor creates the
// forward_training and backward primitives and reorders the weights into oneDNN's preferred
// layout, once; forward and backward then only point oneDNN at the caller's arrays and run.
//
// One primitive pair computes a stack: L layers in D directions, oneDNN's multi-layer primitive.
// A single layer is the stack L = D = 1. Where a stack is PyTorch's network (onednn_network.hpp
// chains them): D = 1 and every layer reads H channels (L = 1, or I = H); D = 2 only with L = 1
// (bidirectional_concat: the two directions' h_t side by side, their input gradients summed),
// since oneDNN's multi-layer bidirectional primitive runs each direction's layers as a stack of
// their own, where PyTorch's layer l > 0 reads both directions of layer l-1.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "rnnsuite/impl/implementation.hpp"

namespace rnnsuite::impl::onednn {

// oneDNN's gate block for PyTorch's gate block g: identity for Elman and LSTM (i, f, c, o is
// PyTorch's i, f, g, o); GRU's r, z, n are lbr_gru's blocks 1, 0, 2 (u, r, o).
int onednn_gate(rnn::cell c, int pytorch_gate);

// L layers in D directions reading I channels (T×B×I), each block H wide: block k = l·D + d.
struct stack_shape {
  rnn::cell cell = rnn::cell::lstm;
  std::int64_t T = 1, B = 1, I = 1, H = 1;
  std::int64_t layers = 1, directions = 1;
};

// Where a stack's backward writes. Every span is overwritten. x (T×B×I), h0, c0 ((L·D)×B×H) may
// be empty: computed into scratch and dropped. blocks: L·D parameter gradients in block order,
// each with weight_ih (G·H)×I; empty: not wanted (computed all the same, left in oneDNN's layout).
struct stack_gradients {
  std::span<float> x, h0, c0;
  std::span<const rnn::parameter_gradients_view<float>> blocks;
};

class rnn_primitives {
 public:
  // A single layer. Throws rnn::error for parameters of the wrong size, dnnl::error if oneDNN
  // rejects the problem.
  rnn_primitives(const rnn::problem& p, rnn::parameters_view<float> params);
  // A stack: `blocks` holds L·D parameter sets in block order, each weight_ih (G·H)×I. Throws
  // rnn::error for a shape no primitive of oneDNN's computes as PyTorch does (above) or
  // parameters of the wrong size, dnnl::error if oneDNN rejects it.
  rnn_primitives(const stack_shape& shape, std::span<const rnn::parameters_view<float>> blocks);
  ~rnn_primitives();
  rnn_primitives(const rnn_primitives&) = delete;
  rnn_primitives& operator=(const rnn_primitives&) = delete;

  // forward_training: fills out and the workspace. Throws rnn::error on a span of the wrong size.
  // For a stack: x T×B×I, h0, c0, h_n, c_n (L·D)×B×H, output T×B×(D·H).
  void forward(sequence_inputs<float> in, sequence_outputs<float> out);
  // Full BPTT over the last forward. Overwrites every gradient: grads.x, h0, c0 may be empty
  // (computed into scratch and dropped); grads.h, c must be empty. The weight and bias gradients
  // are always computed; with all four spans empty (parameter_gradients_wanted) they stay in
  // oneDNN's layout, not transposed into PyTorch's rows. A single layer's (a stack's: one block).
  void backward(upstream_gradients<float> upstream, rnn::gradients_view<float> grads);
  // The same for any stack; upstream.output is T×B×(D·H), h_n and c_n (L·D)×B×H or empty (zero).
  void backward(upstream_gradients<float> upstream, const stack_gradients& grads);

  std::size_t workspace_bytes() const;   // oneDNN's workspace: what forward keeps for backward
  std::size_t scratchpad_bytes() const;  // forward's plus backward's scratchpad

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace rnnsuite::impl::onednn
