#pragma once
// For an implementation that must write the parameter gradients somewhere even when its caller
// does not want them back (parameter_gradients_wanted in implementation.hpp): lib, which has no
// layout of its own to leave them in, and the plugin host, whose ABI always passes them.
#include "rnn/aligned.hpp"
#include "rnn/problem.hpp"
#include "rnnsuite/impl/implementation.hpp"

namespace rnnsuite::impl::detail {

template <class Real>
class parameter_gradient_scratch {
 public:
  // grads as they are when the parameter gradients are wanted; else pointed at this object's
  // buffers in PyTorch's shapes (64-byte aligned, allocated by the first such call), so the
  // implementation does its full work all the same.
  rnn::gradients_view<Real> complete(rnn::gradients_view<Real> grads, const rnn::problem& p) {
    if (parameter_gradients_wanted(grads)) return grads;
    if (weight_ih_.empty()) {
      const rnn::tensor_sizes n = rnn::sizes_of(p);
      weight_ih_.resize(n.weight_ih), weight_hh_.resize(n.weight_hh);
      bias_ih_.resize(n.bias), bias_hh_.resize(n.bias);
    }
    grads.weight_ih = weight_ih_, grads.weight_hh = weight_hh_;
    grads.bias_ih = bias_ih_, grads.bias_hh = bias_hh_;
    return grads;
  }

 private:
  rnn::aligned_vector<Real> weight_ih_, weight_hh_, bias_ih_, bias_hh_;
};

}  // namespace rnnsuite::impl::detail
