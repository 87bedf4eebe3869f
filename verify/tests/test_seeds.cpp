// The seeds' worked examples to the digit (VERIFICATION.md): every number the articles print, as
// printed, is the exact value (50 digits, checked against `bc -l`) correctly rounded to the
// printed digits; the same example runs as the problem elman_sigmoid_t2_b1_i1_h1 through the
// 50-digit reference and lib's f64 fast path:
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

namespace v = rnnsuite::verify;
using v::last_digit_units;
using v::mp50;
using v::rounded_as_printed;
using v::rounding_check;

// The printed number of article_quotes() by quantity.
std::string printed(const std::string& quantity) {
  for (const auto& q : v::article_quotes())
    if (q.quantity == quantity) return q.printed;
  ADD_FAILURE() << "no quote of " << quantity;
  return "";
}

// VERIFICATION.md's 16-digit values, which its summary of the articles gives. They are a double
// computation's: the double chain rule prints every one digit for digit, the exact value rounds
// to all but two of them (see finding_verification_md_values_are_double_results).
const std::map<std::string, std::string> verification_md = {
    {"h", "0.6224593312018546"},         {"y_hat", "0.5771853801446523"},
    {"L", "0.1787722027634222"},         {"dL/dy_hat", "-0.8456292397106955"},
    {"sigma'(z)", "0.2440424170919255"}, {"sigma'(0.5)", "0.2350037122015945"},
    {"dL/dW1", "-0.02424878796807073"}};

