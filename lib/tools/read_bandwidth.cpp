// Read bandwidth of one core by working-set size, the yardstick for batch-1 steps, which are
// bound by streaming W_hh (docs/performance-limits.md):
//   rnnsuite_read_bandwidth [repetitions]
// For each working set it sums a float buffer with 512-bit (else 256-bit) loads, eight
// independent accumulators so the adds never limit the loads, and prints the median GB/s.
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

__attribute__((target("avx512f"))) float sum_avx512(const float* data, std::size_t n) {
  __m512 acc[8];
  for (auto& a : acc) a = _mm512_setzero_ps();
  for (std::size_t i = 0; i + 128 <= n; i += 128)
    for (int j = 0; j < 8; ++j) acc[j] = _mm512_add_ps(acc[j], _mm512_loadu_ps(data + i + 16 * j));
  float lanes[16];
  for (int j = 1; j < 8; ++j) acc[0] = _mm512_add_ps(acc[0], acc[j]);
  _mm512_storeu_ps(lanes, acc[0]);  // not _mm512_reduce_add_ps: g++ 12 warns inside it
  float total = 0;
  for (float v : lanes) total += v;
  return total;
}

__attribute__((target("avx"))) float sum_avx(const float* data, std::size_t n) {
  __m256 acc[8];
  for (auto& a : acc) a = _mm256_setzero_ps();
  for (std::size_t i = 0; i + 64 <= n; i += 64)
    for (int j = 0; j < 8; ++j) acc[j] = _mm256_add_ps(acc[j], _mm256_loadu_ps(data + i + 8 * j));
  float lanes[8];
  for (int j = 1; j < 8; ++j) acc[0] = _mm256_add_ps(acc[0], acc[j]);
  _mm256_storeu_ps(lanes, acc[0]);
  float total = 0;
  for (float v : lanes) total += v;
  return total;
}

int parse_repetitions(int argc, char** argv) {
  if (argc < 2) return 11;
  char* end = nullptr;
  const long value = std::strtol(argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || value < 1 || value > 1000) {
    std::fprintf(stderr, "rnnsuite_read_bandwidth: repetitions must be an integer in 1..1000, got '%s'\n",
                 argv[1]);
    std::exit(2);
  }
  return int(value);
}

}  // namespace

int main(int argc, char** argv) {
  const int repetitions = parse_repetitions(argc, argv);
  const bool avx512 = __builtin_cpu_supports("avx512f");
  if (!avx512 && !__builtin_cpu_supports("avx")) {
    std::fprintf(stderr, "rnnsuite_read_bandwidth: needs AVX or AVX-512\n");
    return 2;
  }
  auto sum = avx512 ? sum_avx512 : sum_avx;
  std::printf("read bandwidth, one thread, %s loads, median of %d passes\n", avx512 ? "512-bit" : "256-bit",
              repetitions);
  std::printf("%12s %10s %10s\n", "working set", "GB/s", "min-max");
  float sink = 0;
  for (std::size_t kib : {32, 256, 1024, 2048, 4096, 8192, 16384, 65536, 1048576}) {
    const std::size_t n = kib * 1024 / sizeof(float);
    std::vector<float> data(n, 1.0f);
    // Enough passes per timing that each takes about 20 ms, whatever the size.
    const std::size_t passes = std::max<std::size_t>(1, (std::size_t(1) << 31) / (kib * 1024) / 8);
    std::vector<double> rates;
    for (int r = 0; r < repetitions + 1; ++r) {
      const auto start = std::chrono::steady_clock::now();
      for (std::size_t p = 0; p < passes; ++p) sink += sum(data.data(), n);
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      if (r > 0) rates.push_back(double(passes) * double(n * sizeof(float)) / took.count() * 1e-9);
    }
    std::sort(rates.begin(), rates.end());
    const std::string label = kib >= 1024 ? std::to_string(kib / 1024) + " MiB" : std::to_string(kib) + " KiB";
    std::printf("%12s %10.1f %4.0f-%.0f\n", label.c_str(), rates[rates.size() / 2], rates.front(), rates.back());
  }
  return sink == 0.5f ? 1 : 0;  // keeps the sums alive; never 0.5 for all-ones data
}
