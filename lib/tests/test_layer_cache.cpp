// layer_options.l2_bytes: the L2 size lib's blocking follows. It is read from the OS unless
// given; a bad value is refused; the chunk size follows it; and the paths it switches on (the
// batch-1 sweep in alternating order, the column split of the per-step products with several
// threads) give the same bits as the paths they replace, on every instruction set and cell.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "rnn/cache.hpp"
#include "rnn/error.hpp"

#include "test_layer_support.hpp"

namespace rnn::test {
namespace {

TEST(L2CacheBytes, WhatTheOsReportsOrTheFallback) {
  EXPECT_EQ(l2_bytes_from_report(1 << 20), std::size_t(1) << 20);
  EXPECT_EQ(l2_bytes_from_report(0), fallback_l2_bytes);
  EXPECT_EQ(l2_bytes_from_report(-1), fallback_l2_bytes);
  EXPECT_EQ(l2_cache_bytes(), l2_bytes_from_report(sysconf(_SC_LEVEL2_CACHE_SIZE)));
}

template <class Real>
layer<Real> make_layer(const problem& shape, std::size_t l2_bytes) {
  problem p = shape;
  p.precision = sizeof(Real) == 4 ? precision::f32 : precision::f64;
  // The layer packs its own copies of the weights: these may go when it is built.
  const tensor_sizes n = sizes_of(p);
  const std::vector<Real> w_ih(n.weight_ih), w_hh(n.weight_hh), bias(n.bias);
  return layer<Real>(p, parameters_view<Real>{w_ih, w_hh, bias, bias},
                     layer_options{std::nullopt, 1, 0, l2_bytes});
}

TEST(LayerL2Option, DefaultIsWhatTheOsReports) {
  const problem p{cell::gru, 3, 2, 4, 5, precision::f32};
  EXPECT_EQ(make_layer<float>(p, 0).l2_bytes(), l2_cache_bytes());
  EXPECT_EQ(make_layer<float>(p, 3 << 20).l2_bytes(), std::size_t(3) << 20);
}

TEST(LayerL2Option, ChunkSizeFollowsIt) {
  // lstm H = I = 256 in float: W_ih is 1 MiB. Half of a 2 MiB L2 holds it: about 256 rows per
  // chunk but at most 256 KiB of deltas (4 steps of 16 × 1024 floats). Half of a 1 MiB L2 does
  // not: 512 rows, 32 steps.
  const problem p{cell::lstm, 64, 16, 256, 256, precision::f32};
  EXPECT_EQ(make_layer<float>(p, 2 << 20).chunk_steps(), 4);
  EXPECT_EQ(make_layer<float>(p, 1 << 20).chunk_steps(), 32);
}

TEST(LayerL2Option, OutOfRangeIsRejected) {
  const problem p{cell::lstm, 2, 1, 2, 2, precision::f32};
  for (std::size_t bad : {std::size_t(1), std::size_t(4095), std::size_t(1) << 41}) {
    try {
      make_layer<float>(p, bad);
      FAIL() << "l2_bytes = " << bad << " was accepted";
    } catch (const rnn::error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("layer_options.l2_bytes"), std::string::npos) << what;
      EXPECT_NE(what.find(std::to_string(bad)), std::string::npos) << what;
    }
  }
}

class LayerL2Paths : public ::testing::TestWithParam<std::tuple<rnn::isa, rnn::cell>> {};

// A 4 KiB "L2" puts small problems on the large-weight paths. What they compute is the same
// per element, so the bits must be those of a 64 MiB L2, where every path is the small-weight one.
template <class Real>
void check_paths(rnn::isa isa, rnn::cell c) {
  constexpr std::size_t tiny = 4096, huge = std::size_t(64) << 20;
  // Batch 1, H = 40: W_hh (G·H × H) is at least 6.4 KiB, over half of 4 KiB, and spans
  // several 32-row blocks, so the matvecs sweep it in alternating order.
  // Batch 3, H = 100: with two threads the per-step products are split by columns at panel
  // boundaries, G·H columns forward and H backward (100 ends in a partial panel on every ISA).
  for (auto [B, threads] : {std::tuple{1, 1}, std::tuple{3, 2}}) {
    const std::int64_t H = B == 1 ? 40 : 100;
    const case_data d = make_case(c, 4, B, 7, H, 311);
    const std::string what = std::string(isa_name(isa)) + " " + format_problem(d.p) +
                             " threads=" + std::to_string(threads);
    const layer_result small_path = run_layer<Real>(d, isa, 0, true, threads, 0, huge);
    const layer_result large_path = run_layer<Real>(d, isa, 0, true, threads, 0, tiny);
    ASSERT_EQ(large_path.output.size(), std::size_t(4 * B * H));
    expect_identical(large_path, small_path, what);
  }
}

TEST_P(LayerL2Paths, FloatSameBits) {
  check_paths<float>(std::get<0>(GetParam()), std::get<1>(GetParam()));
}
TEST_P(LayerL2Paths, DoubleSameBits) {
  check_paths<double>(std::get<0>(GetParam()), std::get<1>(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(EveryIsaAndCell, LayerL2Paths, every_isa_and_cell(), isa_and_cell_name());

}  // namespace
}  // namespace rnn::test
