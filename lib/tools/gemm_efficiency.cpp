// Where the float32 GEMM time goes, for docs/performance-limits.md:
//   rnnsuite_gemm_efficiency <B> <H> [T]
// times lib's own AVX-512 GEMM kernel (kernels/gemm.hpp, the production header) on
//   1. one register tile with every operand in L1 (the micro-kernel's ceiling),
//   2. each product an LSTM layer with I = H runs, at the sizes of that layer,
// and prints GFLOP/s and % of the FMA peak measured here. The distance between 1 and 2 is
// what the memory hierarchy costs; the distance between 1 and the peak is the kernel's own.
// Built with the AVX-512 translation unit's flags; refuses to run without AVX-512.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "kernels/gemm.hpp"

namespace {

using kernel = rnn::kernels::gemm_kernel<float, xsimd::avx512bw>;
using size = rnn::kernels::index;

// Median GFLOP/s of 31 timings after 0.3 s of warm-up (the clock settles under AVX-512 load).
double median_gflops(const std::function<void()>& work, double flops) {
  const auto warm_start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - warm_start < std::chrono::milliseconds(300)) work();
  std::vector<double> rates;
  for (int i = 0; i < 31; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    rates.push_back(flops / took.count() * 1e-9);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

// Peak: 24 independent FMA chains, the same bound the benchmark's start-up loop measures.
double peak_gflops() {
  using batch = xsimd::batch<float, xsimd::avx512bw>;
  const long iterations = 1 << 20;
  std::vector<float> out(16);
  return median_gflops(
      [&] {
        batch acc[24];
        for (int i = 0; i < 24; ++i) acc[i] = batch(float(i) * 1e-3f);
        const batch m(0.999999f), a(1e-7f);
        for (long n = 0; n < iterations; ++n)
#pragma GCC unroll 24
          for (int i = 0; i < 24; ++i) acc[i] = xsimd::fma(acc[i], m, a);
        batch total = acc[0];
        for (int i = 1; i < 24; ++i) total += acc[i];
        total.store_unaligned(out.data());
      },
      2.0 * 16 * 24 * double(iterations));
}

long parse_size(const char* name, const char* text, long limit) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < 1 || value > limit) {
    std::fprintf(stderr, "rnnsuite_gemm_efficiency: %s must be an integer in 1..%ld, got '%s'\n", name,
                 limit, text);
    std::exit(2);
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: %s <B> <H> [T, default 128]\n", argv[0]);
    return 2;
  }
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw")) {
    std::fprintf(stderr, "rnnsuite_gemm_efficiency: this CPU has no AVX-512 (F, BW)\n");
    return 2;
  }
  const size B = parse_size("B", argv[1], 4096), H = parse_size("H", argv[2], 4096);
  const size T = argc > 3 ? parse_size("T", argv[3], 4096) : 128;
  const size I = H, G = 4 * H, rows = T * B;
  const double peak = peak_gflops();
  std::printf("lstm_t%ld_b%ld_i%ld_h%ld_f32: lib's AVX-512 float GEMM, one thread, median of 31; "
              "FMA peak measured here %.1f GFLOP/s\n",
              long(T), long(B), long(I), long(H), peak);
  auto report = [&](const char* what, double gflops) {
    std::printf("  %-44s %7.1f GFLOP/s %5.1f %% of peak\n", what, gflops, 100 * gflops / peak);
  };

  {  // 1. The register tile alone: A (8×128), B (128×48) and C (8×48) all in L1.
    const size k = 128, n = kernel::panel_width, r = kernel::tile_rows;
    std::vector<float> a(r * k, 0.5f), b(k * n, 0.25f), c(r * n, 0.0f);
    const int calls = 2000;
    report("register tile 8x48, K=128, all in L1",
           median_gflops([&] { for (int i = 0; i < calls; ++i)
                                 kernel::tile<kernel::tile_rows, kernel::tile_vectors>(
                                     c.data(), n, a.data(), k, 1, b.data(), n, k, c.data(), n); },
                         2.0 * r * n * k * calls));
  }

  // 2. The layer's products, with its operands at their real sizes.
  std::vector<float> x(rows * I, 0.1f), w_ih(G * I, 0.01f), w_ih_t(I * G), delta(rows * G, 0.01f);
  std::vector<float> gates(rows * G), dx(rows * I), dw(G * I), h(B * H, 0.1f), recurrent(B * G), dh(B * H);
  for (size g = 0; g < G; ++g)
    for (size i = 0; i < I; ++i) w_ih_t[i * G + g] = w_ih[g * I + i];
  const auto panels = [](size k, size n) {
    return std::vector<float>(k * ((n + kernel::panel_width - 1) / kernel::panel_width) * kernel::panel_width);
  };
  std::vector<float> packed_t = panels(I, G), packed = panels(G, I);
  kernel::pack_panels(packed_t.data(), w_ih_t.data(), I, G);
  kernel::pack_panels(packed.data(), w_ih.data(), G, I);
  const double product = 2.0 * double(rows) * G * I;
  report("gates = x·W_ihᵀ, all steps (packed W)", median_gflops([&] {
    kernel::run_packed(gates.data(), G, x.data(), I, 1, packed_t.data(), rows, G, I, false);
  }, product));
  report("dx = δ·W_ih, all steps (packed W)", median_gflops([&] {
    kernel::run_packed(dx.data(), I, delta.data(), G, 1, packed.data(), rows, I, G, false);
  }, product));
  report("dW = δᵀ·x, all steps (in place)", median_gflops([&] {
    kernel::run(dw.data(), I, delta.data(), 1, G, x.data(), I, G, I, rows, false);
  }, product));
  std::vector<float> scratch(kernel::transposed_a_scratch(I));
  report("dW = δᵀ·x, all steps (operands packed)", median_gflops([&] {
    kernel::run_transposed_a(dw.data(), I, delta.data(), G, x.data(), I, G, I, rows, false,
                             scratch.data());
  }, product));
  report("h·W_hhᵀ, T steps of B rows (packed W)", median_gflops([&] {
    for (size t = 0; t < T; ++t)
      kernel::run_packed(recurrent.data(), G, h.data(), H, 1, packed_t.data(), B, G, H, false);
  }, product));
  report("δ·W_hh, T steps of B rows (packed W)", median_gflops([&] {
    for (size t = 0; t < T; ++t)
      kernel::run_packed(dh.data(), H, delta.data() + t * B * G, G, 1, packed.data(), B, H, G, false);
  }, product));
  return 0;
}
