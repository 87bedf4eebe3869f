#pragma once
// xsimd helpers shared by the kernel headers. Everything is a template on Arch so that each
// instruction set's translation unit gets its own copy (no inline function compiled with AVX-512
// flags can be picked by the linker for the SSE2 path).
#include <cmath>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "kernels/table.hpp"
#include "mutation.hpp"

namespace rnn::kernels {

template <class Real, class Arch>
struct simd {
  using batch = xsimd::batch<Real, Arch>;
  static constexpr index width = static_cast<index>(batch::size);

  // Loads n <= width elements; the missing lanes are zero, so the math on them stays finite.
  static batch load(const Real* p, index n) {
    if (n == width) return batch::load_unaligned(p);
    alignas(64) Real lanes[width] = {};
    for (index i = 0; i < n; ++i) lanes[i] = p[i];
    if (RNNSUITE_PLANTED(tail_half_vector))  // a half-vector move, the lanes past it dropped
      for (index i = width / 2; i < n; ++i) lanes[i] = Real(0);
    return batch::load_aligned(lanes);
  }
  static void store(Real* p, const batch& v, index n) {
    if (n == width) {
      v.store_unaligned(p);
      return;
    }
    alignas(64) Real lanes[width];
    v.store_aligned(lanes);
    for (index i = 0; i < n; ++i) p[i] = lanes[i];
  }
  // The tail goes through the same vector math as the body (via load/store above), so every
  // element of a row is computed by the same formula whatever its position.
  template <class F>
  static void for_each_chunk(index n, F&& f) {
    index j = 0;
    for (; j + width <= n; j += width) f(j, width);
    if (j < n) f(j, n - j);
  }
  // a·b + c rounded once, on every instruction set with FMA. xsimd 8.1's fma for AVX-512 is
  // a·b + c in two operations (XSIMD-8.1.md), fused only where GCC happens to contract that
  // inlined copy, and two copies of one GEMM tile must give the same bits (LayerL2Paths compares
  // paths bit for bit). SSE2 has no FMA: there it is a·b + c, which nothing can contract either.
  static batch multiply_add(const batch& a, const batch& b, const batch& c) {
    if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
      if constexpr (std::is_same_v<Real, float>)
        return batch(_mm512_fmadd_ps(a, b, c));
      else
        return batch(_mm512_fmadd_pd(a, b, c));
    } else {
      return xsimd::fma(a, b, c);
    }
  }
  // The same for one value (a GEMM's tail columns).
  static Real multiply_add(Real a, Real b, Real c) {
#ifdef __FMA__
    return std::fma(a, b, c);
#else
    return a * b + c;  // no FMA instruction: nothing to contract either
#endif
  }
  // 1/(1+exp(-x)): 2 ulp (XSIMD-8.1.md); the approximate reciprocal is far too coarse for gates.
  static batch sigmoid(const batch& x) { return batch(Real(1)) / (batch(Real(1)) + xsimd::exp(-x)); }
  // tanh'(x) = 1/cosh²(x) = 4u/(1+u)² with u = exp(-2|x|). Written as 1 - tanh²(x) it cancels:
  // at |x| = 10 the stored tanh is 1 - 4e-9 and the difference keeps only ~8 of double's 16
  // digits, which is where an LSTM cell state sits under a forget gate near 1 (the verifier's
  // lstm_forget_1 regime caught it at T = 1000). This form has no subtraction and costs ~3 ulp.
  static batch sech_squared(const batch& x) {
    const batch u = xsimd::exp(Real(-2) * xsimd::abs(x));
    const batch one_plus_u = batch(Real(1)) + u;
    return Real(4) * u / (one_plus_u * one_plus_u);
  }
  // max(0, x) that keeps NaN (a max instruction would return 0 for a NaN x).
  static batch relu(const batch& x) { return xsimd::select(x < batch(Real(0)), batch(Real(0)), x); }
};

}  // namespace rnn::kernels
