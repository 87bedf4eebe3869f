// The C ABI boundary (rnnsuite/plugin.h): the one exported symbol, rnnsuite_plugin_entry, and the
// table of functions it returns. Each function checks its arguments (arguments.hpp), calls the
// layer (layer.hpp) and turns every failure into a status and a line in the host's log: no
// exception crosses into the host.
//
// What this plugin supports: the five cells, f32 and f64, one layer in one direction, full and
// truncated BPTT with every gradient (per-step dL/dh_t and dL/dc_t included). It computes on the
// calling thread only, whatever options.threads allows, so its results are the same bits for any
// thread count. It declines the streaming schedule (RNNSUITE_EXTENSION_STREAMING).
#include "rnnsuite/plugin.h"

#include <atomic>
#include <cstdint>
#include <exception>
#include <new>
#include <string>
#include <type_traits>
#include <variant>

#include "arguments.hpp"
#include "errors.hpp"
#include "layer.hpp"
#include "sizes.hpp"

// The name in rnnsuite's reports; CMake gives the planted-bug build its own.
#ifndef EXAMPLE_PLUGIN_NAME
#define EXAMPLE_PLUGIN_NAME "rnnsuite example plugin 0.1"
#endif

// The opaque instance of the ABI: one problem's sizes and its layer (which owns the weights).
struct rnnsuite_instance {
  template <class Real>
  rnnsuite_instance(const example::sizes& s, example::parameters<Real> p)
      : sizes(s), layer(std::in_place_type<example::layer<Real>>, s, p) {}

  example::sizes sizes;
  std::variant<example::layer<float>, example::layer<double>> layer;
  bool has_forward = false;  // backward needs the reserve a forward filled
};

