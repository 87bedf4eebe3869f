#pragma once
// NumPy .npy files, format 1.0, little-endian, C order: what numpy.load reads.
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace rnn {

template <class Real>
void write_npy(const std::filesystem::path& file, std::span<const std::size_t> shape,
               std::span<const Real> data);

struct npy_array {
  std::string dtype;               // "<f4" or "<f8"
  std::vector<std::size_t> shape;  // C order
  std::vector<double> values;      // converted to double
};

// Files this suite did not write are untrusted: the header is parsed as the dict NumPy writes
// (keys descr, fortran_order, shape; nothing else), every dimension and the element count are
// checked for overflow and against the bytes actually present before anything is allocated.
// Formats 1.0, 2.0 and 3.0 (4-byte header length); dtypes <f4 and <f8 only.
// Throws rnn::error naming the file and what is wrong with it.
npy_array read_npy(const std::filesystem::path& file);
// The same on bytes in memory; `name` names them in errors (the fuzzer's entry point).
npy_array parse_npy(std::span<const unsigned char> bytes, const std::string& name);

}  // namespace rnn
