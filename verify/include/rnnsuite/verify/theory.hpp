#pragma once
// One forward+backward through lib's fast path with every gradient kept, per timestep included,
// in double whatever Real it ran in: what the theory checks, the seeds' example and the mutant
// matrix read.
#include <span>
#include <vector>

#include "reference/reference.hpp"
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

template <class Real>
reference_pass<Real> run_reference(const rnn::problem& p, const reference::weights<Real>& w,
                                   const rnn::inputs<double>& in, rnn::loss_kind kind) {
  auto real = [](const auto& v) {
    return reference::convert<Real, double>(std::span<const double>(v.data(), v.size()));
  };
  reference_pass<Real> r;
  r.run = reference::forward(p, w, real(in.x), real(in.h0), real(in.c0));
  auto [loss, grad_output] = reference::mse_loss(p, kind, r.run.output, real(in.target));
  r.loss = loss;
  r.grads = reference::backward<Real>(p, w, r.run, grad_output, {}, {});
  return r;
}

template <class Real>
reference::weights<Real> to_reference(const rnn::parameters<double>& params) {
  return reference::to_weights<Real, double>(params);
}

}  // namespace rnnsuite::verify
