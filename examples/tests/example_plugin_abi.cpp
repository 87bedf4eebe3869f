// The example plugin's side of the C ABI, called directly (no rnnsuite host): what it declares,
// what it declines, every kind of wrong argument it must refuse with a status and a logged line,
// and that backward overwrites rather than accumulates. rnnsuite verify (example_plugin.sh) checks
// its numbers; this checks its manners. Built by example_plugin.sh against the installed header.
//
// Usage: example_plugin_abi PLUGIN.so     exit 0 when every expectation holds, 1 otherwise
#include <dlfcn.h>
#include <rnnsuite/plugin.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

std::string last_log;  // the plugin's last message
int failures = 0;

void host_log(void*, int32_t, const char* message) {
  last_log = message;
}

void expect(bool ok, const std::string& what) {
  std::printf("%s  %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++failures;
}

// A status, and (for a refusal) a log line containing `words`.
void expect_status(int32_t got, int32_t wanted, const char* words, const std::string& what) {
  const bool logged = !words || last_log.find(words) != std::string::npos;
  expect(got == wanted && logged, what + " -> status " + std::to_string(got) + " (want " +
                                      std::to_string(wanted) + "), log: " + last_log);
  last_log.clear();
}

rnnsuite_tensor tensor(void* data, std::vector<int64_t> shape) {
  rnnsuite_tensor t{};
  t.data = data;
  t.dtype = RNNSUITE_DTYPE_F32;
  t.ndim = static_cast<int32_t>(shape.size());
  int64_t stride = 1;
  for (int d = t.ndim - 1; d >= 0; --d) {
    t.shape[d] = shape[d];
    t.strides[d] = stride;
    stride *= shape[d];
  }
  return t;
}

// A GRU problem, T = 3, B = 2, I = 4, H = 5, f32, with every array it needs.
struct gru_case {
  static constexpr int64_t T = 3, B = 2, I = 4, H = 5, GH = 15;
  rnnsuite_problem problem{
      sizeof(rnnsuite_problem), RNNSUITE_CELL_GRU, RNNSUITE_DTYPE_F32, 1, 1, 0, T, B, I, H};
  rnnsuite_options options{sizeof(rnnsuite_options), 1, nullptr};
  std::vector<float> w_ih = filled(GH * I), w_hh = filled(GH * H), b_ih = filled(GH),
                     b_hh = filled(GH), x = filled(T * B * I), output = filled(T * B * H),
                     h_n = filled(B * H), grad_output = filled(T * B * H);
  std::vector<rnnsuite_tensor> parameter_tensors{
      tensor(w_ih.data(), {GH, I}), tensor(w_hh.data(), {GH, H}), tensor(b_ih.data(), {GH}),
      tensor(b_hh.data(), {GH})};
  rnnsuite_parameters parameters{sizeof(rnnsuite_parameters), 4, parameter_tensors.data()};

  static std::vector<float> filled(int64_t n) {
    std::vector<float> v(n);
    for (int64_t k = 0; k < n; ++k) v[k] = 0.1f * float((k * 7) % 11) - 0.5f;
    return v;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PLUGIN.so\n", argv[0]);
    return 2;
  }
  void* library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    std::fprintf(stderr, "%s\n", dlerror());
    return 1;
  }
  auto entry =
      reinterpret_cast<rnnsuite_plugin_entry_fn>(dlsym(library, RNNSUITE_PLUGIN_ENTRY_NAME));
  if (!entry) {
    std::fprintf(stderr, "%s: no %s\n", argv[1], RNNSUITE_PLUGIN_ENTRY_NAME);
    return 1;
  }
  const rnnsuite_host host{sizeof(rnnsuite_host), 0, nullptr, host_log};

  const rnnsuite_plugin* refused = entry(2, 0, &host);
  expect(refused == nullptr && last_log.find("ABI 2.0") != std::string::npos,
         "a host of ABI 2.0 gets NULL and a logged reason: " + last_log);
  last_log.clear();
  const rnnsuite_plugin* plugin = entry(RNNSUITE_PLUGIN_ABI_MAJOR, 7, &host);  // a newer minor
  expect(plugin != nullptr, "a host of ABI 1.7 gets the table");
  if (!plugin) return 1;

  // --- what it declares
  rnnsuite_caps caps{};
  caps.struct_size = sizeof caps;
  expect_status(plugin->get_caps(&caps), RNNSUITE_OK, nullptr, "get_caps");
  expect(caps.cells == 0x1f && caps.dtypes == 0x3 && caps.max_threads == 0 &&
             (caps.flags & RNNSUITE_CAP_PER_STEP_GRADIENTS) &&
             (caps.flags & RNNSUITE_CAP_TRUNCATION),
         "caps: five cells, f32 and f64, any thread cap, per-step gradients, truncation");

  // --- check: declined and wrong problems
  gru_case c;
  expect_status(plugin->check(&c.problem, &c.options), RNNSUITE_OK, nullptr,
                "check, a GRU problem");
  const rnnsuite_streaming streaming{{RNNSUITE_EXTENSION_STREAMING, RNNSUITE_EXTENSION_REQUIRED,
                                      sizeof(rnnsuite_streaming), 0, nullptr},
                                     5,
                                     9};
  const rnnsuite_hints hints{{RNNSUITE_EXTENSION_HINTS, 0, sizeof(rnnsuite_hints), 0, nullptr},
                             "isa=avx2"};
  rnnsuite_extension unknown{99, 0, sizeof(rnnsuite_extension), 0, nullptr};
  rnnsuite_options with = c.options;
  with.extensions = &hints.head;
  expect_status(plugin->check(&c.problem, &with), RNNSUITE_OK, nullptr,
                "check with hints (ignored)");
  with.extensions = &unknown;
  expect_status(plugin->check(&c.problem, &with), RNNSUITE_OK, nullptr,
                "check with an unknown optional extension (skipped)");
  unknown.flags = RNNSUITE_EXTENSION_REQUIRED;
  expect_status(plugin->check(&c.problem, &with), RNNSUITE_UNSUPPORTED, "unknown type 99",
                "check with an unknown required extension");
  with.extensions = &streaming.head;
  expect_status(plugin->check(&c.problem, &with), RNNSUITE_UNSUPPORTED, "streaming",
                "check with the streaming schedule");
  rnnsuite_extension cycle{99, 0, sizeof(rnnsuite_extension), 0, nullptr};
  cycle.next = &cycle;
  with.extensions = &cycle;
  expect_status(plugin->check(&c.problem, &with), RNNSUITE_INVALID_ARGUMENT, "cycle",
                "check with a cyclic extension chain");

  rnnsuite_problem p = c.problem;
  p.layers = 2;
  expect_status(plugin->check(&p, &c.options), RNNSUITE_UNSUPPORTED, "2 layer", "check, 2 layers");
  p = c.problem;
  p.cell = 9;
  expect_status(plugin->check(&p, &c.options), RNNSUITE_UNSUPPORTED, "cell 9", "check, cell 9");
  p = c.problem;
  p.T = 0;
  expect_status(plugin->check(&p, &c.options), RNNSUITE_INVALID_ARGUMENT, "T = 0", "check, T = 0");
  p = c.problem;
  p.struct_size = 8;
  expect_status(plugin->check(&p, &c.options), RNNSUITE_INVALID_ARGUMENT, "struct_size",
                "check, problem.struct_size 8");
  rnnsuite_options no_threads = c.options;
  no_threads.threads = 0;
  expect_status(plugin->check(&c.problem, &no_threads), RNNSUITE_INVALID_ARGUMENT, "threads",
                "check, threads 0");
  expect_status(plugin->check(nullptr, &c.options), RNNSUITE_INVALID_ARGUMENT, "problem is NULL",
                "check, NULL problem");

  // --- create: wrong parameters
  rnnsuite_instance* instance = nullptr;
  c.parameter_tensors[1].shape[1] = 4;
  expect_status(plugin->create(&c.problem, &c.options, &c.parameters, &instance),
                RNNSUITE_INVALID_ARGUMENT, "weight_hh", "create, weight_hh 15×4 for H = 5");
  c.parameter_tensors[1].shape[1] = gru_case::H;
  c.parameter_tensors[2].dtype = RNNSUITE_DTYPE_F64;
  expect_status(plugin->create(&c.problem, &c.options, &c.parameters, &instance),
                RNNSUITE_INVALID_ARGUMENT, "dtype f64", "create, bias_ih in f64");
  c.parameter_tensors[2].dtype = RNNSUITE_DTYPE_F32;
  expect_status(plugin->create(&c.problem, &c.options, &c.parameters, &instance), RNNSUITE_OK,
                nullptr, "create");
  if (!instance) return 1;

  rnnsuite_workspace_sizes sizes{sizeof sizes, 0, 0, 0};
  expect_status(plugin->workspace_sizes(instance, &sizes), RNNSUITE_OK, nullptr, "workspace_sizes");
  std::vector<char> reserve(sizes.reserve_bytes), scratch(sizes.scratch_bytes);
  expect(sizes.reserve_bytes > 0, "the reserve holds the saved activations");

  // --- forward and backward: wrong arguments
  const int64_t T = gru_case::T, B = gru_case::B, I = gru_case::I, H = gru_case::H;
  rnnsuite_backward_args backward{};
  backward.struct_size = sizeof backward;
  backward.grad_output = tensor(c.grad_output.data(), {T, B, H});
  std::vector<float> grad_w_ih(gru_case::GH * I), grad_w_hh(gru_case::GH * H),
      grad_b_ih(gru_case::GH), grad_b_hh(gru_case::GH), grad_x(T * B * I), grad_h(T * B * H);
  std::vector<rnnsuite_tensor> grad_tensors{
      tensor(grad_w_ih.data(), {gru_case::GH, I}), tensor(grad_w_hh.data(), {gru_case::GH, H}),
      tensor(grad_b_ih.data(), {gru_case::GH}), tensor(grad_b_hh.data(), {gru_case::GH})};
  backward.grad_parameters = {sizeof(rnnsuite_parameters), 4, grad_tensors.data()};
  backward.grad_x = tensor(grad_x.data(), {T, B, I});
  backward.grad_h = tensor(grad_h.data(), {T, B, H});
  backward.reserve = reserve.data();
  backward.scratch = scratch.data();
  expect_status(plugin->backward(instance, &backward), RNNSUITE_INVALID_ARGUMENT, "no forward",
                "backward before any forward");

  rnnsuite_forward_args forward{};
  forward.struct_size = sizeof forward;
  forward.x = tensor(c.x.data(), {T, B, I});
  forward.output = tensor(c.output.data(), {T, B, H});
  forward.h_n = tensor(c.h_n.data(), {1, B, H});
  forward.reserve = reserve.data();
  forward.scratch = scratch.data();
  rnnsuite_forward_args wrong = forward;
  wrong.x.strides[0] = 1, wrong.x.strides[2] = T * B;  // x stored I×B×T (Fortran order)
  expect_status(plugin->forward(instance, &wrong), RNNSUITE_INVALID_ARGUMENT, "not C order",
                "forward, x in Fortran order");
  wrong = forward;
  wrong.c0 = tensor(c.h_n.data(), {1, B, H});
  expect_status(plugin->forward(instance, &wrong), RNNSUITE_INVALID_ARGUMENT, "cell state",
                "forward, c0 given to a GRU");
  wrong = forward;
  wrong.output.data = nullptr;
  expect_status(plugin->forward(instance, &wrong), RNNSUITE_INVALID_ARGUMENT, "output is required",
                "forward, output NULL");
  wrong = forward;
  wrong.reserve = nullptr;
  expect_status(plugin->forward(instance, &wrong), RNNSUITE_INVALID_ARGUMENT, "reserve is NULL",
                "forward, reserve NULL");
  expect_status(plugin->forward(instance, &forward), RNNSUITE_OK, nullptr, "forward");

  backward.truncation = -1;
  expect_status(plugin->backward(instance, &backward), RNNSUITE_INVALID_ARGUMENT, "truncation",
                "backward, truncation -1");
  backward.truncation = 0;

  // --- backward overwrites: garbage in the outputs changes nothing
  expect_status(plugin->backward(instance, &backward), RNNSUITE_OK, nullptr, "backward");
  const std::vector<float> first_w_hh = grad_w_hh, first_x = grad_x, first_h = grad_h;
  for (auto* v : {&grad_w_ih, &grad_w_hh, &grad_b_ih, &grad_b_hh, &grad_x, &grad_h})
    for (float& e : *v) e = 1e6f;
  expect_status(plugin->backward(instance, &backward), RNNSUITE_OK, nullptr, "backward again");
  expect(grad_w_hh == first_w_hh && grad_x == first_x && grad_h == first_h,
         "a second backward over garbage gives the same bits (overwrites, never accumulates)");
  // Truncated to one step: dL/dh_t and dx_t are zero before the last step.
  backward.truncation = 1;
  expect_status(plugin->backward(instance, &backward), RNNSUITE_OK, nullptr,
                "backward, truncation 1");
  bool earlier_zero = true;
  for (int64_t k = 0; k < (T - 1) * B * H; ++k) earlier_zero = earlier_zero && grad_h[k] == 0.0f;
  for (int64_t k = 0; k < (T - 1) * B * I; ++k) earlier_zero = earlier_zero && grad_x[k] == 0.0f;
  expect(earlier_zero, "truncation 1: steps before the last get zero dL/dh_t and dx_t");
  backward.truncation = 0;
  backward.grad_x.data = nullptr;  // not wanted
  backward.grad_h.data = nullptr;
  expect_status(plugin->backward(instance, &backward), RNNSUITE_OK, nullptr,
                "backward without grad_x and grad_h");
  expect(grad_w_hh == first_w_hh, "the same weight gradient without them");

  plugin->destroy(instance);
  plugin->destroy(nullptr);
  std::printf("%d expectation(s) failed\n", failures);
  return failures == 0 ? 0 : 1;
}
