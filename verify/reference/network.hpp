#pragma once
// Networks in the reference: L stacked layers in D = 1 or 2 directions, PyTorch's nn.RNN/LSTM/GRU
// semantics (num_layers = L, bidirectional = D == 2, time-major), built from the single-layer
// reference and nothing else, so it is right if the single layer is and the index arithmetic
// below is. Block k = l·D + d is layer l in direction d (0 forward, 1 reverse), PyTorch's order.
//
// - Layer 0 reads x (T×B×I); layer l > 0 reads layer l−1's output, D·H wide.
// - The reverse direction runs t = T−1 down to 0 from its own h0 rows. It is run as the single
//   layer on a time-reversed copy of its input: its step s reads time T−1−s, and its h at step s
//   lands at time T−1−s of the layer's output. Its final state (h_n) is its state after t = 0.
// - A layer's output at time t is [forward h_t, reverse h_t] (columns [0, H) and [H, 2H)).
// - Backward goes down the layers: the gradient on layer l−1's output is the sum over the
//   directions of layer l of their dx (each mapped back to natural time).
// With L = D = 1 every number is the single-layer reference's, bit for bit (same calls, the
// identity permutation).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "reference/reference.hpp"
#include "reference/types.hpp"

namespace rnnsuite::reference {

// L·D blocks, block k = l·D + d; block k's weight_ih is (G·H)×I_l with I_0 = I, I_l = D·H above.
template <class Real>
using network_weights = std::vector<weights<Real>>;

template <class Real>
struct network_trajectory {
  // L·D: block k's single-layer run in its own step order (step s is time s forward, time T−1−s
  // reverse), with its input (T×B×I_l, in that step order), h0, c0 and everything backward reads.
  std::vector<trajectory<Real>> blocks;
  std::vector<Real> output;  // T×B×(D·H): the last layer's [forward h_t, reverse h_t]
  std::vector<Real> h_n;     // (L·D)×B×H: block k's final state at rows k
  std::vector<Real> c_n;     // (L·D)×B×H, LSTM only
};

template <class Real>
struct network_gradients {
  network_weights<Real> parameters;  // L·D blocks: dL/dweight_ih, dL/dweight_hh, dL/dbias_*
  std::vector<Real> x;               // T×B×I
  std::vector<Real> h0;              // (L·D)×B×H
  std::vector<Real> c0;              // (L·D)×B×H, LSTM only
  // (L·D)×T×B×H: block k's total dL/dh_t (dL/dc_t) at natural time t, whatever its direction's
  // order of steps (lib's and the dump's layout). c for LSTM only.
  std::vector<Real> h;
  std::vector<Real> c;
};

namespace detail {

// Sizes of a network as size_t. Validation is lib's own (it checks L and D too).
struct network_dims {
  std::size_t T, B, I, H, G, L, D;
  explicit network_dims(const rnn::problem& p) {
    rnn::validate(p);
    T = static_cast<std::size_t>(p.T), B = static_cast<std::size_t>(p.B);
    I = static_cast<std::size_t>(p.I), H = static_cast<std::size_t>(p.H);
    G = static_cast<std::size_t>(p.G());
    L = static_cast<std::size_t>(p.layers), D = static_cast<std::size_t>(p.directions);
  }
  std::size_t blocks() const { return L * D; }
  std::size_t input_width(std::size_t l) const { return l == 0 ? I : D * H; }  // I_l
};

// Natural time of step s of direction d: the reverse direction's first step is t = T−1. Its own
// inverse, so it also maps a time to the step that computes it.
inline std::size_t time_of_step(std::size_t d, std::size_t s, std::size_t T) {
  return d == 0 ? s : T - 1 - s;
}

// PyTorch's parameter-name suffix of block k: "_l0", "_l1_reverse", ... (for messages; written
// here, not taken from lib, so the reference stays independent of the code it checks).
inline std::string network_block_suffix(std::size_t k, std::size_t D) {
  return "_l" + std::to_string(k / D) + (k % D == 1 ? "_reverse" : "");
}

// Rows [k·rows, (k+1)·rows) of a (L·D)×rows tensor; empty stays empty (means zero).
template <class Real>
std::vector<Real> block_rows(const std::vector<Real>& v, std::size_t k, std::size_t rows) {
  if (v.empty()) return {};
  return std::vector<Real>(v.begin() + static_cast<std::ptrdiff_t>(k * rows),
                           v.begin() + static_cast<std::ptrdiff_t>((k + 1) * rows));
}

// Direction d's input in its own step order: step s, batch row b is `in` at time
// time_of_step(d, s), row b. in: T×B×width; returns T×B×width.
template <class Real>
std::vector<Real> in_step_order(const std::vector<Real>& in, std::size_t d, std::size_t T,
                                std::size_t B, std::size_t width) {
  std::vector<Real> out(in.size());
  for (std::size_t s = 0; s < T; ++s) {
    const std::size_t t = time_of_step(d, s, T);
    for (std::size_t i = 0; i < B * width; ++i) out[s * B * width + i] = in[t * B * width + i];
  }
  return out;
}

// Columns [d·H, (d+1)·H) of a T×B×(D·H) tensor (natural time) as direction d's T×B×H in its
// step order: the part of a layer's output gradient that lands on direction d's h.
template <class Real>
std::vector<Real> direction_slice(const std::vector<Real>& wide, std::size_t d, std::size_t T,
                                  std::size_t B, std::size_t H, std::size_t D) {
  std::vector<Real> out(T * B * H);
  for (std::size_t s = 0; s < T; ++s) {
    const std::size_t t = time_of_step(d, s, T);
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t j = 0; j < H; ++j)
        out[(s * B + b) * H + j] = wide[(t * B + b) * D * H + d * H + j];
  }
  return out;
}

template <class Real>
void check_network_weights(const char* where, const network_dims& n,
                           const network_weights<Real>& w) {
  check_size(where, "network_weights (blocks)", w.size(), n.blocks());
  for (std::size_t k = 0; k < n.blocks(); ++k) {
    const std::size_t rows = n.G * n.H, I_l = n.input_width(k / n.D);
    const std::string s = network_block_suffix(k, n.D);
    check_size(where, ("weight_ih" + s).c_str(), w[k].weight_ih.size(), rows * I_l);
    check_size(where, ("weight_hh" + s).c_str(), w[k].weight_hh.size(), rows * n.H);
    check_size(where, ("bias_ih" + s).c_str(), w[k].bias_ih.size(), rows);
    check_size(where, ("bias_hh" + s).c_str(), w[k].bias_hh.size(), rows);
  }
}

}  // namespace detail

