#pragma once
// The concept's spans as the ABI's tensors (rnnsuite/plugin.h), host side: every span's size is
// checked against the problem before any call, tensors are C order with the problem's dtype, and
// every data pointer is 64-byte aligned (the caller's own memory when it already is, else a copy
// that tensor_memory places). In-process and isolated calls differ only in where data is placed.
#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "plugin_call_options.hpp"
#include "rnn/problem.hpp"
#include "rnnsuite/impl/implementation.hpp"
#include "rnnsuite/plugin.h"

namespace rnnsuite::impl::detail {

inline constexpr std::size_t tensor_alignment = 64;

// Where the tensors of one call live. Inputs are copied in when placed; outputs are copied back
// to the caller's spans by copy_outputs_back() after the call succeeded.
class tensor_memory {
 public:
  virtual ~tensor_memory() = default;
  void* input(const void* caller, std::size_t bytes);
  void* output(void* caller, std::size_t bytes);
  void copy_outputs_back();
  // Before each call: forget the last call's placements.
  void start_call();

 protected:
  // Where `bytes` of the caller's data at `caller` go for this call; nullptr: the caller's own
  // memory is fine as it is.
  virtual void* place(const void* caller, std::size_t bytes) = 0;
  virtual void release_placements() {}

 private:
  std::vector<std::tuple<void*, const void*, std::size_t>> outputs_;  // caller, placed, bytes
};

// The problem in the ABI's fixed-width form (one layer, one direction, no lengths).
rnnsuite_problem abi_problem(const rnn::problem& p);

// run_options as the plugin gets them; throws rnn::error for a bad thread count or schedule.
plugin_settings settings_of(const run_options& options);

// Bytes every tensor of one call needs at most, each rounded up to the alignment: what the
// isolated host reserves in its shared memory.
std::size_t largest_call_bytes(const rnn::problem& p);

template <class Real>
std::array<rnnsuite_tensor, 4> parameter_tensors(const rnn::problem& p, const std::string& who,
                                                 rnn::parameters_view<Real> params,
                                                 tensor_memory& memory);

template <class Real>
rnnsuite_forward_args forward_args(const rnn::problem& p, const std::string& who,
                                   sequence_inputs<Real> in, sequence_outputs<Real> out,
                                   tensor_memory& memory);

// The backward arguments with the gradient tensors they point to (not copyable: args points
// into grad_parameters).
struct backward_call {
  rnnsuite_backward_args args{};
  std::array<rnnsuite_tensor, 4> grad_parameters{};
  backward_call() = default;
  backward_call(const backward_call&) = delete;
  backward_call& operator=(const backward_call&) = delete;
};

// streaming: the instance runs the streaming schedule (grad_h_n, grad_c_n are not passed).
template <class Real>
void fill_backward_args(backward_call& call, const rnn::problem& p, const std::string& who,
                        upstream_gradients<Real> up, rnn::gradients_view<Real> grads,
                        std::int64_t steps, bool streaming, tensor_memory& memory);

}  // namespace rnnsuite::impl::detail
