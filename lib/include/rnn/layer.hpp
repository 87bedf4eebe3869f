#pragma once
// One recurrent layer: forward over a whole sequence and backpropagation through time.
// Shapes are time-major and row-major (C order), as PyTorch's (DESIGN.md).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "rnn/cache.hpp"
#include "rnn/isa.hpp"
#include "rnn/problem.hpp"

namespace rnn {

template <class Real>
struct parameters_view {
  std::span<const Real> weight_ih;  // (G·H)×I
  std::span<const Real> weight_hh;  // (G·H)×H
  std::span<const Real> bias_ih;    // G·H
  std::span<const Real> bias_hh;    // G·H
};

// Where backward writes. Every span is overwritten (not accumulated into).
template <class Real>
struct gradients_view {
  std::span<Real> weight_ih;  // (G·H)×I
  std::span<Real> weight_hh;  // (G·H)×H
  std::span<Real> bias_ih;    // G·H
  std::span<Real> bias_hh;    // G·H
  std::span<Real> x;          // T×B×I
  std::span<Real> h0;         // B×H
  std::span<Real> c0;         // B×H for LSTM, empty otherwise
  std::span<Real> h;          // optional, T×B×H: total dL/dh_t for every t; empty = not wanted
  std::span<Real> c;          // optional, T×B×H, LSTM only: total dL/dc_t; empty = not wanted
};

struct layer_options {
  std::optional<rnn::isa> isa;  // empty: default_isa()
  int threads = 1;              // worker threads for this layer's kernels (>= 1)
  // Steps per chunk: forward computes the input projection, backward dx and the weight gradients,
  // one chunk of steps at a time, so their gates and deltas are re-read from cache. 0 (the
  // default) chooses it from the problem's sizes; more than T means one chunk. Results agree to
  // rounding for every value: only the order in which dW sums its rows changes.
  std::int64_t chunk_steps = 0;
  // One core's L2 in bytes, which the blocking follows: the batch-1 sweep order, the automatic
  // chunk size and, with several threads, how each step's recurrent product is split. 0 (the
  // default) takes l2_cache_bytes() (rnn/cache.hpp). Results agree to rounding for every value.
  std::size_t l2_bytes = 0;
  // Bytes of activations forward may keep for backward (layer::activation_bytes()). 0 (the
  // default), or at least what full storage keeps: every step's activations, as without a budget.
  // Less: checkpointed BPTT (rnn/checkpoint.hpp). Forward keeps the states (h, and c for LSTM)
  // only at the chunk boundaries Gruslys et al.'s schedule chooses for the slots the budget pays
  // for, and one chunk's activations; backward recomputes each chunk from its nearest stored
  // state just before backpropagating it. The chunks and the arithmetic are full storage's, so
  // every output and gradient is bit-identical to it; the time grows with the chunks forwarded
  // again (checkpoint::schedule::recomputed()). With a budget:
  // - x is read from the caller's array, not copied: it must stay unchanged from forward until
  //   the last backward (as oneDNN asks of its workspace);
  // - forward with lengths (any length below T) and backward with steps < T are refused (step 1
  //   of issue 27);
  // - below the minimum (one stored state and one chunk's activations, which is the quadratic
  //   schedule) the constructor throws rnn::error saying the minimum in bytes.
  std::size_t memory_budget_bytes = 0;
};

// What a memory budget (layer_options::memory_budget_bytes) is spent on, for a layer of problem p
// with these options' chunk_steps and l2_bytes (the rest is ignored), without building it.
struct checkpoint_sizes {
  std::int64_t chunk_steps = 0;      // steps per chunk: the layer's chunk_steps(), the unit
  std::int64_t chunks = 0;           // n = ceil(T / chunk_steps)
  std::size_t chunk_bytes = 0;       // one chunk's activations, the state entering it included
  std::size_t state_bytes = 0;       // one stored state: h, and c for LSTM
  std::size_t full_storage_bytes = 0;  // activation_bytes() without a budget
  // The budget that keeps `kept_chunks` >= 1 chunks' activations (they share their entering
  // states' rows) and `slots` >= 1 stored states. budget_for(1) is the smallest a layer accepts.
  // Throws rnn::error on bad counts or overflow.
  std::size_t budget_for(std::int64_t slots, std::int64_t kept_chunks = 1) const;
  // Chen et al.'s √n rule's memory: ceil(n/k) states and k chunks' activations, k = ceil(√n).
  std::size_t sqrt_rule_bytes() const;
};
// Throws rnn::error on a bad problem or option.
checkpoint_sizes checkpoint_sizes_of(const problem& p, const layer_options& options = {});

template <class Real>
class layer {
 public:
  // Validates the problem (its precision must match Real) and the parameter sizes, packs the
  // weights once and sizes the workspace for T steps. Throws rnn::error.
  layer(const problem& p, parameters_view<Real> params, layer_options options = {});
  ~layer();
  layer(layer&&) noexcept;
  layer& operator=(layer&&) noexcept;

  const problem& shape() const;
  rnn::isa isa() const;
  // Steps per chunk in use: layer_options.chunk_steps, or the automatic choice, at most T.
  std::int64_t chunk_steps() const;
  // The L2 size in bytes the blocking follows: layer_options.l2_bytes, or l2_cache_bytes().
  std::size_t l2_bytes() const;
  // Bytes of stored activations kept from forward for backward; with a memory budget below full
  // storage, the peak: the stored states' slots and one chunk's activations.
  std::size_t activation_bytes() const;
  // Under a memory budget below full storage: chunks forwarded again by each backward after a
  // forward (the schedule's recomputed units); 0 otherwise.
  std::int64_t recomputed_chunks() const;
  // Bytes of everything the layer allocated up front (packed weights, activations, scratch).
  std::size_t workspace_bytes() const;

  // x: T×B×I, h0: B×H, c0: B×H (LSTM; empty otherwise). Writes output: T×B×H (every h_t),
  // h_n: B×H, c_n: B×H (LSTM; empty otherwise), and keeps what backward needs.
  // lengths: B sequence lengths in [1, T], any order (rnn/lengths.hpp's packed semantics: steps
  // t >= len_b leave sequence b's state as it was and output zero; h_n, c_n are its state after
  // step len_b - 1); empty = every sequence T steps. The work is proportional to Σ len_b. The
  // next backward follows the same lengths.
  void forward(std::span<const Real> x, std::span<const Real> h0, std::span<const Real> c0,
               std::span<Real> output, std::span<Real> h_n, std::span<Real> c_n,
               std::span<const std::int64_t> lengths = {});

  // Backpropagation through the last `steps` steps of the last forward (0 = all T; steps < T is
  // truncated BPTT: earlier steps receive no gradient, and dh0, dc0 are zero; refused after a
  // forward with lengths). With lengths, grad_output at t >= len_b is ignored, and grads.x,
  // grads.h and grads.c are zero there.
  // grad_output: T×B×H upstream dL/dh_t (zeros allowed); grad_h_n, grad_c_n: B×H on the final
  // states (empty = zero; grad_c_n only for LSTM).
  void backward(std::span<const Real> grad_output, std::span<const Real> grad_h_n,
                std::span<const Real> grad_c_n, gradients_view<Real> grads,
                std::int64_t steps = 0);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

extern template class layer<float>;
extern template class layer<double>;

}  // namespace rnn
