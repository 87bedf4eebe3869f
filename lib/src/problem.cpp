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
              " (expected <cell>_t<T>_b<B>_i<I>_h<H>[_l<L>][_bi][_len<u<S>|x|f>]_<f32|f64>, e.g. "
              "lstm_t128_b16_i512_h512_f32, lstm_t128_b16_i512_h512_l2_bi_f32 or "
              "lstm_t512_b64_i512_h512_lenu1_f32)");
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

// The lengths field without its "len": "u<S>" (S decimal, 0 allowed, no leading zero), "x", "f".
void parse_lengths(std::string_view descriptor, std::string_view rule, problem& p) {
  if (rule == "x") {
    p.lengths = lengths_rule::extremes;
    return;
  }
  if (rule == "f") {
    p.lengths = lengths_rule::file;
    return;
  }
  if (rule.empty() || rule[0] != 'u')
    fail(descriptor, "the lengths field must be '_lenu<seed>' (uniform in [1, T]), '_lenx' (1 "
                     "and T in one batch) or '_lenf' (from a file), got '_len" +
                         std::string(rule) + "'");
  const std::string_view digits = rule.substr(1);
  if (digits.empty())
    fail(descriptor, "'_lenu' needs a seed: '_lenu<seed>', e.g. '_lenu1'");
  std::uint64_t seed = 0;
  for (char ch : digits) {
    if (ch < '0' || ch > '9')
      fail(descriptor, "the lengths seed must be a decimal number, got '" + std::string(digits) + "'");
    if (seed > (std::numeric_limits<std::uint64_t>::max() - std::uint64_t(ch - '0')) / 10)
      fail(descriptor, "the lengths seed " + std::string(digits) + " does not fit in 64 bits");
    seed = seed * 10 + std::uint64_t(ch - '0');
  }
  if (digits.size() > 1 && digits[0] == '0')
    fail(descriptor, "the lengths seed has a leading zero: '" + std::string(digits) + "'");
  p.lengths = lengths_rule::uniform;
  p.lengths_seed = seed;
}

std::string format_lengths(const problem& p) {
  switch (p.lengths) {
    case lengths_rule::full: return "";
    case lengths_rule::uniform: return "_lenu" + std::to_string(p.lengths_seed);
    case lengths_rule::extremes: return "_lenx";
    case lengths_rule::file: return "_lenf";
  }
  throw error("problem: lengths rule value " + std::to_string(static_cast<int>(p.lengths)) +
              " is not one of full, uniform, extremes, file");
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
  // The optional fields, from the end: _len<rule>, _bi, then _l<L>. h<H> comes before them.
  std::size_t h = n - 2;
  if (tokens[h].substr(0, 3) == "len") {
    parse_lengths(descriptor, tokens[h].substr(3), p);
    --h;
  }
  if (h >= 5 && tokens[h].substr(0, 3) == "len")
    fail(descriptor, "a second lengths field '_" + std::string(tokens[h]) + "'");
  if (h >= 6 && tokens[h] == "bi" && tokens[h - 1].substr(0, 3) == "len")
    fail(descriptor, "'_len<rule>' must come after '_bi', just before the precision");
  if (tokens[h] == "bi") {
    p.directions = 2;
    --h;
  }
  if (h >= 5 && tokens[h].size() >= 2 && tokens[h][0] == 'l' && tokens[h].substr(0, 3) != "len") {
    p.layers = parse_size(descriptor, tokens[h], 'l', "L");
    if (p.layers == 1)
      fail(descriptor, "L = 1 is the default: omit the field '_l1' (one name per problem)");
    --h;
  }
  if (h < 4) fail(descriptor, "too few fields");
  if (tokens[h].substr(0, 3) == "len")
    fail(descriptor, "'_len<rule>' must come after '_l<L>' and '_bi', just before the precision");
  if (tokens[h] == "bi")
    fail(descriptor, "'_bi' must come after '_l<L>', just before the lengths and the precision");
  p.H = parse_size(descriptor, tokens[h], 'h', "H");
  p.I = parse_size(descriptor, tokens[h - 1], 'i', "I");
  p.B = parse_size(descriptor, tokens[h - 2], 'b', "B");
  p.T = parse_size(descriptor, tokens[h - 3], 't', "T");
  const std::size_t cell_end = tokens[h - 3].data() - descriptor.data() - 1;
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
         "_i" + std::to_string(p.I) + "_h" + std::to_string(p.H) +
         (p.layers != 1 ? "_l" + std::to_string(p.layers) : std::string()) +
         (p.directions == 2 ? "_bi" : "") + format_lengths(p) + "_" +
         std::string(precision_name(p.precision));
}

