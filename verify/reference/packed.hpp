#pragma once
// Sequences of different lengths in one batch (rnn/lengths.hpp, PyTorch's packed sequences), in
// the reference. The definition is the plainest one there is, and shares nothing with how lib
// shrinks its active batch: sequence b is a network of its own, batch 1, len_b steps long
// (network.hpp), so its reverse direction starts at len_b − 1 by construction. The batch's
// results are assembled from them:
// - output: sequence b's at t < len_b, zero at t >= len_b; h_n, c_n: its final states;
// - gradients: each sequence's backward sees only its own len_b steps of grad_output (what the
//   upstream gradient holds at t >= len_b reaches nothing); the parameter gradients are the sum
//   over sequences; dx, dL/dh_t, dL/dc_t are zero at t >= len_b.
// For the conditioning estimates, every block is also laid out as a padded batch-B run (`padded`
// below) whose step row r holds the same natural time for every sequence: r = t forward,
// r = T − 1 − t reverse (so a short sequence's reverse steps sit at the end, its state before
// them being h0). Padded rows carry the state unchanged and have zero deltas and gradients.
// With no lengths (empty) everything is network_forward / network_backward's.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "reference/network.hpp"

namespace rnnsuite::reference {

template <class Real>
struct packed_trajectory {
  std::vector<std::int64_t> lengths;  // B, or empty: every sequence T steps
  // B: sequence b's own run (T = len_b, B = 1); empty without lengths.
  std::vector<network_trajectory<Real>> sequences;
  // The batch: output T×B×(D·H) zero at t >= len_b; h_n, c_n (L·D)×B×H; blocks in the padded
  // layout above (without lengths: network_forward's run itself).
  network_trajectory<Real> padded;
};

namespace detail {

inline void check_packed_lengths(const char* where, const network_dims& n,
                                 const std::vector<std::int64_t>& lengths) {
  if (lengths.empty()) return;
  check_size(where, "lengths", lengths.size(), n.B);
  for (std::int64_t len : lengths)
    if (len < 1 || static_cast<std::size_t>(len) > n.T)
      throw rnn::error(std::string(where) + ": a length " + std::to_string(len) +
                       " is not in [1, T = " + std::to_string(n.T) + "]");
}

// Sequence b alone: T = len, B = 1, every sequence full.
inline rnn::problem sequence_problem(const rnn::problem& p, std::int64_t len) {
  rnn::problem one = p;
  one.T = len, one.B = 1;
  one.lengths = rnn::lengths_rule::full, one.lengths_seed = 0;
  return one;
}

// Row b of every block's B×H state: (L·D)×1×H. Empty stays empty.
template <class Real>
std::vector<Real> state_rows(const std::vector<Real>& v, std::size_t b, std::size_t blocks,
                             std::size_t B, std::size_t H) {
  if (v.empty()) return {};
  std::vector<Real> out;
  for (std::size_t k = 0; k < blocks; ++k)
    for (std::size_t j = 0; j < H; ++j) out.push_back(v[(k * B + b) * H + j]);
  return out;
}

// The padded step row of sequence b's step s in direction d (see the header comment).
inline std::size_t padded_row(std::size_t d, std::size_t s, std::size_t len, std::size_t T) {
  return d == 0 ? s : T - len + s;
}

// Copies `width` values per step of a len×1×width sequence tensor into rows of a T×B×width one.
template <class Real>
void scatter_steps(std::vector<Real>& to, const std::vector<Real>& from, std::size_t d,
                   std::size_t len, std::size_t T, std::size_t B, std::size_t b,
                   std::size_t width) {
  if (from.empty()) return;
  for (std::size_t s = 0; s < len; ++s)
    for (std::size_t j = 0; j < width; ++j)
      to[(padded_row(d, s, len, T) * B + b) * width + j] = from[s * width + j];
}

}  // namespace detail

// x: T×B×I; h0, c0: (L·D)×B×H (c0 for LSTM only); lengths: B in [1, T], any order, or empty.
// Throws rnn::error.
template <class Real>
packed_trajectory<Real> packed_forward(const rnn::problem& p, const network_weights<Real>& w,
                                       const std::vector<Real>& x, const std::vector<Real>& h0,
                                       const std::vector<Real>& c0,
                                       const std::vector<std::int64_t>& lengths) {
  const char* where = "reference::packed_forward";
  const detail::network_dims n(p);
  detail::check_packed_lengths(where, n, lengths);
  packed_trajectory<Real> run;
  run.lengths = lengths;
  if (lengths.empty()) {
    run.padded = network_forward(p, w, x, h0, c0);
    return run;
  }
  const bool lstm = p.cell == rnn::cell::lstm;
  const std::size_t T = n.T, B = n.B, I = n.I, H = n.H, D = n.D, K = n.blocks(), S = B * H;
  detail::check_size(where, "x", x.size(), T * B * I);
  detail::check_size(where, "h0", h0.size(), K * S);
  detail::check_size(where, "c0", c0.size(), lstm ? K * S : 0);
  network_trajectory<Real>& all = run.padded;
  all.output.assign(T * B * D * H, Real(0));
  all.h_n.assign(K * S, Real(0));
  all.c_n.assign(lstm ? K * S : 0, Real(0));
  all.blocks.resize(K);
  for (std::size_t k = 0; k < K; ++k) {
    trajectory<Real>& blk = all.blocks[k];
    const std::size_t width = n.input_width(k / D), GH = n.G * H;
    blk.x.assign(T * B * width, Real(0));
    blk.h0 = detail::block_rows(h0, k, S);
    blk.c0 = detail::block_rows(c0, k, S);
    blk.output.assign(T * S, Real(0));
    blk.c.assign(lstm ? T * S : 0, Real(0));
    blk.gates.assign(T * B * GH, Real(0));
    blk.hidden_n.assign(p.cell == rnn::cell::gru ? T * S : 0, Real(0));
    blk.h_n.assign(S, Real(0));
    blk.c_n.assign(lstm ? S : 0, Real(0));
  }
  for (std::size_t b = 0; b < B; ++b) {
    const std::size_t len = static_cast<std::size_t>(lengths[b]);
    std::vector<Real> xb;
    for (std::size_t t = 0; t < len; ++t)
      for (std::size_t i = 0; i < I; ++i) xb.push_back(x[(t * B + b) * I + i]);
    run.sequences.push_back(network_forward(detail::sequence_problem(p, lengths[b]), w, xb,
                                            detail::state_rows(h0, b, K, B, H),
                                            detail::state_rows(c0, b, K, B, H)));
    const network_trajectory<Real>& one = run.sequences.back();
    for (std::size_t t = 0; t < len; ++t)
      for (std::size_t j = 0; j < D * H; ++j)
        all.output[(t * B + b) * D * H + j] = one.output[t * D * H + j];
    for (std::size_t k = 0; k < K; ++k) {
      const std::size_t d = k % D;
      for (std::size_t j = 0; j < H; ++j) {
        all.h_n[k * S + b * H + j] = one.h_n[k * H + j];
        if (lstm) all.c_n[k * S + b * H + j] = one.c_n[k * H + j];
      }
      trajectory<Real>& blk = all.blocks[k];
      const trajectory<Real>& mine = one.blocks[k];
      // Padded rows keep the state: after the end (forward) or before the start (reverse).
      for (std::size_t r = 0; r < T; ++r)
        for (std::size_t j = 0; j < H; ++j) {
          const std::size_t at = (r * B + b) * H + j;
          blk.output[at] = d == 0 ? mine.h_n[j] : mine.h0[j];
          if (lstm) blk.c[at] = d == 0 ? mine.c_n[j] : mine.c0[j];
        }
      detail::scatter_steps(blk.x, mine.x, d, len, T, B, b, n.input_width(k / D));
      detail::scatter_steps(blk.output, mine.output, d, len, T, B, b, H);
      detail::scatter_steps(blk.c, mine.c, d, len, T, B, b, H);
      detail::scatter_steps(blk.gates, mine.gates, d, len, T, B, b, n.G * H);
      detail::scatter_steps(blk.hidden_n, mine.hidden_n, d, len, T, B, b, H);
      for (std::size_t j = 0; j < H; ++j) {
        blk.h_n[b * H + j] = mine.h_n[j];
        if (lstm) blk.c_n[b * H + j] = mine.c_n[j];
      }
    }
  }
  return run;
}

// grad_output: T×B×(D·H) (its values at t >= len_b are ignored); grad_h_n, grad_c_n: (L·D)×B×H
// or empty (zero), grad_c_n for LSTM only. per_block, when given, receives every block's
// gradients in the padded layout (deltas included), what its conditioning is measured on.
template <class Real>
network_gradients<Real> packed_backward(const rnn::problem& p, const network_weights<Real>& w,
                                        const packed_trajectory<Real>& run,
                                        const std::vector<Real>& grad_output,
                                        const std::vector<Real>& grad_h_n,
                                        const std::vector<Real>& grad_c_n,
                                        std::vector<gradients<Real>>* per_block = nullptr) {
  const char* where = "reference::packed_backward";
  if (run.lengths.empty())
    return network_backward(p, w, run.padded, grad_output, grad_h_n, grad_c_n, per_block);
  const detail::network_dims n(p);
  const bool lstm = p.cell == rnn::cell::lstm;
  const std::size_t T = n.T, B = n.B, I = n.I, H = n.H, D = n.D, K = n.blocks(), S = B * H;
  detail::check_packed_lengths(where, n, run.lengths);
  detail::check_size(where, "trajectory.sequences", run.sequences.size(), B);
  detail::check_size(where, "grad_output", grad_output.size(), T * B * D * H);
  detail::check_optional(where, "grad_h_n", grad_h_n.size(), K * S);
  detail::check_optional(where, "grad_c_n", grad_c_n.size(), lstm ? K * S : 0);
  network_gradients<Real> g;
  g.parameters.resize(K);
  for (std::size_t k = 0; k < K; ++k) {
    const std::size_t rows = n.G * H;
    g.parameters[k] = {std::vector<Real>(rows * n.input_width(k / D), Real(0)),
                       std::vector<Real>(rows * H, Real(0)), std::vector<Real>(rows, Real(0)),
                       std::vector<Real>(rows, Real(0))};
  }
  g.x.assign(T * B * I, Real(0));
  g.h0.assign(K * S, Real(0));
  g.c0.assign(lstm ? K * S : 0, Real(0));
  g.h.assign(K * T * S, Real(0));
  g.c.assign(lstm ? K * T * S : 0, Real(0));
  if (per_block) {
    per_block->assign(K, {});
    for (std::size_t k = 0; k < K; ++k) {
      const rnn::problem lp = rnn::layer_problem(p, static_cast<std::int64_t>(k / D));
      (*per_block)[k] = detail::zero_gradients<Real>(dims(lp), lstm);
    }
  }
  auto add_into = [](std::vector<Real>& to, const std::vector<Real>& from) {
    for (std::size_t i = 0; i < from.size(); ++i) to[i] += from[i];
  };
  for (std::size_t b = 0; b < B; ++b) {
    const std::size_t len = static_cast<std::size_t>(run.lengths[b]);
    std::vector<Real> upstream;  // len×1×(D·H): only the sequence's own steps
    for (std::size_t t = 0; t < len; ++t)
      for (std::size_t j = 0; j < D * H; ++j)
        upstream.push_back(grad_output[(t * B + b) * D * H + j]);
    std::vector<gradients<Real>> blocks;
    const network_gradients<Real> one = network_backward(
        detail::sequence_problem(p, run.lengths[b]), w, run.sequences[b], upstream,
        detail::state_rows(grad_h_n, b, K, B, H), detail::state_rows(grad_c_n, b, K, B, H),
        per_block ? &blocks : nullptr);
    for (std::size_t t = 0; t < len; ++t)
      for (std::size_t i = 0; i < I; ++i) g.x[(t * B + b) * I + i] = one.x[t * I + i];
    for (std::size_t k = 0; k < K; ++k) {
      add_into(g.parameters[k].weight_ih, one.parameters[k].weight_ih);
      add_into(g.parameters[k].weight_hh, one.parameters[k].weight_hh);
      add_into(g.parameters[k].bias_ih, one.parameters[k].bias_ih);
      add_into(g.parameters[k].bias_hh, one.parameters[k].bias_hh);
      for (std::size_t j = 0; j < H; ++j) {
        g.h0[k * S + b * H + j] = one.h0[k * H + j];
        if (lstm) g.c0[k * S + b * H + j] = one.c0[k * H + j];
        for (std::size_t t = 0; t < len; ++t) {
          g.h[(k * T + t) * S + b * H + j] = one.h[(k * len + t) * H + j];
          if (lstm) g.c[(k * T + t) * S + b * H + j] = one.c[(k * len + t) * H + j];
        }
      }
      if (!per_block) continue;
      gradients<Real>& to = (*per_block)[k];
      const gradients<Real>& mine = blocks[k];
      const std::size_t d = k % D;
      add_into(to.weight_ih, mine.weight_ih);
      add_into(to.weight_hh, mine.weight_hh);
      add_into(to.bias_ih, mine.bias_ih);
      add_into(to.bias_hh, mine.bias_hh);
      detail::scatter_steps(to.x, mine.x, d, len, T, B, b, n.input_width(k / D));
      detail::scatter_steps(to.h, mine.h, d, len, T, B, b, H);
      detail::scatter_steps(to.c, mine.c, d, len, T, B, b, H);
      detail::scatter_steps(to.delta_x, mine.delta_x, d, len, T, B, b, n.G * H);
      detail::scatter_steps(to.delta_h, mine.delta_h, d, len, T, B, b, n.G * H);
      for (std::size_t j = 0; j < H; ++j) {
        to.h0[b * H + j] = mine.h0[j];
        if (lstm) to.c0[b * H + j] = mine.c0[j];
      }
    }
  }
  return g;
}

}  // namespace rnnsuite::reference
