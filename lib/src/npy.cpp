#include "rnn/npy.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <type_traits>

#include "rnn/error.hpp"

namespace rnn {

namespace {

constexpr char magic[] = "\x93NUMPY";

template <class Real>
constexpr const char* dtype_of() {
  if constexpr (std::is_integral_v<Real>) return "<i8";
  return sizeof(Real) == 4 ? "<f4" : "<f8";
}

[[noreturn]] void bad_file(const std::filesystem::path& file, const std::string& what) {
  throw error("npy file '" + file.string() + "': " + what);
}

}  // namespace

template <class Real>
void write_npy(const std::filesystem::path& file, std::span<const std::size_t> shape,
               std::span<const Real> data) {
  std::size_t count = 1;
  std::string dims;
  for (std::size_t d : shape) {
    count *= d;
    dims += std::to_string(d) + ", ";
  }
  if (shape.size() > 1) dims.resize(dims.size() - 2);  // "(3, 4)" but "(5,)" and "()"
  else if (shape.size() == 1) dims.resize(dims.size() - 1);
  if (count != data.size())
    bad_file(file, "shape holds " + std::to_string(count) + " elements but data has " +
                       std::to_string(data.size()));
  std::string header = std::string("{'descr': '") + dtype_of<Real>() +
                       "', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Pad with spaces so magic + version + length + header + '\n' is a multiple of 64 bytes.
  const std::size_t prefix = 6 + 2 + 2;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  if (header.size() > 65535) bad_file(file, "header too long for format 1.0");
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) bad_file(file, "cannot open for writing");
  const unsigned char version_and_length[4] = {1, 0, static_cast<unsigned char>(header.size() & 0xff),
                                               static_cast<unsigned char>(header.size() >> 8)};
  out.write(magic, 6);
  out.write(reinterpret_cast<const char*>(version_and_length), 4);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  // x86-64 is little-endian, the order the header declares.
  out.write(reinterpret_cast<const char*>(data.data()),
            static_cast<std::streamsize>(data.size() * sizeof(Real)));
  out.close();
  if (!out) bad_file(file, "write failed");
}

template void write_npy<float>(const std::filesystem::path&, std::span<const std::size_t>,
                               std::span<const float>);
template void write_npy<double>(const std::filesystem::path&, std::span<const std::size_t>,
                                std::span<const double>);
template void write_npy<std::int64_t>(const std::filesystem::path&, std::span<const std::size_t>,
                                      std::span<const std::int64_t>);

}  // namespace rnn
