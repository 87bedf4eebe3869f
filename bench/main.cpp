// rnnsuite-bench: Google Benchmark's own program with two flags of ours, read (and removed)
// before benchmark::Initialize:
//   --grid=smoke|short|default|full   which problems (shapes.hpp; default: default)
//   --threads=N                        threads for both implementations (default 1)
// Exits 1 if any benchmark reported an error (an oneDNN/rnnsuite mismatch, a rejected problem),
// which Google Benchmark alone would not.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstdio>
#include <cstring>
#include <dnnl.hpp>
#include <exception>
#include <string>
#include <vector>

#include "registration.hpp"
#include "rnn/error.hpp"
#include "rnn/isa.hpp"

namespace {

int parse_threads(const char* text) {
  char* end = nullptr;
  const long n = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || n < 1 || n > 1024)
    throw rnn::error(std::string("--threads: expected an integer in [1, 1024], got '") + text + "'");
  return int(n);
}

}  // namespace

int main(int argc, char** argv) {
  std::string grid_name = "default";
  bench::run_settings settings;
  std::vector<char*> rest;
  try {
    for (int i = 0; i < argc; ++i) {
      if (std::strncmp(argv[i], "--grid=", 7) == 0)
        grid_name = argv[i] + 7;
      else if (std::strncmp(argv[i], "--threads=", 10) == 0)
        settings.threads = parse_threads(argv[i] + 10);
      else
        rest.push_back(argv[i]);
    }
    const std::vector<bench::benchmark_case> cases = bench::grid(grid_name);
    // oneDNN threads through OpenMP: the same count as rnnsuite's pool.
    omp_set_num_threads(settings.threads);
    settings.peak = bench::measure_peak();
    const dnnl_version_t* onednn = dnnl::version();
    benchmark::AddCustomContext("grid", grid_name);
    benchmark::AddCustomContext("threads", std::to_string(settings.threads));
    benchmark::AddCustomContext("peak_f32_gflops", std::to_string(settings.peak.f32_gflops));
    benchmark::AddCustomContext("peak_f64_gflops", std::to_string(settings.peak.f64_gflops));
    benchmark::AddCustomContext("peak_detail", settings.peak.detail);
    benchmark::AddCustomContext("rnnsuite_isa", std::string(rnn::isa_name(rnn::default_isa())));
    benchmark::AddCustomContext("onednn_version", std::to_string(onednn->major) + "." +
                                                      std::to_string(onednn->minor) + "." +
                                                      std::to_string(onednn->patch));
    benchmark::AddCustomContext("compiler", "g++ " __VERSION__);
    bench::register_benchmarks(cases, settings);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rnnsuite-bench: %s\n", e.what());
    return 2;
  }
  int rest_count = int(rest.size());
  benchmark::Initialize(&rest_count, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_count, rest.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (bench::any_benchmark_failed()) {
    std::fprintf(stderr, "rnnsuite-bench: at least one benchmark reported an error\n");
    return 1;
  }
  return 0;
}
