// rnnsuite's own library behind the C ABI (rnnsuite/plugin.h): librnnsuite_lib_plugin.so. Every
// option reaches rnn::layer_options exactly as src/lib_implementation.cpp passes it, and the same
// calls follow (rnn::layer for full and truncated backward, rnn::streaming_tbptt for the streaming
// schedule), so verifying lib through this plugin gives lib's own bits. Only
// rnnsuite_plugin_entry is exported (plugins.cmake's version script); no exception leaves a slot.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rnn/aligned.hpp"
#include "rnn/error.hpp"
#include "rnn/layer.hpp"
#include "rnn/tbptt.hpp"
#include "rnnsuite/plugin.h"

namespace {

// The host's services, set by the entry (which a host may call again, from another thread).
std::atomic<const rnnsuite_host*> host{nullptr};

void log_error(const std::string& text) {
  const rnnsuite_host* services = host.load();
  if (services && services->log) services->log(services->context, RNNSUITE_LOG_ERROR, text.c_str());
}

// Runs one slot's body; every exception becomes a status with its text logged.
template <class Body>
std::int32_t guarded(const char* slot, Body&& body) noexcept {
  try {
    return body();
  } catch (const rnn::error& e) {
    log_error(std::string("rnnsuite lib: ") + slot + ": " + e.what());
    return RNNSUITE_INVALID_ARGUMENT;
  } catch (const std::bad_alloc&) {
    log_error(std::string("rnnsuite lib: ") + slot + ": out of memory");
    return RNNSUITE_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    log_error(std::string("rnnsuite lib: ") + slot + ": " + e.what());
    return RNNSUITE_INTERNAL;
  } catch (...) {
    log_error(std::string("rnnsuite lib: ") + slot + ": an unknown exception");
    return RNNSUITE_INTERNAL;
  }
}

// A status that is not an exception (UNSUPPORTED answers), with its reason logged.
struct declined {
  std::int32_t status;
  std::string why;
};

std::int32_t decline(const declined& d) {
  log_error(d.why);
  return d.status;
}

// What create() and check() need of rnnsuite_options, as lib_implementation.cpp's
// layer_options_of makes it from run_options.
struct lib_settings {
  rnn::layer_options layer;
  rnn::tbptt_schedule streaming{0, 0};  // k1 = 0: none
};

template <class Int>
Int parse_number(std::string_view key, std::string_view text) {
  Int value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0)
    throw rnn::error("hint " + std::string(key) + "='" + std::string(text) +
                     "' is not a non-negative integer");
  return value;
}

// "isa=avx2;chunk_steps=7;l2_bytes=4096;memory_budget_bytes=65536": the keys lib knows; others
// are ignored (hints).
void read_hints(const char* text, rnn::layer_options& layer) {
  if (!text) return;
  std::string_view rest(text);
  while (!rest.empty()) {
    const std::size_t end = rest.find(';');
    const std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    const std::size_t equals = pair.find('=');
    if (pair.empty() || equals == std::string_view::npos) continue;
    const std::string_view key = pair.substr(0, equals), value = pair.substr(equals + 1);
    if (key == "isa") layer.isa = rnn::parse_isa(value);
    if (key == "chunk_steps") layer.chunk_steps = parse_number<std::int64_t>(key, value);
    if (key == "l2_bytes") layer.l2_bytes = parse_number<std::size_t>(key, value);
    if (key == "memory_budget_bytes")
      layer.memory_budget_bytes = parse_number<std::size_t>(key, value);
  }
}

std::optional<declined> read_options(const rnnsuite_options* o, lib_settings& s) {
  if (!o) throw rnn::error("options is NULL");
  if (o->threads < 1) throw rnn::error("options.threads must be >= 1, got " + std::to_string(o->threads));
  s.layer.threads = o->threads;
  int seen = 0;
  for (const rnnsuite_extension* e = o->extensions; e; e = e->next) {
    if (++seen > 64) throw rnn::error("options.extensions: the chain is longer than 64 (a loop?)");
    if (e->type == RNNSUITE_EXTENSION_HINTS && e->size >= sizeof(rnnsuite_hints)) {
      read_hints(reinterpret_cast<const rnnsuite_hints*>(e)->text, s.layer);
    } else if (e->type == RNNSUITE_EXTENSION_STREAMING && e->size >= sizeof(rnnsuite_streaming)) {
      const auto* streaming = reinterpret_cast<const rnnsuite_streaming*>(e);
      if (streaming->k1 < 1 || streaming->k2 < streaming->k1)
        throw rnn::error("streaming schedule k1 = " + std::to_string(streaming->k1) + ", k2 = " +
                         std::to_string(streaming->k2) + ": need k1 >= 1 and k2 >= k1");
      s.streaming = {streaming->k1, streaming->k2};
    } else if (e->flags & RNNSUITE_EXTENSION_REQUIRED) {
      return declined{RNNSUITE_UNSUPPORTED,
                      "rnnsuite lib: required extension type " + std::to_string(e->type) + " is unknown"};
    }
  }
  return std::nullopt;
}

