// How fast the batch-1 matrix-vector product reads W, by W's size, for docs/performance-limits.md
// and the choices in kernels/matvec.hpp:
//   rnnsuite_matvec_bandwidth [repetitions]
// For each W (float, 256 KiB to 16 MiB) it sweeps y = W·v as lib's batch-1 layer does (32-row
// blocks in alternating order, step after step) with
//   rows     a plain kernel on W row-major: 4 rows at once, 2 vectors per row per step (lib's
//            layout and loop until 2026-12-02: 4 streams that restart every row);
//   packed   lib's kernel (kernels/matvec.hpp, the production header) on W in its packed layout,
//            with no prefetch hints and with hints 1, 2 and 4 KiB ahead (lib uses 2 KiB);
// the variants interleaved repetition by repetition, and prints the median GB/s of each.
// AVX-512 only (the machine the limits page describes).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernels/matvec.hpp"

namespace {

using kernel = rnn::kernels::matvec_kernel<float, xsimd::avx512bw>;
using batch = xsimd::batch<float, xsimd::avx512bw>;
using size = rnn::kernels::index;

struct aligned_free {
  void operator()(float* p) const { std::free(p); }
};
using floats = std::unique_ptr<float[], aligned_free>;
floats aligned_floats(std::size_t n) {
  return floats(static_cast<float*>(std::aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64)));
}

// y[r0, r1) = W·v, W row-major (cols a multiple of 32): the row-major reference layout.
void rows_kernel(float* y, const float* w, const float* v, size r0, size r1, size cols) {
  for (size r = r0; r < r1; r += 4) {
    batch sum[4][2];
    for (auto& s : sum) s[0] = s[1] = batch(0.0f);
    for (size j = 0; j < cols; j += 32) {
      const batch v0 = batch::load_unaligned(v + j), v1 = batch::load_unaligned(v + j + 16);
#pragma GCC unroll 4
      for (int i = 0; i < 4; ++i) {
        const float* row = w + (r + i) * cols + j;
        sum[i][0] = xsimd::fma(batch::load_unaligned(row), v0, sum[i][0]);
        sum[i][1] = xsimd::fma(batch::load_unaligned(row + 16), v1, sum[i][1]);
      }
    }
    for (int i = 0; i < 4; ++i) y[r + i] = xsimd::hadd(sum[i][0] + sum[i][1]);
  }
}

// One step of the layer's sweep: 32-row blocks front to back (even steps) or back to front.
void sweep(const std::function<void(size, size)>& block_kernel, size rows, bool backwards) {
  constexpr size block = 32;
  const size blocks = rows / block;
  for (size i = 0; i < blocks; ++i) {
    const size b = backwards ? blocks - 1 - i : i;
    block_kernel(b * block, b * block + block);
  }
}

int parse_repetitions(int argc, char** argv) {
  if (argc < 2) return 31;
  char* end = nullptr;
  const long value = std::strtol(argv[1], &end, 10);
  if (argc > 2 || end == argv[1] || *end != '\0' || value < 1 || value > 1000) {
    std::fprintf(stderr, "rnnsuite_matvec_bandwidth: repetitions must be one integer in 1..1000, "
                         "got '%s'\n", argv[1]);
    std::exit(2);
  }
  return int(value);
}

}  // namespace

int main(int argc, char** argv) {
  const int repetitions = parse_repetitions(argc, argv);
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw")) {
    std::fprintf(stderr, "rnnsuite_matvec_bandwidth: this CPU has no AVX-512 (F, BW)\n");
    return 2;
  }
  static_assert(kernel::prefetch_bytes == 2048, "the column names below say what lib uses");
  const char* names[] = {"rows", "packed, no hints", "packed, 1 KiB", "packed, 2 KiB (lib)",
                         "packed, 4 KiB"};
  constexpr int variants = 5;
  std::printf("y = W·v, one thread, alternating 32-row sweeps, median GB/s of %d repetitions\n",
              repetitions);
  std::printf("%-14s", "W");
  for (const char* name : names) std::printf(" %20s", name);
  std::printf("\n");
  struct shape {
    size rows, cols;
  };
  for (const shape s : {shape{512, 128}, {256, 512}, {512, 512}, {1024, 512}, {2048, 512},
                        {512, 2048}, {2048, 1024}, {4096, 1024}, {1024, 4096}}) {
    const std::size_t n = std::size_t(s.rows * s.cols);
    const floats w = aligned_floats(n), packed = aligned_floats(kernel::packed_size(s.rows, s.cols));
    for (std::size_t i = 0; i < n; ++i) w[i] = float(i % 7) * 0.01f;
    kernel::pack(packed.get(), w.get(), s.rows, s.cols);
    std::vector<float> v(s.cols, 0.5f), y(s.rows);
    const std::function<void(size, size)> kernels[variants] = {
        [&](size r0, size r1) { rows_kernel(y.data(), w.get(), v.data(), r0, r1, s.cols); },
        [&](size r0, size r1) {
          kernel::run_groups<0>(y.data(), packed.get(), v.data(), r0, r1, s.cols, false);
        },
        [&](size r0, size r1) {
          kernel::run_groups<1024>(y.data(), packed.get(), v.data(), r0, r1, s.cols, false);
        },
        [&](size r0, size r1) {
          kernel::run_groups<kernel::prefetch_bytes>(y.data(), packed.get(), v.data(), r0, r1,
                                                     s.cols, false);
        },
        [&](size r0, size r1) {
          kernel::run_groups<4096>(y.data(), packed.get(), v.data(), r0, r1, s.cols, false);
        }};
    // About 200 MB read per timing, an even number of steps.
    const int steps = std::max<int>(2, int((200u << 20) / (n * sizeof(float))) / 2 * 2);
    std::vector<double> rates[variants];
    for (int r = 0; r < repetitions + 1; ++r)  // the first round warms up and is dropped
      for (int k = 0; k < variants; ++k) {
        const auto start = std::chrono::steady_clock::now();
        for (int step = 0; step < steps; ++step) sweep(kernels[k], s.rows, step % 2 == 1);
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        if (r > 0) rates[k].push_back(double(steps) * double(n * sizeof(float)) / took.count() * 1e-9);
      }
    const std::string label = std::to_string(s.rows) + "x" + std::to_string(s.cols) + " " +
                              std::to_string(n * sizeof(float) >> 10) + "K";
    std::printf("%-14s", label.c_str());
    for (auto& k : rates) {
      std::sort(k.begin(), k.end());
      std::printf(" %20.1f", k[k.size() / 2]);
    }
    std::printf("\n");
    if (y[0] != y[0]) return 1;  // keeps the products observable
  }
  return 0;
}
