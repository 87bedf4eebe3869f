#pragma once
// How rnn::network moves sequences between its blocks: the reverse direction's order of steps
// (each sequence reversed within its own length) and the two directions' H-wide columns of a
// D·H-wide row. Exact copies, so a block sees the bits the network gives it.
#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace rnn::detail {

// The reverse direction's step t of sequence b is time len_b-1-t (lengths: B of them, or null for
// every sequence T steps). Past its length, the same time: there the block's output and
// gradients are zero and its input is not read. Its own inverse, so it maps either way.
inline std::size_t reversed_time(std::size_t t, std::size_t b, std::size_t T,
                          const std::int64_t* lengths) {
  const std::size_t len = lengths ? static_cast<std::size_t>(lengths[b]) : T;
  return t < len ? len - 1 - t : t;
}

// dst (T×B×width) = src (T×B×width) in the reverse direction's order of steps.
template <class Real>
void reverse_time(Real* dst, const Real* src, std::size_t T, std::size_t B, std::size_t width,
                  const std::int64_t* lengths) {
  const std::size_t step = B * width;
  if (!lengths) {  // every sequence reversed whole: one copy per step
    for (std::size_t t = 0; t < T; ++t)
      std::copy(src + (T - 1 - t) * step, src + (T - t) * step, dst + t * step);
    return;
  }
  for (std::size_t t = 0; t < T; ++t)
    for (std::size_t b = 0; b < B; ++b) {
      const Real* from = src + (reversed_time(t, b, T, lengths) * B + b) * width;
      std::copy(from, from + width, dst + (t * B + b) * width);
    }
}

// Columns [d·H, (d+1)·H) of the T×B×(D·H) sequence `wide` from or into the T×B×H sequence
// `narrow`, in the reverse direction's order of steps when `reversed` (reversed_time).
template <class Real>
void scatter_columns(Real* wide, const Real* narrow, std::size_t T, std::size_t B, std::size_t H,
                     std::size_t D, std::size_t d, bool reversed, const std::int64_t* lengths) {
  for (std::size_t t = 0; t < T; ++t) {
    for (std::size_t b = 0; b < B; ++b) {
      const std::size_t time = reversed ? reversed_time(t, b, T, lengths) : t;
      const Real* from = narrow + (t * B + b) * H;
      std::copy(from, from + H, wide + (time * B + b) * D * H + d * H);
    }
  }
}

template <class Real>
void gather_columns(Real* narrow, const Real* wide, std::size_t T, std::size_t B, std::size_t H,
                    std::size_t D, std::size_t d, bool reversed, const std::int64_t* lengths) {
  for (std::size_t t = 0; t < T; ++t) {
    for (std::size_t b = 0; b < B; ++b) {
      const std::size_t time = reversed ? reversed_time(t, b, T, lengths) : t;
      const Real* from = wide + (time * B + b) * D * H + d * H;
      std::copy(from, from + H, narrow + (t * B + b) * H);
    }
  }
}

}  // namespace rnn::detail
