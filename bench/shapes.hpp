#pragma once
// Which problems a run benchmarks. Every grid is a list of (problem, direction) pairs; each is
// benchmarked for rnnsuite, and for oneDNN too when the problem is float32.
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

// "smoke": tiny problems, every cell, both directions (the ctest smoke, under a second).
// "short": a few shapes (scripts/run, under a minute). "default": PERFORMANCE.md's table, every
// cell at T=128, the named real-model shapes, a T sweep per cell and a few f64 problems
// (minutes). "full": every cell × precision × direction × T × B × H of the grid, plus the
// named shapes. Throws rnn::error naming an unknown grid.
std::vector<benchmark_case> grid(std::string_view name);

}  // namespace bench
