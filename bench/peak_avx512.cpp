// The FMA peak loop for AVX-512F; compiled with -mavx512f -mfma only (bench/CMakeLists.txt).
#include <immintrin.h>

#include "fma_chains.hpp"
#include "peak.hpp"

namespace bench {

float fma_loop_f32_avx512(long rounds) {
  return fma_chains<__m512, float, 16>(
      rounds, [](float v) { return _mm512_set1_ps(v); },
      [](__m512 x, __m512 y, __m512 z) { return _mm512_fmadd_ps(x, y, z); },
      [](__m512 x, __m512 y) { return _mm512_add_ps(x, y); },
      [](float* p, __m512 x) { _mm512_storeu_ps(p, x); });
}

double fma_loop_f64_avx512(long rounds) {
  return fma_chains<__m512d, double, 8>(
      rounds, [](double v) { return _mm512_set1_pd(v); },
      [](__m512d x, __m512d y, __m512d z) { return _mm512_fmadd_pd(x, y, z); },
      [](__m512d x, __m512d y) { return _mm512_add_pd(x, y); },
      [](double* p, __m512d x) { _mm512_storeu_pd(p, x); });
}

}  // namespace bench
