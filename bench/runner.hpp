#pragma once
// One implementation's side of a benchmark, through the implementation-under-test concept: an
// instance prepared over a problem's data (untimed), with every output and gradient buffer
// allocated and every view onto them built up front, so a timed forward or backward is the
// instance's own call and nothing else (one virtual call each).
//
// What is timed is each implementation's native work: the timed backward asks for the parameter
// gradients without wanting them back (impl::parameter_gradients_wanted), so oneDNN computes
// them but leaves them in its own layout, as its users would; the untimed agreement check asks
// for every gradient in PyTorch's layout.
#include <memory>
#include <vector>

#include "problem_data.hpp"
#include "rnnsuite/impl/implementation.hpp"

namespace bench {

// Whether a backward hands the parameter gradients back in PyTorch's layout.
enum class parameter_gradients { handed_back, left_in_place };

template <class Real>
class runner {
 public:
  // data must outlive the runner (the views read it). Throws what prepare() throws
  // (rnnsuite::impl::failure, rnn::error).
  runner(const rnnsuite::impl::implementation& implementation, const problem_data<Real>& data,
         int threads) {
    const rnn::tensor_sizes n = rnn::sizes_of(data.p);
    const std::size_t cell_state = data.c0.size();
    output.resize(n.sequence), h_n.resize(n.state), c_n.resize(cell_state);
    grad_weight_ih.resize(n.weight_ih), grad_weight_hh.resize(n.weight_hh);
    grad_bias_ih.resize(n.bias), grad_bias_hh.resize(n.bias);
    grad_x.resize(n.x), grad_h0.resize(n.state), grad_c0.resize(cell_state);
    rnnsuite::impl::run_options options;
    options.threads = threads;
    instance_ = implementation.prepare(
        data.p, {data.weight_ih, data.weight_hh, data.bias_ih, data.bias_hh}, options);
    inputs_ = {data.x, data.h0, data.c0};
    outputs_ = {output, h_n, c_n};
    upstream_ = {data.grad_output, data.grad_h_n, data.grad_c_n};
    gradients_ = {grad_weight_ih, grad_weight_hh, grad_bias_ih, grad_bias_hh, grad_x,
                  grad_h0,        grad_c0,        {},           {}};
    native_gradients_ = gradients_;
    native_gradients_.weight_ih = {}, native_gradients_.weight_hh = {};
    native_gradients_.bias_ih = {}, native_gradients_.bias_hh = {};
  }
  runner(const runner&) = delete;  // the views point into this object's buffers
  runner& operator=(const runner&) = delete;

  // forward's inputs and outputs stay put until the backward that follows (the concept's rule).
  void forward() { instance_->forward(inputs_, outputs_); }
  // left_in_place: computed, but grad_weight_*, grad_bias_* are not written.
  void backward(parameter_gradients p) {
    instance_->backward(upstream_,
                        p == parameter_gradients::handed_back ? gradients_ : native_gradients_);
  }
  // What the implementation keeps from forward for backward (0 when it cannot say).
  std::size_t reserve_bytes() const { return instance_->reserve_bytes(); }

  std::vector<Real> output;            // T×B×H
  std::vector<Real> h_n, c_n;          // B×H (c_n: LSTM only)
  std::vector<Real> grad_weight_ih;    // (G·H)×I
  std::vector<Real> grad_weight_hh;    // (G·H)×H
  std::vector<Real> grad_bias_ih;      // G·H
  std::vector<Real> grad_bias_hh;      // G·H
  std::vector<Real> grad_x;            // T×B×I
  std::vector<Real> grad_h0, grad_c0;  // B×H (grad_c0: LSTM only)

 private:
  std::unique_ptr<rnnsuite::impl::instance<Real>> instance_;
  rnnsuite::impl::sequence_inputs<Real> inputs_;
  rnnsuite::impl::sequence_outputs<Real> outputs_;
  rnnsuite::impl::upstream_gradients<Real> upstream_;
  rnn::gradients_view<Real> gradients_;         // every gradient
  rnn::gradients_view<Real> native_gradients_;  // the parameter gradients' spans empty
};

}  // namespace bench
