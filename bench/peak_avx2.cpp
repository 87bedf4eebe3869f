// The FMA peak loop for AVX2+FMA; compiled with -mavx2 -mfma only (bench/CMakeLists.txt).
#include <immintrin.h>

#include "peak.hpp"

namespace bench {

float fma_loop_f32_avx2(long rounds) {
  // acc = acc·m + a converges to a / (1 - m): no overflow, no denormals, whatever `rounds` is.
  const __m256 m = _mm256_set1_ps(float(0.999)), a = _mm256_set1_ps(float(0.001));
  __m256 acc[12];
  for (int k = 0; k < 12; ++k) acc[k] = _mm256_set1_ps(float(k));
  for (long r = 0; r < rounds; ++r)
    for (int k = 0; k < 12; ++k) acc[k] = _mm256_fmadd_ps(acc[k], m, a);
  __m256 sum = acc[0];
  for (int k = 1; k < 12; ++k) sum = _mm256_add_ps(sum, acc[k]);
  // Summed through memory, as in peak_avx512.cpp (where GCC 12 warns on its reduce intrinsics).
  float lanes[8];
  _mm256_storeu_ps(lanes, sum);
  float total = 0;
  for (float lane : lanes) total += lane;
  return total;
}

double fma_loop_f64_avx2(long rounds) {
  // acc = acc·m + a converges to a / (1 - m): no overflow, no denormals, whatever `rounds` is.
  const __m256d m = _mm256_set1_pd(double(0.999)), a = _mm256_set1_pd(double(0.001));
  __m256d acc[12];
  for (int k = 0; k < 12; ++k) acc[k] = _mm256_set1_pd(double(k));
  for (long r = 0; r < rounds; ++r)
    for (int k = 0; k < 12; ++k) acc[k] = _mm256_fmadd_pd(acc[k], m, a);
  __m256d sum = acc[0];
  for (int k = 1; k < 12; ++k) sum = _mm256_add_pd(sum, acc[k]);
  // Summed through memory, as in peak_avx512.cpp (where GCC 12 warns on its reduce intrinsics).
  double lanes[4];
  _mm256_storeu_pd(lanes, sum);
  double total = 0;
  for (double lane : lanes) total += lane;
  return total;
}

}  // namespace bench
