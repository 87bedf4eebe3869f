#include "peak.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace bench {
namespace {

volatile double sink;  // keeps the loops' results alive

// Best GFLOP/s over a few runs of ~40 ms each: the best run is the one least disturbed by
// other work on this shared machine.
template <class Loop>
double best_gflops(Loop loop, double flops_per_round) {
  long rounds = 1 << 16;
  double best = 0;
  for (int run = 0; run < 6; ++run) {
    const auto start = std::chrono::steady_clock::now();
    sink = double(loop(rounds));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, rounds * flops_per_round / seconds * 1e-9);
    if (seconds < 0.04) rounds = long(rounds * std::min(8.0, 0.04 / std::max(seconds, 1e-6)));
  }
  return best;
}

}  // namespace

peak measure_peak() {
  __builtin_cpu_init();
  peak p;
  char line[160];
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    const double f32 = best_gflops(fma_loop_f32_avx2, fma_flops_per_round_avx2_f32);
    const double f64 = best_gflops(fma_loop_f64_avx2, fma_flops_per_round_avx2_f64);
    p.f32_gflops = std::max(p.f32_gflops, f32), p.f64_gflops = std::max(p.f64_gflops, f64);
    std::snprintf(line, sizeof line, "avx2 f32 %.1f f64 %.1f GFLOP/s", f32, f64);
    p.detail += line;
  }
  if (__builtin_cpu_supports("avx512f")) {
    const double f32 = best_gflops(fma_loop_f32_avx512, fma_flops_per_round_avx512_f32);
    const double f64 = best_gflops(fma_loop_f64_avx512, fma_flops_per_round_avx512_f64);
    p.f32_gflops = std::max(p.f32_gflops, f32), p.f64_gflops = std::max(p.f64_gflops, f64);
    std::snprintf(line, sizeof line, "%savx512 f32 %.1f f64 %.1f GFLOP/s",
                  p.detail.empty() ? "" : "; ", f32, f64);
    p.detail += line;
  }
  if (p.detail.empty()) p.detail = "no AVX2/FMA: peak not measured, pct_peak omitted";
  return p;
}

}  // namespace bench
