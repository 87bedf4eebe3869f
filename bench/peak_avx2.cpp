// The FMA peak loop for AVX2+FMA; compiled with -mavx2 -mfma only (bench/CMakeLists.txt).
#include <immintrin.h>

#include "fma_chains.hpp"
#include "peak.hpp"

namespace bench {

float fma_loop_f32_avx2(long rounds) {
  return fma_chains<__m256, float, 8>(
      rounds, [](float v) { return _mm256_set1_ps(v); },
      [](__m256 x, __m256 y, __m256 z) { return _mm256_fmadd_ps(x, y, z); },
      [](__m256 x, __m256 y) { return _mm256_add_ps(x, y); },
      [](float* p, __m256 x) { _mm256_storeu_ps(p, x); });
}

double fma_loop_f64_avx2(long rounds) {
  return fma_chains<__m256d, double, 4>(
      rounds, [](double v) { return _mm256_set1_pd(v); },
      [](__m256d x, __m256d y, __m256d z) { return _mm256_fmadd_pd(x, y, z); },
      [](__m256d x, __m256d y) { return _mm256_add_pd(x, y); },
      [](double* p, __m256d x) { _mm256_storeu_pd(p, x); });
}

}  // namespace bench
