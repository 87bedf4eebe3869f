#include "memory_rows.hpp"

#include <algorithm>
#include <atomic>
#include <benchmark/benchmark.h>
#include <cstdlib>
#include <exception>
#include <optional>

#include "problem_data.hpp"
#include "rnn/checkpoint.hpp"
#include "rnn/error.hpp"
#include "rnn/layer.hpp"

namespace bench {
namespace {

using rnn::cell;

std::atomic<bool> failed{false};

// The bytes `name` (memory_case::budget) stands for; nullopt for a name it does not know.
std::optional<std::size_t> budget_bytes(const std::string& name, const rnn::checkpoint_sizes& s) {
  const std::size_t min = s.budget_for(1), sqrt = s.sqrt_rule_bytes();
  if (name == "full") return s.full_storage_bytes;
  if (name == "min") return min;
  if (name == "sqrt") return sqrt;
  // <k>states, <f>min, <f>sqrt: a positive integer before the suffix.
  char* end = nullptr;
  const long factor = std::strtol(name.c_str(), &end, 10);
  if (end == name.c_str() || factor < 1) return std::nullopt;
  const std::string suffix = end;
  if (suffix == "states") return s.budget_for(factor);
  if (suffix == "min") return std::size_t(factor) * min;
  if (suffix == "sqrt") return std::size_t(factor) * sqrt;
  return std::nullopt;
}

template <class Real>
void run(benchmark::State& state, const memory_case& c, const run_settings& settings) {
  try {
    const rnn::problem& p = c.problem;
    const problem_data<Real> data = make_problem_data<Real>(p);
    const rnn::parameters_view<Real> params{data.weight_ih, data.weight_hh, data.bias_ih,
                                            data.bias_hh};
    rnn::layer_options options;
    options.threads = settings.threads;
    const rnn::checkpoint_sizes s = rnn::checkpoint_sizes_of(p, options);
    options.memory_budget_bytes = *budget_bytes(c.budget, s);
    rnn::layer<Real> layer(p, params, options);
    const rnn::tensor_sizes n = rnn::sizes_of(p);
    const bool lstm = rnn::has_cell_state(p.cell);
    std::vector<Real> output(n.sequence), h_n(n.state), c_n(lstm ? n.state : 0);
    std::vector<Real> dw_ih(n.weight_ih), dw_hh(n.weight_hh), db_ih(n.bias), db_hh(n.bias);
    std::vector<Real> dx(n.x), dh0(n.state), dc0(lstm ? n.state : 0);
    const rnn::gradients_view<Real> grads{dw_ih, dw_hh, db_ih, db_hh, dx, dh0, dc0, {}, {}};
    auto forward_backward = [&] {
      layer.forward(data.x, data.h0, data.c0, output, h_n, c_n);
      layer.backward(data.grad_output, data.grad_h_n, data.grad_c_n, grads);
    };
    forward_backward();  // untimed: touches every page first (registration.cpp's time())
    for (auto _ : state) forward_backward();

    using counter = benchmark::Counter;
    constexpr auto per_second = counter::kIsIterationInvariantRate;
    const double flops = rnn::forward_backward_flops(p);
    const double peak = p.precision == rnn::precision::f32 ? settings.peak.f32_gflops
                                                           : settings.peak.f64_gflops;
    state.counters["steps_per_second"] = counter(double(p.T * p.B), per_second);
    state.counters["GFLOPs"] = counter(flops * 1e-9, per_second);
    if (peak > 0) state.counters["pct_peak"] = counter(flops * 1e-9 / peak * 100, per_second);
    // Gruslys et al.'s hidden-state schedule with the whole budget but one chunk's activations in
    // stored states: m of C(n, m), what lib's recomputation is compared with.
    const std::int64_t hsm_states =
        options.memory_budget_bytes >= s.full_storage_bytes
            ? 0
            : std::min<std::int64_t>(std::int64_t((options.memory_budget_bytes - s.chunk_bytes) / s.state_bytes),
                                     std::max<std::int64_t>(1, s.chunks - 1));
    state.counters["activation_bytes"] = counter(double(layer.activation_bytes()));
    state.counters["budget_bytes"] = counter(double(options.memory_budget_bytes));
    state.counters["full_storage_bytes"] = counter(double(s.full_storage_bytes));
    state.counters["chunks"] = counter(double(s.chunks));
    state.counters["chunk_steps"] = counter(double(s.chunk_steps));
    state.counters["chunk_bytes"] = counter(double(s.chunk_bytes));
    state.counters["state_bytes"] = counter(double(s.state_bytes));
    state.counters["hsm_states"] = counter(double(hsm_states));
    state.counters["recomputed_chunks"] = counter(double(layer.recomputed_chunks()));
    state.counters["hsm_recomputed"] = counter(
        hsm_states == 0 ? 0.0 : double(rnn::checkpoint::schedule(s.chunks, hsm_states).recomputed()));
    state.counters["sqrt_rule_recomputed"] =
        counter(double(rnn::checkpoint::sqrt_rule_for(s.chunks).recomputed));
  } catch (const std::exception& e) {
    failed = true;
    state.SkipWithError(("rnnsuite: " + std::string(e.what())).c_str());
  }
}

rnn::problem make(cell c, std::int64_t T, std::int64_t B, std::int64_t H) {
  return rnn::problem{c, T, B, H, H, rnn::precision::f32};
}

}  // namespace

bool any_memory_benchmark_failed() { return failed; }

bool is_memory_grid(std::string_view name) { return name == "memory" || name == "memory_smoke"; }

std::vector<memory_case> memory_grid(std::string_view name) {
  if (!is_memory_grid(name)) throw rnn::error("--grid: '" + std::string(name) + "' is not a memory grid");
  // "memory": 32-step chunks, n = 128 (lib's automatic chunk at B = 16, H = 256, 1 MiB of L2);
  // "memory_smoke": 16-step chunks at B = 16, H = 8, n = 32.
  const bool smoke = name == "memory_smoke";
  const std::int64_t T = smoke ? 512 : 4096, B = 16, H = smoke ? 8 : 256;
  std::vector<memory_case> out;
  for (const char* budget : {"min", "4states", "2min", "sqrt", "4sqrt", "8sqrt", "full"})
    out.push_back({make(cell::lstm, T, B, H), budget});
  for (cell c : {cell::gru, cell::elman_tanh})
    for (const char* budget : {"sqrt", "full"}) out.push_back({make(c, T, B, H), budget});
  return out;
}

void register_memory_benchmarks(const std::vector<memory_case>& cases, const run_settings& s) {
  const rnn::checkpoint_sizes any{1, 1, 2, 1, 1};
  for (const memory_case& c : cases) {
    if (!budget_bytes(c.budget, any))
      throw rnn::error("memory grid: unknown budget '" + c.budget + "'");
    const std::string name =
        rnn::format_problem(c.problem) + "/fwdbwd/rnnsuite_budget_" + c.budget;
    benchmark::RegisterBenchmark(name.c_str(),
                                 [c, s](benchmark::State& state) {
                                   if (c.problem.precision == rnn::precision::f32)
                                     run<float>(state, c, s);
                                   else
                                     run<double>(state, c, s);
                                 })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace bench
