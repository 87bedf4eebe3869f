#include "agreement.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>
#include <sstream>
#include <utility>
#include <vector>

#include "rnn/network.hpp"
#include "runner.hpp"

namespace bench {
namespace {

// ||a - b||₂ / ||a||₂ in double; 0 when both are zero, infinite on a size mismatch.
template <class Real>
double relative_error(std::span<const Real> ours, std::span<const Real> theirs) {
  if (ours.size() != theirs.size()) return INFINITY;
  double difference = 0, norm = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const double d = double(ours[i]) - double(theirs[i]);
    difference += d * d, norm += double(ours[i]) * double(ours[i]);
  }
  if (difference == 0) return 0;
  return norm == 0 ? INFINITY : std::sqrt(difference / norm);
}

template <class Real>
agreement compare(const rnn::problem& p, int threads, const benchmarked& ours_impl,
                  const benchmarked& theirs_impl) {
  const problem_data<Real> data = make_problem_data<Real>(p);
  runner<Real> ours(*ours_impl.implementation, data, threads);
  ours.forward();
  ours.backward(parameter_gradients::handed_back);
  runner<Real> theirs(*theirs_impl.implementation, data, threads);
  theirs.forward();
  theirs.backward(parameter_gradients::handed_back);
  // Every output and gradient; a network's parameter gradients block by block, under PyTorch's
  // names (grad_weight_ih_l1_reverse), so that one block's error is not lost in the others' norm.
  struct tensor {
    std::string name;
    std::span<const Real> ours, theirs;
  };
  std::vector<tensor> tensors;
  auto add = [&](std::string name, const std::vector<Real>& a, const std::vector<Real>& b) {
    tensors.push_back({std::move(name), a, b});
  };
  add("output", ours.output, theirs.output);
  add("h_n", ours.h_n, theirs.h_n);
  add("c_n", ours.c_n, theirs.c_n);
  add("grad_x", ours.grad_x, theirs.grad_x);
  add("grad_h0", ours.grad_h0, theirs.grad_h0);
  add("grad_c0", ours.grad_c0, theirs.grad_c0);
  if (!rnn::is_network(p)) {
    add("grad_weight_ih", ours.grad_weight_ih, theirs.grad_weight_ih);
    add("grad_weight_hh", ours.grad_weight_hh, theirs.grad_weight_hh);
    add("grad_bias_ih", ours.grad_bias_ih, theirs.grad_bias_ih);
    add("grad_bias_hh", ours.grad_bias_hh, theirs.grad_bias_hh);
  } else {
    for (std::int64_t k = 0; k < p.layers * p.directions; ++k) {
      const std::string suffix = rnn::block_suffix(p, k);
      const auto a = rnn::block_parameters<Real>(p, ours.grad_parameters, k);
      const auto b = rnn::block_parameters<Real>(p, theirs.grad_parameters, k);
      tensors.push_back({"grad_weight_ih" + suffix, a.weight_ih, b.weight_ih});
      tensors.push_back({"grad_weight_hh" + suffix, a.weight_hh, b.weight_hh});
      tensors.push_back({"grad_bias_ih" + suffix, a.bias_ih, b.bias_ih});
      tensors.push_back({"grad_bias_hh" + suffix, a.bias_hh, b.bias_hh});
    }
  }
  agreement verdict;
  const double tolerance =
      p.cell == rnn::cell::elman_relu ? agreement_tolerance_relu : agreement_tolerance;
  for (const tensor& t : tensors) {
    const std::string& name = t.name;
    const double error = relative_error(t.ours, t.theirs);
    verdict.largest_error = std::max(verdict.largest_error, error);
    if (!(error <= tolerance) && verdict.failure.empty()) {
      std::ostringstream message;
      message << theirs_impl.label << " and " << ours_impl.label << " disagree on "
              << format_problem(p) << ": " << name << " normwise relative error " << error
              << " > " << tolerance;
      verdict.failure = message.str();
    }
  }
  return verdict;
}

}  // namespace

const agreement& check_agreement(const rnn::problem& p, int threads, const benchmarked& ours,
                                 const benchmarked& theirs) {
  static std::mutex lock;
  static std::map<std::pair<std::string, std::string>, agreement> verdicts;
  const std::lock_guard<std::mutex> guard(lock);
  const auto key = std::make_pair(format_problem(p), theirs.label);
  auto found = verdicts.find(key);
  if (found != verdicts.end()) return found->second;
  agreement verdict;
  try {
    verdict = p.precision == rnn::precision::f32 ? compare<float>(p, threads, ours, theirs)
                                                 : compare<double>(p, threads, ours, theirs);
  } catch (const std::exception& e) {
    verdict.failure = "agreement check of " + key.first + " (" + theirs.label +
                      " against " + ours.label + ") failed to run: " + e.what();
  }
  return verdicts.emplace(key, verdict).first->second;
}

}  // namespace bench
