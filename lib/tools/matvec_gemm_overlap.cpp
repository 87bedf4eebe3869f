// Can one core hide batch-1 GEMM work inside the matrix-vector product's wait on L3?
//   rnnsuite_matvec_gemm_overlap [repetitions]
// At lstm_t128_b1_i512_h512_f32 a step streams the 4 MiB W_hh from L3 (about 45 µs at 90 GB/s)
// while the FMA units idle, and the chunk's GEMMs (input projection, dx, dW) add about 40 µs per
// step of compute-bound work from L1 and L2. If the two could run in one loop body, the step
// would cost the larger of the two, not the sum (docs/performance-limits.md). This program
// measures it with the layer's access pattern and without lib's code in the way:
//   matvec  y = W·v over a 2048 × 512 float W (4 MiB), 4 rows at a time, swept in alternating
//           order step after step (as lib's batch-1 path does);
//   gemm    k-steps of a 4 × 48 register tile whose operands (a 4 × 128 A, a 128 × 48 panel)
//           stay in L1, as a packed chunk's GEMM tile would; `s` k-steps per matvec iteration
//           (s = 1, 2, 4: the forward's input projection is about 1, the backward's three
//           products about 2.5);
//   fused   both in one loop body, each matvec iteration followed by its s k-steps.
// Prints the median µs per sweep of each and how much of the shorter one the fusion hid.
// AVX-512 only (the machine the limits page describes).
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr int rows = 2048, cols = 512, tile_k = 128, tile_rows = 4;

// W 64-byte aligned like lib's packed weights: a 512-bit load across two lines would read W
// twice over.
struct aligned_free {
  void operator()(float* p) const { std::free(p); }
};
std::unique_ptr<float[], aligned_free> aligned_floats(std::size_t n) {
  return std::unique_ptr<float[], aligned_free>(
      static_cast<float*>(std::aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64)));
}

struct operands {
  std::unique_ptr<float[], aligned_free> w = aligned_floats(std::size_t(rows) * cols);  // rows × cols
  std::vector<float> v = std::vector<float>(cols);   // cols
  std::vector<float> y = std::vector<float>(rows);   // rows
  alignas(64) float a[tile_k * tile_rows];           // tile_k × tile_rows
  alignas(64) float panel[tile_k * 48];              // tile_k × 48
  alignas(64) float c[tile_rows * 48] = {};          // tile_rows × 48
};

// One sweep of W, groups of 4 rows front to back (reverse = false) or back to front; after each
// 32-column step of the dot products, `k_steps` k-steps of the GEMM tile (matvec = false: only
// those). The tile's accumulators stay in registers across the sweep.
template <int k_steps, bool matvec>
__attribute__((target("avx512f"), noinline)) void sweep(operands& o, bool reverse, int& k_ref) {
  int k = k_ref;
  const float* const w_all = o.w.get();
  const float* const v = o.v.data();
  float* const y = o.y.data();
  const float* const a_tile = o.a;
  const float* const panel = o.panel;
  __m512 acc[tile_rows][3];
#pragma GCC unroll 4
  for (int r = 0; r < tile_rows; ++r)
#pragma GCC unroll 3
    for (int q = 0; q < 3; ++q) acc[r][q] = _mm512_load_ps(o.c + r * 48 + q * 16);
  for (int group = 0; group < rows / 4; ++group) {
    const int g = reverse ? rows / 4 - 1 - group : group;
    const float* w = w_all + std::size_t(g) * 4 * cols;
    __m512 dot[4][2];
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) dot[i][0] = dot[i][1] = _mm512_setzero_ps();
    for (int j = 0; j < cols; j += 32) {
      if (matvec) {
        const __m512 v0 = _mm512_loadu_ps(v + j), v1 = _mm512_loadu_ps(v + j + 16);
#pragma GCC unroll 4
        for (int i = 0; i < 4; ++i) {
          dot[i][0] = _mm512_fmadd_ps(_mm512_loadu_ps(w + i * cols + j), v0, dot[i][0]);
          dot[i][1] = _mm512_fmadd_ps(_mm512_loadu_ps(w + i * cols + j + 16), v1, dot[i][1]);
        }
      }
#pragma GCC unroll 4
      for (int s = 0; s < k_steps; ++s) {
        const float* b = panel + k * 48;
        const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16), b2 = _mm512_load_ps(b + 32);
#pragma GCC unroll 4
        for (int r = 0; r < tile_rows; ++r) {
          const __m512 a = _mm512_set1_ps(a_tile[k * tile_rows + r]);
          acc[r][0] = _mm512_fmadd_ps(a, b0, acc[r][0]);
          acc[r][1] = _mm512_fmadd_ps(a, b1, acc[r][1]);
          acc[r][2] = _mm512_fmadd_ps(a, b2, acc[r][2]);
        }
        k = k + 1 == tile_k ? 0 : k + 1;  // a tile restarts its k loop on the same operands
      }
    }
    if (matvec)