std::optional<declined> read_problem(const rnnsuite_problem* q, rnn::problem& p) {
  if (!q) throw rnn::error("problem is NULL");
  if (q->layers != 1 || q->directions != 1 || q->has_lengths != 0)
    return declined{RNNSUITE_UNSUPPORTED,
                    "rnnsuite lib: one layer, one direction, no lengths only (asked: layers " +
                        std::to_string(q->layers) + ", directions " + std::to_string(q->directions) +
                        ", has_lengths " + std::to_string(q->has_lengths) + ")"};
  if (q->cell < RNNSUITE_CELL_ELMAN_TANH || q->cell > RNNSUITE_CELL_GRU)
    return declined{RNNSUITE_UNSUPPORTED, "rnnsuite lib: unknown cell " + std::to_string(q->cell)};
  if (q->dtype != RNNSUITE_DTYPE_F32 && q->dtype != RNNSUITE_DTYPE_F64)
    return declined{RNNSUITE_UNSUPPORTED, "rnnsuite lib: unknown dtype " + std::to_string(q->dtype)};
  p.cell = static_cast<rnn::cell>(q->cell);  // RNNSUITE_CELL_* follow rnn::cell's order
  p.precision = q->dtype == RNNSUITE_DTYPE_F32 ? rnn::precision::f32 : rnn::precision::f64;
  p.T = q->T, p.B = q->B, p.I = q->I, p.H = q->H;
  rnn::validate(p);
  return std::nullopt;
}

// A tensor as a span, after checking it is what the problem says: dtype, shape, C order.
template <class Real>
std::span<Real> span_of(const rnnsuite_tensor& t, const char* name,
                        std::initializer_list<std::int64_t> shape, bool optional) {
  if (!t.data) {
    if (optional) return {};
    throw rnn::error(std::string(name) + " is NULL");
  }
  const std::int32_t dtype = sizeof(Real) == 4 ? RNNSUITE_DTYPE_F32 : RNNSUITE_DTYPE_F64;
  if (t.dtype != dtype) throw rnn::error(std::string(name) + " has dtype " + std::to_string(t.dtype));
  if (t.ndim != static_cast<std::int32_t>(shape.size()))
    throw rnn::error(std::string(name) + " has " + std::to_string(t.ndim) + " dimensions, not " +
                     std::to_string(shape.size()));
  std::int64_t stride = 1;
  for (int d = t.ndim - 1; d >= 0; --d) {
    if (t.shape[d] != shape.begin()[d] || t.strides[d] != stride)
      throw rnn::error(std::string(name) + ": dimension " + std::to_string(d) + " is " +
                       std::to_string(t.shape[d]) + " (stride " + std::to_string(t.strides[d]) +
                       "), expected " + std::to_string(shape.begin()[d]) + " (stride " +
                       std::to_string(stride) + ", C order)");
    stride *= t.shape[d];
  }
  return {static_cast<Real*>(t.data), static_cast<std::size_t>(stride)};
}

template <class Real>
std::span<const Real> const_span_of(const rnnsuite_tensor& t, const char* name,
                                    std::initializer_list<std::int64_t> shape, bool optional) {
  return span_of<Real>(t, name, shape, optional);
}

}  // namespace

// The opaque instance of the ABI, completed here.
struct rnnsuite_instance {
  virtual ~rnnsuite_instance() = default;
  virtual void forward(const rnnsuite_forward_args& a) = 0;
  virtual void backward(const rnnsuite_backward_args& a) = 0;
};

namespace {

// lib_implementation.cpp's lib_instance, behind the ABI's tensors.
template <class Real>
class lib_plugin_instance final : public rnnsuite_instance {
 public:
  lib_plugin_instance(const rnn::problem& p, const rnnsuite_parameters& params,
                      const lib_settings& s)
      : problem_(p), settings_(s), layer_(p, parameters_of(p, params), s.layer),
        zeros_(p.B * p.H, Real(0)) {
    if (s.layer.isa && layer_.isa() != *s.layer.isa)
      throw rnn::error("the layer runs " + std::string(rnn::isa_name(layer_.isa())) + ", not the " +
                       std::string(rnn::isa_name(*s.layer.isa)) + " asked for");
    if (streams()) {
      const rnn::parameters_view<Real> w = parameters_of(p, params);
      weight_ih_.assign(w.weight_ih.begin(), w.weight_ih.end());
      weight_hh_.assign(w.weight_hh.begin(), w.weight_hh.end());
      bias_ih_.assign(w.bias_ih.begin(), w.bias_ih.end());
      bias_hh_.assign(w.bias_hh.begin(), w.bias_hh.end());
    }
  }

