#pragma once
// The worked examples of the articles in seeds/ (VERIFICATION.md), recomputed by the chain rule in
// any Real: a chain of five sigmoid-derivative factors (seeds/000_c4e547b6ee68a87e.txt), and two
// stacked sigmoid units, x = 1, W1 = W2 = 0.5, y = 1, L = (ŷ − y)²
// (seeds/001_6e24fad7a4986caa.txt). article_quotes() holds every number the articles print, as
// printed, beside its 50-digit value; the tests check each is that value correctly rounded, and the
// explorer prints seed_table().
#include <boost/multiprecision/mpfr.hpp>
#include <cmath>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <vector>

namespace rnnsuite::verify {

// A decimal constant in Real, rounded once (0.21 is not a double).
template <class Real>
Real decimal(const char* digits) {
  if constexpr (std::is_floating_point_v<Real>)
    return static_cast<Real>(std::strtod(digits, nullptr));
  else
    return Real(digits);
}

template <class Real>
Real logistic(const Real& a) {
  using std::exp;
  return Real(1) / (Real(1) + exp(-a));
}
// σ'(a) = σ(a)(1 − σ(a)); its maximum, 1/4, is at a = 0.
template <class Real>
Real logistic_derivative(const Real& a) {
  const Real s = logistic(a);
  return s * (Real(1) - s);
}

// The chain 0.21 × 0.11 × 0.06 × 0.11 × 0.15 of sigmoid-derivative factors (= 0.000022869).
template <class Real>
Real five_factor_chain() {
  const char* factors[] = {"0.21", "0.11", "0.06", "0.11", "0.15"};
  Real product(1);
  for (const char* f : factors) product *= decimal<Real>(f);
  return product;
}

// Two stacked sigmoid units: h = σ(W1·x), ŷ = σ(W2·h), L = (ŷ − y)². The fields are the
// article's steps, so each printed intermediate has its own exact value.
template <class Real>
struct two_units {
  Real h, z_output, y_hat, loss;
  Real dloss_dy_hat;   // 2(ŷ − y)
  Real dsigma_output;  // σ'(z), z = W2·h = 0.311… in the article
  Real dy_hat_dh;      // ∂ŷ/∂h = W2·σ'(z)
  Real dsigma_hidden;  // σ'(W1·x) = σ'(0.5)
  Real dh_dw1;         // ∂h/∂W1 = x·σ'(W1·x)
  Real dloss_dw1, dloss_dw2;
};

template <class Real>
two_units<Real> two_units_example(const Real& x, const Real& w1, const Real& w2, const Real& y) {
  two_units<Real> e;
  e.h = logistic(Real(w1 * x));
  e.z_output = w2 * e.h;
  e.y_hat = logistic(e.z_output);
  e.loss = (e.y_hat - y) * (e.y_hat - y);
  e.dloss_dy_hat = Real(2) * (e.y_hat - y);
  e.dsigma_output = logistic_derivative(e.z_output);
  e.dy_hat_dh = w2 * e.dsigma_output;
  e.dsigma_hidden = logistic_derivative(Real(w1 * x));
  e.dh_dw1 = x * e.dsigma_hidden;
  e.dloss_dw2 = e.dloss_dy_hat * e.dsigma_output * e.h;
  e.dloss_dw1 = e.dloss_dy_hat * e.dy_hat_dh * e.dh_dw1;
  return e;
}

using mp50 = boost::multiprecision::mpfr_float_50;

// One number an article prints, exactly as printed, and the 50-digit value it stands for.
struct article_quote {
  std::string quantity;  // what the number is: "∂ŷ/∂h = W2·σ'(z)"
  std::string article;   // its file in seeds/
  std::string quote;     // the article's words around it: "≈ 0.622", "ranges between (0,0.25)"
  std::string printed;   // the number alone, a plain decimal as printed: "0.622", "-0.024"
  mp50 exact;            // from two_units_example / five_factor_chain in mpfr_float_50
  std::string note;      // a finding beyond the digits, or empty
};
std::vector<article_quote> article_quotes();

// The rounding rule the quotes are held to: `value` rounded to nearest (ties to even, MPFR's
// %Rf) at the last decimal place of `printed`, written as the article writes it ("0.000022869",
// not "2.29e-05"), so a correct quote is equal to it as a string.
std::string rounded_as_printed(const mp50& value, const std::string& printed);
// "exact" (equal to 45 digits), "correctly rounded", or "off by N in the last digit (rounds to …)":
// the last is a finding about the article, shown in the table rather than hidden.
std::string rounding_check(const mp50& value, const std::string& printed);

// One row of `rnnsuite gradients --seeds`.
struct seed_row {
  std::string quantity, article, quote;
  std::string exact_as_printed;  // rounded_as_printed(exact, printed)
  std::string exact_16;          // exact to 16 significant digits
  std::string check;             // rounding_check, then the note if any
};
std::vector<seed_row> seed_table();

// The significant digits of a printed decimal ("-0.02424878796807073" has 16).
int significant_digits(const std::string& printed);
// `value` to `digits` significant digits, as printf's %g prints (through MPFR, not Boost's
// formatter, which trips GCC 12's -Wrestrict).
std::string decimal_string(const mp50& value, int digits);
// How far `value` is from `printed`, in units of the printed last digit: at most 0.5 means
// `value` rounds to exactly those digits.
double last_digit_units(const mp50& value, const std::string& printed);

}  // namespace rnnsuite::verify
