// rnnsuite-gate: runs the regression gate's problems, one forward+backward each, on seeded data.
//
// Under callgrind (scripts/regress runs it with --instr-atstart=no) only the measured region is
// instrumented: forward, then backward, each closed by a stats dump whose description names the
// phase and the problem. Set-up (parameter init, weight packing, allocation) stays uncounted, so
// the counts move only when the time loop's code moves.
//
//   rnnsuite-gate --list                 the gate problems, one descriptor a line
//   rnnsuite-gate --info                 compiler, instruction set and slowdown flag (JSON)
//   rnnsuite-gate PROBLEM...             run each problem once (counting mode)
//   rnnsuite-gate --repeat N PROBLEM     time N forward+backward passes, print JSON (timing mode)
#include <valgrind/callgrind.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate_problems.hpp"
#include "rnn/error.hpp"
#include "rnn/init.hpp"
#include "rnn/isa.hpp"
#include "rnn/layer.hpp"
#include "rnn/problem.hpp"

namespace {

// Seeds are fixed: the count of a problem must not depend on when or where it runs.
constexpr std::uint64_t parameter_seed = 20261123;
constexpr std::uint64_t input_seed = 7;

double process_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

// Everything one forward+backward needs, allocated before the measured region.
template <class Real>
struct gate_case {
  rnn::problem shape;
  rnn::parameters<Real> params;
  rnn::inputs<Real> data;
  rnn::layer<Real> layer;
  rnn::aligned_vector<Real> output, h_n, c_n;  // T×B×H, B×H, B×H (LSTM only)
  rnn::aligned_vector<Real> grad_weight_ih, grad_weight_hh, grad_bias_ih, grad_bias_hh;
  rnn::aligned_vector<Real> grad_x, grad_h0, grad_c0;  // T×B×I, B×H, B×H (LSTM only)

  explicit gate_case(const rnn::problem& p)
      : shape(p),
        params(rnn::make_parameters<Real>(p, rnn::init_options{.seed = parameter_seed})),
        data(rnn::make_inputs<Real>(p, input_seed)),
        // One thread: callgrind serialises threads anyway, and spinning workers would make the
        // counts depend on scheduling.
        layer(p, params.view(), rnn::layer_options{.isa = std::nullopt, .threads = 1}) {
    const rnn::tensor_sizes n = rnn::sizes_of(p);
    const std::size_t cell_state = rnn::has_cell_state(p.cell) ? n.state : 0;
    output.resize(n.sequence);
    h_n.resize(n.state);
    c_n.resize(cell_state);
    grad_weight_ih.resize(n.weight_ih);
    grad_weight_hh.resize(n.weight_hh);
    grad_bias_ih.resize(n.bias);
    grad_bias_hh.resize(n.bias);
    grad_x.resize(n.x);
    grad_h0.resize(n.state);
    grad_c0.resize(cell_state);
  }

  void forward() { layer.forward(data.x, data.h0, data.c0, output, h_n, c_n); }

  // The seeded target stands in for dL/dh_t: any fixed upstream gradient exercises all of BPTT.
  void backward() {
    rnn::gradients_view<Real> grads{.weight_ih = grad_weight_ih, .weight_hh = grad_weight_hh,
                                    .bias_ih = grad_bias_ih, .bias_hh = grad_bias_hh,
                                    .x = grad_x, .h0 = grad_h0, .c0 = grad_c0, .h = {}, .c = {}};
    layer.backward(data.target, {}, {}, grads);
  }

