#pragma once
// Every argument the host passes, checked against the ABI and the problem before any arithmetic:
// struct sizes, NULLs, dtypes, shapes and strides. A wrong argument throws plugin_error with
// RNNSUITE_INVALID_ARGUMENT and a message naming it (plugin.cpp adds the call's name); a valid
// request this plugin does not handle throws it with RNNSUITE_UNSUPPORTED.
#include <cstdint>
#include <initializer_list>
#include <string>

#include "errors.hpp"
#include "rnnsuite/plugin.h"
#include "sizes.hpp"

namespace example {

// The problem and options of check() and create(): cell, dtype, sizes, one layer in one direction
// without lengths, threads >= 1, and the extension chain (see arguments.cpp).
sizes checked_problem(const rnnsuite_problem* problem, const rnnsuite_options* options);

// Whether a tensor must be given, may be absent (data NULL), or must be absent (an LSTM-only
// tensor in another cell's problem).
enum class presence { required, optional, absent };

// The data of `tensor`, after checking it against `shape` (dimension names such as "T×B×I" for the
// messages), the problem's dtype, C order and alignment; NULL when it is absent and may be.
// `name` names it in messages.
void* checked_tensor(const rnnsuite_tensor& tensor, const char* name, const sizes& s,
                     std::initializer_list<int64_t> shape, const char* shape_names, presence how);

// The four tensors of a parameter list in PyTorch's order (weight_ih, weight_hh, bias_ih,
// bias_hh), each checked, all required. `name`: "parameters" or "grad_parameters".
struct checked_parameter_list {
  void* weight_ih;  // (G·H)×I
  void* weight_hh;  // (G·H)×H
  void* bias_ih;    // G·H
  void* bias_hh;    // G·H
};
checked_parameter_list checked_parameters(const rnnsuite_parameters* parameters, const char* name,
                                          const sizes& s);

// A struct the host passes: not NULL, and at least as large as this header's. ABI 1.0 is the
// first version and structs only grow, so every field this plugin reads is covered.
template <class Struct>
void check_struct(const Struct* given, const char* name) {
  if (!given) invalid_argument(std::string(name) + " is NULL");
  if (given->struct_size < sizeof(Struct))
    invalid_argument(std::string(name) + ".struct_size is " + std::to_string(given->struct_size) +
                     ", less than this plugin's ABI 1.0 size " + std::to_string(sizeof(Struct)));
}

}  // namespace example