// x: T×B×I; h0: (L·D)×B×H; c0: (L·D)×B×H for LSTM, empty otherwise. Throws rnn::error.
template <class Real>
network_trajectory<Real> network_forward(const rnn::problem& p, const network_weights<Real>& w,
                                         const std::vector<Real>& x, const std::vector<Real>& h0,
                                         const std::vector<Real>& c0) {
  const char* where = "reference::network_forward";
  const detail::network_dims n(p);
  const bool lstm = p.cell == rnn::cell::lstm;
  const std::size_t T = n.T, B = n.B, H = n.H, D = n.D, S = B * H;  // S: one block's state
  detail::check_network_weights(where, n, w);
  detail::check_size(where, "x", x.size(), T * B * n.I);
  detail::check_size(where, "h0", h0.size(), n.blocks() * S);
  detail::check_size(where, "c0", c0.size(), lstm ? n.blocks() * S : 0);

  network_trajectory<Real> net;
  net.blocks.resize(n.blocks());
  net.h_n.assign(n.blocks() * S, Real(0));
  net.c_n.assign(lstm ? n.blocks() * S : 0, Real(0));
  std::vector<Real> input = x;  // T×B×I_l, natural time: what layer l reads
  for (std::size_t l = 0; l < n.L; ++l) {
    const rnn::problem lp = rnn::layer_problem(p, static_cast<std::int64_t>(l));
    std::vector<Real> output(T * B * D * H, Real(0));  // T×B×(D·H), natural time
    for (std::size_t d = 0; d < D; ++d) {
      const std::size_t k = l * D + d;
      trajectory<Real>& run = net.blocks[k];
      run = forward(lp, w[k], detail::in_step_order(input, d, T, B, n.input_width(l)),
                    detail::block_rows(h0, k, S), detail::block_rows(c0, k, S));
      // Step s's h is the layer's output at time time_of_step(d, s), columns [d·H, (d+1)·H).
      for (std::size_t s = 0; s < T; ++s) {
        const std::size_t t = detail::time_of_step(d, s, T);
        for (std::size_t b = 0; b < B; ++b)
          for (std::size_t j = 0; j < H; ++j)
            output[(t * B + b) * D * H + d * H + j] = run.output[(s * B + b) * H + j];
      }
      // The single layer's h_n is its last step's state: time T−1 forward, time 0 reverse.
      for (std::size_t i = 0; i < S; ++i) net.h_n[k * S + i] = run.h_n[i];
      if (lstm)
        for (std::size_t i = 0; i < S; ++i) net.c_n[k * S + i] = run.c_n[i];
    }
    input = std::move(output);
  }
  net.output = std::move(input);
  return net;
}

