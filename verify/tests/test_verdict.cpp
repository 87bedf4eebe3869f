// The verdict logic of one block (src/compare.hpp's judge) and of a leg, on constructed data:
// each verdict reached, and reached only where it should be.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "src/compare.hpp"
#include "src/conditioning.hpp"

namespace {

namespace v = rnnsuite::verify;
using rnnsuite::reference::real50;

std::vector<real50> values(std::initializer_list<double> list) {
  return std::vector<real50>(list.begin(), list.end());
}

v::block_check judge(const std::vector<real50>& checked, const std::vector<real50>& truth,
                     double tolerance, bool exploding = false, double floor = 0) {
  return v::detail::judge<real50>("dh", 3, checked, truth, tolerance, floor,
                                  v::detail::range_of<float>(), exploding);
}

TEST(Verdict, RelativeErrorAgainstTheBlocksOwnNormWithNoAbsoluteFloor) {
  // A block of size 1e-30 off by 1e-3 relative fails although its absolute error is 1e-33.
  const auto truth = values({3e-30, -4e-30});
  const auto wrong = values({3.003e-30, -4.004e-30});
  const v::block_check c = judge(wrong, truth, 1e-5);
  EXPECT_EQ(c.outcome, v::verdict::fail);
  EXPECT_NEAR(c.error, 1e-3, 1e-9);
  EXPECT_NEAR(c.reference_norm, 5e-30, 1e-40);
  EXPECT_EQ(judge(truth, truth, 1e-5).outcome, v::verdict::pass);
  // Rounding to float is within a few u of the truth: passes a tolerance of 4u, fails u/8.
  const auto rounded = values({static_cast<float>(1.0 / 3), static_cast<float>(2.0 / 3)});
  const auto exact = std::vector<real50>{real50(1) / 3, real50(2) / 3};
  EXPECT_EQ(judge(rounded, exact, 4 * 0x1p-24).outcome, v::verdict::pass);
  EXPECT_EQ(judge(rounded, exact, 0x1p-27).outcome, v::verdict::fail);
}

TEST(Verdict, UnderflowWhenTheTrueValueIsBelowTheFormatsNormalRange) {
  const auto truth = values({1e-39, -2e-39});  // below FLT_MIN = 1.18e-38
  EXPECT_EQ(judge(values({0, 0}), truth, 1e-5).outcome, v::verdict::underflow);
  // Underflow excuses the lost digits, not a result of normal size: that is a FAIL.
  EXPECT_EQ(judge(values({1e-39, 0}), truth, 1e-5).outcome, v::verdict::underflow);
  EXPECT_EQ(judge(values({1e-3, 0}), truth, 1e-5).outcome, v::verdict::fail);
  EXPECT_EQ(judge(values({0, -1e-30}), truth, 1e-5).outcome, v::verdict::fail);
  // Just above FLT_MIN it is judged, and a zero answer fails.
  EXPECT_EQ(judge(values({0, 0}), values({2e-38, 0}), 1e-5).outcome, v::verdict::fail);
}

TEST(Verdict, OverflowOnlyInExplodingRegimes) {
  const double inf = std::numeric_limits<double>::infinity();
  const auto truth = values({1e30, 2e30});
  EXPECT_EQ(judge(values({inf, 1}), truth, 1e-5, true).outcome, v::verdict::overflow);
  EXPECT_EQ(judge(values({inf, 1}), truth, 1e-5, false).outcome, v::verdict::fail);
  EXPECT_EQ(judge(values({std::nan(""), 1}), truth, 1e-5, false).outcome, v::verdict::fail);
  // A true value beyond FLT_MAX cannot be represented: OVERFLOW whatever the answer.
  EXPECT_EQ(judge(values({0, 0}), values({1e39, 0}), 1e-5, false).outcome, v::verdict::overflow);
}

TEST(Verdict, MistrustedWhenTheCheckCannotDecide) {
  const auto truth = values({1, 2});
  // A tolerance of 10 % demands not even one correct digit.
  EXPECT_EQ(judge(values({1.01, 2}), truth, 0.1).outcome, v::verdict::mistrusted);
  EXPECT_EQ(judge(values({1.01, 2}), truth, 0.05).outcome, v::verdict::pass);
  // Neither can a truth whose own error floor is not far below the tolerance.
  EXPECT_EQ(judge(truth, truth, 1e-6, false, 1e-8).outcome, v::verdict::mistrusted);
  EXPECT_EQ(judge(truth, truth, 1e-6, false, 1e-10).outcome, v::verdict::pass);
}

TEST(Verdict, ZeroTruthNeedsAnExactZero) {
  EXPECT_EQ(judge(values({0, 0}), values({0, 0}), 1e-5).outcome, v::verdict::pass);
  EXPECT_EQ(judge(values({0, 1e-40}), values({0, 0}), 1e-5).outcome, v::verdict::fail);
}

TEST(Verdict, LegTakesTheWorstAndOnlyPassFamiliesAreAcceptable) {
  v::leg_result r;
  r.checks = {{"dh", 0, 1e-8, 1e-6, 1, v::verdict::pass},
              {"dh", 1, 0, 1e-6, 1e-40, v::verdict::underflow},
              {"dx", 2, 5e-7, 1e-6, 1, v::verdict::pass}};
  v::detail::summarize(r);
  EXPECT_EQ(r.outcome, v::verdict::underflow);
  EXPECT_EQ(r.worst_block, "dx");
  EXPECT_EQ(r.worst_step, 2);
  EXPECT_DOUBLE_EQ(r.worst_ratio, 0.5);
  r.checks.push_back({"dc", 4, 1, 1e-6, 1, v::verdict::fail});
  v::detail::summarize(r);
  EXPECT_EQ(r.outcome, v::verdict::fail);
  EXPECT_FALSE(v::acceptable(v::verdict::fail));
  EXPECT_FALSE(v::acceptable(v::verdict::mistrusted));
  EXPECT_TRUE(v::acceptable(v::verdict::underflow));
  EXPECT_TRUE(v::acceptable(v::verdict::overflow));
  EXPECT_EQ(v::verdict_name(v::verdict::mistrusted), "MISTRUSTED");
}

TEST(Tolerance, GrowthIsTheLargestAmplificationBetweenTwoSteps) {
  // Norms from h0 to h_T: grows 1 → 100 then shrinks: the largest earlier-over-later ratio.
  EXPECT_DOUBLE_EQ(v::adjoint_growth({100, 10, 1}), 100);  // exploding backward: 100
  EXPECT_DOUBLE_EQ(v::adjoint_growth({1, 10, 100}), 1);    // vanishing: nothing amplified
  EXPECT_DOUBLE_EQ(v::adjoint_growth({4, 40, 2, 8}), 20);
  const v::tolerance_model m{0x1p-24, 10, 3, 5};
  EXPECT_DOUBLE_EQ(m.at_step(4), 0x1p-24 * 10 * 1 * 3);
  EXPECT_DOUBLE_EQ(m.at_step(-1), 0x1p-24 * 10 * std::sqrt(6.0) * 3);
  EXPECT_DOUBLE_EQ(m.for_sum(0.5), m.at_step(-1));
}

}  // namespace
