#pragma once
// A network: L stacked layers in one or two directions, with the semantics of PyTorch's nn.RNN,
// nn.LSTM and nn.GRU (num_layers = L, bidirectional = D == 2, time-major):
// - layer 0 reads x (T×B×I); layer l > 0 reads layer l-1's output, D·H wide;
// - the reverse direction runs t = T-1 down to 0, and its h_t lands at time t;
// - a layer's output at time t is [forward h_t, reverse h_t] (concatenated);
// - block k = l·D + d is layer l in direction d (0 forward, 1 reverse): the index of its rows of
//   h0, c0, h_n, c_n ((L·D)×B×H) and of its parameters, PyTorch's order.
// A problem with L = 1 and D = 1 is the single layer (rnn/layer.hpp), with the same results.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "rnn/aligned.hpp"
#include "rnn/init.hpp"
#include "rnn/layer.hpp"
#include "rnn/problem.hpp"

namespace rnn {

// PyTorch's suffix of block k's parameter names: "_l0", "_l1", "_l0_reverse", ...
std::string block_suffix(const problem& p, std::int64_t k);

// A network's parameters are one flat array holding every block in order, each as weight_ih,
// weight_hh, bias_ih, bias_hh (PyTorch's flat-weights order). Offsets of block k's tensors:
struct parameter_offsets {
  std::size_t weight_ih, weight_hh, bias_ih, bias_hh, end;  // `end`: one past bias_hh
};
parameter_offsets parameter_offsets_of(const problem& p, std::int64_t k);  // throws rnn::error

// Block k's parameters within the flat array `flat` (network_sizes_of(p).parameters elements).
template <class Real>
parameters_view<Real> block_parameters(const problem& p, std::span<const Real> flat,
                                       std::int64_t k);

template <class Real>
struct parameter_gradients_view {
  std::span<Real> weight_ih;  // (G·H)×I_l
  std::span<Real> weight_hh;  // (G·H)×H
  std::span<Real> bias_ih;    // G·H
  std::span<Real> bias_hh;    // G·H
};
template <class Real>
parameter_gradients_view<Real> block_gradients(const problem& p, std::span<Real> flat,
                                               std::int64_t k);

// Seeded parameters of every block: block k is make_parameters(layer_problem(p, k / D), options)
// with a seed of its own (block 0 keeps options.seed, so a one-layer network has the single
// layer's parameters). Flat, as above.
template <class Real>
aligned_vector<Real> make_network_parameters(const problem& p, const init_options& options);

// Where backward writes. Every span is overwritten (not accumulated into).
template <class Real>
struct network_gradients_view {
  std::span<Real> parameters;  // network_sizes_of(p).parameters, the flat layout above
  std::span<Real> x;           // T×B×I
  std::span<Real> h0;          // (L·D)×B×H
  std::span<Real> c0;          // (L·D)×B×H for LSTM, empty otherwise
  // Optional, (L·D)×T×B×H: block k's total dL/dh_t (dL/dc_t) at time t, whatever the direction's
  // order of steps; empty = not wanted. c for LSTM only.
  std::span<Real> h;
  std::span<Real> c;
};

// What a memory budget (layer_options::memory_budget_bytes) is spent on by a network of problem
// p with these options' chunk_steps and l2_bytes (the rest is ignored), without building it.
// Block k's own sizes are checkpoint_sizes_of(layer_problem(p, k / D), options); one layer in
// one direction keeps no sequences, and its other fields are that layer's.
struct network_checkpoint_sizes {
  // Under a budget below full storage, the outputs of layers 0 .. L-2 (T×B×(D·H) each), kept
  // from forward to backward: the blocks above read them again there. 0 for one layer.
  std::size_t kept_sequence_bytes = 0;
  // activation_bytes() without a budget: Σ blocks' full_storage_bytes. A budget at or above it
  // runs as without one.
  std::size_t full_storage_bytes = 0;
  // The smallest budget a network accepts: the kept sequences and Σ blocks' budget_for(1), or
  // full storage when that is smaller (a tiny T with few chunks).
  std::size_t minimum_bytes = 0;
  // Chen et al.'s √n rule in every block: the kept sequences and Σ blocks' sqrt_rule_bytes().
  std::size_t sqrt_rule_bytes = 0;
  // Layer l's blocks' own sizes (each of its D blocks): checkpoint_sizes_of(layer_problem(p, l),
  // options). The automatic chunk may differ between layer 0 (I wide) and the others (D·H).
  std::vector<checkpoint_sizes> layers;
  std::int64_t directions = 1;
  std::int64_t chunks() const;  // Σ blocks' chunks
  // The budget that pays for the kept sequences and, in every block, `slots` stored states and
  // one chunk's activations (checkpoint_sizes::budget_for). The network gives each block its
  // minimum and an equal share of the rest, so where the layers' chunks are equal each block
  // gets exactly its budget_for(slots). Throws rnn::error on a bad count or overflow.
  std::size_t budget_for(std::int64_t slots) const;
};
// Throws rnn::error on a bad problem or option, or if a sum overflows size_t.
network_checkpoint_sizes network_checkpoint_sizes_of(const problem& p,
                                                     const layer_options& options = {});

template <class Real>
class network {
 public:
  // Validates the problem (its precision must match Real) and the parameters' size, and builds
  // one rnn::layer per block. With D = 2 and options.threads >= 2, the two directions run at
  // once, each on half the threads (results do not depend on it).
  // A memory budget (options.memory_budget_bytes, network_checkpoint_sizes_of) below full
  // storage: the network keeps every layer's output but the last for backward, and each block
  // gets its own minimum (budget_for(1)) plus an equal share of what the kept sequences and the
  // minima leave, as its layer_options.memory_budget_bytes (checkpointed BPTT, rnn/layer.hpp).
  // Outputs and gradients are bit-identical to the network without a budget. As for a layer:
  // x must stay unchanged from forward until the last backward, lengths below T and truncated
  // backward are refused, and a budget below the minimum throws. Throws rnn::error.
  network(const problem& p, std::span<const Real> parameters, layer_options options = {});
  ~network();
  network(network&&) noexcept;
  network& operator=(network&&) noexcept;

