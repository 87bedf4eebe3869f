#pragma once
// Sizes in bytes as people write them: "268435456", "256MiB", "1.5GiB", "300MB", "64 kB".
//
// A number (digits, optionally a decimal point and up to 18 more digits) and an optional unit:
//   B                       bytes (the same as no unit)
//   KiB, MiB, GiB, TiB      powers of 1024 (IEC)
//   kB, MB, GB, TB          powers of 1000 (SI)
// Units are matched without regard to case ("mib", "KB" and "kb" are accepted): this is a byte
// count, so there are no bits to confuse them with, and the "i" alone decides 1024 against 1000.
// Bare prefixes ("K", "M", "G", "T", "Ki", ...) are refused, since people use them for either
// base. Spaces between the number and the unit are allowed. A fraction of a byte is dropped
// (1.1KiB = 1126 bytes): a budget never grows past what was written.
#include <cstdint>
#include <string_view>

namespace rnnsuite::cli {

// The size `text` names, for the flag `flag` (named in errors). Throws rnn::error naming the
// flag and the text for an empty text, a sign, a missing or malformed number, an unknown unit,
// more than 2^64 - 1 bytes, or zero bytes (zero_allowed false; "0.1B" is zero bytes too).
std::uint64_t parse_byte_size(std::string_view text, std::string_view flag,
                              bool zero_allowed = false);

}  // namespace rnnsuite::cli
