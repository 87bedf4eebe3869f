#include "agreement.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>
#include <sstream>
#include <utility>
#include <vector>

#include "runner.hpp"

namespace bench {
namespace {

// ||a - b||₂ / ||a||₂ in double; 0 when both are zero, infinite on a size mismatch.
template <class Real>
double relative_error(const std::vector<Real>& ours, const std::vector<Real>& theirs) {
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
  using tensor = std::vector<Real> runner<Real>::*;
  const std::pair<const char*, tensor> tensors[] = {
      {"output", &runner<Real>::output},
      {"h_n", &runner<Real>::h_n},
      {"c_n", &runner<Real>::c_n},
      {"grad_x", &runner<Real>::grad_x},
      {"grad_h0", &runner<Real>::grad_h0},
      {"grad_c0", &runner<Real>::grad_c0},
      {"grad_weight_ih", &runner<Real>::grad_weight_ih},
      {"grad_weight_hh", &runner<Real>::grad_weight_hh},
      {"grad_bias_ih", &runner<Real>::grad_bias_ih},
      {"grad_bias_hh", &runner<Real>::grad_bias_hh}};
  agreement verdict;
  const double tolerance =
      p.cell == rnn::cell::elman_relu ? agreement_tolerance_relu : agreement_tolerance;
  for (const auto& [name, member] : tensors) {
    const double error = relative_error(ours.*member, theirs.*member);
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
