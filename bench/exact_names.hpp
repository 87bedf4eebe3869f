#pragma once
// Google Benchmark appends "/real_time" to the name of a benchmark timed by wall clock
// (UseRealTime, which rnnsuite-bench needs: oneDNN's OpenMP threads and rnnsuite's pool are
// invisible to the main thread's CPU time). The names are a contract
// (`<descriptor>/<fwd|fwdbwd>/<rnnsuite|onednn>`), so these reporters (console, JSON and CSV, on
// the screen and in the --benchmark_out file; main.cpp picks them by Google Benchmark's format
// flags) drop the suffix; every benchmark of this binary is wall-clock timed, which the report
// states once.
#include <benchmark/benchmark.h>

#include <vector>

namespace bench {

template <class Reporter>
class exact_names : public Reporter {
 public:
  using Reporter::Reporter;
  void ReportRuns(const std::vector<benchmark::BenchmarkReporter::Run>& runs) override {
    std::vector<benchmark::BenchmarkReporter::Run> renamed = runs;
    for (auto& run : renamed) run.run_name.time_type.clear();
    Reporter::ReportRuns(renamed);
  }
};

}  // namespace bench
