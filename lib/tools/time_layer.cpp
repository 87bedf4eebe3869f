// A tiny timing program for lib's own tuning (the benchmark suite proper lives in bench/):
//   rnnsuite_time_layer <descriptor> [repetitions] [threads] [chunk_steps] [l2_kib]
//                       [--memory-budget bytes|sqrt]
// (chunk_steps: layer_options.chunk_steps, 0 = automatic; l2_kib: layer_options.l2_bytes in KiB,
// 0 = what the OS reports; --memory-budget: layer_options.memory_budget_bytes, or `sqrt` for
// Chen et al.'s √n rule over the layer's n chunks: ceil(n/k) stored states and k chunks'
// activations, k = ceil(√n)) runs forward+backward on seeded data and prints the median time and
// GFLOP/s (3× forward FLOPs).
#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <vector>

#include "rnn/checkpoint.hpp"
#include "rnn/layer.hpp"
#include "rnn/problem.hpp"

namespace {

template <class Real>
int time_layer(const rnn::problem& p, int repetitions, int threads, int chunk_steps,
               std::size_t l2_bytes, const char* budget) {
  const rnn::tensor_sizes n = rnn::sizes_of(p);
  // Values in [-0.5, 0.5): realistic pre-activations (tanh branches on its argument).
  auto fill = [](std::size_t count, unsigned seed) {
    std::vector<Real> v(count);
    for (std::size_t i = 0; i < count; ++i)
      v[i] = Real(((i * 2654435761u + seed * 40503u) % 1000) / 1000.0 - 0.5) * Real(0.2);
    return v;
  };
  const auto w_ih = fill(n.weight_ih, 1), w_hh = fill(n.weight_hh, 2), b = fill(n.bias, 3);
  const auto x = fill(n.x, 4), h0 = fill(n.state, 5), g_out = fill(n.sequence, 6);
  const bool lstm = rnn::has_cell_state(p.cell);
  const auto c0 = lstm ? fill(n.state, 7) : std::vector<Real>{};
  rnn::layer_options options{std::nullopt, threads, chunk_steps, l2_bytes};
  if (budget && std::strcmp(budget, "sqrt") == 0) {
    options.memory_budget_bytes = rnn::checkpoint_sizes_of(p, options).sqrt_rule_bytes();
  } else if (budget) {
    options.memory_budget_bytes = std::stoull(budget);
  }
  rnn::layer<Real> L(p, {w_ih, w_hh, b, b}, options);
  std::vector<Real> out(n.sequence), h_n(n.state), c_n(lstm ? n.state : 0);
  std::vector<Real> dw_ih(n.weight_ih), dw_hh(n.weight_hh), db_ih(n.bias), db_hh(n.bias);
  std::vector<Real> dx(n.x), dh0(n.state), dc0(lstm ? n.state : 0);
  std::vector<double> seconds, forward_seconds;
  for (int r = 0; r < repetitions + 1; ++r) {  // the first run warms caches and is dropped
    const auto start = std::chrono::steady_clock::now();
    L.forward(x, h0, c0, out, h_n, c_n);
    const std::chrono::duration<double> forward_took = std::chrono::steady_clock::now() - start;
    L.backward(g_out, {}, {}, {dw_ih, dw_hh, db_ih, db_hh, dx, dh0, dc0, {}, {}});
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (r > 0) seconds.push_back(took.count()), forward_seconds.push_back(forward_took.count());
  }
  std::sort(seconds.begin(), seconds.end());
  std::sort(forward_seconds.begin(), forward_seconds.end());
  const double median = seconds[seconds.size() / 2];
  std::printf("%s isa=%s threads=%d chunk_steps=%lld l2=%zu KiB fwd+bwd median %.3f ms (min %.3f; forward %.3f) %.1f GFLOP/s, %.0f steps/s, "
              "activations %zu B, workspace %zu B, budget %zu B, chunks recomputed %lld\n",
              rnn::format_problem(p).c_str(), std::string(rnn::isa_name(L.isa())).c_str(), threads,
              static_cast<long long>(L.chunk_steps()), L.l2_bytes() >> 10,
              median * 1e3, seconds.front() * 1e3, forward_seconds[forward_seconds.size() / 2] * 1e3, rnn::forward_backward_flops(p) / median * 1e-9,
              double(p.T * p.B) / median, L.activation_bytes(), L.workspace_bytes(),
              options.memory_budget_bytes, static_cast<long long>(L.recomputed_chunks()));
  return 0;
}

// An integer in minimum..limit, or a one-line error and exit status 2.
int parse_count(const char* name, const char* text, long limit, long minimum = 1) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < minimum || value > limit) {
    std::fprintf(stderr, "error: %s must be an integer in %ld..%ld, got '%s'\n", name, minimum,
                 limit, text);
    std::exit(2);
  }
  return int(value);
}

}  // namespace

int main(int argc, char** argv) {
  // --memory-budget <bytes|sqrt>, anywhere: taken out before the positional arguments.
  const char* budget = nullptr;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--memory-budget") == 0 && i + 1 < argc)
      budget = argv[++i];
    else
      args.push_back(argv[i]);
  }
  argc = int(args.size()), argv = args.data();
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s <problem descriptor> [repetitions] [threads] [chunk_steps] [l2_kib] "
                 "[--memory-budget bytes|sqrt]\n",
                 argv[0]);
    return 2;
  }
  try {
    const rnn::problem p = rnn::parse_problem(argv[1]);
    const int repetitions = argc > 2 ? parse_count("repetitions", argv[2], 1000) : 5;
    const int threads = argc > 3 ? parse_count("threads", argv[3], 256) : 1;
    // 0 (automatic) is the default; a given value must be a step count.
    const int chunk_steps = argc > 4 ? parse_count("chunk_steps", argv[4], 1 << 30, 0) : 0;
    const std::size_t l2_bytes =
        std::size_t(argc > 5 ? parse_count("l2_kib", argv[5], 1 << 30, 0) : 0) << 10;
    return p.precision == rnn::precision::f32
               ? time_layer<float>(p, repetitions, threads, chunk_steps, l2_bytes, budget)
               : time_layer<double>(p, repetitions, threads, chunk_steps, l2_bytes, budget);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
