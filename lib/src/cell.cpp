#include "rnn/cell.hpp"

#include <string>

#include "rnn/error.hpp"

namespace rnn {

int gate_count(cell c) {
  switch (c) {
    case cell::elman_tanh:
    case cell::elman_sigmoid:
    case cell::elman_relu:
      return 1;
    case cell::lstm:
      return 4;
    case cell::gru:
      return 3;
  }
  throw error("gate_count: cell value " + std::to_string(static_cast<int>(c)) + " is not a cell");
}

std::string_view cell_name(cell c) {
  switch (c) {
    case cell::elman_tanh: return "elman_tanh";
    case cell::elman_sigmoid: return "elman_sigmoid";
    case cell::elman_relu: return "elman_relu";
    case cell::lstm: return "lstm";
    case cell::gru: return "gru";
  }
  throw error("cell_name: cell value " + std::to_string(static_cast<int>(c)) + " is not a cell");
}

cell parse_cell(std::string_view name) {
  for (cell c : all_cells)
    if (cell_name(c) == name) return c;
  throw error("cell: unknown cell '" + std::string(name) +
              "' (known: elman_tanh, elman_sigmoid, elman_relu, lstm, gru)");
}

}  // namespace rnn
