#pragma once
// NumPy .npy files, format 1.0, little-endian, C order: what numpy.load reads.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace rnn {

// Real: float (<f4), double (<f8) or std::int64_t (<i8, e.g. a dump's lengths.npy).
template <class Real>
void write_npy(const std::filesystem::path& file, std::span<const std::size_t> shape,
               std::span<const Real> data);

struct npy_array {
  std::string dtype;               // "<f4", "<f8", "<i4" or "<i8"
  std::vector<std::size_t> shape;  // C order
  std::vector<double> values;      // a float dtype's, converted to double; empty for integers
  // An integer dtype's, exact (an int64 beyond 2^53 has no double); empty for floats.
  std::vector<std::int64_t> integers;

  bool is_integer() const { return dtype == "<i4" || dtype == "<i8"; }
};

// Files this suite did not write are untrusted: the header is parsed as the dict NumPy writes
// (keys descr, fortran_order, shape; nothing else), every dimension and the element count are
// checked for overflow and against the bytes actually present before anything is allocated.
// Formats 1.0, 2.0 and 3.0 (4-byte header length); dtypes <f4, <f8, <i4 and <i8 only.
// Throws rnn::error naming the file and what is wrong with it.
npy_array read_npy(const std::filesystem::path& file);
// The same on bytes in memory; `name` names them in errors (the fuzzer's entry point).
npy_array parse_npy(std::span<const unsigned char> bytes, const std::string& name);

}  // namespace rnn
