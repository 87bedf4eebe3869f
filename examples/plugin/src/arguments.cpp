#include "arguments.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "errors.hpp"

namespace example {
namespace {

const char* cell_name(int32_t cell) {
  switch (cell) {
    case RNNSUITE_CELL_ELMAN_TANH:
      return "elman_tanh";
    case RNNSUITE_CELL_ELMAN_SIGMOID:
      return "elman_sigmoid";
    case RNNSUITE_CELL_ELMAN_RELU:
      return "elman_relu";
    case RNNSUITE_CELL_LSTM:
      return "lstm";
    case RNNSUITE_CELL_GRU:
      return "gru";
    default:
      return "unknown";
  }
}

const char* dtype_name(int32_t dtype) {
  switch (dtype) {
    case RNNSUITE_DTYPE_F32:
      return "f32";
    case RNNSUITE_DTYPE_F64:
      return "f64";
    default:
      return "unknown";
  }
}

std::string list(const int64_t* values, int32_t count) {
  std::string text = "[";
  for (int32_t d = 0; d < count; ++d) text += (d ? ", " : "") + std::to_string(values[d]);
  return text + "]";
}

// A chain longer than this is taken for a cycle: walking it would never end.
constexpr int max_extensions = 64;

// Streaming is an extension this plugin knows and does not implement; hints are advice it may
// ignore; any other required extension asks for something it cannot know how to do.
void check_extensions(const rnnsuite_extension* chain) {
  int walked = 0;
  for (const rnnsuite_extension* e = chain; e; e = e->next) {
    if (++walked > max_extensions)
      invalid_argument("the extension chain is longer than " + std::to_string(max_extensions) +
                       " entries (a cycle?)");
    if (e->size < sizeof(rnnsuite_extension))
      invalid_argument("extension of type " + std::to_string(e->type) + " has size " +
                       std::to_string(e->size) + ", less than its head's " +
                       std::to_string(sizeof(rnnsuite_extension)));
    if (e->type == RNNSUITE_EXTENSION_STREAMING)
      unsupported("the streaming truncated-BPTT schedule (k1/k2) is not implemented");
    if (e->type == RNNSUITE_EXTENSION_HINTS) continue;
    if (e->flags & RNNSUITE_EXTENSION_REQUIRED)
      unsupported("required extension of unknown type " + std::to_string(e->type));
  }
}

}  // namespace

sizes checked_problem(const rnnsuite_problem* problem, const rnnsuite_options* options) {
  check_struct(problem, "problem");
  check_struct(options, "options");
  const rnnsuite_problem& p = *problem;
  if (p.T < 1 || p.B < 1 || p.I < 1 || p.H < 1)
    invalid_argument("problem sizes must be >= 1, got T = " + std::to_string(p.T) +
                     ", B = " + std::to_string(p.B) + ", I = " + std::to_string(p.I) +
                     ", H = " + std::to_string(p.H));
  if (p.layers < 1 || p.directions < 1 || p.directions > 2 ||
      (p.has_lengths != 0 && p.has_lengths != 1))
    invalid_argument("problem has layers = " + std::to_string(p.layers) +
                     ", directions = " + std::to_string(p.directions) + ", has_lengths = " +
                     std::to_string(p.has_lengths) + " (expected >= 1, 1 or 2, 0 or 1)");
  if (options->threads < 1)
    invalid_argument("options.threads must be >= 1, got " + std::to_string(options->threads));
  // Cells and dtypes a later minor version may add are valid requests, not supported here.
  if (p.cell < RNNSUITE_CELL_ELMAN_TANH || p.cell > RNNSUITE_CELL_GRU)
    unsupported("cell " + std::to_string(p.cell) + " is unknown to this plugin");
  if (p.dtype != RNNSUITE_DTYPE_F32 && p.dtype != RNNSUITE_DTYPE_F64)
    unsupported("dtype " + std::to_string(p.dtype) + " is unknown to this plugin");
  if (p.layers != 1 || p.directions != 1 || p.has_lengths)
    unsupported("only one layer in one direction without lengths; asked for " +
                std::to_string(p.layers) + " layer(s), " + std::to_string(p.directions) +
                " direction(s)" + (p.has_lengths ? ", with lengths" : ""));
  check_extensions(options->extensions);
  return sizes_of(p.cell, p.dtype, p.T, p.B, p.I, p.H);
}

void* checked_tensor(const rnnsuite_tensor& tensor, const char* name, const sizes& s,
                     std::initializer_list<int64_t> shape, const char* shape_names, presence how) {
  const std::string what = name;
  if (!tensor.data) {
    if (how == presence::required) invalid_argument(what + " is required, but its data is NULL");
    return nullptr;
  }
  if (how == presence::absent)
    invalid_argument(what + " is given for a " + cell_name(s.cell) +
                     " problem; only LSTM has a cell state");
  if (tensor.dtype != s.dtype)
    invalid_argument(what + " has dtype " + dtype_name(tensor.dtype) + ", the problem is " +
                     dtype_name(s.dtype));
  const std::vector<int64_t> expected(shape);
  const int32_t ndim = static_cast<int32_t>(expected.size());
  if (tensor.ndim != ndim)
    invalid_argument(what + " has " + std::to_string(tensor.ndim) + " dimensions, expected " +
                     std::to_string(ndim) + " (" + shape_names + ")");
  for (int32_t d = 0; d < ndim; ++d)
    if (tensor.shape[d] != expected[d])
      invalid_argument(what + " has shape " + list(tensor.shape, ndim) + ", expected " +
                       list(expected.data(), ndim) + " (" + shape_names + ")");
  // C order: each stride is the product of the extents after it. A dimension of extent 1 is never
  // stepped along, so its stride does not matter (PyTorch, for one, leaves it arbitrary).
  int64_t c_order_stride = 1;
  for (int32_t d = ndim - 1; d >= 0; --d) {
    if (tensor.shape[d] != 1 && tensor.strides[d] != c_order_stride) {
      std::vector<int64_t> c_order(ndim, 1);
      for (int32_t k = ndim - 2; k >= 0; --k) c_order[k] = c_order[k + 1] * expected[k + 1];
      invalid_argument(what + " has strides " + list(tensor.strides, ndim) + ", not C order " +
                       list(c_order.data(), ndim) +
                       ": this plugin reads contiguous row-major tensors only");
    }
    c_order_stride *= tensor.shape[d];
  }
  if (reinterpret_cast<std::uintptr_t>(tensor.data) % s.element_bytes != 0)
    invalid_argument(what + "'s data is not aligned to its element size " +
                     std::to_string(s.element_bytes));
  return tensor.data;
}

checked_parameter_list checked_parameters(const rnnsuite_parameters* parameters, const char* name,
                                          const sizes& s) {
  check_struct(parameters, name);
  const std::string list_name = name;
  if (parameters->count != 4)
    invalid_argument(list_name + ".count is " + std::to_string(parameters->count) +
                     ", expected 4 (weight_ih, weight_hh, bias_ih, bias_hh)");
  if (!parameters->tensors) invalid_argument(list_name + ".tensors is NULL");
  const rnnsuite_tensor* t = parameters->tensors;
  const auto required = presence::required;
  return {checked_tensor(t[0], (list_name + "[0] (weight_ih)").c_str(), s, {s.GH, s.I}, "(G·H)×I",
                         required),
          checked_tensor(t[1], (list_name + "[1] (weight_hh)").c_str(), s, {s.GH, s.H}, "(G·H)×H",
                         required),
          checked_tensor(t[2], (list_name + "[2] (bias_ih)").c_str(), s, {s.GH}, "G·H", required),
          checked_tensor(t[3], (list_name + "[3] (bias_hh)").c_str(), s, {s.GH}, "G·H", required)};
}

}  // namespace example
