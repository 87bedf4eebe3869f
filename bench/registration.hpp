#pragma once
// Registers one Google Benchmark per (problem, direction, implementation), named
// `<descriptor>/<fwd|fwdbwd>/<label>` (labels: implementation_set.hpp).
#include <vector>

#include "implementation_set.hpp"
#include "peak.hpp"
#include "shapes.hpp"

namespace bench {

struct run_settings {
  int threads = 1;  // run_options.threads of every implementation (oneDNN: its OpenMP threads)
  bench::peak peak;
};

// implementations[0] is rnnsuite, [1] oneDNN (open_implementations' order); they must outlive the
// benchmarks. A problem an implementation declines (its unsupported()) is not registered for it:
// one line on stderr says so and why, and the run's exit status is not affected.
void register_benchmarks(const std::vector<benchmark_case>& cases,
                         const std::vector<benchmarked>& implementations,
                         const run_settings& settings);

// True once any benchmark has reported an error (Google Benchmark itself still exits 0).
bool any_benchmark_failed();

}  // namespace bench
