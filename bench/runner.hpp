#pragma once
// One implementation's side of a benchmark, through the implementation-under-test concept: an
// instance prepared over a problem's data (untimed), a single layer's (prepare) or a network's
// (prepare_network), with every output and gradient buffer allocated and every view onto them
// built up front, so a timed forward or backward is the instance's own call and nothing else
// (one virtual call each).
//
// What is timed is each implementation's native work: the timed backward asks for the parameter
// gradients without wanting them back (impl::parameter_gradients_wanted; for a network, an empty
// grads.parameters), so oneDNN computes them but leaves them in its own layout, as its users
// would; the untimed agreement check asks for every gradient in PyTorch's layout.
#include <memory>
#include <vector>

#include "problem_data.hpp"
#include "rnn/error.hpp"
#include "rnnsuite/impl/implementation.hpp"

namespace bench {

// Whether a backward hands the parameter gradients back in PyTorch's layout.
enum class parameter_gradients { handed_back, left_in_place };

template <class Real>
class runner {
 public:
  // data must outlive the runner (the views read it). Throws what prepare() or prepare_network()
  // throws (rnnsuite::impl::failure, rnn::error).
  runner(const rnnsuite::impl::implementation& implementation, const problem_data<Real>& data,
         int threads) {
    const rnn::network_sizes n = rnn::network_sizes_of(data.p);
    const std::size_t cell_state = data.c0.size();
    output.resize(n.output), h_n.resize(n.state), c_n.resize(cell_state);
    grad_x.resize(n.x), grad_h0.resize(n.state), grad_c0.resize(cell_state);
    rnnsuite::impl::run_options options;
    options.threads = threads;
    inputs_ = {data.x, data.h0, data.c0, data.lengths};
    outputs_ = {output, h_n, c_n};
    upstream_ = {data.grad_output, data.grad_h_n, data.grad_c_n};
    if (rnn::is_network(data.p)) {
      grad_parameters.resize(n.parameters);
      network_ = implementation.prepare_network(data.p, data.parameters, options);
      network_gradients_ = {grad_parameters, grad_x, grad_h0, grad_c0, {}, {}};
      return;
    }
    const rnn::tensor_sizes layer = rnn::sizes_of(data.p);
    grad_weight_ih.resize(layer.weight_ih), grad_weight_hh.resize(layer.weight_hh);
    grad_bias_ih.resize(layer.bias), grad_bias_hh.resize(layer.bias);
    layer_ = implementation.prepare(
        data.p, {data.weight_ih, data.weight_hh, data.bias_ih, data.bias_hh}, options);
    gradients_ = {grad_weight_ih, grad_weight_hh, grad_bias_ih, grad_bias_hh, grad_x,
                  grad_h0,        grad_c0,        {},           {}};
    native_gradients_ = gradients_;
    native_gradients_.weight_ih = {}, native_gradients_.weight_hh = {};
    native_gradients_.bias_ih = {}, native_gradients_.bias_hh = {};
  }
  runner(const runner&) = delete;  // the views point into this object's buffers
  runner& operator=(const runner&) = delete;

  // forward's inputs and outputs stay put until the backward that follows (the concept's rule).
  void forward() {
    if (layer_)
      layer_->forward(inputs_, outputs_);
    else
      network_->forward(inputs_, outputs_);
  }
  // left_in_place: computed, but grad_weight_*, grad_bias_* (grad_parameters) are not written.
  void backward(parameter_gradients p) {
    if (layer_) {
      layer_->backward(upstream_,
                       p == parameter_gradients::handed_back ? gradients_ : native_gradients_);
      return;
    }
    if (p == parameter_gradients::left_in_place) {
      rnn::network_gradients_view<Real> native = network_gradients_;
      native.parameters = {};
      network_->backward(upstream_, native);
      return;
    }
    network_->backward(upstream_, network_gradients_);
  }
  // What the implementation keeps from forward for backward (0 when it cannot say).
  std::size_t reserve_bytes() const {
    return layer_ ? layer_->reserve_bytes() : network_->reserve_bytes();
  }

  std::vector<Real> output;            // T×B×(D·H)
  std::vector<Real> h_n, c_n;          // (L·D)×B×H (c_n: LSTM only)
  std::vector<Real> grad_weight_ih;    // a single layer's: (G·H)×I
  std::vector<Real> grad_weight_hh;    // (G·H)×H
  std::vector<Real> grad_bias_ih;      // G·H
  std::vector<Real> grad_bias_hh;      // G·H
  std::vector<Real> grad_parameters;   // a network's, flat (rnn::block_gradients finds a block's)
  std::vector<Real> grad_x;            // T×B×I
  std::vector<Real> grad_h0, grad_c0;  // (L·D)×B×H (grad_c0: LSTM only)

 private:
  std::unique_ptr<rnnsuite::impl::instance<Real>> layer_;            // a single layer, or
  std::unique_ptr<rnnsuite::impl::network_instance<Real>> network_;  // a network
  rnnsuite::impl::sequence_inputs<Real> inputs_;
  rnnsuite::impl::sequence_outputs<Real> outputs_;
  rnnsuite::impl::upstream_gradients<Real> upstream_;
  rnn::gradients_view<Real> gradients_;         // every gradient
  rnn::gradients_view<Real> native_gradients_;  // the parameter gradients' spans empty
  rnn::network_gradients_view<Real> network_gradients_;  // every gradient
};

}  // namespace bench
