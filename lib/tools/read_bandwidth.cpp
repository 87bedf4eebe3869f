// Read bandwidth of one core by working-set size, the yardstick for batch-1 steps, which are
// bound by streaming W_hh (docs/performance-limits.md):
//   rnnsuite_read_bandwidth [repetitions]
// For each working set it sums a float buffer with 512-bit loads (AVX-512 only, the machine the
// limits page describes), eight independent accumulators so the adds never limit the loads, as
// one sequential stream and as four concurrent ones, and prints the median GB/s of each.
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

// Eight loads in flight per iteration, spread over `streams` equal parts of the buffer (1: one
// sequential stream; 4: four, as the batch-1 matrix-vector kernel reads four rows of W at once).
template <int streams>
__attribute__((target("avx512f"))) float sum_avx512(const float* data, std::size_t n) {
  constexpr std::size_t w = 16, step = 8 / streams * w;
  const std::size_t part = n / streams;
  __m512 acc[8];
  for (auto& a : acc) a = _mm512_setzero_ps();
  for (std::size_t i = 0; i + step <= part; i += step)
    for (int j = 0; j < 8; ++j)
      acc[j] = _mm512_add_ps(acc[j], _mm512_loadu_ps(data + (j % streams) * part + i + (j / streams) * w));
  float lanes[16];
  for (int j = 1; j < 8; ++j) acc[0] = _mm512_add_ps(acc[0], acc[j]);
  _mm512_storeu_ps(lanes, acc[0]);  // not _mm512_reduce_add_ps: g++ 12 warns inside it
  float total = 0;
  for (float v : lanes) total += v;
  return total;
}

using sum_function = float (*)(const float*, std::size_t);

// Median GB/s of summing `data` with `sum`, enough passes per timing (about 2 GiB read).
double median_rate(sum_function sum, const std::vector<float>& data, int repetitions, float& sink) {
  const std::size_t bytes = data.size() * sizeof(float);
  const std::size_t passes = std::max<std::size_t>(1, (std::size_t(1) << 31) / bytes / 8);
  std::vector<double> rates;
  for (int r = 0; r < repetitions + 1; ++r) {  // the first timing warms the caches and is dropped
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t p = 0; p < passes; ++p) sink += sum(data.data(), data.size());
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (r > 0) rates.push_back(double(passes) * double(bytes) / took.count() * 1e-9);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
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
  if (!__builtin_cpu_supports("avx512f")) {
    std::fprintf(stderr, "rnnsuite_read_bandwidth: this CPU has no AVX-512F\n");
    return 2;
  }
  const sum_function one_stream = sum_avx512<1>, four_streams = sum_avx512<4>;
  std::printf("read bandwidth, one thread, 512-bit loads, median of %d timings\n", repetitions);
  std::printf("%12s %14s %14s\n", "working set", "1 stream GB/s", "4 streams GB/s");
  float sink = 0;
  for (std::size_t kib : {32, 256, 1024, 2048, 4096, 8192, 16384, 65536, 1048576}) {
    const std::vector<float> data(kib * 1024 / sizeof(float), 1.0f);
    const double one = median_rate(one_stream, data, repetitions, sink);
    const double four = median_rate(four_streams, data, repetitions, sink);
    const std::string label = kib >= 1024 ? std::to_string(kib / 1024) + " MiB" : std::to_string(kib) + " KiB";
    std::printf("%12s %14.1f %14.1f\n", label.c_str(), one, four);
  }
  return sink == 0.5f ? 1 : 0;  // keeps the sums alive; never 0.5 for all-ones data
}
