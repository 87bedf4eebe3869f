#pragma once
// A problem's sizes, and where each array lives in the host's reserve and scratch. One function
// computes them, so workspace_sizes(), forward and backward cannot disagree.
#include <cstddef>
#include <cstdint>

#include "rnnsuite/plugin.h"

namespace example {

// Offsets and total, in elements of the problem's type.
struct reserve_layout {
  std::size_t x;         // T×B×I
  std::size_t h;         // (T+1)×B×H
  std::size_t c;         // (T+1)×B×H, LSTM only (0 elements otherwise)
  std::size_t gates;     // T×B×(G·H)
  std::size_t hidden_n;  // T×B×H, GRU only (0 elements otherwise)
  std::size_t elements;
};

struct scratch_layout {
  std::size_t proj_x;    // G·H
  std::size_t proj_h;    // G·H
  std::size_t dh_carry;  // B×H
  std::size_t dc_carry;  // B×H, LSTM only (0 elements otherwise)
  std::size_t elements;
};

struct sizes {
  int32_t cell;   // RNNSUITE_CELL_*
  int32_t dtype;  // RNNSUITE_DTYPE_*
  int64_t T, B, I, H;
  int64_t G;   // gate blocks: 1, 4 (LSTM) or 3 (GRU)
  int64_t GH;  // G·H
  std::size_t element_bytes;
  reserve_layout reserve;
  scratch_layout scratch;

  std::uint64_t reserve_bytes() const { return reserve.elements * element_bytes; }
  std::uint64_t scratch_bytes() const { return scratch.elements * element_bytes; }
};

// The sizes of a problem whose cell, dtype and T, B, I, H >= 1 are already checked. Throws
// plugin_error (RNNSUITE_UNSUPPORTED) when some array's byte count would not fit in 63 bits.
sizes sizes_of(int32_t cell, int32_t dtype, int64_t T, int64_t B, int64_t I, int64_t H);

}  // namespace example