  // Printed so a run's result is visible (two identical builds print identical sums).
  double checksum() const {
    double sum = 0;
    for (Real v : output) sum += static_cast<double>(v);
    for (Real v : grad_weight_hh) sum += static_cast<double>(v);
    for (Real v : grad_x) sum += static_cast<double>(v);
    return sum;
  }
};

template <class Real>
void count_one(const rnn::problem& p, const std::string& name) {
  gate_case<Real> run(p);
  // Warm-up, uninstrumented: one-time costs (lazy initialisation, first calls through the PLT)
  // must not land in the counts, or a change elsewhere that happens to pay them first would move
  // them in or out of the measured region.
  run.forward();
  run.backward();
  // Named strings: the dump macros expand to several statements, so a temporary would dangle.
  const std::string forward_label = "forward " + name, backward_label = "backward " + name;
  // Zero first: whatever ran uninstrumented before must not leak into the forward dump.
  CALLGRIND_ZERO_STATS;
  CALLGRIND_START_INSTRUMENTATION;
  run.forward();
  CALLGRIND_DUMP_STATS_AT(forward_label.c_str());
  run.backward();
  CALLGRIND_DUMP_STATS_AT(backward_label.c_str());
  CALLGRIND_STOP_INSTRUMENTATION;
  std::printf("problem %s isa %s checksum %.17g\n", name.c_str(),
              std::string(rnn::isa_name(run.layer.isa())).c_str(), run.checksum());
}

template <class Real>
void time_one(const rnn::problem& p, const std::string& name, long repeat) {
  gate_case<Real> run(p);
  run.forward();  // warm-up: first-touch page faults are not what we compare
  run.backward();
  const double cpu_start = process_cpu_seconds();
  const auto wall_start = std::chrono::steady_clock::now();
  for (long r = 0; r < repeat; ++r) {
    run.forward();
    run.backward();
  }
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wall_start;
  const double cpu = process_cpu_seconds() - cpu_start;
  std::printf("{\"problem\": \"%s\", \"repeat\": %ld, \"cpu_time_s\": %.9g, \"real_time_s\": %.9g, "
              "\"isa\": \"%s\", \"checksum\": %.17g}\n",
              name.c_str(), repeat, cpu / static_cast<double>(repeat),
              wall.count() / static_cast<double>(repeat),
              std::string(rnn::isa_name(run.layer.isa())).c_str(), run.checksum());
}

void run_problem(std::string_view descriptor, long repeat) {
  const rnn::problem p = rnn::parse_problem(descriptor);
  const std::string name = rnn::format_problem(p);
  const bool f32 = p.precision == rnn::precision::f32;
  if (repeat > 0) {
    f32 ? time_one<float>(p, name, repeat) : time_one<double>(p, name, repeat);
  } else {
    f32 ? count_one<float>(p, name) : count_one<double>(p, name);
  }
}

#ifdef __clang__
constexpr const char* compiler_id = "clang";
#else
constexpr const char* compiler_id = "gcc";
#endif

bool planted_slowdown() {
#ifdef RNNSUITE_GATE_SLOWDOWN_VARIANT
  return true;
#else
  return false;
#endif
}

int usage(const char* program) {
  std::fprintf(stderr,
               "usage: %s --list | --info | PROBLEM... | --repeat N PROBLEM\n"
               "  PROBLEM is a descriptor such as lstm_t16_b4_i32_h32_f32\n",
               program);
  return 2;
}

long parse_repeat(const char* text) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < 1 || value > 1000000000L)
    throw rnn::error("--repeat must be an integer in [1, 1e9], got '" + std::string(text) + "'");
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) return usage(argv[0]);
  try {
    if (args[0] == "--list") {
      for (std::string_view p : rnnsuite::gate_problems)
        std::printf("%.*s\n", static_cast<int>(p.size()), p.data());
      return 0;
    }
    if (args[0] == "--info") {
      std::printf("{\"compiler\": \"%s %s\", \"isa\": \"%s\", \"planted_slowdown\": %s}\n",
                  compiler_id, __VERSION__,
                  std::string(rnn::isa_name(rnn::default_isa())).c_str(),
                  planted_slowdown() ? "true" : "false");
      return 0;
    }
    if (args[0] == "--repeat") {
      if (args.size() != 3) return usage(argv[0]);
      run_problem(args[2], parse_repeat(argv[2]));
      return 0;
    }
    for (std::string_view descriptor : args) {
      if (descriptor.starts_with("-")) return usage(argv[0]);
      run_problem(descriptor, 0);
    }
    std::fflush(stdout);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rnnsuite-gate: error: %s\n", e.what());
    return 2;
  }
}
