#include "sizes.hpp"

#include <cstdint>
#include <string>

#include "errors.hpp"

namespace example {
namespace {

// Every count is refused past 2^59 elements: a byte count (8 bytes an element at most) then stays
// below 2^62, the sum of two counts cannot overflow, and every int64 index into an array is exact.
constexpr std::uint64_t largest_count = std::uint64_t(1) << 59;

[[noreturn]] void too_large(const char* what) {
  unsupported(std::string("the problem is too large: ") + what);
}

std::uint64_t checked(std::uint64_t value, const char* what) {
  if (value > largest_count) too_large(what);
  return value;
}

std::uint64_t times(std::uint64_t a, std::uint64_t b, const char* what) {
  std::uint64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) too_large(what);
  return checked(product, what);
}

}  // namespace

sizes sizes_of(int32_t cell, int32_t dtype, int64_t T, int64_t B, int64_t I, int64_t H) {
  sizes s{};
  s.cell = cell;
  s.dtype = dtype;
  s.T = T;
  s.B = B;
  s.I = I;
  s.H = H;
  s.G = cell == RNNSUITE_CELL_LSTM ? 4 : cell == RNNSUITE_CELL_GRU ? 3 : 1;
  s.element_bytes = dtype == RNNSUITE_DTYPE_F64 ? 8 : 4;
  const bool lstm = cell == RNNSUITE_CELL_LSTM, gru = cell == RNNSUITE_CELL_GRU;

  const std::uint64_t GH = times(s.G, H, "G·H");
  s.GH = static_cast<int64_t>(GH);
  times(GH, I, "W_ih's (G·H)×I elements");
  times(GH, H, "W_hh's (G·H)×H elements");
  const std::uint64_t TB = times(T, B, "T·B");
  const std::uint64_t x = times(TB, I, "x's T×B×I elements");
  const std::uint64_t states = times(checked(TB + B, "(T+1)·B"), H, "(T+1)×B×H states");
  const std::uint64_t gates = times(TB, GH, "T×B×(G·H) gates");
  const std::uint64_t sequence = times(TB, H, "T×B×H outputs");

  reserve_layout& r = s.reserve;
  r.x = 0;
  r.h = r.x + x;
  r.c = checked(r.h + states, "the reserve");
  r.gates = checked(r.c + (lstm ? states : 0), "the reserve");
  r.hidden_n = checked(r.gates + gates, "the reserve");
  r.elements = checked(r.hidden_n + (gru ? sequence : 0), "the reserve");

  const std::uint64_t BH = times(B, H, "B×H");
  scratch_layout& l = s.scratch;
  l.proj_x = 0;
  l.proj_h = GH;
  l.dh_carry = checked(2 * GH, "the scratch");
  l.dc_carry = checked(l.dh_carry + BH, "the scratch");
  l.elements = checked(l.dc_carry + (lstm ? BH : 0), "the scratch");
  return s;
}

}  // namespace example
