#pragma once
// The machine's arithmetic peak for one thread, measured at start-up in this binary: a loop of
// independent fused multiply-adds, per precision, on the widest vectors the CPU has.
#include <string>

namespace bench {

struct peak {
  double f32_gflops = 0;  // best over the instruction sets measured
  double f64_gflops = 0;
  std::string detail;     // every ISA's figure, for the report's context
};

peak measure_peak();

// One FMA loop per ISA (peak_avx2.cpp, peak_avx512.cpp, each compiled with its flags). Each runs
// `rounds` rounds of `chains` independent FMA chains and returns a value that depends on all of
// them, so the compiler cannot drop the work. FLOPs = rounds × fma_flops_per_round_*.
float fma_loop_f32_avx2(long rounds);
double fma_loop_f64_avx2(long rounds);
float fma_loop_f32_avx512(long rounds);
double fma_loop_f64_avx512(long rounds);
// 12 chains × 2 FLOPs × lanes: 12 covers FMA latency (4 cycles) × 2 pipes with room to spare.
inline constexpr double fma_flops_per_round_avx2_f32 = 12 * 2 * 8;
inline constexpr double fma_flops_per_round_avx2_f64 = 12 * 2 * 4;
inline constexpr double fma_flops_per_round_avx512_f32 = 12 * 2 * 16;
inline constexpr double fma_flops_per_round_avx512_f64 = 12 * 2 * 8;

}  // namespace bench
