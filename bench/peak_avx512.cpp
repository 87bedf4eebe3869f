// The FMA peak loop for AVX-512F; compiled with -mavx512f -mfma only (bench/CMakeLists.txt).
#include <immintrin.h>

#include "peak.hpp"

namespace bench {

float fma_loop_f32_avx512(long rounds) {
  // acc = acc·m + a converges to a / (1 - m): no overflow, no denormals, whatever `rounds` is.
  const __m512 m = _mm512_set1_ps(float(0.999)), a = _mm512_set1_ps(float(0.001));
  __m512 acc[12];
  for (int k = 0; k < 12; ++k) acc[k] = _mm512_set1_ps(float(k));
  for (long r = 0; r < rounds; ++r)
    for (int k = 0; k < 12; ++k) acc[k] = _mm512_fmadd_ps(acc[k], m, a);
  __m512 sum = acc[0];
  for (int k = 1; k < 12; ++k) sum = _mm512_add_ps(sum, acc[k]);
  // Summed through memory: GCC 12 warns on its own reduce intrinsics (_mm512_undefined).
  float lanes[16];
  _mm512_storeu_ps(lanes, sum);
  float total = 0;
  for (float lane : lanes) total += lane;
  return total;
}

double fma_loop_f64_avx512(long rounds) {
  // acc = acc·m + a converges to a / (1 - m): no overflow, no denormals, whatever `rounds` is.
  const __m512d m = _mm512_set1_pd(double(0.999)), a = _mm512_set1_pd(double(0.001));
  __m512d acc[12];
  for (int k = 0; k < 12; ++k) acc[k] = _mm512_set1_pd(double(k));
  for (long r = 0; r < rounds; ++r)
    for (int k = 0; k < 12; ++k) acc[k] = _mm512_fmadd_pd(acc[k], m, a);
  __m512d sum = acc[0];
  for (int k = 1; k < 12; ++k) sum = _mm512_add_pd(sum, acc[k]);
  // Summed through memory: GCC 12 warns on its own reduce intrinsics (_mm512_undefined).
  double lanes[8];
  _mm512_storeu_pd(lanes, sum);
  double total = 0;
  for (double lane : lanes) total += lane;
  return total;
}

}  // namespace bench
