#pragma once
// The reference: an independent scalar implementation of all five cells, forward and BPTT, in any
// Real (real50, real100, double). One entry per concept, dispatching on the problem's cell:
// forward, backward, mse_loss, and the conversions from lib's float/double data to Real.
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "reference/elman.hpp"
#include "reference/gru.hpp"
#include "reference/lstm.hpp"
#include "reference/types.hpp"
#include "rnn/init.hpp"
#include "rnn/lengths.hpp"
#include "rnn/loss.hpp"

namespace rnnsuite::reference {

// c0 must be empty unless the cell is LSTM.
template <class Real>
trajectory<Real> forward(const rnn::problem& p, const weights<Real>& w, const std::vector<Real>& x,
                         const std::vector<Real>& h0, const std::vector<Real>& c0) {
  if (p.cell == rnn::cell::lstm) return lstm_forward(p, w, x, h0, c0);
  detail::check_size("reference::forward", "c0", c0.size(), 0);
  if (p.cell == rnn::cell::gru) return gru_forward(p, w, x, h0);
  return elman_forward(p, w, x, h0);
}

// grad_output: T×B×H; grad_h_n, grad_c_n: B×H or empty (zero); grad_c_n only for LSTM.
template <class Real>
gradients<Real> backward(const rnn::problem& p, const weights<Real>& w,
                         const trajectory<Real>& run, const std::vector<Real>& grad_output,
                         const std::vector<Real>& grad_h_n, const std::vector<Real>& grad_c_n) {
  if (p.cell == rnn::cell::lstm) return lstm_backward(p, w, run, grad_output, grad_h_n, grad_c_n);
  detail::check_size("reference::backward", "grad_c_n", grad_c_n.size(), 0);
  if (p.cell == rnn::cell::gru) return gru_backward(p, w, run, grad_output, grad_h_n);
  return elman_backward(p, w, run, grad_output, grad_h_n);
}

// lib's built-in losses (rnn/loss.hpp) in Real: L = mean of (h − y)² over the last step's B×H
// or over all T×B×H (a network's: B×(D·H), T×B×(D·H)). Returns L and dL/dh_t as grad_output
// (the output's shape, zero where L does not look). With lengths (B, in [1, T]; empty: all T),
// "last" is row b at time len_b − 1, as lib's; "all" is every element, padded ones included.
template <class Real>
std::pair<Real, std::vector<Real>> mse_loss(const rnn::problem& p, rnn::loss_kind kind,
                                            const std::vector<Real>& output,
                                            const std::vector<Real>& target,
                                            std::span<const std::int64_t> lengths = {}) {
  // A network's output is T×B×(D·H); "last" is each sequence's last time step (T − 1 without
  // lengths), both directions' halves.
  const std::size_t n = rnn::network_sizes_of(p).output, step = n / static_cast<std::size_t>(p.T);
  detail::check_size("reference::mse_loss", "output", output.size(), n);
  detail::check_size("reference::mse_loss", "target", target.size(), n);
  rnn::check_lengths(p, lengths, "reference::mse_loss");
  const bool last = kind == rnn::loss_kind::last;
  const Real count = Real(static_cast<long long>(last ? step : n));
  std::vector<Real> grad_output(output.size(), Real(0));
  Real sum = 0;
  const std::size_t B = static_cast<std::size_t>(p.B), width = last ? step / B : n;
  // The loss's rows: each sequence's last one, or the whole output as one row.
  for (std::size_t b = 0; b < (last ? B : 1); ++b) {
    const std::size_t t = static_cast<std::size_t>(lengths.empty() ? p.T : lengths[b]) - 1;
    const std::size_t first = last ? (t * B + b) * width : 0;
    for (std::size_t k = first; k < first + width; ++k) {
      const Real diff = output[k] - target[k];
      sum += diff * diff;
      grad_output[k] = Real(2) * diff / count;
    }
  }
  return {Real(sum / count), std::move(grad_output)};
}

// Exact conversions of lib's rounded data to Real (every float and double is exact in real50).
template <class Real, class From>
std::vector<Real> convert(std::span<const From> values) {
  std::vector<Real> out;
  out.reserve(values.size());
  for (const From& v : values) out.push_back(Real(v));
  return out;
}

template <class Real, class From>
weights<Real> to_weights(const rnn::parameters<From>& params) {
  return {convert<Real, From>(params.weight_ih), convert<Real, From>(params.weight_hh),
          convert<Real, From>(params.bias_ih), convert<Real, From>(params.bias_hh)};
}

template <class Real, class From>
weights<Real> to_weights(const rnn::parameters_view<From>& params) {
  return {convert<Real, From>(params.weight_ih), convert<Real, From>(params.weight_hh),
          convert<Real, From>(params.bias_ih), convert<Real, From>(params.bias_hh)};
}

// Real to double, rounded once to nearest (for reports and comparisons in double).
template <class Real>
double to_double(const Real& v) {
  if constexpr (std::is_floating_point_v<Real>)
    return static_cast<double>(v);
  else
    return v.template convert_to<double>();
}

}  // namespace rnnsuite::reference
