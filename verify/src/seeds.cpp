// The seeds' worked examples as a table (seeds.hpp): each number the articles print, as printed,
// beside the exact value rounded the same way.
#include "rnnsuite/verify/seeds.hpp"

#include <mpfr.h>

#include <cctype>
#include <cmath>

namespace rnnsuite::verify {

namespace {
constexpr const char* chain_article = "000_c4e547b6ee68a87e.txt";
constexpr const char* units_article = "001_6e24fad7a4986caa.txt";

// mpfr_asprintf into a std::string ("?" if it fails).
std::string mpfr_format(const char* format, int precision, const mp50& value) {
  char* text = nullptr;
  if (mpfr_asprintf(&text, format, precision, value.backend().data()) < 0) return "?";
  std::string result(text);
  mpfr_free_str(text);
  return result;
}

// Digits after the decimal point of a plain decimal ("0.000022869" has 9).
int decimal_places(const std::string& printed) {
  const std::size_t point = printed.find('.');
  return point == std::string::npos ? 0 : static_cast<int>(printed.size() - point - 1);
}
}  // namespace

// Copied from the articles, words and digits as they stand (the minus signs are ASCII there).
// The third article, 002_f8d0850097bc0c97.txt, prints no number: its equations are images.
std::vector<article_quote> article_quotes() {
  const two_units<mp50> e = two_units_example(mp50(1), mp50("0.5"), mp50("0.5"), mp50(1));
  return {
      {"0.21 × 0.11 × 0.06 × 0.11 × 0.15 (five σ')", chain_article, "= 0.000022869", "0.000022869",
       five_factor_chain<mp50>(), ""},
      {"max of σ' = σ'(0)", chain_article, "ranges between (0,0.25)", "0.25",
       logistic_derivative(mp50(0)), "the range is (0,0.25]: σ'(0) = 0.25 exactly"},
      {"h = σ(W1·x)", units_article, "≈ 0.622", "0.622", e.h, ""},
      {"z = W2·h", units_article, "e^{-0.311}, σ'(0.311)", "0.311", e.z_output, ""},
      {"ŷ = σ(z)", units_article, "≈ 0.577", "0.577", e.y_hat, ""},
      {"L = (ŷ − y)²", units_article, "≈ 0.179", "0.179", e.loss, ""},
      {"∂L/∂ŷ = 2(ŷ − y)", units_article, "= -0.846", "-0.846", e.dloss_dy_hat, ""},
      {"σ'(z)", units_article, "≈ 0.244", "0.244", e.dsigma_output, ""},
      {"∂ŷ/∂h = W2·σ'(z)", units_article, "= 0.122", "0.122", e.dy_hat_dh, ""},
      {"σ'(W1·x) = σ'(0.5)", units_article, "≈ 0.235", "0.235", e.dsigma_hidden, ""},
      {"∂h/∂W1 = x·σ'(W1·x)", units_article, "= 0.235", "0.235", e.dh_dw1, ""},
      {"∂L/∂W1", units_article, "≈ -0.024", "-0.024", e.dloss_dw1, ""},
  };
}

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
  return mpfr_format("%.*Rg", digits, value);
}

double last_digit_units(const mp50& value, const std::string& printed) {
  const mp50 p(printed);
  const int exponent = static_cast<int>(std::floor(std::log10(std::fabs(p.convert_to<double>()))));
  const mp50 unit = pow(mp50(10), exponent - significant_digits(printed) + 1);
  return static_cast<double>(abs(value - p) / unit);
}

std::string rounded_as_printed(const mp50& value, const std::string& printed) {
  return mpfr_format("%.*Rf", decimal_places(printed), value);
}

std::string rounding_check(const mp50& value, const std::string& printed) {
  // "Exact" to 50-digit arithmetic: the chain's five factors are binary approximations, so
  // their product differs from the decimal 0.000022869 in the 50th digit, not before.
  const mp50 p(printed);
  if (abs(value - p) <= abs(p) * mp50("1e-45")) return "exact";
  const std::string rounded = rounded_as_printed(value, printed);
  if (rounded == printed) return "correctly rounded";
  // Both are multiples of the last place, so their distance in that place is a whole number.
  const mp50 places = abs(mp50(rounded) - mp50(printed)) * pow(mp50(10), decimal_places(printed));
  return "off by " + decimal_string(places, 3) + " in the last digit (rounds to " + rounded + ")";
}

std::vector<seed_row> seed_table() {
  std::vector<seed_row> rows;
  for (const article_quote& q : article_quotes()) {
    std::string check = rounding_check(q.exact, q.printed);
    if (!q.note.empty()) check += "; " + q.note;
    rows.push_back({q.quantity, q.article, q.quote, rounded_as_printed(q.exact, q.printed),
                    decimal_string(q.exact, 16), check});
  }
  return rows;
}

}  // namespace rnnsuite::verify
