#pragma once
// What a regime's backward computes, exactly (in the reference's Real): full BPTT, BPTT truncated
// to the last steps, or the streaming k1/k2 schedule (reference/truncated.hpp); and how many
// backward steps' rounding errors reach each quantity, which the tolerance needs.
#include <cmath>
#include <cstdint>
#include <vector>

#include "reference/truncated.hpp"
#include "rnnsuite/verify/regimes.hpp"

namespace rnnsuite::verify::detail {

// depth[t + 1], t = -1 .. T-1: the number of step-backward operations whose rounding reaches
// dL/dh_t (dL/dc_t, dx_t); t = -1 is h0. Full or truncated BPTT: T − t (every later step, once).
// The streaming schedule sums windows: Σ over the windows that hold t of (window end − t).
// sum_depth: the step terms a parameter gradient sums, + 1.
struct backward_depth {
  std::vector<double> depth;
  double sum_depth = 1;
};

inline backward_depth depth_of(const regime& r) {
  const std::int64_t T = r.problem.T;
  backward_depth d;
  d.depth.assign(static_cast<std::size_t>(T + 1), 0.0);
  if (r.run.streaming.k1 <= 0) {
    for (std::int64_t t = -1; t < T; ++t) d.depth[static_cast<std::size_t>(t + 1)] = double(T - t);
    d.sum_depth = double(T + 1);
    return d;
  }
  for (std::int64_t previous = 0; previous < T;) {
    const std::int64_t end = std::min(previous + r.run.streaming.k1, T);
    const std::int64_t first = std::max<std::int64_t>(0, end - r.run.streaming.k2);
    for (std::int64_t t = first - 1; t < end; ++t) d.depth[static_cast<std::size_t>(t + 1)] += double(end - t);
    d.sum_depth += double(end - first);
    previous = end;
  }
  for (double& v : d.depth) v = std::max(v, 1.0);
  return d;
}

// grad_output: T×B×H; grad_h_n, grad_c_n: B×H or empty. The streaming schedule takes neither
// final-state gradient (regimes never give it one).
template <class Real>
reference::gradients<Real> exact_gradients(const regime& r, const reference::weights<Real>& w,
                                           const reference::trajectory<Real>& run,
                                           const std::vector<Real>& grad_output,
                                           const std::vector<Real>& grad_h_n,
                                           const std::vector<Real>& grad_c_n) {
  const rnn::problem& p = r.problem;
  if (r.run.streaming.k1 > 0)
    return reference::streaming_backward(p, w, run, grad_output, r.run.streaming.k1,
                                         r.run.streaming.k2);
  const std::size_t T = static_cast<std::size_t>(p.T);
  const std::size_t window = r.run.truncation > 0
                                 ? std::min(T, static_cast<std::size_t>(r.run.truncation))
                                 : T;
  if (window == T) return reference::backward(p, w, run, grad_output, grad_h_n, grad_c_n);
  return reference::window_backward(p, w, run, grad_output, grad_h_n, grad_c_n, T - window, T);
}

}  // namespace rnnsuite::verify::detail
