// libFuzzer target: rnn::parse_npy on arbitrary bytes (the reader of files the suite did not
// write). Any input must either parse into an array whose values (for <i4 and <i8: integers)
// match its shape, or throw rnn::error; nothing else (a crash, another exception, a sanitizer
// report) is acceptable.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "rnn/error.hpp"
#include "rnn/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const rnn::npy_array a = rnn::parse_npy(std::span<const unsigned char>(data, size), "fuzz");
    std::size_t count = 1;
    for (std::size_t d : a.shape) count *= d;
    // Floats in values, integers (exact) in integers; never both.
    const bool floats = a.dtype == "<f4" || a.dtype == "<f8";
    if (!floats && !a.is_integer()) std::abort();
    const std::size_t kept = floats ? a.values.size() : a.integers.size();
    const std::size_t other = floats ? a.integers.size() : a.values.size();
    if (kept != count || other != 0) std::abort();
  } catch (const rnn::error&) {
  }
  return 0;
}
