#include "registration.hpp"

#include <atomic>
#include <benchmark/benchmark.h>
#include <exception>
#include <string>

#include "agreement.hpp"
#include "onednn_runner.hpp"
#include "rnnsuite_runner.hpp"

namespace bench {
namespace {

std::atomic<bool> failed{false};

void fail(benchmark::State& state, const std::string& message) {
  failed = true;
  state.SkipWithError(message.c_str());
}

// steps/s, GFLOP/s and % of peak are rates over the measured (real) time; bytes are plain values.
void set_counters(benchmark::State& state, const benchmark_case& c, const run_settings& s,
                  std::size_t activation_bytes, std::size_t workspace_bytes,
                  const agreement* checked) {
  using counter = benchmark::Counter;
  const rnn::problem& p = c.problem;
  const double flops = c.direction == direction::fwd ? rnn::forward_flops(p)
                                                     : rnn::forward_backward_flops(p);
  const double peak = p.precision == rnn::precision::f32 ? s.peak.f32_gflops : s.peak.f64_gflops;
  constexpr auto per_second = counter::kIsIterationInvariantRate;
  state.counters["steps_per_second"] = counter(double(p.T * p.B), per_second);
  state.counters["GFLOPs"] = counter(flops * 1e-9, per_second);
  if (peak > 0) state.counters["pct_peak"] = counter(flops * 1e-9 / peak * 100, per_second);
  state.counters["activation_bytes"] = counter(double(activation_bytes));
  state.counters["workspace_bytes"] = counter(double(workspace_bytes));
  if (checked) state.counters["agreement_error"] = counter(checked->largest_error);
}

template <class Runner>
void time(benchmark::State& state, Runner& runner, direction d) {
  // One untimed run first: it touches every page of the workspace and scratchpad. Without it,
  // a problem that runs once per repetition (lstm_t1024_b64_i512_h512_f32, ~1 GiB of oneDNN
  // workspace) timed the kernel's first-touch page faults, and oneDNN allocates lazily.
  runner.forward();
  if (d == direction::fwdbwd) runner.backward();
  for (auto _ : state) {
    runner.forward();
    if (d == direction::fwdbwd) runner.backward();
  }
}

template <class Real>
void run_rnnsuite(benchmark::State& state, const benchmark_case& c, const run_settings& s) {
  try {
    const agreement* checked = nullptr;
    if (c.problem.precision == rnn::precision::f32) {
      checked = &check_agreement(c.problem, s.threads);
      if (!checked->failure.empty()) return fail(state, checked->failure);
    }
    const problem_data<Real> data = make_problem_data<Real>(c.problem);
    rnnsuite_runner<Real> runner(data, s.threads);
    time(state, runner, c.direction);
    set_counters(state, c, s, runner.layer().activation_bytes(), runner.layer().workspace_bytes(),
                 checked);
  } catch (const std::exception& e) {
    fail(state, std::string("rnnsuite: ") + e.what());
  }
}

void run_onednn(benchmark::State& state, const benchmark_case& c, const run_settings& s) {
  try {
    const agreement& checked = check_agreement(c.problem, s.threads);
    if (!checked.failure.empty()) return fail(state, checked.failure);
    const problem_data<float> data = make_problem_data<float>(c.problem);
    onednn_runner runner(data);
    time(state, runner, c.direction);
    // oneDNN's workspace is what forward_training keeps for backward: its stored activations.
    set_counters(state, c, s, runner.workspace_bytes(),
                 runner.workspace_bytes() + runner.scratchpad_bytes(), &checked);
  } catch (const std::exception& e) {
    fail(state, std::string("onednn: ") + e.what());
  }
}

}  // namespace

bool any_benchmark_failed() { return failed; }

void register_benchmarks(const std::vector<benchmark_case>& cases, const run_settings& settings) {
  for (const benchmark_case& c : cases) {
    const std::string name =
        rnn::format_problem(c.problem) + "/" + std::string(direction_name(c.direction)) + "/";
    const bool f32 = c.problem.precision == rnn::precision::f32;
    auto ours = benchmark::RegisterBenchmark(
        (name + "rnnsuite").c_str(), [c, settings](benchmark::State& state) {
          if (c.problem.precision == rnn::precision::f32)
            run_rnnsuite<float>(state, c, settings);
          else
            run_rnnsuite<double>(state, c, settings);
        });
    ours->UseRealTime()->Unit(benchmark::kMillisecond);
    if (f32)  // oneDNN 2.6 has no f64 RNN primitives
      benchmark::RegisterBenchmark((name + "onednn").c_str(),
                                   [c, settings](benchmark::State& state) {
                                     run_onednn(state, c, settings);
                                   })
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace bench