  void forward(const rnnsuite_forward_args& a) override {
    const rnn::problem& p = problem_;
    const bool lstm = rnn::has_cell_state(p.cell);
    const auto x = const_span_of<Real>(a.x, "x", {p.T, p.B, p.I}, false);
    auto h0 = const_span_of<Real>(a.h0, "h0", {1, p.B, p.H}, true);
    auto c0 = lstm ? const_span_of<Real>(a.c0, "c0", {1, p.B, p.H}, true) : std::span<const Real>();
    if (h0.empty()) h0 = zeros_;  // NULL: zeros
    if (lstm && c0.empty()) c0 = zeros_;
    // Under a memory budget the layer reads x again in backward, and the ABI lets the host reuse
    // x's memory after this call: the layer gets a copy.
    const bool budgeted = settings_.layer.memory_budget_bytes != 0;
    if (budgeted) x_budget_.assign(x.begin(), x.end());
    layer_.forward(budgeted ? std::span<const Real>(x_budget_) : x, h0, c0,
                   span_of<Real>(a.output, "output", {p.T, p.B, p.H}, false),
                   span_of<Real>(a.h_n, "h_n", {1, p.B, p.H}, false),
                   lstm ? span_of<Real>(a.c_n, "c_n", {1, p.B, p.H}, false) : std::span<Real>());
    if (streams()) {
      x_.assign(x.begin(), x.end()), h0_.assign(h0.begin(), h0.end());
      c0_.assign(c0.begin(), c0.end());
    }
  }

  void backward(const rnnsuite_backward_args& a) override {
    const rnn::problem& p = problem_;
    const bool lstm = rnn::has_cell_state(p.cell);
    const std::int64_t GH = p.G() * p.H;
    if (a.grad_parameters.count != 4 || !a.grad_parameters.tensors)
      throw rnn::error("grad_parameters must hold 4 tensors, got " + std::to_string(a.grad_parameters.count));
    const rnnsuite_tensor* g = a.grad_parameters.tensors;
    const rnn::gradients_view<Real> grads{
        span_of<Real>(g[0], "grad weight_ih", {GH, p.I}, false),
        span_of<Real>(g[1], "grad weight_hh", {GH, p.H}, false),
        span_of<Real>(g[2], "grad bias_ih", {GH}, false),
        span_of<Real>(g[3], "grad bias_hh", {GH}, false),
        span_of<Real>(a.grad_x, "grad_x", {p.T, p.B, p.I}, true),
        span_of<Real>(a.grad_h0, "grad_h0", {1, p.B, p.H}, true),
        lstm ? span_of<Real>(a.grad_c0, "grad_c0", {1, p.B, p.H}, true) : std::span<Real>(),
        span_of<Real>(a.grad_h, "grad_h", {p.T, p.B, p.H}, true),
        lstm ? span_of<Real>(a.grad_c, "grad_c", {p.T, p.B, p.H}, true) : std::span<Real>()};
    const auto grad_output = const_span_of<Real>(a.grad_output, "grad_output", {p.T, p.B, p.H}, false);
    if (!streams()) {
      layer_.backward(grad_output, const_span_of<Real>(a.grad_h_n, "grad_h_n", {1, p.B, p.H}, true),
                      lstm ? const_span_of<Real>(a.grad_c_n, "grad_c_n", {1, p.B, p.H}, true)
                           : std::span<const Real>(),
                      grads, a.truncation);
      return;
    }
    if (a.truncation != 0)
      throw rnn::error("truncation (" + std::to_string(a.truncation) +
                       ") and the streaming schedule exclude each other");
    const rnn::parameters_view<Real> params{weight_ih_, weight_hh_, bias_ih_, bias_hh_};
    rnn::streaming_tbptt<Real>(p, params, settings_.streaming, x_, h0_, c0_, grad_output, grads,
                               settings_.layer);
  }

 private:
  static rnn::parameters_view<Real> parameters_of(const rnn::problem& p, const rnnsuite_parameters& w) {
    if (w.count != 4 || !w.tensors)
      throw rnn::error("parameters must hold 4 tensors, got " + std::to_string(w.count));
    const std::int64_t GH = p.G() * p.H;
    return {const_span_of<Real>(w.tensors[0], "weight_ih", {GH, p.I}, false),
            const_span_of<Real>(w.tensors[1], "weight_hh", {GH, p.H}, false),
            const_span_of<Real>(w.tensors[2], "bias_ih", {GH}, false),
            const_span_of<Real>(w.tensors[3], "bias_hh", {GH}, false)};
  }
  bool streams() const { return settings_.streaming.k1 > 0; }

