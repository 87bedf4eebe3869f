#pragma once
// Truncated BPTT in the reference, by its definition: backward through a window [first, end) of
// a kept trajectory, the state entering the window held fixed (nothing flows to steps before
// `first`), and the streaming k1/k2 schedule as the sum of its windows' gradients. Each window
// is the full reference backward run on the trajectory's slice, so this adds no arithmetic of
// its own beyond the sums.
#include <algorithm>
#include <cstdint>

#include "reference/reference.hpp"

namespace rnnsuite::reference {

namespace detail {

template <class Real>
std::vector<Real> slice(const std::vector<Real>& v, std::size_t first, std::size_t end,
                        std::size_t per_step) {
  if (v.empty()) return {};
  return std::vector<Real>(v.begin() + static_cast<std::ptrdiff_t>(first * per_step),
                           v.begin() + static_cast<std::ptrdiff_t>(end * per_step));
}

// Adds part (window steps [first, first + n)) into whole (all T steps), per_step elements a step.
template <class Real>
void add_at(std::vector<Real>& whole, const std::vector<Real>& part, std::size_t first,
            std::size_t per_step) {
  for (std::size_t k = 0; k < part.size(); ++k) whole[first * per_step + k] += part[k];
}

}  // namespace detail

// The gradients of backward through steps [first, end) only, the upstream gradient grad_output
// (T×B×H) taken on those steps and grad_h_n, grad_c_n applied only when end = T; sized for the
// whole problem, zero outside the window, h0 and c0 zero unless first = 0. delta_x and delta_h
// hold the window's deltas.
template <class Real>
gradients<Real> window_backward(const rnn::problem& p, const weights<Real>& w,
                                const trajectory<Real>& run, const std::vector<Real>& grad_output,
                                const std::vector<Real>& grad_h_n,
                                const std::vector<Real>& grad_c_n, std::size_t first,
                                std::size_t end) {
  const dims d(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  if (first >= end || end > d.T)
    throw rnn::error("reference::window_backward: window [" + std::to_string(first) + ", " +
                     std::to_string(end) + ") is not inside [0, " + std::to_string(d.T) + ")");
  const std::size_t S = d.B * d.H, X = d.B * d.I, GS = d.B * d.G * d.H;
  rnn::problem q = p;
  q.T = static_cast<std::int64_t>(end - first);
  trajectory<Real> part;
  part.x = detail::slice(run.x, first, end, X);
  part.h0 = first == 0 ? run.h0 : detail::slice(run.output, first - 1, first, S);
  if (lstm) part.c0 = first == 0 ? run.c0 : detail::slice(run.c, first - 1, first, S);
  part.output = detail::slice(run.output, first, end, S);
  part.c = detail::slice(run.c, first, end, S);
  part.gates = detail::slice(run.gates, first, end, GS);
  part.hidden_n = detail::slice(run.hidden_n, first, end, S);
  part.h_n = detail::slice(run.output, end - 1, end, S);
  if (lstm) part.c_n = detail::slice(run.c, end - 1, end, S);
  const bool last = end == d.T;
  const gradients<Real> g =
      backward(q, w, part, detail::slice(grad_output, first, end, S),
               last ? grad_h_n : std::vector<Real>{}, last ? grad_c_n : std::vector<Real>{});
  gradients<Real> out = detail::zero_gradients<Real>(d, lstm);
  out.weight_ih = g.weight_ih, out.weight_hh = g.weight_hh;
  out.bias_ih = g.bias_ih, out.bias_hh = g.bias_hh;
  detail::add_at(out.x, g.x, first, X);
  detail::add_at(out.h, g.h, first, S);
  if (lstm) detail::add_at(out.c, g.c, first, S);
  detail::add_at(out.delta_x, g.delta_x, first, GS);
  detail::add_at(out.delta_h, g.delta_h, first, GS);
  if (first == 0) out.h0 = g.h0, out.c0 = g.c0;
  return out;
}

// The streaming schedule (rnn/tbptt.hpp): windows end at e = k1, 2·k1, ... and T; each takes the
// upstream gradient of its new steps [previous end, e) through [max(0, e − k2), e); the gradients
// are the sums over windows. delta_x and delta_h hold Σ over windows of |δ| (the magnitudes a
// sum's conditioning needs; the signed deltas of different windows do not add to anything).
template <class Real>
gradients<Real> streaming_backward(const rnn::problem& p, const weights<Real>& w,
                                   const trajectory<Real>& run,
                                   const std::vector<Real>& grad_output, std::int64_t k1,
                                   std::int64_t k2) {
  const dims d(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  if (k1 < 1 || k2 < k1)
    throw rnn::error("reference::streaming_backward: need 1 <= k1 <= k2, got k1 = " +
                     std::to_string(k1) + ", k2 = " + std::to_string(k2));
  const std::size_t S = d.B * d.H;
  gradients<Real> sum = detail::zero_gradients<Real>(d, lstm);
  auto add = [](std::vector<Real>& into, const std::vector<Real>& v) {
    for (std::size_t k = 0; k < v.size(); ++k) into[k] += v[k];
  };
  auto add_magnitudes = [](std::vector<Real>& into, const std::vector<Real>& v) {
    using std::abs;
    for (std::size_t k = 0; k < v.size(); ++k) into[k] += abs(v[k]);
  };
  for (std::size_t previous = 0; previous < d.T;) {
    const std::size_t end = std::min(previous + static_cast<std::size_t>(k1), d.T);
    const std::size_t first = end > static_cast<std::size_t>(k2) ? end - static_cast<std::size_t>(k2) : 0;
    std::vector<Real> upstream(grad_output.size(), Real(0));
    std::copy(grad_output.begin() + static_cast<std::ptrdiff_t>(previous * S),
              grad_output.begin() + static_cast<std::ptrdiff_t>(end * S),
              upstream.begin() + static_cast<std::ptrdiff_t>(previous * S));
    const gradients<Real> g = window_backward(p, w, run, upstream, {}, {}, first, end);
    add(sum.weight_ih, g.weight_ih), add(sum.weight_hh, g.weight_hh);
    add(sum.bias_ih, g.bias_ih), add(sum.bias_hh, g.bias_hh);
    add(sum.x, g.x), add(sum.h0, g.h0), add(sum.c0, g.c0), add(sum.h, g.h), add(sum.c, g.c);
    add_magnitudes(sum.delta_x, g.delta_x), add_magnitudes(sum.delta_h, g.delta_h);
    previous = end;
  }
  return sum;
}

}  // namespace rnnsuite::reference
