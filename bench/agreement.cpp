#include "agreement.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>
#include <sstream>
#include <vector>

#include "onednn_runner.hpp"
#include "rnn/cell.hpp"
#include "rnnsuite_runner.hpp"

namespace bench {
namespace {

// ||a - b||₂ / ||a||₂ in double; 0 when both are zero, infinite on a size mismatch.
double relative_error(const std::vector<float>& ours, const std::vector<float>& theirs) {
  if (ours.size() != theirs.size()) return INFINITY;
  double difference = 0, norm = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const double d = double(ours[i]) - double(theirs[i]);
    difference += d * d, norm += double(ours[i]) * double(ours[i]);
  }
  if (difference == 0) return 0;
  return norm == 0 ? INFINITY : std::sqrt(difference / norm);
}

// oneDNN's bias gradient per block, laid out as rnnsuite's grad_bias_ih (and, for GRU's n gate,
// grad_bias_hh apart): the two are compared against these.
std::vector<float> our_bias_blocks(rnn::cell c, const rnnsuite_runner<float>& ours,
                                   std::int64_t H) {
  const int G = rnn::gate_count(c), blocks = c == rnn::cell::gru ? 4 : G;
  std::vector<float> out(std::size_t(blocks * H));
  for (int g = 0; g < G; ++g)
    for (std::int64_t j = 0; j < H; ++j)
      out[onednn_gate(c, g) * H + j] = ours.grad_bias_ih[g * H + j];
  if (c == rnn::cell::gru)
    for (std::int64_t j = 0; j < H; ++j) out[3 * H + j] = ours.grad_bias_hh[2 * H + j];
  return out;
}

agreement compare(const rnn::problem& p, int threads) {
  const problem_data<float> data = make_problem_data<float>(p);
  rnnsuite_runner<float> ours(data, threads);
  ours.forward();
  ours.backward();
  onednn_runner peer(data);
  peer.forward();
  peer.backward();
  const onednn_results theirs = peer.results();
  const std::vector<float> bias_blocks = our_bias_blocks(p.cell, ours, p.H);
  const struct {
    const char* name;
    const std::vector<float>& ours;
    const std::vector<float>& theirs;
  } tensors[] = {{"output", ours.output, theirs.output},
                 {"h_n", ours.h_n, theirs.h_n},
                 {"c_n", ours.c_n, theirs.c_n},
                 {"grad_x", ours.grad_x, theirs.grad_x},
                 {"grad_h0", ours.grad_h0, theirs.grad_h0},
                 {"grad_c0", ours.grad_c0, theirs.grad_c0},
                 {"grad_weight_ih", ours.grad_weight_ih, theirs.grad_weight_ih},
                 {"grad_weight_hh", ours.grad_weight_hh, theirs.grad_weight_hh},
                 {"grad_bias (per oneDNN block)", bias_blocks, theirs.grad_bias_blocks}};
  agreement verdict;
  const double tolerance =
      p.cell == rnn::cell::elman_relu ? agreement_tolerance_relu : agreement_tolerance;
  for (const auto& t : tensors) {
    const double error = relative_error(t.ours, t.theirs);
    verdict.largest_error = std::max(verdict.largest_error, error);
    if (!(error <= tolerance) && verdict.failure.empty()) {
      std::ostringstream message;
      message << "oneDNN and rnnsuite disagree on " << format_problem(p) << ": " << t.name
              << " normwise relative error " << error << " > " << tolerance;
      verdict.failure = message.str();
    }
  }
  return verdict;
}

}  // namespace

const agreement& check_agreement(const rnn::problem& p, int threads) {
  static std::mutex lock;
  static std::map<std::string, agreement> verdicts;
  const std::lock_guard<std::mutex> guard(lock);
  const std::string key = format_problem(p);
  auto found = verdicts.find(key);
  if (found != verdicts.end()) return found->second;
  agreement verdict;
  try {
    verdict = compare(p, threads);
  } catch (const std::exception& e) {
    verdict.failure = "agreement check of " + key + " failed to run: " + e.what();
  }
  return verdicts.emplace(key, verdict).first->second;
}

}  // namespace bench