  rnn::problem problem_;
  lib_settings settings_;
  rnn::layer<Real> layer_;
  rnn::aligned_vector<Real> zeros_;  // B×H: a NULL h0 or c0
  // Streaming only: the parameters and the last forward's inputs.
  rnn::aligned_vector<Real> weight_ih_, weight_hh_, bias_ih_, bias_hh_;  // PyTorch's shapes
  rnn::aligned_vector<Real> x_, h0_, c0_;                                 // T×B×I, B×H, B×H
  rnn::aligned_vector<Real> x_budget_;  // T×B×I: under a memory budget, the last forward's x
};

std::int32_t get_caps(rnnsuite_caps* caps) {
  return guarded("get_caps", [&] {
    if (!caps) throw rnn::error("caps is NULL");
    rnnsuite_caps mine{};
    mine.cells = 0x1Fu;  // all five
    mine.dtypes = (1u << RNNSUITE_DTYPE_F32) | (1u << RNNSUITE_DTYPE_F64);
    mine.flags = RNNSUITE_CAP_PER_STEP_GRADIENTS | RNNSUITE_CAP_TRUNCATION | RNNSUITE_CAP_STREAMING |
                 RNNSUITE_CAP_DETERMINISTIC | RNNSUITE_CAP_THREAD_INVARIANT;
    mine.max_layers = 1, mine.max_directions = 1;
    const std::size_t covered = std::min<std::size_t>(caps->struct_size, sizeof mine);
    mine.struct_size = caps->struct_size;
    std::memcpy(caps, &mine, covered);  // only the fields the host's struct has
    return RNNSUITE_OK;
  });
}

std::int32_t check(const rnnsuite_problem* problem, const rnnsuite_options* options) {
  return guarded("check", [&] {
    rnn::problem p;
    lib_settings s;
    if (auto d = read_problem(problem, p)) return decline(*d);
    if (auto d = read_options(options, s)) return decline(*d);
    return RNNSUITE_OK;
  });
}

std::int32_t create(const rnnsuite_problem* problem, const rnnsuite_options* options,
                    const rnnsuite_parameters* parameters, rnnsuite_instance** instance) {
  return guarded("create", [&] {
    if (!instance || !parameters) throw rnn::error("instance or parameters is NULL");
    *instance = nullptr;
    rnn::problem p;
    lib_settings s;
    if (auto d = read_problem(problem, p)) return decline(*d);
    if (auto d = read_options(options, s)) return decline(*d);
    if (p.precision == rnn::precision::f32)
      *instance = new lib_plugin_instance<float>(p, *parameters, s);
    else
      *instance = new lib_plugin_instance<double>(p, *parameters, s);
    return RNNSUITE_OK;
  });
}

// lib keeps its activations and scratch inside the layer, sized once at create (rnn::layer).
std::int32_t workspace_sizes(const rnnsuite_instance*, rnnsuite_workspace_sizes* sizes) {
  return guarded("workspace_sizes", [&] {
    if (!sizes) throw rnn::error("sizes is NULL");
    sizes->reserve_bytes = 0, sizes->scratch_bytes = 0;
    return RNNSUITE_OK;
  });
}

std::int32_t forward(rnnsuite_instance* instance, const rnnsuite_forward_args* args) {
  return guarded("forward", [&] {
    if (!instance || !args) throw rnn::error("instance or args is NULL");
    instance->forward(*args);
    return RNNSUITE_OK;
  });
}

std::int32_t backward(rnnsuite_instance* instance, const rnnsuite_backward_args* args) {
  return guarded("backward", [&] {
    if (!instance || !args) throw rnn::error("instance or args is NULL");
    instance->backward(*args);
    return RNNSUITE_OK;
  });
}

void destroy(rnnsuite_instance* instance) { delete instance; }

const rnnsuite_plugin table = {RNNSUITE_PLUGIN_ABI_MAJOR, RNNSUITE_PLUGIN_ABI_MINOR,
                               sizeof(rnnsuite_plugin),   0,
                               "rnnsuite lib",            get_caps,
                               check,                     create,
                               workspace_sizes,           forward,
                               backward,                  destroy};

}  // namespace

extern "C" RNNSUITE_PLUGIN_EXPORT const rnnsuite_plugin* rnnsuite_plugin_entry(
    std::uint32_t host_abi_major, std::uint32_t, const rnnsuite_host* services) {
  host.store(services);
  if (host_abi_major != RNNSUITE_PLUGIN_ABI_MAJOR) {
    log_error("rnnsuite lib plugin speaks ABI " + std::to_string(RNNSUITE_PLUGIN_ABI_MAJOR) +
              ", the host " + std::to_string(host_abi_major));
    return nullptr;
  }
  return &table;
}
