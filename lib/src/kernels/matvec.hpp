#pragma once
// The batch-1 path: y = or += W·v as dot products along W's rows, W packed once (pack) so that
// the kernel reads it as one sequential stream. At batch 1 a step is bound by reading W, not by
// arithmetic, so the layout is what matters.
//
// Packed layout: rows in groups of rows_at_once (4), zero rows padding the last group; within a
// group, for each step of 2 vectors of columns, the 4 rows' 2·width values one after the other,
// then for each remaining vector of columns (zero-padded past cols) the 4 rows' width values.
// Row-major, the kernel read 4 rows at once as 4 streams that restart every row; packed, a group
// is one contiguous block and the groups follow each other. `build/release/lib/
// rnnsuite_matvec_bandwidth` (lib's sweep, 32-row blocks in alternating order; median GB/s,
// one Zen 5 core, 2026-12-02):
//   W (floats)               512×128  256×512  512×512  1024×512  2048×512  2048×1024  4096×1024
//                            256 KiB  512 KiB  1 MiB    2 MiB     4 MiB     8 MiB      16 MiB
//   row-major                116      103      98       90        83        76         56
//   packed, no prefetch      126      153      133      101       87        76         52
//   packed, 2 KiB prefetch   137      179      146      106       95        89         61
// Each row's dot product is the same arithmetic wherever the row sits in its group and however
// a caller splits the rows, so results do not depend on the split (threads, sweep order).
#include "kernels/simd.hpp"

namespace rnn::kernels {

template <class Real, class Arch>
struct matvec_kernel {
  using S = simd<Real, Arch>;
  using batch = typename S::batch;
  static constexpr index width = S::width;
  static constexpr index rows_at_once = 4;
  // Beyond L1, each step also requests the lines prefetch_bytes ahead of its loads into L1: the
  // hardware prefetchers alone left the stream short of lines in flight (table above). 1 KiB
  // ahead was within 3 % of 2 KiB everywhere, 4 KiB level with it. A W that fits
  // in L1 (32 KiB, below any x86 L1d since 2011) gets no hints: there they are only instructions
  // (lstm_t16_b1_i32_h32_f32's 16 KiB W_hh: 14 % more in its forward pass).
  static constexpr index prefetch_bytes = 2048;
  static constexpr index l1_bytes = 32 << 10;
  // One prefetch per 64-byte line of a step's 4 × 2 vectors.
  static constexpr index line_values = 64 / sizeof(Real);
  static constexpr index step_values = rows_at_once * 2 * width;

  static index round_up(index n, index to) { return (n + to - 1) / to * to; }
  // The values of a rows × cols W in the packed layout; a group is rows_at_once·padded_cols.
  static index padded_cols(index cols) { return round_up(cols, width); }
  static index packed_size(index rows, index cols) {
    return round_up(rows, rows_at_once) * padded_cols(cols);
  }
  // The columns taken two vectors per step; the rest go one vector per step.
  static index paired(index cols) { return cols / (2 * width) * (2 * width); }
  // Where column j of row i (0..3) of a group starts, relative to the group; j is the first
  // column of a step (run_groups reads the same places: step + i·2·width, step + i·width).
  static index offset(index j, index i, index pairs) {
    return j * rows_at_once + i * (j < pairs ? 2 * width : width);
  }

  // packed (packed_size(rows, cols)) = w (rows×cols, row-major) in the packed layout.
  static void pack(Real* packed, const Real* w, index rows, index cols) {
    const index padded = padded_cols(cols), pairs = paired(cols);
    for (index g = 0; g < round_up(rows, rows_at_once); g += rows_at_once) {
      Real* group = packed + g * padded;
      for (index i = 0; i < rows_at_once; ++i)
        for (index j = 0, n; j < padded; j += n) {
          n = j < pairs ? 2 * width : width;
          for (index e = 0; e < n; ++e)
            group[offset(j, i, pairs) + e] =
                g + i < rows && j + e < cols ? w[(g + i) * cols + j + e] : Real(0);
        }
    }
  }

  // y[r] = or += (W·v)[r] for rows r in [begin, end); y and packed are the whole vectors (y:
  // rows, packed: pack's output for W rows × cols), v: cols.
  static void run(Real* y, const Real* packed, const Real* v, index begin, index end, index rows,
                  index cols, bool accumulate) {
    if (std::size_t(packed_size(rows, cols)) * sizeof(Real) > l1_bytes)
      run_groups<prefetch_bytes>(y, packed, v, begin, end, cols, accumulate);
    else
      run_groups<0>(y, packed, v, begin, end, cols, accumulate);
  }

  // run() with the prefetch distance a parameter (0: no hints), for rnnsuite_matvec_bandwidth.
  template <index ahead_bytes>
  static void run_groups(Real* y, const Real* packed, const Real* v, index begin, index end,
                         index cols, bool accumulate) {
    const index padded = padded_cols(cols), pairs = paired(cols);
    for (index g = begin / rows_at_once * rows_at_once; g < end; g += rows_at_once) {
      const Real* group = packed + g * padded;
      batch sum[rows_at_once][2];
#pragma GCC unroll 4
      for (int i = 0; i < rows_at_once; ++i) sum[i][0] = sum[i][1] = batch(Real(0));
      index j = 0;
      for (; j < pairs; j += 2 * width) {
        const batch v0 = batch::load_unaligned(v + j), v1 = batch::load_unaligned(v + j + width);
        const Real* step = group + j * rows_at_once;
        if constexpr (ahead_bytes > 0)
#pragma GCC unroll 16
          for (index line = 0; line < step_values; line += line_values)
            __builtin_prefetch(step + ahead_bytes / index(sizeof(Real)) + line);
#pragma GCC unroll 4
        for (int i = 0; i < rows_at_once; ++i) {
          const Real* row = step + i * 2 * width;
          sum[i][0] = S::multiply_add(batch::load_unaligned(row), v0, sum[i][0]);
          sum[i][1] = S::multiply_add(batch::load_unaligned(row + width), v1, sum[i][1]);
        }
      }
      // The rest of the columns one vector at a time; past cols, W's padding and v's masked
      // lanes are zero, so the lanes add +0.
      for (; j < cols; j += width) {
        if (RNNSUITE_PLANTED(matvec_tail_dropped) && cols - j < width) break;  // whole vectors only
        const index n = cols - j < width ? cols - j : width;
        const batch vj = S::load(v + j, n);
        const Real* step = group + j * rows_at_once;
#pragma GCC unroll 4
        for (int i = 0; i < rows_at_once; ++i)
          sum[i][0] = S::multiply_add(batch::load_unaligned(step + i * width), vj, sum[i][0]);
      }
      // A group cut by the range (its first or last) writes only the range's rows.
      const index first = g < begin ? begin - g : 0;
      const index last = g + rows_at_once > end ? end - g : rows_at_once;
#pragma GCC unroll 4
      for (int i = 0; i < rows_at_once; ++i) {
        const Real dot = xsimd::hadd(sum[i][0] + sum[i][1]);
        if (i >= first && i < last) y[g + i] = accumulate ? y[g + i] + dot : dot;
      }
    }
  }
};

}  // namespace rnn::kernels