problem layer_problem(const problem& p, std::int64_t l) {
  validate(p);
  if (l < 0 || l >= p.layers)
    throw error("layer_problem: layer " + std::to_string(l) + " is not in [0, " +
                std::to_string(p.layers) + ") of " + format_problem(p));
  problem one = p;
  one.layers = 1;
  one.directions = 1;
  if (l > 0) one.I = p.directions * p.H;
  return one;
}

void require_single_layer(const problem& p, std::string_view where) {
  if (!is_network(p)) return;
  throw error(std::string(where) + ": problem " + format_problem(p) + " is a network (" +
              std::to_string(p.layers) + (p.layers == 1 ? " layer" : " layers") +
              (p.directions == 2 ? ", bidirectional" : "") + "); " + std::string(where) +
              " takes a single layer in one direction");
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
  if (p.layers < 1)
    throw error("problem: L (layers) must be >= 1, got " + std::to_string(p.layers));
  if (p.directions != 1 && p.directions != 2)
    throw error("problem: D (directions) must be 1 or 2, got " + std::to_string(p.directions));
  (void)format_lengths(p);  // rejects an out-of-range enum value
  if (p.lengths != lengths_rule::uniform && p.lengths_seed != 0)
    throw error("problem: lengths_seed = " + std::to_string(p.lengths_seed) +
                " is set, but only the uniform lengths rule takes a seed");
  if (!is_network(p)) {
    (void)sizes_of(p);
    return;
  }
  (void)network_sizes_of(p);
}

network_sizes network_sizes_of(const problem& p) {
  if (p.layers < 1 || p.directions < 1 || p.directions > 2 || p.T < 1 || p.B < 1 || p.I < 1 ||
      p.H < 1)
    validate(p);  // throws with the field's name
  problem first = p;
  first.layers = first.directions = 1;
  const tensor_sizes layer0 = sizes_of(first);
  const auto L = static_cast<std::size_t>(p.layers), D = static_cast<std::size_t>(p.directions);
  network_sizes s{};
  s.x = layer0.x;
  const std::size_t blocks = checked_mul(L, D, p, "L*D");
  s.state = checked_mul(blocks, layer0.state, p, "h0 ((L*D)*B*H)");
  s.output = checked_mul(D, layer0.sequence, p, "output (T*B*(D*H))");
  s.sequences = checked_mul(blocks, layer0.sequence, p, "grad_h ((L*D)*T*B*H)");
  std::size_t per_block_0 = layer0.weight_ih + layer0.weight_hh + 2 * layer0.bias;
  s.parameters = checked_mul(D, per_block_0, p, "the parameters");
  if (L > 1) {
    first.I = checked_mul(D, layer0.state / static_cast<std::size_t>(p.B), p, "layer input (D*H)");
    const tensor_sizes upper = sizes_of(first);
    const std::size_t per_block =
        checked_mul(D, upper.weight_ih + upper.weight_hh + 2 * upper.bias, p, "the parameters");
    const std::size_t rest = checked_mul(L - 1, per_block, p, "the parameters");
    if (rest > std::numeric_limits<std::size_t>::max() - s.parameters)
      throw error("problem " + format_problem(p) + ": the size of the parameters overflows size_t");
    s.parameters += rest;
  }
  // Byte counts, in the widest element type, must fit; so must every layer's stored activations.
  for (std::size_t n : {s.state, s.output, s.sequences, s.parameters})
    checked_mul(n, sizeof(double), p, "a tensor in bytes");
  return s;
}

tensor_sizes sizes_of(const problem& p) {
  require_single_layer(p, "sizes_of");
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
  double flops = 0;
  for (std::int64_t l = 0; l < p.layers; ++l) {
    const double input = l == 0 ? double(p.I) : double(p.directions) * double(p.H);
    flops += double(p.directions) * 2.0 * double(p.T) * double(p.B) * p.G() * double(p.H) *
             (input + double(p.H));
  }
  return flops;
}

}  // namespace rnn
