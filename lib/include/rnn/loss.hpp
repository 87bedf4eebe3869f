#pragma once
// Built-in losses: mean squared error on the last step (the articles' setup) or on every step.
#include <span>
#include <string_view>

#include "rnn/problem.hpp"

namespace rnn {

enum class loss_kind {
  last,  // L = mean over B×H of (h_T - y_T)^2
  all,   // L = mean over T×B×H of (h_t - y_t)^2
};

std::string_view loss_name(loss_kind k);
loss_kind parse_loss(std::string_view name);  // throws rnn::error

// output and target: T×B×(D·H), a network's output (T×B×H for a single layer). Returns L
// (accumulated in double) and writes the upstream gradient grad_output: T×B×(D·H) (zero on
// steps the loss does not touch).
template <class Real>
double mse_loss(const problem& p, loss_kind kind, std::span<const Real> output,
                std::span<const Real> target, std::span<Real> grad_output);

}  // namespace rnn
