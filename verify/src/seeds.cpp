// The seeds' worked examples as a table (seeds.hpp): printed digits beside ours.
#include "rnnsuite/verify/seeds.hpp"

#include <mpfr.h>

#include <cctype>
#include <cmath>

namespace rnnsuite::verify {

std::vector<printed_seed> printed_seeds() {
  return {
      {"five-factor chain", "2.2869e-05"},
      {"sigma'(0) (the maximum)", "0.25"},
      {"h", "0.6224593312018546"},
      {"y_hat", "0.5771853801446523"},
      {"L", "0.1787722027634222"},
      {"dL/dy_hat", "-0.8456292397106955"},
      {"sigma'(0.311...)", "0.2440424170919255"},
      {"sigma'(0.5)", "0.2350037122015945"},
      {"dL/dW1", "-0.02424878796807073"},
  };
}

namespace {
// The quantities of printed_seeds(), in order, computed in Real.
template <class Real>
std::vector<Real> seed_values() {
  const two_units<Real> e = two_units_example(Real(1), Real(0.5), Real(0.5), Real(1));
  return {five_factor_chain<Real>(),
          logistic_derivative(Real(0)),
          e.h,
          e.y_hat,
          e.loss,
          e.dloss_dy_hat,
          e.dsigma_output,
          e.dsigma_hidden,
          e.dloss_dw1};
}
}  // namespace

int significant_digits(const std::string& printed) {
  int digits = 0;
  bool leading = true;
  for (char ch : printed) {
    if (ch == 'e' || ch == 'E') break;
    if (!std::isdigit(static_cast<unsigned char>(ch))) continue;
    if (leading && ch == '0') continue;
    leading = false;
    ++digits;
  }
  return digits;
}

std::string decimal_string(const mp50& value, int digits) {
  char* text = nullptr;
  if (mpfr_asprintf(&text, "%.*Rg", digits, value.backend().data()) < 0) return "?";
  std::string result(text);
  mpfr_free_str(text);
  return result;
}

double last_digit_units(const mp50& value, const std::string& printed) {
  const mp50 p(printed);
  const int exponent = static_cast<int>(std::floor(std::log10(std::fabs(p.convert_to<double>()))));
  const mp50 unit = pow(mp50(10), exponent - significant_digits(printed) + 1);
  return static_cast<double>(abs(value - p) / unit);
}

std::vector<seed_row> seed_table() {
  const std::vector<printed_seed> printed = printed_seeds();
  const std::vector<mp50> high = seed_values<mp50>();
  const std::vector<double> low = seed_values<double>();
  std::vector<seed_row> rows;
  for (std::size_t k = 0; k < printed.size(); ++k) {
    const int digits = significant_digits(printed[k].digits);
    rows.push_back({printed[k].quantity, printed[k].digits, decimal_string(high[k], digits),
                    decimal_string(mp50(low[k]), digits)});
  }
  return rows;
}

}  // namespace rnnsuite::verify
