#pragma once
// The worked examples of the articles in seeds/ (VERIFICATION.md), recomputed by the chain rule in
// any Real: a chain of five sigmoid-derivative factors, and two stacked sigmoid units
// (x = 1, W1 = W2 = 0.5, y = 1, L = (ŷ − y)²). The tests check these, and the same example run
// as an elman_sigmoid_t2_b1_i1_h1 problem through the reference and lib, against the printed
// digits; the explorer prints seed_table().
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

// The chain 0.21 × 0.11 × 0.06 × 0.11 × 0.15 of sigmoid-derivative factors (= 2.2869e-05).
template <class Real>
Real five_factor_chain() {
  const char* factors[] = {"0.21", "0.11", "0.06", "0.11", "0.15"};
  Real product(1);
  for (const char* f : factors) product *= decimal<Real>(f);
  return product;
}

// Two stacked sigmoid units: h = σ(W1·x), ŷ = σ(W2·h), L = (ŷ − y)².
template <class Real>
struct two_units {
  Real h, y_hat, loss;
  Real dloss_dy_hat;   // 2(ŷ − y)
  Real dsigma_output;  // σ'(W2·h), W2·h = 0.311… in the article
  Real dsigma_hidden;  // σ'(W1·x) = σ'(0.5)
  Real dloss_dw1, dloss_dw2;
};

template <class Real>
two_units<Real> two_units_example(const Real& x, const Real& w1, const Real& w2, const Real& y) {
  two_units<Real> e;
  e.h = logistic(Real(w1 * x));
  e.y_hat = logistic(Real(w2 * e.h));
  e.loss = (e.y_hat - y) * (e.y_hat - y);
  e.dloss_dy_hat = Real(2) * (e.y_hat - y);
  e.dsigma_output = logistic_derivative(Real(w2 * e.h));
  e.dsigma_hidden = logistic_derivative(Real(w1 * x));
  e.dloss_dw2 = e.dloss_dy_hat * e.dsigma_output * e.h;
  e.dloss_dw1 = e.dloss_dy_hat * e.dsigma_output * w2 * e.dsigma_hidden * x;
  return e;
}

// One row per printed number: the article's digits (VERIFICATION.md) and ours, in 50-digit
// arithmetic and in double, each printed to 16 significant digits.
struct seed_row {
  std::string quantity;
  std::string printed;  // as VERIFICATION.md prints it
  std::string mp50;     // from two_units_example / five_factor_chain in mpfr_float_50
  std::string f64;      // the same in double
};
std::vector<seed_row> seed_table();

// The articles' digits, the one place they are written (VERIFICATION.md).
struct printed_seed {
  const char* quantity;
  const char* digits;
};
std::vector<printed_seed> printed_seeds();

using mp50 = boost::multiprecision::mpfr_float_50;

// The significant digits of a printed decimal ("-0.02424878796807073" has 16).
int significant_digits(const std::string& printed);
// `value` to `digits` significant digits, as printf's %g prints (through MPFR, not Boost's
// formatter, which trips GCC 12's -Wrestrict).
std::string decimal_string(const mp50& value, int digits);
// How far `value` is from `printed`, in units of the printed last digit: at most 0.5 means
// `value` rounds to exactly those digits.
double last_digit_units(const mp50& value, const std::string& printed);

}  // namespace rnnsuite::verify
