#include "rnn/problem.hpp"

#include <limits>
#include <string>
#include <vector>

#include "rnn/error.hpp"

namespace rnn {

std::string_view precision_name(precision p) { return p == precision::f32 ? "f32" : "f64"; }

namespace {

[[noreturn]] void fail(std::string_view descriptor, const std::string& what) {
  throw error("problem descriptor '" + std::string(descriptor) + "': " + what +
              " (expected <cell>_t<T>_b<B>_i<I>_h<H>_<f32|f64>, e.g. lstm_t128_b16_i512_h512_f32)");
}

// A size field: the prefix letter, then decimal digits with no sign and no leading zero.
std::int64_t parse_size(std::string_view descriptor, std::string_view token, char prefix,
                        const char* field) {
  if (token.size() < 2 || token[0] != prefix)
    fail(descriptor, std::string("expected field ") + field + " as '" + prefix + "<n>', got '" +
                         std::string(token) + "'");
  std::string_view digits = token.substr(1);
  for (char ch : digits)
    if (ch < '0' || ch > '9')
      fail(descriptor, std::string(field) + " must be a decimal number, got '" +
                           std::string(digits) + "'");
  if (digits.size() > 1 && digits[0] == '0')
    fail(descriptor, std::string(field) + " has a leading zero: '" + std::string(digits) + "'");
  std::int64_t value = 0;
  for (char ch : digits) {
    if (value > (std::numeric_limits<std::int64_t>::max() - (ch - '0')) / 10)
      fail(descriptor, std::string(field) + " = " + std::string(digits) + " does not fit in 64 bits");
    value = value * 10 + (ch - '0');
  }
  if (value < 1) fail(descriptor, std::string(field) + " must be >= 1, got " + std::string(digits));
  return value;
}

// a * b, or throws naming what overflowed.
std::size_t checked_mul(std::size_t a, std::size_t b, const problem& p, const char* what) {
  if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a)
    throw error("problem " + format_problem(p) + ": the size of " + what + " overflows size_t");
  return a * b;
}

}  // namespace

problem parse_problem(std::string_view descriptor) {
  std::vector<std::string_view> tokens;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= descriptor.size(); ++i) {
    if (i == descriptor.size() || descriptor[i] == '_') {
      tokens.push_back(descriptor.substr(start, i - start));
      start = i + 1;
    }
  }
  if (tokens.size() < 6) fail(descriptor, "too few fields");
  const std::size_t n = tokens.size();
  problem p;
  if (tokens[n - 1] == "f32") p.precision = precision::f32;
  else if (tokens[n - 1] == "f64") p.precision = precision::f64;
  else fail(descriptor, "precision must be f32 or f64, got '" + std::string(tokens[n - 1]) + "'");
  p.H = parse_size(descriptor, tokens[n - 2], 'h', "H");
  p.I = parse_size(descriptor, tokens[n - 3], 'i', "I");
  p.B = parse_size(descriptor, tokens[n - 4], 'b', "B");
  p.T = parse_size(descriptor, tokens[n - 5], 't', "T");
  const std::size_t cell_end = tokens[n - 5].data() - descriptor.data() - 1;
  try {
    p.cell = parse_cell(descriptor.substr(0, cell_end));
  } catch (const error& e) {
    fail(descriptor, e.what());
  }
  validate(p);
  return p;
}

std::string format_problem(const problem& p) {
  return std::string(cell_name(p.cell)) + "_t" + std::to_string(p.T) + "_b" + std::to_string(p.B) +
         "_i" + std::to_string(p.I) + "_h" + std::to_string(p.H) + "_" +
         std::string(precision_name(p.precision));
}

void validate(const problem& p) {
  const std::pair<const char*, std::int64_t> fields[] = {{"T", p.T}, {"B", p.B}, {"I", p.I}, {"H", p.H}};
  for (auto [name, value] : fields)
    if (value < 1)
      throw error(std::string("problem: ") + name + " must be >= 1, got " + std::to_string(value));
  (void)gate_count(p.cell);  // rejects an out-of-range enum value
  if (p.precision != precision::f32 && p.precision != precision::f64)
    throw error("problem: precision value " + std::to_string(static_cast<int>(p.precision)) +
                " is neither f32 nor f64");
  (void)sizes_of(p);
}

tensor_sizes sizes_of(const problem& p) {
  for (std::int64_t v : {p.T, p.B, p.I, p.H})
    if (v < 1) validate(p);  // throws with the field's name
  const auto T = static_cast<std::size_t>(p.T), B = static_cast<std::size_t>(p.B),
             I = static_cast<std::size_t>(p.I), H = static_cast<std::size_t>(p.H),
             G = static_cast<std::size_t>(gate_count(p.cell));
  tensor_sizes s{};
  s.x = checked_mul(checked_mul(T, B, p, "x (T*B*I)"), I, p, "x (T*B*I)");
  s.state = checked_mul(B, H, p, "h0 (B*H)");
  s.sequence = checked_mul(checked_mul(T, B, p, "output (T*B*H)"), H, p, "output (T*B*H)");
  s.bias = checked_mul(G, H, p, "bias (G*H)");
  s.weight_ih = checked_mul(s.bias, I, p, "weight_ih (G*H*I)");
  s.weight_hh = checked_mul(s.bias, H, p, "weight_hh (G*H*H)");
  // Byte counts, in the widest element type, must fit too; so must the saved gates (G per h).
  for (std::size_t n : {s.x, s.sequence, s.weight_ih, s.weight_hh})
    checked_mul(n, sizeof(double), p, "a tensor in bytes");
  checked_mul(checked_mul(s.sequence, G + 2, p, "stored activations"), sizeof(double), p,
              "stored activations in bytes");
  return s;
}

double forward_flops(const problem& p) {
  validate(p);
  return 2.0 * static_cast<double>(p.T) * static_cast<double>(p.B) * p.G() *
         static_cast<double>(p.H) * (static_cast<double>(p.I) + static_cast<double>(p.H));
}

}  // namespace rnn
