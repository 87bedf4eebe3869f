#pragma once
// The regime families (regimes.cpp), shared with the problem design (problem_design.cpp).
#include <vector>

#include "rnnsuite/verify/regimes.hpp"

namespace rnnsuite::verify::detail {

struct family_spec {
  const char* family;
  rnn::cell cell;
  double gain;
  std::vector<bias_shift> shifts;
  bool exploding;
  bool saturating;
  const char* shows;
};

const std::vector<family_spec>& families();

regime make_regime(const family_spec& f, const rnn::problem& p, std::uint64_t seed,
                   const execution& run);

}  // namespace rnnsuite::verify::detail
