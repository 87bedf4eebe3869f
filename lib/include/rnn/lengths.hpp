#pragma once
// Sequences of different lengths in one batch, with PyTorch's packed-sequence semantics
// (torch.nn.utils.rnn.pack_padded_sequence, enforce_sorted=False): sequence b is len_b steps
// long, 1 <= len_b <= T, in any order. For t >= len_b its state stays as it was and its output
// is zero; h_n and c_n are its state after step len_b - 1; a reverse direction starts at
// len_b - 1; gradients follow the same rules (nothing flows through the padded steps, and the
// upstream gradient there is ignored). The descriptor's `_len<rule>` field (rnn/problem.hpp)
// says how the lengths are chosen; rnn::layer and rnn::network take them with each forward.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "rnn/problem.hpp"

namespace rnn {

// The lengths to run the problem with, as layer::forward takes them: empty for lengths_rule::full
// (every sequence T steps); B lengths, each uniform in [1, T] from lengths_seed (uniform); 1, T,
// ceil(T/2) repeated (extremes). Throws rnn::error for lengths_rule::file, whose lengths come with
// the data.
std::vector<std::int64_t> make_lengths(const problem& p);

// Throws rnn::error "<where>: lengths has 3 entries, expected B = 4" or "<where>: lengths[2] = 9
// is not in [1, T = 8]". An empty span is accepted (every sequence T steps long).
void check_lengths(const problem& p, std::span<const std::int64_t> lengths, std::string_view where);

// True when every length is T (or none is given): the padded batch, computed as before.
bool all_full(const problem& p, std::span<const std::int64_t> lengths);

// Σ len_b: the steps really computed (T·B when lengths is empty).
std::int64_t total_steps(const problem& p, std::span<const std::int64_t> lengths);

// forward_flops(p) with T·B replaced by Σ len_b: the work of a packed batch.
double forward_flops(const problem& p, std::span<const std::int64_t> lengths);

}  // namespace rnn
