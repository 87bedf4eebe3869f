#pragma once
// Built-in losses: mean squared error on the last step (the articles' setup) or on every step.
#include <cstdint>
#include <span>
#include <string_view>

#include "rnn/problem.hpp"

namespace rnn {

enum class loss_kind {
  last,  // L = mean over B×H of (h_T - y_T)^2; with lengths, each sequence's own last step
  all,   // L = mean over T×B×H of (h_t - y_t)^2
};

std::string_view loss_name(loss_kind k);
loss_kind parse_loss(std::string_view name);  // throws rnn::error

// output and target: T×B×(D·H), a network's output (T×B×H for a single layer). Returns L
// (accumulated in double) and writes the upstream gradient grad_output: T×B×(D·H) (zero on
// steps the loss does not touch).
// lengths (rnn/lengths.hpp; empty: every sequence T steps, checked with check_lengths): `last`
// is then PyTorch's output[-1] generalised to packed sequences, row b at time len_b − 1 (both
// directions' halves), still the mean over B×(D·H); `all` ignores them and keeps the mean over
// every T×B×(D·H) element, padded ones included (their output is zero, so their gradient is
// −2·y/N: a backward that wrongly reads the padded steps gets something nonzero to show).
// All lengths T give the same bits as none.
template <class Real>
double mse_loss(const problem& p, loss_kind kind, std::span<const Real> output,
                std::span<const Real> target, std::span<Real> grad_output,
                std::span<const std::int64_t> lengths = {});

}  // namespace rnn