::testing::AssertionResult prints_as(double value, const std::string& digits) {
  const std::string ours = v::decimal_string(mp50(value), v::significant_digits(digits));
  if (mp50(ours) == mp50(digits)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << ours << " instead of " << digits;
}

TEST(seeds, printed_digits_are_counted_as_printed) {
  EXPECT_EQ(v::significant_digits("-0.02424878796807073"), 16);
  EXPECT_EQ(v::significant_digits("0.000022869"), 5);
  EXPECT_EQ(v::significant_digits("0.25"), 2);
  // 0.5 units of the last digit is the rounding boundary.
  EXPECT_LE(last_digit_units(mp50("0.123449"), "0.1234"), 0.5);
  EXPECT_GT(last_digit_units(mp50("0.123451"), "0.1234"), 0.5);
}

// The rule: round to nearest at the printed last decimal place, written as the article writes it.
TEST(seeds, a_quote_off_in_its_last_digit_is_reported_not_hidden) {
  EXPECT_EQ(rounded_as_printed(mp50("0.0000228694"), "0.000022869"), "0.000022869");
  EXPECT_EQ(rounded_as_printed(mp50("-0.0245001"), "-0.024"), "-0.025");
  EXPECT_EQ(rounding_check(mp50("0.25"), "0.25"), "exact");
  EXPECT_EQ(rounding_check(mp50("0.2500000000001"), "0.25"), "correctly rounded");
  EXPECT_EQ(rounding_check(mp50("0.62249"), "0.622"), "correctly rounded");
  EXPECT_EQ(rounding_check(mp50("0.62251"), "0.622"),
            "off by 1 in the last digit (rounds to 0.623)");
  EXPECT_EQ(rounding_check(mp50("-0.0242"), "-0.026"),
            "off by 2 in the last digit (rounds to -0.024)");
}

TEST(seeds, every_article_quote_is_the_exact_value_correctly_rounded) {
  const auto quotes = v::article_quotes();
  ASSERT_EQ(quotes.size(), 12u);
  for (const auto& q : quotes) {
    SCOPED_TRACE(q.quantity + " " + q.quote + " (" + q.article + ")");
    // The table shows the words around the number: they must hold the number checked.
    EXPECT_NE(q.quote.find(q.printed), std::string::npos);
    EXPECT_EQ(rounded_as_printed(q.exact, q.printed), q.printed);
    // The same rule without string formatting: within half a unit of the last printed digit.
    EXPECT_LE(last_digit_units(q.exact, q.printed), 0.5) << v::decimal_string(q.exact, 20);
  }
  // No article is off in its last digit; the chain and σ's maximum are exact decimals.
  for (const auto& row : v::seed_table()) {
    const bool exact_decimal = row.article == "000_c4e547b6ee68a87e.txt";
    EXPECT_EQ(row.check.substr(0, row.check.find(';')),
              exact_decimal ? "exact" : "correctly rounded")
        << row.quantity;
    EXPECT_NE(row.quote.find(row.exact_as_printed), std::string::npos) << row.quantity;
  }
}

// Article 000 writes that σ' "ranges between (0,0.25)"; the maximum 0.25 is attained, at 0.
TEST(seeds, finding_the_sigmoid_derivative_reaches_its_bound) {
  EXPECT_EQ(v::logistic_derivative(mp50(0)), mp50("0.25"));  // exactly, not only to 2 digits
  EXPECT_LT(v::logistic_derivative(mp50("1e-10")), mp50("0.25"));
  EXPECT_LT(v::logistic_derivative(mp50("-1e-10")), mp50("0.25"));
  bool shown = false;
  for (const auto& row : v::seed_table())
    shown = shown || row.check == "exact; the range is (0,0.25]: σ'(0) = 0.25 exactly";
  EXPECT_TRUE(shown) << "the table no longer states the finding";
}

TEST(seeds, exact_values_against_bc) {
  // From an independent tool: `bc -l` with scale=40 and s(x) = 1/(1+e(-x)) (h = s(0.5),
  // z = 0.5h, ŷ = s(z), L = (ŷ−1)², σ'(z) = ŷ(1−ŷ), σ'(0.5) = h(1−h), dL/dW1 =
  // 2(ŷ−1)·0.5σ'(z)·σ'(0.5)).
  const auto e = v::two_units_example(mp50(1), mp50("0.5"), mp50("0.5"), mp50(1));
  const std::pair<mp50, const char*> bc[] = {
      {e.h, "0.6224593312018545646389005657455084787532"},
      {e.z_output, "0.3112296656009272823194502828727542393766"},
      {e.y_hat, "0.5771853801446522956712669031614953663511"},
      {e.loss, "0.1787722027634221891681755654853586977393"},
      {e.dloss_dy_hat, "-0.8456292397106954086574661936770092672978"},
      {e.dsigma_output, "0.2440424170919255151605575313531459359095"},
      {e.dy_hat_dh, "0.1220212085459627575802787656765729679547"},
      {e.dsigma_hidden, "0.2350037122015944890693026950210069441900"},
      {e.dh_dw1, "0.2350037122015944890693026950210069441900"},
      {e.dloss_dw1, "-0.0242487879680707243305648811066588523053"}};
  for (const auto& [value, digits40] : bc)
    EXPECT_LT(abs(value - mp50(digits40)), mp50("1e-39")) << digits40;
  // The chain's factors multiply to 0.000022869 exactly (to 50-digit rounding).
  EXPECT_LT(abs(v::five_factor_chain<mp50>() - mp50("0.000022869")), mp50("1e-50"));
}

// VERIFICATION.md's −0.8456292397106955 and −0.02424878796807073 are double's rounding error: the
// exact values round to …954 and …072. The other five are the exact values correctly rounded.
TEST(seeds, finding_verification_md_values_are_double_results) {
  const auto e = v::two_units_example(mp50(1), mp50("0.5"), mp50("0.5"), mp50(1));
  const std::pair<const char*, mp50> exact[] = {{"h", e.h},
                                                {"y_hat", e.y_hat},
                                                {"L", e.loss},
                                                {"dL/dy_hat", e.dloss_dy_hat},
                                                {"sigma'(z)", e.dsigma_output},
                                                {"sigma'(0.5)", e.dsigma_hidden},
                                                {"dL/dW1", e.dloss_dw1}};
  for (const auto& [name, value] : exact) {
    const std::string& digits = verification_md.at(name);
    const std::string check = rounding_check(value, digits);
    if (std::string(name) == "dL/dy_hat")
      EXPECT_EQ(check, "off by 1 in the last digit (rounds to -0.8456292397106954)");
    else if (std::string(name) == "dL/dW1")
      EXPECT_EQ(check, "off by 1 in the last digit (rounds to -0.02424878796807072)");
    else
      EXPECT_EQ(check, "correctly rounded") << name;
  }
  const auto d = v::two_units_example(1.0, 0.5, 0.5, 1.0);
  const std::pair<const char*, double> in_double[] = {{"h", d.h},
                                                      {"y_hat", d.y_hat},
                                                      {"L", d.loss},
                                                      {"dL/dy_hat", d.dloss_dy_hat},
                                                      {"sigma'(z)", d.dsigma_output},
                                                      {"sigma'(0.5)", d.dsigma_hidden},
                                                      {"dL/dW1", d.dloss_dw1}};
  for (const auto& [name, value] : in_double)
    EXPECT_TRUE(prints_as(value, verification_md.at(name))) << name;
  EXPECT_TRUE(prints_as(v::five_factor_chain<double>(), "0.000022869"));
}

TEST(seeds, two_stacked_units_as_an_elman_problem_in_lib_f64) {
  const rnn::problem p = rnn::parse_problem("elman_sigmoid_t2_b1_i1_h1_f64");
  const rnn::parameters<double> params{{0.5}, {0.5}, {0.0}, {0.0}};
  rnn::inputs<double> in;
  in.x = {1.0, 0.0}, in.h0 = {0.0}, in.target = {0.0, 1.0};
  const auto r = rnnsuite::theory_test::run_fast_as<double>(p, params, in, rnn::loss_kind::last);
  const std::pair<const char*, double> values[] = {{"h", r.output[0]},
                                                   {"y_hat", r.output[1]},
                                                   {"L", r.loss},
                                                   {"dL/dy_hat", r.grad_h[1]},
                                                   {"dL/dW1", r.weight_ih[0]}};
  // lib computes as the double chain rule does, to VERIFICATION.md's 16 digits.
  for (const auto& [name, value] : values)
    EXPECT_TRUE(prints_as(value, verification_md.at(name))) << name;
  // And to the articles' digits.
  EXPECT_EQ(rounded_as_printed(mp50(r.output[0]), printed("h = σ(W1·x)")), "0.622");
  EXPECT_EQ(rounded_as_printed(mp50(r.weight_ih[0]), printed("∂L/∂W1")), "-0.024");
  // dL/dW2 is not printed; the 50-digit chain rule gives it.
  const auto e = v::two_units_example(mp50(1), mp50("0.5"), mp50("0.5"), mp50(1));
  EXPECT_NEAR(r.weight_hh[0], e.dloss_dw2.convert_to<double>(),
              1e-15 * std::fabs(r.weight_hh[0]));  // a few ulp
}

TEST(seeds, two_stacked_units_as_an_elman_problem_in_the_50_digit_reference) {
  const rnn::problem p = rnn::parse_problem("elman_sigmoid_t2_b1_i1_h1_f64");
  const rnn::parameters<double> params{{0.5}, {0.5}, {0.0}, {0.0}};
  rnn::inputs<double> in;
  in.x = {1.0, 0.0}, in.h0 = {0.0}, in.target = {0.0, 1.0};
  const auto r = v::run_reference<mp50>(p, v::to_reference<mp50>(params), in, rnn::loss_kind::last);
  const auto e = v::two_units_example(mp50(1), mp50("0.5"), mp50("0.5"), mp50(1));
  const std::pair<mp50, mp50> same[] = {{r.run.output[0], e.h},
                                        {r.run.output[1], e.y_hat},
                                        {r.loss, e.loss},
                                        {r.grads.h[1], e.dloss_dy_hat},
                                        {r.grads.weight_ih[0], e.dloss_dw1},
                                        {r.grads.weight_hh[0], e.dloss_dw2}};
  for (const auto& [reference, chain_rule] : same)
    EXPECT_LE(abs(reference - chain_rule), mp50("1e-48")) << v::decimal_string(reference, 20);
  // ∂ŷ/∂h as the reference's BPTT sees it: dL/dh_1 = dL/dŷ·W_hh·σ'(0.5h).
  EXPECT_LE(abs(r.grads.h[0] / r.grads.h[1] - e.dy_hat_dh), mp50("1e-48"));
  // The reference, rounded as the article prints, gives the article's digits.
  const std::pair<const char*, mp50> quoted[] = {{"h = σ(W1·x)", r.run.output[0]},
                                                 {"ŷ = σ(z)", r.run.output[1]},
                                                 {"L = (ŷ − y)²", r.loss},
                                                 {"∂L/∂ŷ = 2(ŷ − y)", r.grads.h[1]},
                                                 {"∂L/∂W1", r.grads.weight_ih[0]}};
  for (const auto& [name, value] : quoted)
    EXPECT_EQ(rounded_as_printed(value, printed(name)), printed(name)) << name;
}

}  // namespace
