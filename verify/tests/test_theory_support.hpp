#pragma once
// Shared by the theory and seed tests: parameters and inputs built by hand (the closed forms need
// exact structure: W_hh = 0, constant gates), and one forward+backward through lib's fast path.
#include <cstdint>
#include <span>
#include <vector>

#include "rnn/init.hpp"
#include "rnn/layer.hpp"
#include "rnn/loss.hpp"

namespace rnnsuite::theory_test {

// Everything one forward+backward gives, in double whatever the Real it ran in.
struct pass {
  std::vector<double> output;    // T×B×H: h_1 .. h_T
  std::vector<double> grad_h;    // T×B×H: total dL/dh_t
  std::vector<double> grad_c;    // T×B×H, LSTM only: total dL/dc_t
  std::vector<double> grad_h0;   // B×H
  std::vector<double> grad_c0;   // B×H, LSTM only
  std::vector<double> weight_ih, weight_hh, bias_ih, bias_hh;  // parameter gradients
  double loss = 0;
};

// p.precision picks float or double; params and in are rounded once to that Real.
template <class Real>
pass run_fast_as(rnn::problem p, const rnn::parameters<double>& params,
                 const rnn::inputs<double>& in, rnn::loss_kind kind) {
  auto round = [](const auto& v) { return rnn::aligned_vector<Real>(v.begin(), v.end()); };
  p.precision = sizeof(Real) == 4 ? rnn::precision::f32 : rnn::precision::f64;
  const rnn::tensor_sizes n = rnn::sizes_of(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  rnn::parameters<Real> w{round(params.weight_ih), round(params.weight_hh), round(params.bias_ih),
                          round(params.bias_hh)};
  const auto x = round(in.x), h0 = round(in.h0), c0 = round(in.c0), target = round(in.target);
  rnn::layer<Real> layer(p, w.view());
  std::vector<Real> output(n.sequence), h_n(n.state), c_n(lstm ? n.state : 0);
  std::vector<Real> grad_output(n.sequence);
  layer.forward(x, h0, c0, output, h_n, c_n);
  pass r;
  r.loss = rnn::mse_loss<Real>(p, kind, output, target, grad_output);
  std::vector<Real> d_ih(n.weight_ih), d_hh(n.weight_hh), d_bih(n.bias), d_bhh(n.bias),
      d_x(n.x), d_h0(n.state), d_c0(lstm ? n.state : 0), d_h(n.sequence),
      d_c(lstm ? n.sequence : 0);
  layer.backward(grad_output, {}, {}, {d_ih, d_hh, d_bih, d_bhh, d_x, d_h0, d_c0, d_h, d_c});
  auto widen = [](const std::vector<Real>& v) { return std::vector<double>(v.begin(), v.end()); };
  r.output = widen(output), r.grad_h = widen(d_h), r.grad_c = widen(d_c);
  r.grad_h0 = widen(d_h0), r.grad_c0 = widen(d_c0);
  r.weight_ih = widen(d_ih), r.weight_hh = widen(d_hh), r.bias_ih = widen(d_bih);
  r.bias_hh = widen(d_bhh);
  return r;
}

// Block k (B×H) of a T×B×H sequence, or of h0's B×H when step is -1 (so step t-1 of h_t is t-1).
inline std::span<const double> step_of(std::span<const double> sequence,
                                       std::span<const double> initial, std::int64_t step,
                                       std::size_t state) {
  if (step < 0) return initial.subspan(0, state);
  return sequence.subspan(step * state, state);
}

}  // namespace rnnsuite::theory_test
