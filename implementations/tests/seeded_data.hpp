#pragma once
// Deterministic test data in (-0.5, 0.5) from a 64-bit LCG: the same values in every test that
// compares two implementations on one problem.
#include <cstddef>
#include <cstdint>

#include "rnn/aligned.hpp"

namespace rnnsuite::impl::test {

template <class Real>
rnn::aligned_vector<Real> seeded(std::size_t n, std::uint64_t seed) {
  rnn::aligned_vector<Real> out(n);
  std::uint64_t s = seed;
  for (Real& v : out) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    v = Real(double(s >> 11) / 9007199254740992.0 - 0.5);
  }
  return out;
}

}  // namespace rnnsuite::impl::test
