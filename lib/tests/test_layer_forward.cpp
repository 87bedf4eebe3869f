// rnn::layer forward against the scalar loop of test_layer_support.hpp, every cell × precision
// × instruction set, on sizes that leave vector tails and cross the GEMM's k-block.
#include <gtest/gtest.h>

#include <tuple>

#include "test_layer_support.hpp"

namespace rnn::test {
namespace {

class LayerForward : public ::testing::TestWithParam<std::tuple<rnn::isa, rnn::cell>> {};

template <class Real>
void check_forward(rnn::isa isa, rnn::cell c, std::int64_t T, std::int64_t B, std::int64_t I,
                   std::int64_t H, double tolerance) {
  const case_data d = make_case(c, T, B, I, H, 11);
  vec h_seq, c_seq;
  reference_forward(d, 0, d.h0, d.c0, h_seq, c_seq);
  const layer_result r = run_layer<Real>(d, isa);
  const std::size_t state = B * H;
  EXPECT_LE(max_difference(r.output, h_seq), tolerance) << format_problem(d.p);
  EXPECT_LE(max_difference(r.h_n, vec(h_seq.end() - state, h_seq.end())), tolerance);
  if (has_cell_state(c))
    EXPECT_LE(max_difference(r.c_n, vec(c_seq.end() - state, c_seq.end())), tolerance);
  else
    EXPECT_TRUE(r.c_n.empty());
}

// Tolerances: each output is a dot product of I+H ≤ 331 terms of size ≤ 1 followed by a
// well-conditioned gate function (|f'| ≤ 1) and a contractive recurrence (weights ≤ 0.5/√…),
// so the error is a few ulps × the number of terms: float 2^-24 · 331 · 4 ≈ 8e-5 at worst,
// typically far less; double the same factor × 2^-53 ≈ 1.5e-13.
TEST_P(LayerForward, FloatMatchesScalarLoop) {
  const auto [isa, c] = GetParam();
  check_forward<float>(isa, c, 5, 3, 7, 5, 1e-5);         // small: everything in vector tails
  check_forward<float>(isa, c, 3, 6, 300, 19, 8e-5);      // I > 256: crosses the k-block
  check_forward<float>(isa, c, 4, 1, 33, 70, 4e-5);       // batch 1, the matrix-vector path
}

TEST_P(LayerForward, DoubleMatchesScalarLoop) {
  const auto [isa, c] = GetParam();
  check_forward<double>(isa, c, 5, 3, 7, 5, 1e-14);
  check_forward<double>(isa, c, 3, 6, 300, 19, 1.5e-13);
  check_forward<double>(isa, c, 4, 1, 33, 70, 1e-13);
}

INSTANTIATE_TEST_SUITE_P(EveryIsaAndCell, LayerForward, every_isa_and_cell(), isa_and_cell_name());

}  // namespace
}  // namespace rnn::test
