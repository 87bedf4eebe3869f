#pragma once
// One forward+backward through lib's fast path with every gradient kept, per timestep included,
// in double whatever Real it ran in: what the theory checks, the seeds' example and the mutant
// matrix read.
#include <span>
#include <vector>

#include "reference/elman.hpp"
#include "reference/gru.hpp"
#include "reference/lstm.hpp"
#include "rnn/init.hpp"
#include "rnn/layer.hpp"
#include "rnn/loss.hpp"

namespace rnnsuite::verify {

// Everything one forward+backward gives, in double whatever the Real it ran in.
struct fast_pass {
  std::vector<double> output;                                  // T×B×H: h_1 .. h_T
  std::vector<double> grad_h;                                  // T×B×H: total dL/dh_t
  std::vector<double> grad_c;                                  // T×B×H, LSTM only: total dL/dc_t
  std::vector<double> grad_h0;                                 // B×H
  std::vector<double> grad_c0;                                 // B×H, LSTM only
  std::vector<double> grad_x;                                  // T×B×I
  std::vector<double> weight_ih, weight_hh, bias_ih, bias_hh;  // parameter gradients
  double loss = 0;
};

// p.precision picks float or double; params and in are rounded once to that Real.
template <class Real>
fast_pass run_fast_as(rnn::problem p, const rnn::parameters<double>& params,
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
  fast_pass r;
  r.loss = rnn::mse_loss<Real>(p, kind, output, target, grad_output);
  std::vector<Real> d_ih(n.weight_ih), d_hh(n.weight_hh), d_bih(n.bias), d_bhh(n.bias), d_x(n.x),
      d_h0(n.state), d_c0(lstm ? n.state : 0), d_h(n.sequence), d_c(lstm ? n.sequence : 0);
  layer.backward(grad_output, {}, {}, {d_ih, d_hh, d_bih, d_bhh, d_x, d_h0, d_c0, d_h, d_c});
  auto widen = [](const std::vector<Real>& v) { return std::vector<double>(v.begin(), v.end()); };
  r.output = widen(output), r.grad_h = widen(d_h), r.grad_c = widen(d_c);
  r.grad_h0 = widen(d_h0), r.grad_c0 = widen(d_c0), r.grad_x = widen(d_x);
  r.weight_ih = widen(d_ih), r.weight_hh = widen(d_hh), r.bias_ih = widen(d_bih);
  r.bias_hh = widen(d_bhh);
  return r;
}

// The same through the reference in Real: its trajectory and gradients, and L.
template <class Real>
struct reference_pass {
  reference::trajectory<Real> run;
  reference::gradients<Real> grads;
  Real loss;
};

template <class Real, class Source>
std::vector<Real> to_real(const Source& v) {
  std::vector<Real> out;
  out.reserve(v.size());
  for (const auto& e : v) out.push_back(Real(e));
  return out;
}

// MSE (rnn::loss_kind) on the reference's outputs: L and dL/dh_t for every t, in Real.
template <class Real>
Real reference_mse(const rnn::problem& p, rnn::loss_kind kind, const std::vector<Real>& output,
                   const std::vector<Real>& target, std::vector<Real>& grad_output) {
  const std::size_t state = p.B * p.H, first = kind == rnn::loss_kind::last ? (p.T - 1) * state : 0;
  const Real count(double(output.size() - first));
  grad_output.assign(output.size(), Real(0));
  Real loss(0);
  for (std::size_t k = first; k < output.size(); ++k) {
    const Real diff = output[k] - target[k];
    loss += diff * diff / count;
    grad_output[k] = Real(2) * diff / count;
  }
  return loss;
}

template <class Real>
reference_pass<Real> run_reference(const rnn::problem& p, const reference::weights<Real>& w,
                                   const rnn::inputs<double>& in, rnn::loss_kind kind) {
  const auto x = to_real<Real>(in.x), h0 = to_real<Real>(in.h0), c0 = to_real<Real>(in.c0);
  reference_pass<Real> r;
  if (p.cell == rnn::cell::lstm)
    r.run = reference::lstm_forward(p, w, x, h0, c0);
  else if (p.cell == rnn::cell::gru)
    r.run = reference::gru_forward(p, w, x, h0);
  else
    r.run = reference::elman_forward(p, w, x, h0);
  std::vector<Real> grad_output;
  r.loss = reference_mse(p, kind, r.run.output, to_real<Real>(in.target), grad_output);
  if (p.cell == rnn::cell::lstm)
    r.grads = reference::lstm_backward(p, w, r.run, grad_output, {}, {});
  else if (p.cell == rnn::cell::gru)
    r.grads = reference::gru_backward(p, w, r.run, grad_output, {});
  else
    r.grads = reference::elman_backward(p, w, r.run, grad_output, {});
  return r;
}

template <class Real>
reference::weights<Real> to_reference(const rnn::parameters<double>& params) {
  return {to_real<Real>(params.weight_ih), to_real<Real>(params.weight_hh),
          to_real<Real>(params.bias_ih), to_real<Real>(params.bias_hh)};
}

}  // namespace rnnsuite::verify
