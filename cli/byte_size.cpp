#include "byte_size.hpp"

#include <array>
#include <cctype>
#include <limits>
#include <string>

#include "rnn/error.hpp"

namespace rnnsuite::cli {

namespace {

constexpr std::uint64_t kibi = 1024, kilo = 1000;

struct unit {
  std::string_view name;  // the canonical spelling, for the list of known units
  std::uint64_t bytes;
};
constexpr std::array<unit, 9> units = {{{"B", 1},
                                        {"kB", kilo},
                                        {"MB", kilo * kilo},
                                        {"GB", kilo * kilo * kilo},
                                        {"TB", kilo * kilo * kilo * kilo},
                                        {"KiB", kibi},
                                        {"MiB", kibi * kibi},
                                        {"GiB", kibi * kibi * kibi},
                                        {"TiB", kibi * kibi * kibi * kibi}}};

bool same_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

[[noreturn]] void refuse(std::string_view flag, std::string_view text, const std::string& why) {
  throw rnn::error(std::string(flag) + " '" + std::string(text) + "': " + why +
                   " (write e.g. 256MiB, 1.5GiB, 300MB or 268435456 bytes)");
}

}  // namespace

std::uint64_t parse_byte_size(std::string_view text, std::string_view flag, bool zero_allowed) {
  using wide = unsigned __int128;
  constexpr wide largest = std::numeric_limits<std::uint64_t>::max();
  const std::string_view s = trimmed(text);
  if (s.empty()) refuse(flag, text, "empty, expected a size in bytes");
  if (s.front() == '-' || s.front() == '+')
    refuse(flag, text, "a size takes no sign");
  std::size_t i = 0;
  wide whole = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
    whole = whole * 10 + wide(s[i] - '0');
    if (whole > largest) refuse(flag, text, "more than 2^64 - 1 bytes");
  }
  if (i == 0) refuse(flag, text, "expected a number first");
  // The fraction as an integer over 10^digits: exact, no binary rounding (1.1KiB is 1126 bytes).
  wide fraction = 0, denominator = 1;
  if (i < s.size() && s[i] == '.') {
    const std::size_t first = ++i;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
      if (i - first == 18) refuse(flag, text, "more than 18 digits after the decimal point");
      fraction = fraction * 10 + wide(s[i] - '0');
      denominator *= 10;
    }
    if (i == first) refuse(flag, text, "expected digits after the decimal point");
  }
  const std::string_view suffix = trimmed(s.substr(i));
  std::uint64_t scale = 1;
  if (!suffix.empty()) {
    const unit* found = nullptr;
    for (const unit& u : units)
      if (same_ignoring_case(suffix, u.name)) found = &u;
    if (!found) {
      std::string known;
      for (const unit& u : units) known += (known.empty() ? "" : ", ") + std::string(u.name);
      refuse(flag, text,
             "unknown unit '" + std::string(suffix) + "' (known, case aside: " + known +
                 "; KiB..TiB are powers of 1024, kB..TB of 1000)");
    }
    scale = found->bytes;
  }
  // whole < 2^64 and scale <= 2^40: the product fits in 128 bits; so does fraction·scale
  // (fraction < 10^18 < 2^60).
  const wide bytes = whole * scale + fraction * scale / denominator;
  if (bytes > largest) refuse(flag, text, "more than 2^64 - 1 bytes");
  if (bytes == 0 && !zero_allowed) refuse(flag, text, "zero bytes");
  return std::uint64_t(bytes);
}

}  // namespace rnnsuite::cli
