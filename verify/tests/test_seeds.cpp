// The seeds' worked examples to the digit (VERIFICATION.md): every printed number, from the
// chain rule in 50-digit arithmetic, and the two stacked sigmoid units run as the problem
// elman_sigmoid_t2_b1_i1_h1 through lib's f64 fast path:
//   step 1: x_1 = 1, h_0 = 0, W_ih = 0.5 → h_1 = σ(0.5) (the article's h);
//   step 2: x_2 = 0, W_hh = 0.5 → h_2 = σ(0.5·h_1) (the article's ŷ); biases 0;
//   MSE on the last step with target 1 and B = H = 1 is exactly (ŷ − 1)²;
//   dL/dW_ih is the article's dL/dW1 because x_2 = 0, and dL/dW_hh its dL/dW2 because h_0 = 0.
#include <gtest/gtest.h>

#include <cmath>
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
    EXPECT_LE(last_digit_units(value, digits.at(name)), 0.5) << name << " = " << rnnsuite::verify::decimal_string(value, 20);
  }
  // The chain's factors multiply to 2.2869e-05 exactly, not only to the printed digits.
  EXPECT_EQ(rnnsuite::verify::five_factor_chain<mp50>(), mp50("0.000022869"));
  // σ' peaks at 0: a little either side is smaller.
  EXPECT_LT(rnnsuite::verify::logistic_derivative(mp50("1e-10")), mp50("0.25"));
  EXPECT_LT(rnnsuite::verify::logistic_derivative(mp50("-1e-10")), mp50("0.25"));
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
  for (const auto& [name, value] : values)
    EXPECT_LE(last_digit_units(mp50(value), digits.at(name)), 0.5)
        << name << " = " << rnnsuite::verify::decimal_string(mp50(value), 20);
  // dL/dW2 is not printed; the 50-digit chain rule gives it.
  const auto e = rnnsuite::verify::two_units_example(mp50(1), mp50("0.5"), mp50("0.5"), mp50(1));
  EXPECT_NEAR(r.weight_hh[0], e.dloss_dw2.convert_to<double>(), 1e-15 * std::fabs(r.weight_hh[0]));  // a few ulp
}

}  // namespace
