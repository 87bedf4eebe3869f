#pragma once
// The GEMM micro-kernel: C = A·B, C += A·B or C = row + A·B (the row added to every row of C)
// with B row-major (row stride ldb) and A read through arbitrary strides, so one kernel serves
// x·W_ihᵀ + b_ih (A row-major), δ·W_hh and δᵀ·x (A transposed).
// Internally the start value is a matrix `init` with row stride init_ld: null for zero, C itself
// for +=, the row with stride 0.
// Register blocking: a tile of R rows × V vectors of C stays in registers for a whole k-block;
// each k loads V vectors of B once and broadcasts R elements of A. A k-block is deep (k_block)
// so that C, which may be larger than L2, is read and written once per product, not once per
// few k.
#include <cstring>

#include "kernels/simd.hpp"

namespace rnn::kernels {

template <class Real, class Arch>
struct gemm_kernel {
  using S = simd<Real, Arch>;
  using batch = typename S::batch;
  static constexpr index width = S::width;
  // Tile of C kept in registers: rows × vectors accumulators, plus the B vectors and one
  // broadcast, must fit the register file (32 vector registers with AVX-512, 16 otherwise).
  static constexpr int tile_rows = sizeof(batch) == 64 ? 8 : 4;
  static constexpr int tile_vectors = 3;
  // k-block: how many k a tile runs through before its C values go back to memory. Every
  // product of an LSTM with H = 512 (K = 512 or 2048) now runs unblocked: the tile's panel
  // (K × panel_width, 96 or 384 KiB in floats) streams from L2 with the prefetch below, and C is
  // read and written once instead of once per 128 k. 128 k, which kept the panel in L1, lost
  // more on C, which is 4 MiB for the gates and dW at lstm_t128_b64_i512_h512_f32: lib's GEMM at
  // that layer's sizes, this k-block against 128, interleaved call by call, best of 40 (Zen 5):
  // x·W_ihᵀ +8 %, δ·W_ih +5 %, h·W_hhᵀ +8 %, δ·W_hh +5 %; at H = 128 (K = 128 or 512) level or
  // +3-5 % (docs/performance-limits.md). The block does not change any result: a C element's
  // partial sum is stored and reloaded in its own type, so the sum of its k terms is fused in
  // the same order whatever the block.
  static constexpr index k_block = 2048;
  // Each k also prefetches the B row prefetch_rows ahead. At H = 512 the panels come from L2 and
  // L3, and the hardware prefetchers alone left the tiles waiting: rnnsuite_time_layer, one
  // thread, interleaved, lstm_t128_b16_i512_h512_f32 about 7 % faster at 4, 8 or 16 rows ahead,
  // lstm_t128_b64_i512_h512_f32 about 5 % at 8; no change at H = 128, on the Intel Xeon
  // (docs/performance-limits-xeon.md). On the Zen 5, 16 rows ahead is no different from 8
  // (docs/performance-limits.md). A prefetch past the end of B is harmless: a hint never faults.
  static constexpr index prefetch_rows = 8;

  // Ahead is what each k also prefetches: nothing, or a slice of the panel the next tiles will
  // read (panel_slice, from run_packed_from). A type, not a null test per k: the tiles that
  // prefetch nothing run the loop they always ran, and take no extra argument.
  struct no_prefetch {
    void at(index) const {}
  };
  struct panel_slice {
    const char* start;
    index step;  // bytes per k, at most a cache line
    void at(index k) const { __builtin_prefetch(start + k * step); }
  };