namespace {

using example::presence;

std::atomic<const rnnsuite_host*> the_host{nullptr};

void log(int32_t level, const char* call, const char* message) noexcept {
  const rnnsuite_host* host = the_host.load();
  if (!host || !host->log) return;
  try {
    const std::string text = std::string(call) + ": " + message;
    host->log(host->context, level, text.c_str());
  } catch (...) {  // no memory for the text: the message alone
    host->log(host->context, level, message);
  }
}

// Runs one ABI function's body, returning RNNSUITE_OK or the status of what it threw.
template <class Body>
int32_t guarded(const char* call, Body&& body) noexcept {
  try {
    body();
    return RNNSUITE_OK;
  } catch (const example::plugin_error& e) {
    const bool declined = e.status() == RNNSUITE_UNSUPPORTED;
    log(declined ? RNNSUITE_LOG_INFO : RNNSUITE_LOG_ERROR, call, e.what());
    return e.status();
  } catch (const std::bad_alloc&) {
    log(RNNSUITE_LOG_ERROR, call, "out of memory");
    return RNNSUITE_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    log(RNNSUITE_LOG_ERROR, call, e.what());
    return RNNSUITE_INTERNAL;
  } catch (...) {
    log(RNNSUITE_LOG_ERROR, call, "unknown exception");
    return RNNSUITE_INTERNAL;
  }
}

template <class Real>
Real* as(void* data) {
  return static_cast<Real*>(data);
}

// A new instance holding its own copy of the weights (the host lends them to create() only).
template <class Real>
rnnsuite_instance* new_instance(const example::sizes& s, const example::checked_parameter_list& p) {
  return new rnnsuite_instance(
      s, example::parameters<Real>{as<Real>(p.weight_ih), as<Real>(p.weight_hh),
                                   as<Real>(p.bias_ih), as<Real>(p.bias_hh)});
}

rnnsuite_instance& checked_instance(rnnsuite_instance* instance) {
  if (!instance) example::invalid_argument("instance is NULL");
  return *instance;
}

// The host's workspace: present wherever workspace_sizes asked for bytes.
void check_workspace(const example::sizes& s, const void* reserve, const void* scratch) {
  if (s.reserve_bytes() > 0 && !reserve)
    example::invalid_argument("reserve is NULL; workspace_sizes asked for " +
                              std::to_string(s.reserve_bytes()) + " bytes");
  if (s.scratch_bytes() > 0 && !scratch)
    example::invalid_argument("scratch is NULL; workspace_sizes asked for " +
                              std::to_string(s.scratch_bytes()) + " bytes");
}

int32_t get_caps(rnnsuite_caps* caps) noexcept {
  return guarded("get_caps", [&] {
    example::check_struct(caps, "caps");
    caps->cells = (1u << RNNSUITE_CELL_ELMAN_TANH) | (1u << RNNSUITE_CELL_ELMAN_SIGMOID) |
                  (1u << RNNSUITE_CELL_ELMAN_RELU) | (1u << RNNSUITE_CELL_LSTM) |
                  (1u << RNNSUITE_CELL_GRU);
    caps->dtypes = (1u << RNNSUITE_DTYPE_F32) | (1u << RNNSUITE_DTYPE_F64);
    // One thread, scalar loops in a fixed order: the same bits on every run and thread count.
    caps->flags = RNNSUITE_CAP_PER_STEP_GRADIENTS | RNNSUITE_CAP_TRUNCATION |
                  RNNSUITE_CAP_DETERMINISTIC | RNNSUITE_CAP_THREAD_INVARIANT;
    caps->max_threads = 0;  // any cap: running on the calling thread alone respects every one
    caps->max_layers = 1;
    caps->max_directions = 1;
    caps->max_T = caps->max_B = caps->max_I = caps->max_H = 0;
  });
}

int32_t check(const rnnsuite_problem* problem, const rnnsuite_options* options) noexcept {
  return guarded("check", [&] { example::checked_problem(problem, options); });
}

int32_t create(const rnnsuite_problem* problem, const rnnsuite_options* options,
               const rnnsuite_parameters* parameters, rnnsuite_instance** instance) noexcept {
  return guarded("create", [&] {
    if (!instance) example::invalid_argument("instance (the result's address) is NULL");
    *instance = nullptr;
    const example::sizes s = example::checked_problem(problem, options);
    const example::checked_parameter_list p =
        example::checked_parameters(parameters, "parameters", s);
    *instance =
        s.dtype == RNNSUITE_DTYPE_F64 ? new_instance<double>(s, p) : new_instance<float>(s, p);
  });
}

int32_t workspace_sizes(const rnnsuite_instance* instance,
                        rnnsuite_workspace_sizes* sizes) noexcept {
  return guarded("workspace_sizes", [&] {
    if (!instance) example::invalid_argument("instance is NULL");
    example::check_struct(sizes, "sizes");
    sizes->reserve_bytes = instance->sizes.reserve_bytes();
    sizes->scratch_bytes = instance->sizes.scratch_bytes();
  });
}

int32_t forward(rnnsuite_instance* instance, const rnnsuite_forward_args* args) noexcept {
  return guarded("forward", [&] {
    rnnsuite_instance& self = checked_instance(instance);
    example::check_struct(args, "args");
    const example::sizes& s = self.sizes;
    const bool lstm = s.cell == RNNSUITE_CELL_LSTM;
    const presence lstm_only = lstm ? presence::optional : presence::absent;
    check_workspace(s, args->reserve, args->scratch);
    self.has_forward = false;  // the reserve is being overwritten
    std::visit(
        [&]<class Real>(example::layer<Real>& layer) {
          using example::checked_tensor;
          const example::forward_arrays<Real> arrays{
              as<Real>(
                  checked_tensor(args->x, "x", s, {s.T, s.B, s.I}, "T×B×I", presence::required)),
              as<Real>(checked_tensor(args->h0, "h0", s, {1, s.B, s.H}, "(L·D)×B×H",
                                      presence::optional)),
              as<Real>(checked_tensor(args->c0, "c0", s, {1, s.B, s.H}, "(L·D)×B×H", lstm_only)),
              as<Real>(checked_tensor(args->output, "output", s, {s.T, s.B, s.H}, "T×B×(D·H)",
                                      presence::required)),
              as<Real>(checked_tensor(args->h_n, "h_n", s, {1, s.B, s.H}, "(L·D)×B×H",
                                      presence::required)),
              as<Real>(checked_tensor(args->c_n, "c_n", s, {1, s.B, s.H}, "(L·D)×B×H",
                                      lstm ? presence::required : presence::absent))};
          layer.forward(arrays, args->reserve, args->scratch);
        },
        self.layer);
    self.has_forward = true;
  });
}

int32_t backward(rnnsuite_instance* instance, const rnnsuite_backward_args* args) noexcept {
  return guarded("backward", [&] {
    rnnsuite_instance& self = checked_instance(instance);
    example::check_struct(args, "args");
    const example::sizes& s = self.sizes;
    const presence lstm_only = s.cell == RNNSUITE_CELL_LSTM ? presence::optional : presence::absent;
    if (!self.has_forward)
      example::invalid_argument("no forward of this instance precedes it (the reserve is empty)");
    if (args->truncation < 0)
      example::invalid_argument("truncation must be >= 0, got " + std::to_string(args->truncation));
    // 0 means all T steps; so does any window reaching past the first step.
    const int64_t window = args->truncation == 0 || args->truncation > s.T ? s.T : args->truncation;
    check_workspace(s, args->reserve, args->scratch);
    std::visit(
        [&]<class Real>(example::layer<Real>& layer) {
          using example::checked_tensor;
          const example::checked_parameter_list g =
              example::checked_parameters(&args->grad_parameters, "grad_parameters", s);
          const example::backward_arrays<Real> arrays{
              as<Real>(checked_tensor(args->grad_output, "grad_output", s, {s.T, s.B, s.H},
                                      "T×B×(D·H)", presence::required)),
              as<Real>(checked_tensor(args->grad_h_n, "grad_h_n", s, {1, s.B, s.H}, "(L·D)×B×H",
                                      presence::optional)),
              as<Real>(checked_tensor(args->grad_c_n, "grad_c_n", s, {1, s.B, s.H}, "(L·D)×B×H",
                                      lstm_only)),
              {as<Real>(g.weight_ih), as<Real>(g.weight_hh), as<Real>(g.bias_ih),
               as<Real>(g.bias_hh)},
              as<Real>(checked_tensor(args->grad_x, "grad_x", s, {s.T, s.B, s.I}, "T×B×I",
                                      presence::optional)),
              as<Real>(checked_tensor(args->grad_h0, "grad_h0", s, {1, s.B, s.H}, "(L·D)×B×H",
                                      presence::optional)),
              as<Real>(checked_tensor(args->grad_c0, "grad_c0", s, {1, s.B, s.H}, "(L·D)×B×H",
                                      lstm_only)),
              as<Real>(checked_tensor(args->grad_h, "grad_h", s, {s.T, s.B, s.H}, "T×B×(D·H)",
                                      presence::optional)),
              as<Real>(checked_tensor(args->grad_c, "grad_c", s, {s.T, s.B, s.H}, "T×B×(D·H)",
                                      lstm_only))};
          layer.backward(arrays, window, args->reserve, args->scratch);
        },
        self.layer);
  });
}

void destroy(rnnsuite_instance* instance) noexcept {
  delete instance;
}

const rnnsuite_plugin the_plugin = {
    .abi_major = RNNSUITE_PLUGIN_ABI_MAJOR,
    .abi_minor = RNNSUITE_PLUGIN_ABI_MINOR,
    .struct_size = sizeof(rnnsuite_plugin),
    .reserved = 0,
    .name = EXAMPLE_PLUGIN_NAME,
    .get_caps = get_caps,
    .check = check,
    .create = create,
    .workspace_sizes = workspace_sizes,
    .forward = forward,
    .backward = backward,
    .destroy = destroy,
};

}  // namespace

extern "C" RNNSUITE_PLUGIN_EXPORT const rnnsuite_plugin* rnnsuite_plugin_entry(
    uint32_t host_abi_major, uint32_t host_abi_minor, const rnnsuite_host* host) {
  // A host of any 1.x passes structs at least as large as 1.0's, which is all this plugin reads.
  if (host && host->struct_size >= sizeof(rnnsuite_host)) the_host.store(host);
  if (host_abi_major == RNNSUITE_PLUGIN_ABI_MAJOR) return &the_plugin;
  try {
    const std::string message = "the host speaks ABI " + std::to_string(host_abi_major) + "." +
                                std::to_string(host_abi_minor) + "; this plugin was built for " +
                                std::to_string(RNNSUITE_PLUGIN_ABI_MAJOR) + ".x";
    log(RNNSUITE_LOG_ERROR, "rnnsuite_plugin_entry", message.c_str());
  } catch (...) {  // no memory for the message: the NULL alone says it
  }
  return nullptr;
}
