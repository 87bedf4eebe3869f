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

// Throws rnn::error naming the file and what is wrong with it.
npy_array read_npy(const std::filesystem::path& file);

}  // namespace rnn
