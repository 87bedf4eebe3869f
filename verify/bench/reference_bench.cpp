// Cost of the truth (docs/verification.md): the reference's forward+BPTT of elman_tanh H=32, T=64
// (B=1, I=32), per step, in double, mpfr_float_50 and mpfr_float_100. The ratio of the 50-digit
// time to the double time is the figure the issue targets (<= 200x).
#include <benchmark/benchmark.h>

#include "reference/reference.hpp"
#include "rnn/init.hpp"

namespace {

template <class Real>
void reference_forward_backward(benchmark::State& state) {
  const rnn::problem p = rnn::parse_problem("elman_tanh_t64_b1_i32_h32_f64");
  const rnn::parameters<double> w = rnn::make_parameters<double>(p, {});
  const rnn::inputs<double> in = rnn::make_inputs<double>(p, 1);
  using rnnsuite::reference::convert;
  const auto wr = rnnsuite::reference::to_weights<Real, double>(w);
  const auto x = convert<Real, double>(in.x), h0 = convert<Real, double>(in.h0);
  const auto target = convert<Real, double>(in.target);
  for (auto _ : state) {
    const auto run = rnnsuite::reference::forward(p, wr, x, h0, {});
    const auto loss = rnnsuite::reference::mse_loss(p, rnn::loss_kind::last, run.output, target);
    const auto g = rnnsuite::reference::backward(p, wr, run, loss.second, {}, {});
    benchmark::DoNotOptimize(g.h0.data());
  }
  state.counters["per_step"] =
      benchmark::Counter(static_cast<double>(state.iterations() * p.T),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK(reference_forward_backward<double>)->Name("reference/elman_tanh_t64_h32/double")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(reference_forward_backward<rnnsuite::reference::real50>)
    ->Name("reference/elman_tanh_t64_h32/mpfr_float_50")->Unit(benchmark::kMillisecond);
BENCHMARK(reference_forward_backward<rnnsuite::reference::real100>)
    ->Name("reference/elman_tanh_t64_h32/mpfr_float_100")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
