// layer_options.chunk_steps: forward and backward cut the sequence into chunks of steps (the
// input projection, dx and dW are GEMMs per chunk). Every chunk size, including one that does not
// divide T and windows of truncated BPTT that start inside a chunk, gives what one chunk gives
// (LayerGradients checks one chunk against finite differences): the same bits for the forward,
// dx and the per-step gradients, and dW and db up to the order of their sums.
#include <gtest/gtest.h>

#include <tuple>

#include "rnn/error.hpp"

#include "test_layer_support.hpp"

namespace rnn::test {
namespace {

class LayerChunks : public ::testing::TestWithParam<std::tuple<rnn::isa, rnn::cell>> {};

// dW and db add the same T·B products in another grouping: the difference is rounding, a few
// units of the format's roundoff times the number of chunks; a misplaced or dropped chunk row
// moves them by O(1).
template <class Real>
void check_chunks(rnn::isa isa, rnn::cell c, double sum_tolerance) {
  constexpr std::int64_t T = 7;
  const case_data d = make_case(c, T, 2, 3, 4, 57);
  for (std::int64_t steps : {0, 5, 1}) {
    const layer_result whole = run_layer<Real>(d, isa, steps, true, 1, T);
    ASSERT_EQ(whole.weight_ih.size(), d.weight_ih.size());
    for (std::int64_t chunk : {1, 2, 3, 6}) {
      const std::string what = format_problem(d.p) + " steps=" + std::to_string(steps) +
                               " chunk_steps=" + std::to_string(chunk);
      const layer_result r = run_layer<Real>(d, isa, steps, true, 1, chunk);
      EXPECT_EQ(r.output, whole.output) << what;
      EXPECT_EQ(r.c_n, whole.c_n) << what;
      EXPECT_EQ(r.x, whole.x) << what;
      EXPECT_EQ(r.h0, whole.h0) << what;
      EXPECT_EQ(r.c0, whole.c0) << what;
      EXPECT_EQ(r.h, whole.h) << what;
      EXPECT_EQ(r.c, whole.c) << what;
      EXPECT_LE(max_difference(r.weight_ih, whole.weight_ih), sum_tolerance) << what;
      EXPECT_LE(max_difference(r.weight_hh, whole.weight_hh), sum_tolerance) << what;
      EXPECT_LE(max_difference(r.bias_ih, whole.bias_ih), sum_tolerance) << what;
      EXPECT_LE(max_difference(r.bias_hh, whole.bias_hh), sum_tolerance) << what;
      // Threads split each chunk's rows the same way in every chunk: the same bits.
      const layer_result two = run_layer<Real>(d, isa, steps, true, 2, chunk);
      EXPECT_EQ(two.weight_ih, r.weight_ih) << what << " threads=2";
      EXPECT_EQ(two.weight_hh, r.weight_hh) << what << " threads=2";
      EXPECT_EQ(two.x, r.x) << what << " threads=2";
    }
  }
}

TEST_P(LayerChunks, DoubleAgreesWithOneChunk) {
  check_chunks<double>(std::get<0>(GetParam()), std::get<1>(GetParam()), 1e-14);
}
TEST_P(LayerChunks, FloatAgreesWithOneChunk) {
  check_chunks<float>(std::get<0>(GetParam()), std::get<1>(GetParam()), 1e-6);
}

INSTANTIATE_TEST_SUITE_P(EveryIsaAndCell, LayerChunks, every_isa_and_cell(), isa_and_cell_name());

TEST(LayerChunkOption, ClampedToTAndAutomaticWhenZero) {
  const case_data d = make_case(cell::gru, 5, 2, 3, 4, 5);
  problem p = d.p;
  p.precision = precision::f64;
  const parameters_view<double> w{d.weight_ih, d.weight_hh, d.bias_ih, d.bias_hh};
  EXPECT_EQ(layer<double>(p, w, layer_options{std::nullopt, 1, 3}).chunk_steps(), 3);
  EXPECT_EQ(layer<double>(p, w, layer_options{std::nullopt, 1, 99}).chunk_steps(), 5);
  // Automatic: small weights, about 256 rows per chunk, capped at T.
  EXPECT_EQ(layer<double>(p, w).chunk_steps(), 5);
}

TEST(LayerChunkOption, NegativeIsRejected) {
  const case_data d = make_case(cell::lstm, 2, 1, 2, 2, 5);
  problem p = d.p;
  p.precision = precision::f64;
  try {
    layer<double> L(p, parameters_view<double>{d.weight_ih, d.weight_hh, d.bias_ih, d.bias_hh},
                    layer_options{std::nullopt, 1, -3});
    FAIL() << "chunk_steps = -3 was accepted";
  } catch (const rnn::error& e) {
    EXPECT_NE(std::string(e.what()).find("layer_options.chunk_steps must be >= 0"),
              std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("-3"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rnn::test
