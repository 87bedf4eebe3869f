#pragma once
// rnnsuite's side of a benchmark: one rnn::layer over a problem's data, with every output and
// gradient buffer allocated up front so the timed calls allocate nothing.
#include <vector>

#include "problem_data.hpp"
#include "rnn/layer.hpp"

namespace bench {

template <class Real>
class rnnsuite_runner {
 public:
  rnnsuite_runner(const problem_data<Real>& data, int threads)
      : data_(data),
        layer_(data.p, {data.weight_ih, data.weight_hh, data.bias_ih, data.bias_hh},
               rnn::layer_options{std::nullopt, threads}) {
    const rnn::tensor_sizes n = rnn::sizes_of(data.p);
    const std::size_t cell_state = data.c0.size();
    output.resize(n.sequence), h_n.resize(n.state), c_n.resize(cell_state);
    grad_weight_ih.resize(n.weight_ih), grad_weight_hh.resize(n.weight_hh);
    grad_bias_ih.resize(n.bias), grad_bias_hh.resize(n.bias);
    grad_x.resize(n.x), grad_h0.resize(n.state), grad_c0.resize(cell_state);
  }

  void forward() { layer_.forward(data_.x, data_.h0, data_.c0, output, h_n, c_n); }
  void backward() {
    layer_.backward(data_.grad_output, data_.grad_h_n, data_.grad_c_n,
                    {grad_weight_ih, grad_weight_hh, grad_bias_ih, grad_bias_hh, grad_x, grad_h0,
                     grad_c0, {}, {}});
  }
  const rnn::layer<Real>& layer() const { return layer_; }

  std::vector<Real> output;          // T×B×H
  std::vector<Real> h_n, c_n;        // B×H (c_n: LSTM only)
  std::vector<Real> grad_weight_ih;  // (G·H)×I
  std::vector<Real> grad_weight_hh;  // (G·H)×H
  std::vector<Real> grad_bias_ih;    // G·H
  std::vector<Real> grad_bias_hh;    // G·H
  std::vector<Real> grad_x;          // T×B×I
  std::vector<Real> grad_h0, grad_c0;  // B×H (grad_c0: LSTM only)

 private:
  const problem_data<Real>& data_;
  rnn::layer<Real> layer_;
};

}  // namespace bench
