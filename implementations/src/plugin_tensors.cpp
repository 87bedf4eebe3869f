// Building the ABI's call arguments from the concept's spans (plugin_tensors.hpp).
#include "plugin_tensors.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>

#include "rnn/error.hpp"

namespace rnnsuite::impl::detail {
namespace {

template <class Real>
constexpr std::int32_t dtype_of = sizeof(Real) == 4 ? RNNSUITE_DTYPE_F32 : RNNSUITE_DTYPE_F64;

std::size_t aligned_up(std::size_t bytes) {
  return (bytes + tensor_alignment - 1) / tensor_alignment * tensor_alignment;
}

// A tensor's shape, held by value (at most RNNSUITE_MAX_DIMS dimensions).
struct dims {
  dims(std::initializer_list<std::int64_t> list) : count(static_cast<int>(list.size())) {
    std::copy(list.begin(), list.end(), extent.begin());
  }
  int count;
  std::array<std::int64_t, RNNSUITE_MAX_DIMS> extent{};
  std::int64_t elements() const {
    std::int64_t n = 1;
    for (int d = 0; d < count; ++d) n *= extent[d];
    return n;
  }
};

// C order: the last dimension is contiguous.
rnnsuite_tensor tensor_of(void* data, std::int32_t dtype, const dims& shape) {
  rnnsuite_tensor t{};
  t.data = data;
  t.dtype = dtype;
  t.ndim = shape.count;
  std::int64_t stride = 1;
  for (int d = t.ndim - 1; d >= 0; --d) {
    t.shape[d] = shape.extent[d];
    t.strides[d] = stride;
    stride *= t.shape[d];
  }
  return t;
}

// One argument of one call: its name, the shape the problem gives it, whether it may be empty.
struct argument {
  const char* name;
  const char* shape_text;  // "T×B×I"
  dims shape;
  bool optional;  // empty means absent (NULL)
};

void check_size(const rnn::problem& p, const std::string& who, const char* call,
                const argument& a, std::size_t actual) {
  const auto expected = static_cast<std::size_t>(a.shape.elements());
  if (actual == expected || (a.optional && actual == 0)) return;
  throw rnn::error(who + ": " + call + ": " + a.name + " has " + std::to_string(actual) +
                   " elements; the problem " + rnn::format_problem(p) + " needs " + a.shape_text +
                   " = " + std::to_string(expected) + (a.optional ? " (or none)" : ""));
}

template <class Real>
rnnsuite_tensor in_tensor(const rnn::problem& p, const std::string& who, const char* call,
                          const argument& a, std::span<const Real> s, tensor_memory& memory) {
  check_size(p, who, call, a, s.size());
  void* data = s.empty() ? nullptr : memory.input(s.data(), s.size_bytes());
  return tensor_of(data, dtype_of<Real>, a.shape);
}

template <class Real>
rnnsuite_tensor out_tensor(const rnn::problem& p, const std::string& who, const char* call,
                           const argument& a, std::span<Real> s, tensor_memory& memory) {
  check_size(p, who, call, a, s.size());
  void* data = s.empty() ? nullptr : memory.output(s.data(), s.size_bytes());
  return tensor_of(data, dtype_of<Real>, a.shape);
}

// An LSTM-only argument of another cell must be empty, and is absent.
argument lstm_only(const rnn::problem& p, argument a) {
  if (!rnn::has_cell_state(p.cell)) a.shape_text = "nothing (not LSTM)", a.shape = {0}, a.optional = true;
  return a;
}

}  // namespace

void* tensor_memory::input(const void* caller, std::size_t bytes) {
  void* placed = place(caller, bytes);
  if (!placed) return const_cast<void*>(caller);  // the plugin only reads it
  std::memcpy(placed, caller, bytes);
  return placed;
}

void* tensor_memory::output(void* caller, std::size_t bytes) {
  void* placed = place(caller, bytes);
  if (!placed) return caller;
  outputs_.emplace_back(caller, placed, bytes);
  return placed;
}

void tensor_memory::copy_outputs_back() {
  for (const auto& [caller, placed, bytes] : outputs_) std::memcpy(caller, placed, bytes);
}

void tensor_memory::start_call() {
  outputs_.clear();
  release_placements();
}

rnnsuite_problem abi_problem(const rnn::problem& p) {
  rnn::validate(p);
  rnnsuite_problem q{};
  q.struct_size = sizeof q;
  q.cell = static_cast<std::int32_t>(p.cell);  // rnn::cell's order is the ABI's RNNSUITE_CELL_*
  q.dtype = p.precision == rnn::precision::f32 ? RNNSUITE_DTYPE_F32 : RNNSUITE_DTYPE_F64;
  q.layers = 1, q.directions = 1, q.has_lengths = 0;
  q.T = p.T, q.B = p.B, q.I = p.I, q.H = p.H;
  return q;
}

plugin_settings settings_of(const run_options& o) {
  if (o.threads < 1)
    throw rnn::error("run_options.threads must be >= 1, got " + std::to_string(o.threads));
  plugin_settings s;
  s.threads = o.threads;
  if (o.streaming.k1 != 0 || o.streaming.k2 != 0) {
    if (o.streaming.k1 < 1 || o.streaming.k2 < o.streaming.k1)
      throw rnn::error("run_options.streaming must have k1 >= 1 and k2 >= k1, got k1 = " +
                       std::to_string(o.streaming.k1) + ", k2 = " + std::to_string(o.streaming.k2));
    s.streaming_k1 = o.streaming.k1, s.streaming_k2 = o.streaming.k2;
  }
  if (o.chunk_steps < 0)
    throw rnn::error("run_options.chunk_steps must be >= 0, got " + std::to_string(o.chunk_steps));
  std::string hints;
  auto add = [&](const std::string& pair) { hints += (hints.empty() ? "" : ";") + pair; };
  if (o.isa) add("isa=" + std::string(rnn::isa_name(*o.isa)));
  if (o.chunk_steps > 0) add("chunk_steps=" + std::to_string(o.chunk_steps));
  if (o.l2_bytes > 0) add("l2_bytes=" + std::to_string(o.l2_bytes));
  if (o.memory_budget_bytes > 0) add("memory_budget_bytes=" + std::to_string(o.memory_budget_bytes));
  // isa=avx512, then chunk_steps, l2_bytes and memory_budget_bytes at 19-20 digits, 3 separators.
  static_assert(sizeof s.hints > 10 + 31 + 29 + 40, "room for the four hints at their longest");
  std::memcpy(s.hints, hints.c_str(), hints.size() + 1);
  return s;
}

std::size_t largest_call_bytes(const rnn::problem& p) {
  const rnn::tensor_sizes n = rnn::sizes_of(p);
  const std::size_t real = p.precision == rnn::precision::f32 ? 4 : 8;
  auto bytes = [&](std::initializer_list<std::size_t> counts) {
    std::size_t total = 0;
    for (std::size_t c : counts) total += aligned_up(c * real);
    return total;
  };
  const std::size_t parameters = bytes({n.weight_ih, n.weight_hh, n.bias, n.bias});
  const std::size_t forward = bytes({n.x, n.state, n.state, n.sequence, n.state, n.state});
  const std::size_t backward = parameters + bytes({n.sequence, n.state, n.state, n.x, n.state,
                                                   n.state, n.sequence, n.sequence});
  return std::max({parameters, forward, backward});
}

template <class Real>
std::array<rnnsuite_tensor, 4> parameter_tensors(const rnn::problem& p, const std::string& who,
                                                 rnn::parameters_view<Real> w,
                                                 tensor_memory& memory) {
  const std::int64_t GH = p.G() * p.H;
  const char* call = "prepare";
  return {in_tensor<Real>(p, who, call, {"weight_ih", "(G·H)×I", {GH, p.I}, false}, w.weight_ih, memory),
          in_tensor<Real>(p, who, call, {"weight_hh", "(G·H)×H", {GH, p.H}, false}, w.weight_hh, memory),
          in_tensor<Real>(p, who, call, {"bias_ih", "G·H", {GH}, false}, w.bias_ih, memory),
          in_tensor<Real>(p, who, call, {"bias_hh", "G·H", {GH}, false}, w.bias_hh, memory)};
}

template <class Real>
rnnsuite_forward_args forward_args(const rnn::problem& p, const std::string& who,
                                   sequence_inputs<Real> in, sequence_outputs<Real> out,
                                   tensor_memory& memory) {
  const char* call = "forward";
  rnnsuite_forward_args a{};
  a.struct_size = sizeof a;
  a.x = in_tensor<Real>(p, who, call, {"x", "T×B×I", {p.T, p.B, p.I}, false}, in.x, memory);
  a.h0 = in_tensor<Real>(p, who, call, {"h0", "B×H", {1, p.B, p.H}, true}, in.h0, memory);
  a.c0 = in_tensor<Real>(p, who, call, lstm_only(p, {"c0", "B×H", {1, p.B, p.H}, true}), in.c0, memory);
  a.output = out_tensor<Real>(p, who, call, {"output", "T×B×H", {p.T, p.B, p.H}, false}, out.output, memory);
  a.h_n = out_tensor<Real>(p, who, call, {"h_n", "B×H", {1, p.B, p.H}, false}, out.h_n, memory);
  a.c_n = out_tensor<Real>(p, who, call, lstm_only(p, {"c_n", "B×H", {1, p.B, p.H}, false}), out.c_n, memory);
  return a;
}

template <class Real>
void fill_backward_args(backward_call& call, const rnn::problem& p, const std::string& who,
                        upstream_gradients<Real> up, rnn::gradients_view<Real> g,
                        std::int64_t steps, bool streaming, tensor_memory& memory) {
  const char* name = "backward";
  const std::int64_t GH = p.G() * p.H;
  if (steps < 0 || steps > p.T)
    throw rnn::error(who + ": backward: steps must be in [0, T = " + std::to_string(p.T) +
                     "], got " + std::to_string(steps));
  rnnsuite_backward_args& a = call.args;
  a = {};
  a.struct_size = sizeof a;
  a.grad_output = in_tensor<Real>(p, who, name, {"upstream output", "T×B×H", {p.T, p.B, p.H}, false},
                                  up.output, memory);
  if (streaming) up.h_n = {}, up.c_n = {};  // the schedule has no final-state term
  a.grad_h_n = in_tensor<Real>(p, who, name, {"upstream h_n", "B×H", {1, p.B, p.H}, true}, up.h_n, memory);
  a.grad_c_n = in_tensor<Real>(p, who, name, lstm_only(p, {"upstream c_n", "B×H", {1, p.B, p.H}, true}),
                               up.c_n, memory);
  a.truncation = steps;
  call.grad_parameters = {
      out_tensor<Real>(p, who, name, {"grads.weight_ih", "(G·H)×I", {GH, p.I}, false}, g.weight_ih, memory),
      out_tensor<Real>(p, who, name, {"grads.weight_hh", "(G·H)×H", {GH, p.H}, false}, g.weight_hh, memory),
      out_tensor<Real>(p, who, name, {"grads.bias_ih", "G·H", {GH}, false}, g.bias_ih, memory),
      out_tensor<Real>(p, who, name, {"grads.bias_hh", "G·H", {GH}, false}, g.bias_hh, memory)};
  a.grad_parameters = {sizeof(rnnsuite_parameters), 4, call.grad_parameters.data()};
  a.grad_x = out_tensor<Real>(p, who, name, {"grads.x", "T×B×I", {p.T, p.B, p.I}, true}, g.x, memory);
  a.grad_h0 = out_tensor<Real>(p, who, name, {"grads.h0", "B×H", {1, p.B, p.H}, true}, g.h0, memory);
  a.grad_c0 = out_tensor<Real>(p, who, name, lstm_only(p, {"grads.c0", "B×H", {1, p.B, p.H}, true}), g.c0, memory);
  a.grad_h = out_tensor<Real>(p, who, name, {"grads.h", "T×B×H", {p.T, p.B, p.H}, true}, g.h, memory);
  a.grad_c = out_tensor<Real>(p, who, name, lstm_only(p, {"grads.c", "T×B×H", {p.T, p.B, p.H}, true}), g.c, memory);
}

#define RNNSUITE_INSTANTIATE(Real)                                                              \
  template std::array<rnnsuite_tensor, 4> parameter_tensors<Real>(                              \
      const rnn::problem&, const std::string&, rnn::parameters_view<Real>, tensor_memory&);     \
  template rnnsuite_forward_args forward_args<Real>(const rnn::problem&, const std::string&,    \
                                                    sequence_inputs<Real>, sequence_outputs<Real>, \
                                                    tensor_memory&);                            \
  template void fill_backward_args<Real>(backward_call&, const rnn::problem&, const std::string&, \
                                         upstream_gradients<Real>, rnn::gradients_view<Real>,   \
                                         std::int64_t, bool, tensor_memory&);
RNNSUITE_INSTANTIATE(float)
RNNSUITE_INSTANTIATE(double)
#undef RNNSUITE_INSTANTIATE

}  // namespace rnnsuite::impl::detail
