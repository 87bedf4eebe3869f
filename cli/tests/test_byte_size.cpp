// cli/byte_size.hpp: every unit and its base, case, decimals, spaces, and each refusal with the
// flag and the text in its message.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "../byte_size.hpp"
#include "rnn/error.hpp"

namespace {

using rnnsuite::cli::parse_byte_size;
constexpr std::uint64_t Ki = 1024, k = 1000;

std::uint64_t parse(const char* text) { return parse_byte_size(text, "--memory-budget"); }

// The message of the refusal of `text`, or "" when it is accepted.
std::string refusal(const char* text, bool zero_allowed = false) {
  try {
    parse_byte_size(text, "--memory-budget", zero_allowed);
  } catch (const rnn::error& e) {
    return e.what();
  }
  return "";
}

TEST(ByteSize, PlainBytesAndB) {
  EXPECT_EQ(parse("268435456"), 268435456u);
  EXPECT_EQ(parse("1"), 1u);
  EXPECT_EQ(parse("17B"), 17u);
  EXPECT_EQ(parse("18446744073709551615"), UINT64_MAX);
}

TEST(ByteSize, BinaryUnitsArePowersOf1024) {
  EXPECT_EQ(parse("1KiB"), Ki);
  EXPECT_EQ(parse("256MiB"), 256 * Ki * Ki);
  EXPECT_EQ(parse("3GiB"), 3 * Ki * Ki * Ki);
  EXPECT_EQ(parse("2TiB"), 2 * Ki * Ki * Ki * Ki);
}

TEST(ByteSize, DecimalUnitsArePowersOf1000) {
  EXPECT_EQ(parse("1kB"), k);
  EXPECT_EQ(parse("300MB"), 300 * k * k);
  EXPECT_EQ(parse("2GB"), 2 * k * k * k);
  EXPECT_EQ(parse("5TB"), 5 * k * k * k * k);
}

TEST(ByteSize, CaseDoesNotMatterTheIDecidesTheBase) {
  EXPECT_EQ(parse("256mib"), parse("256MiB"));
  EXPECT_EQ(parse("256MIB"), parse("256MiB"));
  EXPECT_EQ(parse("4KB"), 4 * k);
  EXPECT_EQ(parse("4kb"), 4 * k);
  EXPECT_EQ(parse("4b"), 4u);
}

TEST(ByteSize, DecimalsAreExactAndAFractionOfAByteIsDropped) {
  EXPECT_EQ(parse("1.5GiB"), 3 * Ki * Ki * Ki / 2);
  EXPECT_EQ(parse("0.5KiB"), 512u);
  EXPECT_EQ(parse("1.1KiB"), 1126u);      // 1126.4 bytes
  EXPECT_EQ(parse("2.999B"), 2u);         // rounded down, never up
  EXPECT_EQ(parse("0.001kB"), 1u);        // no binary rounding: exactly one byte
  EXPECT_EQ(parse("1.000000000000000001TiB"), Ki * Ki * Ki * Ki);  // 18 digits
}

TEST(ByteSize, SpacesAroundAndBetween) {
  EXPECT_EQ(parse(" 64 kB "), 64 * k);
  EXPECT_EQ(parse("64\tMiB"), 64 * Ki * Ki);
}

TEST(ByteSize, LargestValueAndOverflow) {
  EXPECT_EQ(parse("16777215TiB"), (16777215ull) << 40);
  EXPECT_NE(refusal("16777216TiB").find("more than 2^64 - 1 bytes"), std::string::npos);  // 2^64
  EXPECT_NE(refusal("18446744073709551616").find("more than 2^64 - 1 bytes"), std::string::npos);
  EXPECT_NE(refusal("99999999999999999999999999").find("more than 2^64 - 1"), std::string::npos);
  EXPECT_NE(refusal("18446744073.709551616GB").find("more than 2^64 - 1"), std::string::npos);
}

TEST(ByteSize, RefusalsNameTheFlagTheTextAndTheReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty"},
      {"   ", "empty"},
      {"-5MiB", "takes no sign"},
      {"+5MiB", "takes no sign"},
      {"MiB", "expected a number first"},
      {".5GiB", "expected a number first"},
      {"5.GiB", "expected digits after the decimal point"},
      {"5M", "unknown unit 'M'"},
      {"5Ki", "unknown unit 'Ki'"},
      {"5EiB", "unknown unit 'EiB'"},
      {"5 MiB x", "unknown unit 'MiB x'"},
      {"1e9", "unknown unit 'e9'"},
      {"1,5GiB", "unknown unit ',5GiB'"},
      {"1.0000000000000000001TiB", "more than 18 digits"},
      {"0", "zero bytes"},
      {"0MiB", "zero bytes"},
      {"0.4B", "zero bytes"},
  };
  for (const auto& [text, reason] : cases) {
    const std::string message = refusal(text);
    EXPECT_NE(message.find(reason), std::string::npos) << text << ": " << message;
    EXPECT_NE(message.find("--memory-budget '" + std::string(text) + "'"), std::string::npos)
        << message;
  }
}

TEST(ByteSize, ZeroWhenAllowed) {
  EXPECT_EQ(parse_byte_size("0", "--x", true), 0u);
  EXPECT_EQ(parse_byte_size("0GiB", "--x", true), 0u);
}

}  // namespace