  template <int R, int V, class Ahead = no_prefetch>
  static void tile(Real* c, index ldc, const Real* a, index a_row, index a_col, const Real* b,
                   index ldb, index K, const Real* init, index init_ld, Ahead ahead = {}) {
    batch sum[R][V];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v)
        sum[r][v] = init ? batch::load_unaligned(init + r * init_ld + v * width) : batch(Real(0));
    for (index k = 0; k < K; ++k) {
      const Real* b_row = b + k * ldb;
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) __builtin_prefetch(b_row + prefetch_rows * ldb + v * width);
      ahead.at(k);
      batch b_vec[V];
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) b_vec[v] = batch::load_unaligned(b_row + v * width);
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) {
        const batch a_elem(a[r * a_row + k * a_col]);
#pragma GCC unroll 8
        for (int v = 0; v < V; ++v) sum[r][v] = S::multiply_add(a_elem, b_vec[v], sum[r][v]);
      }
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) sum[r][v].store_unaligned(c + r * ldc + v * width);
  }

  // Columns past the last full vector: scalar dot products, each term fused where this
  // translation unit has FMA, as the vector tiles' terms are. Written as `sum += a·b`, GCC fused
  // the terms in some inlined copies of this loop and not in others, so the same column came out
  // with other bits from run() than from run_transposed_a() (lstm_t4_b3_i7_h100, AVX2 and
  // AVX-512 double, columns 97-99 of dW_hh: LayerL2Paths caught it).
  static void tail_columns(Real* c, index ldc, const Real* a, index a_row, index a_col,
                           const Real* b, index ldb, index rows, index n_begin, index n_end,
                           index K, const Real* init, index init_ld) {
    for (index r = 0; r < rows; ++r)
      for (index n = n_begin; n < n_end; ++n) {
        if (RNNSUITE_PLANTED(gemm_tail_column) && n + 1 == n_end) break;  // stops one short
        Real sum = init ? init[r * init_ld + n] : Real(0);
        for (index k = 0; k < K; ++k)
          sum = S::multiply_add(a[r * a_row + k * a_col], b[k * ldb + n], sum);
        c[r * ldc + n] = sum;
      }
  }

  // Columns [0, N) of R rows; init's offsets follow c's (init + r·init_ld + n).
  template <int R, class Ahead = no_prefetch>
  static void row_block(Real* c, index ldc, const Real* a, index a_row, index a_col, const Real* b,
                        index ldb, index N, index K, const Real* init, index init_ld,
                        Ahead ahead = {}) {
    // One row (batch 1, the matrix-vector case) gets 8 vectors in flight to cover FMA latency.
    constexpr int wide = R == 1 ? 8 : tile_vectors;
    auto at = [&](index n) { return init ? init + n : nullptr; };
    index n = 0;
    for (; n + wide * width <= N; n += wide * width)
      tile<R, wide, Ahead>(c + n, ldc, a, a_row, a_col, b + n, ldb, K, at(n), init_ld, ahead);
    if constexpr (wide > 2)  // a two-vector remainder (e.g. N = 512 = 10·48 + 32 in floats)
      for (; n + 2 * width <= N; n += 2 * width)
        tile<R, 2, Ahead>(c + n, ldc, a, a_row, a_col, b + n, ldb, K, at(n), init_ld, ahead);
    for (; n + width <= N; n += width)
      tile<R, 1, Ahead>(c + n, ldc, a, a_row, a_col, b + n, ldb, K, at(n), init_ld, ahead);
    if (n < N) tail_columns(c, ldc, a, a_row, a_col, b, ldb, R, n, N, K, init, init_ld);
  }

  // K = 0: C = init. The entry points take any K (test_gemm checks K = 0); the layer's products
  // never have K = 0 (K is I, H, G·H or a chunk's rows, all >= 1), so no gradient goes through
  // here and coverage does not count it (GCOVR_EXCL_START/STOP here and at each K == 0 below).
  // GCOVR_EXCL_START
  static void fill(Real* c, index ldc, index M, index N, const Real* init, index init_ld) {
    for (index m = 0; m < M; ++m)
      for (index n = 0; n < N; ++n) c[m * ldc + n] = init ? init[m * init_ld + n] : Real(0);
  }
  // GCOVR_EXCL_STOP

  static void run(Real* c, index ldc, const Real* a, index a_row, index a_col, const Real* b,
                  index ldb, index M, index N, index K, bool accumulate) {
    if (K == 0) {  // GCOVR_EXCL_START: the layer never multiplies over K = 0 (see fill)
      if (!accumulate) fill(c, ldc, M, N, nullptr, 0);
      return;
    }  // GCOVR_EXCL_STOP
    for (index k0 = 0; k0 < K; k0 += k_block) {
      const index kc = K - k0 < k_block ? K - k0 : k_block;
      const Real* init = accumulate || k0 > 0 ? c : nullptr;
      const Real* a_k = a + k0 * a_col;
      const Real* b_k = b + k0 * ldb;
      index m = 0;
      for (; m + tile_rows <= M; m += tile_rows)
        row_block<tile_rows>(c + m * ldc, ldc, a_k + m * a_row, a_row, a_col, b_k, ldb, N, kc,
                             init ? init + m * ldc : nullptr, ldc);
      for (; m < M; ++m)
        row_block<1>(c + m * ldc, ldc, a_k + m * a_row, a_row, a_col, b_k, ldb, N, kc,
                     init ? init + m * ldc : nullptr, ldc);
    }
  }

  // The row tiles that read one panel prefetch the next panel, each tile an equal slice of it at
  // up to a line per k, so that the next panel is in cache when they move on to it.
  struct next_panel_prefetch {
    const char* next;
    index slice, step;
    next_panel_prefetch(const Real* next_panel, index kc, index tiles)
        : next(reinterpret_cast<const char*>(next_panel)),
          slice(kc * panel_width * index(sizeof(Real)) / tiles),
          step(slice / kc < 64 ? slice / kc : 64) {}
    panel_slice for_tile(index t) const { return {next + t * slice, step}; }
  };

  // Weights are packed once into panels of panel_width columns: panel p (columns p·P ..
  // p·P + P − 1) is one contiguous K×P block, zero-padded past N, so a tile streams its B
  // operand from consecutive addresses instead of hopping a page per k for a wide matrix.
  static constexpr index panel_width = tile_vectors * width;

  // packed: panels of src (K×N, row-major, row stride N).
  static void pack_panels(Real* packed, const Real* src, index K, index N) {
    pack_panels_strided(packed, src, N, K, N);
  }
  // The same for src with row stride ld (a k-range of a larger matrix, in run_transposed_a).
  static void pack_panels_strided(Real* packed, const Real* src, index ld, index K, index N) {
    for (index p0 = 0; p0 < N; p0 += panel_width) {
      const index columns = N - p0 < panel_width ? N - p0 : panel_width;
      for (index k = 0; k < K; ++k) {
        const Real* row = src + k * ld + p0;
        Real* out = packed + p0 * K + k * panel_width;
        if (columns == panel_width)
          for (index j = 0; j < panel_width; j += width)
            batch::load_unaligned(row + j).store_unaligned(out + j);
        else
          for (index j = 0; j < panel_width; ++j) out[j] = j < columns ? row[j] : Real(0);
      }
    }
  }

  // C (M×N) = or += A·B with B packed by pack_panels. Loop order: k-block, m-block, panel, row
  // tile. All the row tiles of an m-block read the same panel, the first from L2, L3 or memory
  // and the others from L1 or L2.
  // When a k-block of packed B is larger than streamed_bytes (it cannot stay in L2 beside A and
  // C), m-blocks are of 128 rows and their tiles prefetch the next panel as they go
  // (next_panel_prefetch), so the next panel's first tile finds it in cache too. Fwd+bwd, one
  // thread, against the layout below, switched at run time in a temporary build and interleaved
  // call by call (docs/performance-limits.md): time × 0.96-0.98 at lstm_t128_b64_i512_h512_f32
  // and gru_t128_b64_i512_h512_f32, × 0.93-0.95 at elman_relu_t50_b64_i1760_h1760_f32,
  // × 0.95-0.98 at lstm_t150_b16_i256_h256_f32; 64 or 256 rows level with 128; prefetcht1 or t2
  // no better than t0.
  // Smaller B stays in L2: a per-step product (M = B rows, up to small_m) is one m-block, and the
  // all-steps products (M = T·B) take one row tile per m-block (resident_m_block), so its A rows
  // stay in L1 while B comes from L2. There the prefetch and the larger m-blocks measured 1.5-8 %
  // slower (lstm_t128_b16_i128_h128_f32, lstm_t16_b4_i32_h32_f32). Every m-block is a multiple of
  // every tile_rows, so a row's tile kind never depends on it.
  static constexpr index streamed_bytes = 512 * 1024;
  static constexpr index streamed_m_block = 128, small_m = 128, resident_m_block = 8;
  static_assert(streamed_m_block % tile_rows == 0 && small_m % tile_rows == 0 &&
                resident_m_block % tile_rows == 0);
  static void run_packed(Real* c, index ldc, const Real* a, index a_row, index a_col,
                         const Real* packed, index M, index N, index K, bool accumulate) {
    run_packed_from(c, ldc, a, a_row, a_col, packed, M, N, K, accumulate ? c : nullptr, ldc);
  }
  // C = row + A·B for every row of C: x·W_ihᵀ + b_ih without first copying b_ih into each row.
  // The bits are those of copying the row and accumulating.
  static void run_packed_onto_row(Real* c, index ldc, const Real* a, index a_row, index a_col,
                                  const Real* packed, const Real* row, index M, index N, index K) {
    run_packed_from(c, ldc, a, a_row, a_col, packed, M, N, K, row, 0);
  }
  static void run_packed_from(Real* c, index ldc, const Real* a, index a_row, index a_col,
                              const Real* packed, index M, index N, index K, const Real* init,
                              index init_ld) {
    if (K == 0) {  // GCOVR_EXCL_START: the layer never multiplies over K = 0 (see fill)
      if (init != c) fill(c, ldc, M, N, init, init_ld);
      return;
    }  // GCOVR_EXCL_STOP
    for (index k0 = 0; k0 < K; k0 += k_block) {
      const index kc = K - k0 < k_block ? K - k0 : k_block;
      // The first k-block starts from init, the others from the partial sums in C.
      const Real* start = k0 > 0 ? c : init;
      const index start_ld = k0 > 0 ? ldc : init_ld;
      const Real* a_k = a + k0 * a_col;
      const index panels = (N + panel_width - 1) / panel_width;
      const bool streamed = kc * panels * panel_width * index(sizeof(Real)) > streamed_bytes;
      const index m_block = streamed ? streamed_m_block : M <= small_m ? small_m : resident_m_block;
      for (index m0 = 0; m0 < M; m0 += m_block) {
        const index m_end = M - m0 < m_block ? M : m0 + m_block;
        for (index p0 = 0; p0 < N; p0 += panel_width) {
          const index columns = N - p0 < panel_width ? N - p0 : panel_width;
          const Real* panel = packed + p0 * K + k0 * panel_width;
          index m = m0;
          auto start_at = [&](index row) { return start ? start + row * start_ld + p0 : nullptr; };
          const index tiles = (m_end - m0) / tile_rows;
          if (streamed && tiles > 1 && p0 + panel_width < N) {
            const next_panel_prefetch ahead(panel + panel_width * K, kc, tiles);
            for (index t = 0; m + tile_rows <= m_end; m += tile_rows, ++t)
              row_block<tile_rows>(c + m * ldc + p0, ldc, a_k + m * a_row, a_row, a_col, panel,
                                   panel_width, columns, kc, start_at(m), start_ld,
                                   ahead.for_tile(t));
          } else
            for (; m + tile_rows <= m_end; m += tile_rows)
              row_block<tile_rows>(c + m * ldc + p0, ldc, a_k + m * a_row, a_row, a_col, panel,
                                   panel_width, columns, kc, start_at(m), start_ld);
          for (; m < m_end; ++m)
            row_block<1>(c + m * ldc + p0, ldc, a_k + m * a_row, a_row, a_col, panel, panel_width,
                         columns, kc, start_at(m), start_ld);
        }
      }
    }
  }

  // C (M×N) = or += A·B with A transposed in memory (A(m, k) = a[m + k·lda]) and B row-major
  // (row stride ldb): the weight gradients dW = δᵀ·x when the chunk's x (K × N) is larger than
  // L2 can keep beside the rest (packs_weight_gradient_operands in layer_impl.hpp decides).
  // run() reads both in place: for each 8-row tile it streams all of B again, and its A values
  // (one per δ row, 8 KiB apart at G·H = 2048) share one L1 set. Here both are packed into
  // `scratch` (transposed_a_scratch(N) values): per k-block, all of B into panels (in L2 while
  // every row of C uses them); per m-block, A's rows tile by tile, read by the tiles from
  // consecutive addresses. Loop order: k-block, m-block, panel, row tiles. Against run(),
  // interleaved call by call, best of 40 (docs/performance-limits.md): +15 % at the sizes of
  // lstm_t128_b64_i512_h512_f32's chunks (x's chunk 1 MiB), +40-55 % at H = 1024 (1 MiB), level
  // at 256-512 KiB, 12-16 % slower at H = 128 (128 KiB), where run() finds both operands in L2.
  // Each C element is init plus its k terms fused in k order, as in run(): the bits are run()'s.
  static constexpr index transposed_a_k_block = 512;
  static constexpr index transposed_a_m_block = 128;
  static_assert(transposed_a_m_block % tile_rows == 0);
  static index transposed_a_scratch(index N) {
    const index panels = (N + panel_width - 1) / panel_width;
    return transposed_a_k_block * (panels * panel_width + transposed_a_m_block);
  }
  static void run_transposed_a(Real* c, index ldc, const Real* a, index lda, const Real* b,
                               index ldb, index M, index N, index K, bool accumulate,
                               Real* scratch) {
    if (K == 0) {  // GCOVR_EXCL_START: the layer never multiplies over K = 0 (see fill)
      if (!accumulate) fill(c, ldc, M, N, nullptr, 0);
      return;
    }  // GCOVR_EXCL_STOP
    const index panels = (N + panel_width - 1) / panel_width;
    Real* b_packed = scratch;  // panels × kc × panel_width
    Real* a_packed = scratch + transposed_a_k_block * panels * panel_width;  // tiles × kc × rows
    for (index k0 = 0; k0 < K; k0 += transposed_a_k_block) {
      const index kc = K - k0 < transposed_a_k_block ? K - k0 : transposed_a_k_block;
      pack_panels_strided(b_packed, b + k0 * ldb, ldb, kc, N);  // panel p at p·kc·panel_width
      const Real* start = accumulate || k0 > 0 ? c : nullptr;
      const Real* a_k = a + k0 * lda;
      for (index m0 = 0; m0 < M; m0 += transposed_a_m_block) {
        const index rows = M - m0 < transposed_a_m_block ? M - m0 : transposed_a_m_block;
        const index tiles = rows / tile_rows;
        for (index t = 0; t < tiles; ++t)
          for (index k = 0; k < kc; ++k)
            std::memcpy(a_packed + (t * kc + k) * tile_rows, a_k + k * lda + m0 + t * tile_rows,
                        tile_rows * sizeof(Real));
        for (index p = 0; p < panels; ++p) {
          const index p0 = p * panel_width;
          const index columns = N - p0 < panel_width ? N - p0 : panel_width;
          const Real* panel = b_packed + p * kc * panel_width;
          auto start_at = [&](index m) { return start ? start + m * ldc + p0 : nullptr; };
          for (index t = 0; t < tiles; ++t) {
            const index m = m0 + t * tile_rows;
            row_block<tile_rows>(c + m * ldc + p0, ldc, a_packed + t * kc * tile_rows, 1,
                                 tile_rows, panel, panel_width, columns, kc, start_at(m), ldc);
          }
          for (index m = m0 + tiles * tile_rows; m < m0 + rows; ++m)
            row_block<1>(c + m * ldc + p0, ldc, a_k + m, 1, lda, panel, panel_width, columns,
                         kc, start_at(m), ldc);
        }
      }
    }
  }

  static void column_sums(Real* sums, const Real* a, index lda, index M, index N) {
    for (index m = 0; m < M; ++m)
      S::for_each_chunk(N, [&](index j, index n) {
        S::store(sums + j, S::load(sums + j, n) + S::load(a + m * lda + j, n), n);
      });
  }
};

}  // namespace rnn::kernels
