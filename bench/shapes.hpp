#pragma once
// Which problems a run benchmarks: a grid, or problems named on the command line. Each is a list
// of (problem, direction) pairs, benchmarked for every implementation that supports the problem.
#include <string_view>
#include <vector>

#include "rnn/problem.hpp"

namespace bench {

enum class direction { fwd, fwdbwd };
std::string_view direction_name(direction d);

struct benchmark_case {
  rnn::problem problem;
  bench::direction direction;
};

// "smoke": tiny problems, every cell, both directions, and a few tiny networks (the ctest smoke,
// under a second). "short": a few shapes (scripts/run, under a minute). "table": PERFORMANCE.md's
// targets' shapes. "networks": issue 25's stacked and bidirectional networks beside oneDNN's own
// primitives (docs/performance-networks.md, a few minutes). "lengths": issue 26's sequences of
// different lengths beside the same batch padded (docs/performance-lengths.md, about a minute). "default": PERFORMANCE.md's table,
// every cell at T=128, the named real-model shapes, a T sweep per cell and a few f64 problems
// (minutes). "full": every cell × precision × direction × T × B × H of the grid, plus the
// named shapes. Throws rnn::error naming an unknown grid.
std::vector<benchmark_case> grid(std::string_view name);

// One problem named on the command line (--problem D, a single layer or a network), fwd and
// fwdbwd. Throws rnn::error naming the flag and the descriptor when D does not parse or its
// tensors would not fit in memory's address range.
std::vector<benchmark_case> problem_cases(std::string_view descriptor);

// cases with each (problem, direction) kept once, where it first appears.
std::vector<benchmark_case> without_repeats(const std::vector<benchmark_case>& cases);

}  // namespace bench
