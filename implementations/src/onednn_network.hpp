#pragma once
// A network (rnn/network.hpp: L stacked layers in D directions, PyTorch's semantics) on oneDNN
// 2.6's own multi-layer and bidirectional RNN primitives, float32, in PyTorch's layouts in and out.
//
// oneDNN's one primitive computes a stack whose layers share one weights_layer shape, and its
// multi-layer bidirectional mode runs each direction's layers as a stack of their own (layer l
// of the reverse direction reads layer l-1 of the reverse direction only: oneDNN's rnn.md,
// "bidirectional_concat will process all the stacked layers from left2right and from right2left
// independently"), where PyTorch's layer l > 0 reads both directions of layer l-1. So:
// - D = 1, I = H (or L = 1): the whole network is one multi-layer primitive;
// - D = 1, I != H: layer 0 alone, then layers 1..L-1 in one primitive (I = H above layer 0);
// - D = 2: one bidirectional_concat primitive per layer (its output T×B×2H is the next layer's
//   input as it is; its input gradient is the two directions' sum, computed inside oneDNN).
// Between two primitives the layer output (and, backward, its gradient) is a T×B×(D·H) array of
// this object's, which oneDNN's backward reads again; nothing is copied or reordered per call.
#include <cstddef>
#include <memory>
#include <span>

#include "rnnsuite/impl/implementation.hpp"

namespace rnnsuite::impl::onednn {

class network_primitives {
 public:
  // p: a float32 problem (a network or not); parameters flat in PyTorch's order
  // (rnn::parameter_offsets_of). Throws rnn::error for a wrong size, dnnl::error if oneDNN
  // rejects a primitive.
  network_primitives(const rnn::problem& p, std::span<const float> parameters);
  ~network_primitives();
  network_primitives(const network_primitives&) = delete;
  network_primitives& operator=(const network_primitives&) = delete;

  // x T×B×I; h0, c0, h_n, c_n (L·D)×B×H (c for LSTM only); output T×B×(D·H). Throws rnn::error
  // on a span of the wrong size.
  void forward(sequence_inputs<float> in, sequence_outputs<float> out);
  // Full BPTT over the last forward; every gradient overwritten. upstream.h_n, c_n may be empty
  // (zero); grads.x, h0, c0 may be empty (not wanted); grads.h, c must be empty. grads.parameters
  // empty: not wanted, computed all the same and left in oneDNN's layout (what the benchmark's
  // timed backward asks, as for a single layer: parameter_gradients_wanted); else the flat
  // PyTorch layout, every block transposed back from oneDNN's.
  void backward(upstream_gradients<float> upstream, rnn::network_gradients_view<float> grads);

  // What forward keeps for backward: every primitive's workspace and the layer outputs between
  // primitives.
  std::size_t reserve_bytes() const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace rnnsuite::impl::onednn
