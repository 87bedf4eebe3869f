// Leg a on lib's fast path: it passes correct code in every cell, precision and instruction set
// on a quick regime, and every per-step block and per-gate parameter block is checked.
#include <gtest/gtest.h>

#include <set>

#include "rnnsuite/verify/legs.hpp"

namespace {

namespace v = rnnsuite::verify;

v::regime first_of(const std::string& family, rnn::precision p) {
  for (const v::regime& r : v::regimes(v::profile::quick, p))
    if (r.family == family && r.problem.B > 1) return r;
  throw std::runtime_error("no regime " + family);
}

class FastLeg : public ::testing::TestWithParam<std::string> {};

TEST_P(FastLeg, CorrectFastPathPassesOnEveryIsaAndPrecision) {
  for (rnn::precision p : {rnn::precision::f32, rnn::precision::f64}) {
    const v::regime r = first_of(GetParam(), p);
    const v::fast_path_check check(r);
    for (rnn::isa isa : rnn::available_isas()) {
      const v::leg_result res = check.run(isa);
      EXPECT_TRUE(v::acceptable(res.outcome))
          << res.problem << " " << res.isa << ": " << v::verdict_name(res.outcome) << " at "
          << res.worst_block << "@" << res.worst_step << " ratio " << res.worst_ratio;
      // Every step has dh and dx (and dc for LSTM); every gate its four parameter blocks.
      const bool lstm = r.problem.cell == rnn::cell::lstm;
      const std::size_t per_step = lstm ? 3 : 2;
      const std::size_t expected = r.problem.T * per_step + (lstm ? 2 : 1) + 4 * r.problem.G();
      EXPECT_EQ(res.checks.size(), expected);
      std::set<std::string> blocks;
      for (const auto& c : res.checks) {
        blocks.insert(c.block);
        if (c.outcome == v::verdict::pass) {
          EXPECT_LE(c.error, c.tolerance) << c.block;
        }
      }
      EXPECT_TRUE(blocks.count("dh") && blocks.count("dx") && blocks.count("dh0"));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Regimes, FastLeg,
                         ::testing::Values("elman_tanh_edge", "elman_sigmoid_vanishing",
                                           "elman_relu_exploding", "lstm_forget_1",
                                           "gru_update_0"));

// The tolerance is tight enough to matter: in double it is far below 1e-6 on a moderate regime
// (a gradcheck-style 1e-3 relative tolerance would be 1e9 times looser).
TEST(FastLeg, DoubleToleranceIsTight) {
  const v::leg_result res =
      v::check_fast_path(first_of("elman_tanh_vanishing", rnn::precision::f64),
                         rnn::available_isas().front());
  for (const auto& c : res.checks)
    if (c.outcome == v::verdict::pass) {
      EXPECT_LT(c.tolerance, 1e-9) << c.block << "@" << c.step;
    }
}

}  // namespace
