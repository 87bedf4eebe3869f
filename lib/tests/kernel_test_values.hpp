#pragma once
// Operands for the kernel tests below the layer (test_gemm.cpp, test_matvec.cpp).
#include <cmath>
#include <cstdint>

#include "rnn/aligned.hpp"

namespace rnn::testing_support {

// Deterministic values in [-1, 1) with a varied exponent, so that no sum is exact by accident.
template <class Real>
aligned_vector<Real> values(std::size_t n, unsigned seed) {
  aligned_vector<Real> v(n);
  std::uint64_t state = 0x9e3779b97f4a7c15ull * (seed + 1);
  for (auto& x : v) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const double u = double(state >> 11) / double(1ull << 53);  // [0, 1)
    x = Real((2 * u - 1) * std::ldexp(1.0, -int(state % 5)));
  }
  return v;
}

}  // namespace rnn::testing_support