  const problem& shape() const;
  // Bytes of activations kept from forward for backward, over all blocks; under a budget below
  // full storage also the kept sequences (network_checkpoint_sizes::kept_sequence_bytes). At
  // most the budget.
  std::size_t activation_bytes() const;
  // Chunks forwarded again by each backward after a forward, over all blocks
  // (layer::recomputed_chunks(); 0 without a memory budget below full storage).
  std::int64_t recomputed_chunks() const;
  // Bytes of everything allocated up front, over all blocks and the network's own buffers.
  std::size_t workspace_bytes() const;

  // x: T×B×I; h0, c0: (L·D)×B×H (c0 for LSTM, empty otherwise). Writes output: T×B×(D·H), the
  // last layer's; h_n, c_n: (L·D)×B×H (c_n for LSTM, empty otherwise). lengths: as
  // layer::forward's (empty = all T; any length below T is refused under a budget below full
  // storage); the reverse direction of sequence b starts at len_b - 1.
  void forward(std::span<const Real> x, std::span<const Real> h0, std::span<const Real> c0,
               std::span<Real> output, std::span<Real> h_n, std::span<Real> c_n,
               std::span<const std::int64_t> lengths = {});

  // grad_output: T×B×(D·H) upstream dL/d(output) (zeros allowed); grad_h_n, grad_c_n:
  // (L·D)×B×H on the final states (empty = zero; grad_c_n only for LSTM). `steps` < T is
  // truncated BPTT through every layer's last `steps` steps, for D = 1 only (the reverse
  // direction's last steps are the sequence's first: no truncation means that) and without a
  // budget below full storage (as a layer's); 0 = all T. Any number of backwards may follow
  // one forward. After a forward with lengths: as layer::backward's (grad_output past a
  // sequence's length ignored, dx and each block's dL/dh_t, dL/dc_t zero there, truncation
  // refused); the reverse block's dL/dh_t is at time t, its step len_b - 1 - t.
  void backward(std::span<const Real> grad_output, std::span<const Real> grad_h_n,
                std::span<const Real> grad_c_n, network_gradients_view<Real> grads,
                std::int64_t steps = 0);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

extern template class network<float>;
extern template class network<double>;

}  // namespace rnn