#pragma GCC unroll 4
      for (int i = 0; i < 4; ++i) {
        alignas(64) float lanes[16];  // not _mm512_reduce_add_ps: g++ 12 warns inside it
        _mm512_store_ps(lanes, _mm512_add_ps(dot[i][0], dot[i][1]));
        float sum = 0;
        for (float x : lanes) sum += x;
        y[std::size_t(g) * 4 + i] = sum;
      }
  }
#pragma GCC unroll 4
  for (int r = 0; r < tile_rows; ++r)
#pragma GCC unroll 3
    for (int q = 0; q < 3; ++q) _mm512_store_ps(o.c + r * 48 + q * 16, acc[r][q]);
  k_ref = k;
}

// Median µs per sweep over `repetitions` timings of 128 alternating sweeps (a T = 128 layer).
template <int k_steps, bool matvec>
double median_us(operands& o, int repetitions) {
  std::vector<double> us;
  int k = 0;
  for (int rep = 0; rep < repetitions + 1; ++rep) {  // the first one warms up and is dropped
    const auto start = std::chrono::steady_clock::now();
    for (int step = 0; step < 128; ++step) sweep<k_steps, matvec>(o, step % 2 == 1, k);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (rep > 0) us.push_back(took.count() / 128 * 1e6);
  }
  std::sort(us.begin(), us.end());
  return us[us.size() / 2];
}

template <int k_steps>
void report(operands& o, double matvec_us, int repetitions) {
  const double gemm = median_us<k_steps, false>(o, repetitions);
  const double fused = median_us<k_steps, true>(o, repetitions);
  const double sum = matvec_us + gemm, shorter = std::min(matvec_us, gemm);
  // FLOPs per sweep of the tile: iterations × k_steps × 12 FMAs × 32.
  const double gflops = double(rows / 4) * (cols / 32) * k_steps * 12 * 32 / gemm * 1e-3;
  std::printf("  %d k-step(s) per iteration  gemm %6.1f µs (%5.1f GFLOP/s)  fused %6.1f µs  "
              "sum %6.1f  hidden %5.1f µs = %3.0f %% of the shorter\n",
              k_steps, gemm, gflops, fused, sum, sum - fused, 100 * (sum - fused) / shorter);
}

}  // namespace

int main(int argc, char** argv) {
  int repetitions = 9;
  if (argc > 1) {
    char* end = nullptr;
    const long n = std::strtol(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0' || n < 1 || n > 1000) {
      std::fprintf(stderr, "error: repetitions must be an integer in 1..1000, got '%s'\n", argv[1]);
      return 2;
    }
    repetitions = int(n);
  }
  if (!__builtin_cpu_supports("avx512f")) {
    std::fprintf(stderr, "error: this measurement needs AVX-512 (avx512f), which this CPU lacks\n");
    return 2;
  }
  operands o;
  for (std::size_t i = 0; i < std::size_t(rows) * cols; ++i) o.w[i] = float(i % 7) * 0.01f;
  for (int i = 0; i < cols; ++i) o.v[i] = 0.001f * float(i);
  std::fill(std::begin(o.a), std::end(o.a), 0.5f);
  std::fill(std::begin(o.panel), std::end(o.panel), 0.25f);
  const double matvec = median_us<0, true>(o, repetitions);
  std::printf("4 MiB W swept in alternating order, 128 sweeps, median of %d: matvec alone %.1f µs "
              "per sweep (%.0f GB/s)\n",
              repetitions, matvec, 4.0 * rows * cols / matvec * 1e-3);
  report<1>(o, matvec, repetitions);
  report<2>(o, matvec, repetitions);
  report<4>(o, matvec, repetitions);
  std::printf("(checksum %g)\n", double(o.y[5] + o.c[7]));
  return 0;
}
