// The seeds' worked examples to the digit (VERIFICATION.md): every printed number, from the
// chain rule in 50-digit arithmetic and in double, and the two stacked sigmoid units run as the
// problem elman_sigmoid_t2_b1_i1_h1 through the 50-digit reference and lib's f64 fast path:
//   step 1: x_1 = 1, h_0 = 0, W_ih = 0.5 → h_1 = σ(0.5) (the article's h);
//   step 2: x_2 = 0, W_hh = 0.5 → h_2 = σ(0.5·h_1) (the article's ŷ); biases 0;
//   MSE on the last step with target 1 and B = H = 1 is exactly (ŷ − 1)²;
//   dL/dW_ih is the article's dL/dW1 because x_2 = 0, and dL/dW_hh its dL/dW2 because h_0 = 0.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <string>

#include "rnnsuite/verify/seeds.hpp"
#include "test_theory_support.hpp"

namespace {

using rnnsuite::verify::last_digit_units;
using rnnsuite::verify::mp50;

std::map<std::string, std::string> printed() {
  std::map<std::string, std::string> m;
  for (const auto& s : rnnsuite::verify::printed_seeds()) m[s.quantity] = s.digits;
  return m;
}

// VERIFICATION.md's 16-digit numbers are what a double computation printed: the double
// evaluation of the chain rule reproduces every one of them digit for digit, and so must lib's
// f64 fast path. The truth (50 digits here, checked against `bc -l` at scale=40 below) rounds to
// the same 16 digits except in the last digit of dL/dŷ (truth −0.84562923971069540866…) and of
// dL/dW1 (−0.02424878796807072433…), where the printed digit is double's rounding error, less
// than one unit of that digit.
::testing::AssertionResult prints_as(double value, const std::string& printed) {
  const std::string ours =
      rnnsuite::verify::decimal_string(mp50(value), rnnsuite::verify::significant_digits(printed));
  if (mp50(ours) == mp50(printed)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << ours << " instead of " << printed;
}

TEST(seeds, printed_digits_are_counted_as_printed) {
  EXPECT_EQ(rnnsuite::verify::significant_digits("-0.02424878796807073"), 16);
  EXPECT_EQ(rnnsuite::verify::significant_digits("2.2869e-05"), 5);
  EXPECT_EQ(rnnsuite::verify::significant_digits("0.25"), 2);
  // 0.5 units of the last digit is the rounding boundary.
  EXPECT_LE(last_digit_units(mp50("0.123449"), "0.1234"), 0.5);
  EXPECT_GT(last_digit_units(mp50("0.123451"), "0.1234"), 0.5);
}

TEST(seeds, every_printed_number_from_the_chain_rule_in_50_digits) {
  const auto table = rnnsuite::verify::seed_table();
  ASSERT_EQ(table.size(), 9u);
  const auto e = rnnsuite::verify::two_units_example(mp50(1), mp50("0.5"), mp50("0.5"), mp50(1));
  const auto digits = printed();
  const std::pair<const char*, mp50> values[] = {
      {"five-factor chain", rnnsuite::verify::five_factor_chain<mp50>()},
      {"sigma'(0) (the maximum)", rnnsuite::verify::logistic_derivative(mp50(0))},
      {"h", e.h},
      {"y_hat", e.y_hat},
      {"L", e.loss},
      {"dL/dy_hat", e.dloss_dy_hat},
      {"sigma'(0.311...)", e.dsigma_output},
      {"sigma'(0.5)", e.dsigma_hidden},
      {"dL/dW1", e.dloss_dw1}};
  for (const auto& [name, value] : values) {
    ASSERT_TRUE(digits.count(name)) << name;
    const std::string& printed = digits.at(name);
    const bool long_entry = rnnsuite::verify::significant_digits(printed) >= 15;
    // All printed digits, the last within one unit (double's error) for the 16-digit entries.
    EXPECT_LE(last_digit_units(value, printed), long_entry ? 1.0 : 0.5)
        << name << " = " << rnnsuite::verify::decimal_string(value, 20);
  }
  // The truth itself, to 39 digits, from an independent tool: `bc -l` with scale=40 and
  // s(x) = 1/(1+e(-x)) (h = s(0.5), ŷ = s(0.5h), L = (ŷ−1)², dL/dW1 = 2(ŷ−1)·ŷ(1−ŷ)·0.5·h(1−h)).
  const std::pair<mp50, const char*> bc[] = {
      {e.h, "0.6224593312018545646389005657455084787532"},
      {e.y_hat, "0.5771853801446522956712669031614953663511"},
      {e.loss, "0.1787722027634221891681755654853586977393"},
      {e.dloss_dy_hat, "-0.8456292397106954086574661936770092672978"},
      {e.dloss_dw1, "-0.0242487879680707243305648811066588523053"}};
  for (const auto& [value, digits40] : bc)
    EXPECT_LT(abs(value - mp50(digits40)), mp50("1e-39")) << digits40;
  // The chain's factors multiply to 2.2869e-05 exactly (to 50-digit rounding), not only to the
  // printed digits.
  EXPECT_LT(abs(rnnsuite::verify::five_factor_chain<mp50>() - mp50("0.000022869")), mp50("1e-50"));
  // σ' peaks at 0: a little either side is smaller.
  EXPECT_LT(rnnsuite::verify::logistic_derivative(mp50("1e-10")), mp50("0.25"));
  EXPECT_LT(rnnsuite::verify::logistic_derivative(mp50("-1e-10")), mp50("0.25"));
}

TEST(seeds, the_double_chain_rule_prints_every_printed_digit) {
  const auto e = rnnsuite::verify::two_units_example(1.0, 0.5, 0.5, 1.0);
  const auto digits = printed();
  EXPECT_TRUE(
      prints_as(rnnsuite::verify::five_factor_chain<double>(), digits.at("five-factor chain")));
  EXPECT_TRUE(
      prints_as(rnnsuite::verify::logistic_derivative(0.0), digits.at("sigma'(0) (the maximum)")));
  EXPECT_TRUE(prints_as(e.h, digits.at("h")));
  EXPECT_TRUE(prints_as(e.y_hat, digits.at("y_hat")));
  EXPECT_TRUE(prints_as(e.loss, digits.at("L")));
  EXPECT_TRUE(prints_as(e.dloss_dy_hat, digits.at("dL/dy_hat")));
  EXPECT_TRUE(prints_as(e.dsigma_output, digits.at("sigma'(0.311...)")));
  EXPECT_TRUE(prints_as(e.dsigma_hidden, digits.at("sigma'(0.5)")));
  EXPECT_TRUE(prints_as(e.dloss_dw1, digits.at("dL/dW1")));
}

TEST(seeds, two_stacked_units_as_an_elman_problem_in_lib_f64) {
  const rnn::problem p = rnn::parse_problem("elman_sigmoid_t2_b1_i1_h1_f64");
  const rnn::parameters<double> params{{0.5}, {0.5}, {0.0}, {0.0}};
  rnn::inputs<double> in;
  in.x = {1.0, 0.0}, in.h0 = {0.0}, in.target = {0.0, 1.0};
  const auto r = rnnsuite::theory_test::run_fast_as<double>(p, params, in, rnn::loss_kind::last);
  const auto digits = printed();
  const std::pair<const char*, double> values[] = {{"h", r.output[0]},
                                                   {"y_hat", r.output[1]},
                                                   {"L", r.loss},
                                                   {"dL/dy_hat", r.grad_h[1]},
                                                   {"dL/dW1", r.weight_ih[0]}};
  for (const auto& [name, value] : values) EXPECT_TRUE(prints_as(value, digits.at(name))) << name;
  // dL/dW2 is not printed; the 50-digit chain rule gives it.
  const auto e = rnnsuite::verify::two_units_example(mp50(1), mp50("0.5"), mp50("0.5"), mp50(1));
  EXPECT_NEAR(r.weight_hh[0], e.dloss_dw2.convert_to<double>(),
              1e-15 * std::fabs(r.weight_hh[0]));  // a few ulp
}

}  // namespace

namespace {

TEST(seeds, two_stacked_units_as_an_elman_problem_in_the_50_digit_reference) {
  const rnn::problem p = rnn::parse_problem("elman_sigmoid_t2_b1_i1_h1_f64");
  const rnn::parameters<double> params{{0.5}, {0.5}, {0.0}, {0.0}};
  rnn::inputs<double> in;
  in.x = {1.0, 0.0}, in.h0 = {0.0}, in.target = {0.0, 1.0};
  const auto r = rnnsuite::verify::run_reference<mp50>(
      p, rnnsuite::verify::to_reference<mp50>(params), in, rnn::loss_kind::last);
  const auto e = rnnsuite::verify::two_units_example(mp50(1), mp50("0.5"), mp50("0.5"), mp50(1));
  const std::pair<mp50, mp50> same[] = {{r.run.output[0], e.h},
                                        {r.run.output[1], e.y_hat},
                                        {r.loss, e.loss},
                                        {r.grads.h[1], e.dloss_dy_hat},
                                        {r.grads.weight_ih[0], e.dloss_dw1},
                                        {r.grads.weight_hh[0], e.dloss_dw2}};
  for (const auto& [reference, chain_rule] : same)
    EXPECT_LE(abs(reference - chain_rule), mp50("1e-48"))
        << rnnsuite::verify::decimal_string(reference, 20);
  // σ'(0.311…) and σ'(0.5) as the reference's BPTT sees them: dL/dh_1 = dL/dŷ·σ'(0.5h)·W_hh.
  EXPECT_LE(abs(r.grads.h[0] / (r.grads.h[1] * mp50("0.5")) - e.dsigma_output), mp50("1e-48"));
  const auto digits = printed();
  for (const auto& [name, value] :
       {std::pair{"h", r.run.output[0]}, std::pair{"y_hat", r.run.output[1]},
        std::pair{"L", r.loss}, std::pair{"dL/dy_hat", r.grads.h[1]},
        std::pair{"dL/dW1", r.grads.weight_ih[0]}})
    EXPECT_LE(last_digit_units(value, digits.at(name)), 1.0) << name;
}

}  // namespace
