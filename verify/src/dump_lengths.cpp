// A lengths file (a dump's lengths.npy, rnnsuite run --lengths FILE) checked as untrusted input
// (dump.hpp).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "dump_shapes.hpp"
#include "rnn/error.hpp"
#include "rnnsuite/verify/dump.hpp"

namespace rnnsuite::verify {

std::vector<std::int64_t> lengths_from_npy(const rnn::npy_array& a, const rnn::problem& p,
                                           const std::string& file, bool whole_floats) {
  if (!a.is_integer() && !whole_floats)
    throw rnn::error(fmt::format("{}: dtype {}: lengths are integers (int64, <i8, as PyTorch "
                                 "writes them, or int32, <i4)",
                                 file, a.dtype));
  const auto B = static_cast<std::size_t>(p.B);
  if (a.shape.size() != 1)
    throw rnn::error(fmt::format("{}: shape {}: lengths are 1-D, one per sequence: expected ({},) "
                                 "for B = {}",
                                 file, dump_detail::shape_text(a.shape), B, B));
  if (a.shape[0] != B)
    throw rnn::error(fmt::format("{}: {} entries, expected B = {} (one length per sequence of "
                                 "the batch)",
                                 file, a.shape[0], B));
  std::vector<std::int64_t> out(B);
  for (std::size_t b = 0; b < B; ++b) {
    if (a.is_integer()) {
      out[b] = a.integers[b];
    } else {
      const double v = a.values[b];
      // Compared as doubles first: a NaN, an infinity or a huge value never reaches the cast.
      if (!(v >= 1 && v <= double(p.T)))
        throw rnn::error(fmt::format("{}: entry [{}] = {} is not in [1, T = {}]", file, b, v, p.T));
      if (v != std::floor(v))
        throw rnn::error(fmt::format("{}: entry [{}] = {} is not a whole number", file, b, v));
      out[b] = static_cast<std::int64_t>(v);
    }
    if (out[b] < 1 || out[b] > p.T)
      throw rnn::error(fmt::format("{}: entry [{}] = {} is not in [1, T = {}]", file, b, out[b],
                                   p.T));
  }
  return out;
}

}  // namespace rnnsuite::verify
