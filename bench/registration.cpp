#include "registration.hpp"

#include <atomic>
#include <benchmark/benchmark.h>
#include <cstdio>
#include <exception>
#include <optional>
#include <set>
#include <span>
#include <string>

#include "agreement.hpp"
#include "rnn/lengths.hpp"
#include "runner.hpp"

namespace bench {
namespace {

namespace impl = rnnsuite::impl;

std::atomic<bool> failed{false};

void fail(benchmark::State& state, const std::string& message) {
  failed = true;
  state.SkipWithError(message.c_str());
}

impl::run_options options_of(const run_settings& s) {
  impl::run_options o;
  o.threads = s.threads;
  return o;
}

// steps/s, GFLOP/s and % of peak are rates over the measured (real) time; bytes are plain values.
// lengths: the problem data's (empty: every sequence T steps). Sequences of different lengths
// count the steps really computed: a packed batch and its padded twin then differ in time, not
// in the work reported (GFLOP/s compare as work rates).
void set_counters(benchmark::State& state, const benchmark_case& c, const run_settings& s,
                  std::span<const std::int64_t> lengths, std::size_t activation_bytes,
                  const agreement* checked) {
  using counter = benchmark::Counter;
  const rnn::problem& p = c.problem;
  const double flops = rnn::forward_flops(p, lengths) * (c.direction == direction::fwd ? 1.0 : 3.0);
  const double peak = p.precision == rnn::precision::f32 ? s.peak.f32_gflops : s.peak.f64_gflops;
  constexpr auto per_second = counter::kIsIterationInvariantRate;
  state.counters["steps_per_second"] = counter(double(rnn::total_steps(p, lengths)), per_second);
  state.counters["GFLOPs"] = counter(flops * 1e-9, per_second);
  if (peak > 0) state.counters["pct_peak"] = counter(flops * 1e-9 / peak * 100, per_second);
  state.counters["activation_bytes"] = counter(double(activation_bytes));
  state.counters["steps"] = counter(double(rnn::total_steps(p, lengths)));  // Σ len: the work
  if (checked) state.counters["agreement_error"] = counter(checked->largest_error);
}

template <class Real>
void time(benchmark::State& state, runner<Real>& r, direction d) {
  // One untimed run first: it touches every page of the workspace and scratchpad. Without it,
  // a problem that runs once per repetition (lstm_t1024_b64_i512_h512_f32, ~1 GiB of oneDNN
  // workspace) timed the kernel's first-touch page faults, and oneDNN allocates lazily.
  // The parameter gradients stay in each implementation's own layout (runner.hpp).
  constexpr parameter_gradients native = parameter_gradients::left_in_place;
  r.forward();
  if (d == direction::fwdbwd) r.backward(native);
  for (auto _ : state) {
    r.forward();
    if (d == direction::fwdbwd) r.backward(native);
  }
}

// Which pair's agreement gates a benchmark: any implementation against rnnsuite; rnnsuite itself
// against oneDNN where oneDNN runs the problem (so a disagreement fails both sides, as either
// may be the wrong one), else none.
struct checked_pair {
  const benchmarked* ours;
  const benchmarked* theirs;
};

template <class Real>
void run(benchmark::State& state, const benchmark_case& c, const run_settings& s,
         const benchmarked& subject, std::optional<checked_pair> pair) {
  try {
    const agreement* checked = nullptr;
    if (pair) {
      checked = &check_agreement(c.problem, s.threads, *pair->ours, *pair->theirs);
      if (!checked->failure.empty()) return fail(state, checked->failure);
    }
    const problem_data<Real> data = make_problem_data<Real>(c.problem);
    runner<Real> r(*subject.implementation, data, s.threads);
    time(state, r, c.direction);
    set_counters(state, c, s, data.lengths, r.reserve_bytes(), checked);
  } catch (const impl::failure& e) {
    // Declined only once prepared: reported, but not a failure of the run.
    if (e.which() != impl::failure::kind::unsupported) failed = true;
    state.SkipWithError((subject.label + (e.which() == impl::failure::kind::unsupported
                                              ? ": unsupported: "
                                              : ": ") +
                         e.what())
                            .c_str());
  } catch (const std::exception& e) {
    fail(state, subject.label + ": " + e.what());
  }
}

}  // namespace

bool any_benchmark_failed() { return failed; }

void register_benchmarks(const std::vector<benchmark_case>& cases,
                         const std::vector<benchmarked>& implementations,
                         const run_settings& settings) {
  const benchmarked& ours = implementations.at(0);
  const benchmarked& onednn = implementations.at(1);
  const impl::run_options options = options_of(settings);
  std::set<std::string> reported;  // a problem's fwd and fwdbwd share one "unsupported" line
  for (const benchmark_case& c : cases) {
    const std::string descriptor = rnn::format_problem(c.problem);
    const bool onednn_runs = !onednn.implementation->unsupported(c.problem, options);
    for (const benchmarked& subject : implementations) {
      if (const auto why = subject.implementation->unsupported(c.problem, options)) {
        if (reported.insert(descriptor + "/" + subject.label).second)
          std::fprintf(stderr, "rnnsuite-bench: unsupported, not benchmarked: %s/%s: %s\n",
                       descriptor.c_str(), subject.label.c_str(), why->c_str());
        continue;
      }
      std::optional<checked_pair> pair;
      if (&subject != &ours)
        pair = checked_pair{&ours, &subject};
      else if (onednn_runs)
        pair = checked_pair{&ours, &onednn};
      const std::string name = descriptor + "/" + std::string(direction_name(c.direction)) + "/" +
                               subject.label;
      const benchmarked* who = &subject;
      benchmark::RegisterBenchmark(name.c_str(),
                                   [c, settings, who, pair](benchmark::State& state) {
                                     if (c.problem.precision == rnn::precision::f32)
                                       run<float>(state, c, settings, *who, pair);
                                     else
                                       run<double>(state, c, settings, *who, pair);
                                   })
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace bench
