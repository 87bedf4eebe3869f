#pragma once
// The batch-1 path: y = or += W·v with W row-major and v contiguous, as dot products along W's
// rows, so W streams through memory contiguously (the GEMM's broadcast form would hop a page per
// k-row of a large transposed W). At batch 1 a step is bound by reading W, not by arithmetic.
#include "kernels/simd.hpp"

namespace rnn::kernels {

template <class Real, class Arch>
struct matvec_kernel {
  using S = simd<Real, Arch>;
  using batch = typename S::batch;
  static constexpr index width = S::width;
  static constexpr int rows_at_once = 4;

  // y: rows, w: rows×cols (row stride cols), v: cols.
  static void run(Real* y, const Real* w, const Real* v, index rows, index cols, bool accumulate) {
    index r = 0;
    for (; r + rows_at_once <= rows; r += rows_at_once) {
      batch sum[rows_at_once][2];
#pragma GCC unroll 4
      for (int i = 0; i < rows_at_once; ++i) sum[i][0] = sum[i][1] = batch(Real(0));
      index j = 0;
      for (; j + 2 * width <= cols; j += 2 * width) {
        const batch v0 = batch::load_unaligned(v + j), v1 = batch::load_unaligned(v + j + width);
#pragma GCC unroll 4
        for (int i = 0; i < rows_at_once; ++i) {
          const Real* row = w + (r + i) * cols + j;
          sum[i][0] = S::multiply_add(batch::load_unaligned(row), v0, sum[i][0]);
          sum[i][1] = S::multiply_add(batch::load_unaligned(row + width), v1, sum[i][1]);
        }
      }
      for (; j < cols; j += width) {
        const index n = cols - j < width ? cols - j : width;
        const batch vj = S::load(v + j, n);
#pragma GCC unroll 4
        for (int i = 0; i < rows_at_once; ++i)
          sum[i][0] = S::multiply_add(S::load(w + (r + i) * cols + j, n), vj, sum[i][0]);
      }
#pragma GCC unroll 4
      for (int i = 0; i < rows_at_once; ++i) {
        const Real dot = xsimd::hadd(sum[i][0] + sum[i][1]);
        y[r + i] = accumulate ? y[r + i] + dot : dot;
      }
    }
    for (; r < rows; ++r) {
      batch sum(Real(0));
      for (index j = 0; j < cols; j += width) {
        const index n = cols - j < width ? cols - j : width;
        sum = S::multiply_add(S::load(w + r * cols + j, n), S::load(v + j, n), sum);
      }
      const Real dot = xsimd::hadd(sum);
      y[r] = accumulate ? y[r] + dot : dot;
    }
  }
};

}  // namespace rnn::kernels
