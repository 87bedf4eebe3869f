#pragma once
// Registers one Google Benchmark per (problem, direction, implementation), named
// `<descriptor>/<fwd|fwdbwd>/<rnnsuite|onednn>`.
#include <vector>

#include "peak.hpp"
#include "shapes.hpp"

namespace bench {

struct run_settings {
  int threads = 1;  // rnnsuite's layer_options.threads and oneDNN's OpenMP threads
  bench::peak peak;
};

void register_benchmarks(const std::vector<benchmark_case>& cases, const run_settings& settings);

// True once any benchmark has reported an error (Google Benchmark itself still exits 0).
bool any_benchmark_failed();

}  // namespace bench
