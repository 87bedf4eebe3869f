#pragma once
// Before a float32 problem is timed, rnnsuite and oneDNN run it once on the same data and every
// output and gradient is compared, so both sides are known to compute the same thing.
#include <string>

#include "rnn/problem.hpp"

namespace bench {

// Normwise relative error ||ours - theirs|| / ||ours|| allowed per tensor. Two correct float32
// implementations differ by summation order only (measured below 1e-5 on the default suite); a
// wrong gate mapping, bias block or missing term gives errors of order 1.
inline constexpr double agreement_tolerance = 1e-3;

// Empty when every tensor agrees, else a message naming the first tensor that does not, its
// error and the tolerance. Computed once per problem and remembered (the fwd and fwdbwd
// benchmarks of both implementations share it).
const std::string& agreement_failure(const rnn::problem& p, int threads);

}  // namespace bench
