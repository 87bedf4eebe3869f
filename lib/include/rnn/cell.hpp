#pragma once
// The five recurrent cells, with PyTorch's equations and gate order (DESIGN.md).
#include <string>
#include <string_view>

namespace rnn {

enum class cell {
  elman_tanh,     // h = tanh(W_ih x + b_ih + W_hh h' + b_hh)
  elman_sigmoid,  // h = sigmoid(...)
  elman_relu,     // h = max(0, ...)
  lstm,           // gates i, f, g, o
  gru,            // gates r, z, n; reset applied to (W_hn h' + b_hn), PyTorch's form
};

inline constexpr cell all_cells[] = {cell::elman_tanh, cell::elman_sigmoid, cell::elman_relu,
                                     cell::lstm, cell::gru};

// G, the number of gate blocks: 1 for Elman, 4 for LSTM, 3 for GRU.
int gate_count(cell c);
// True only for LSTM, the one cell with a separate cell state c.
inline bool has_cell_state(cell c) { return c == cell::lstm; }
std::string_view cell_name(cell c);
// Throws rnn::error naming the unknown cell and listing the known ones.
cell parse_cell(std::string_view name);

}  // namespace rnn