// grad_output: T×B×(D·H) on the last layer's output; grad_h_n, grad_c_n: (L·D)×B×H or empty
// (zero), grad_c_n only for LSTM. per_block, when given, receives every block's single-layer
// gradients in its own step order, deltas included (what a block's conditioning is measured on).
// Throws rnn::error.
template <class Real>
network_gradients<Real> network_backward(const rnn::problem& p, const network_weights<Real>& w,
                                         const network_trajectory<Real>& run,
                                         const std::vector<Real>& grad_output,
                                         const std::vector<Real>& grad_h_n,
                                         const std::vector<Real>& grad_c_n,
                                         std::vector<gradients<Real>>* per_block = nullptr) {
  const char* where = "reference::network_backward";
  const detail::network_dims n(p);
  const bool lstm = p.cell == rnn::cell::lstm;
  const std::size_t T = n.T, B = n.B, H = n.H, D = n.D, S = B * H;
  detail::check_network_weights(where, n, w);
  detail::check_size(where, "trajectory.blocks", run.blocks.size(), n.blocks());
  for (std::size_t k = 0; k < n.blocks(); ++k) {
    // The single-layer backward reads the kept input and initial state without checking them.
    const trajectory<Real>& b = run.blocks[k];
    detail::check_size(where, ("trajectory.blocks[" + std::to_string(k) + "].x").c_str(),
                       b.x.size(), T * B * n.input_width(k / D));
    detail::check_size(where, ("trajectory.blocks[" + std::to_string(k) + "].h0").c_str(),
                       b.h0.size(), S);
    detail::check_size(where, ("trajectory.blocks[" + std::to_string(k) + "].c0").c_str(),
                       b.c0.size(), lstm ? S : 0);
    detail::check_size(where, ("trajectory.blocks[" + std::to_string(k) + "].c").c_str(),
                       b.c.size(), lstm ? T * S : 0);
  }
  detail::check_size(where, "grad_output", grad_output.size(), T * B * D * H);
  detail::check_optional(where, "grad_h_n", grad_h_n.size(), n.blocks() * S);
  if (lstm)
    detail::check_optional(where, "grad_c_n", grad_c_n.size(), n.blocks() * S);
  else
    detail::check_size(where, "grad_c_n", grad_c_n.size(), 0);

  network_gradients<Real> g;
  g.parameters.resize(n.blocks());
  g.h0.assign(n.blocks() * S, Real(0));
  g.c0.assign(lstm ? n.blocks() * S : 0, Real(0));
  g.h.assign(n.blocks() * T * S, Real(0));
  g.c.assign(lstm ? n.blocks() * T * S : 0, Real(0));
  // dL/d(layer l's output), T×B×(D·H) natural time; the top layer's is grad_output.
  std::vector<Real> upstream = grad_output;
  if (per_block) per_block->assign(n.blocks(), {});
  for (std::size_t l = n.L; l-- > 0;) {
    const rnn::problem lp = rnn::layer_problem(p, static_cast<std::int64_t>(l));
    const std::size_t I_l = n.input_width(l);
    // dL/d(layer l's input): the directions read the same input, so their dx add up.
    std::vector<Real> below(T * B * I_l, Real(0));
    for (std::size_t d = 0; d < D; ++d) {
      const std::size_t k = l * D + d;
      const gradients<Real> gk =
          backward(lp, w[k], run.blocks[k], detail::direction_slice(upstream, d, T, B, H, D),
                   detail::block_rows(grad_h_n, k, S), detail::block_rows(grad_c_n, k, S));
      g.parameters[k] = {gk.weight_ih, gk.weight_hh, gk.bias_ih, gk.bias_hh};
      if (per_block) (*per_block)[k] = gk;
      for (std::size_t i = 0; i < S; ++i) g.h0[k * S + i] = gk.h0[i];
      if (lstm)
        for (std::size_t i = 0; i < S; ++i) g.c0[k * S + i] = gk.c0[i];
      // Step s of block k is time time_of_step(d, s): h and c to natural time, dx summed there.
      for (std::size_t s = 0; s < T; ++s) {
        const std::size_t t = detail::time_of_step(d, s, T);
        for (std::size_t i = 0; i < S; ++i) g.h[(k * T + t) * S + i] = gk.h[s * S + i];
        if (lstm)
          for (std::size_t i = 0; i < S; ++i) g.c[(k * T + t) * S + i] = gk.c[s * S + i];
        for (std::size_t i = 0; i < B * I_l; ++i)
          below[t * B * I_l + i] += gk.x[s * B * I_l + i];
      }
    }
    upstream = std::move(below);
  }
  g.x = std::move(upstream);  // layer 0's input is x
  return g;
}

// lib's flat parameters (rnn/network.hpp; PyTorch's flat-weights order) as network_weights: for
// each block k in order, weight_ih (G·H)×I_l, weight_hh (G·H)×H, bias_ih, bias_hh, back to back.
// The offsets are computed here, not by lib's parameter_offsets_of. Throws rnn::error.
template <class Real, class From>
network_weights<Real> network_to_weights(const rnn::problem& p, std::span<const From> flat) {
  const detail::network_dims n(p);
  const std::size_t rows = n.G * n.H;
  std::size_t total = 0;
  for (std::size_t k = 0; k < n.blocks(); ++k) total += rows * (n.input_width(k / n.D) + n.H + 2);
  detail::check_size("reference::network_to_weights", "flat parameters", flat.size(), total);
  network_weights<Real> w(n.blocks());
  std::size_t at = 0;  // offset of the next tensor in flat
  auto take = [&](std::size_t count) {
    std::vector<Real> v = convert<Real, From>(flat.subspan(at, count));
    at += count;
    return v;
  };
  for (std::size_t k = 0; k < n.blocks(); ++k) {
    w[k].weight_ih = take(rows * n.input_width(k / n.D));
    w[k].weight_hh = take(rows * n.H);
    w[k].bias_ih = take(rows);
    w[k].bias_hh = take(rows);
  }
  return w;
}

}  // namespace rnnsuite::reference
