#include "rnn/npy.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>

#include "rnn/error.hpp"

namespace rnn {

namespace {

constexpr char magic[] = "\x93NUMPY";

template <class Real>
constexpr const char* dtype_of() {
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

npy_array read_npy(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) bad_file(file, "cannot open for reading");
  char head[10];
  if (!in.read(head, 10)) bad_file(file, "shorter than the 10-byte preamble");
  if (std::memcmp(head, magic, 6) != 0) bad_file(file, "bad magic string (not an .npy file)");
  if (head[6] != 1 || head[7] != 0)
    bad_file(file, "format version " + std::to_string(head[6]) + "." + std::to_string(head[7]) +
                       " is not 1.0");
  const std::size_t header_len = static_cast<unsigned char>(head[8]) |
                                 (static_cast<std::size_t>(static_cast<unsigned char>(head[9])) << 8);
  std::string header(header_len, '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header_len)))
    bad_file(file, "truncated header");
  npy_array out;
  const auto descr = header.find("'descr': '");
  if (descr == std::string::npos) bad_file(file, "header has no 'descr'");
  out.dtype = header.substr(descr + 10, 3);
  if (out.dtype != "<f4" && out.dtype != "<f8")
    bad_file(file, "dtype '" + out.dtype + "' is not <f4 or <f8");
  if (header.find("'fortran_order': False") == std::string::npos)
    bad_file(file, "only C order (fortran_order False) is supported");
  const auto shape_at = header.find("'shape': (");
  const auto shape_end = header.find(')', shape_at);
  if (shape_at == std::string::npos || shape_end == std::string::npos)
    bad_file(file, "header has no 'shape'");
  std::size_t count = 1;
  std::string dims = header.substr(shape_at + 10, shape_end - shape_at - 10);
  std::size_t pos = 0;
  while (pos < dims.size()) {
    while (pos < dims.size() && (dims[pos] == ' ' || dims[pos] == ',')) ++pos;
    if (pos == dims.size()) break;
    std::size_t d = 0, digits = 0;
    while (pos < dims.size() && dims[pos] >= '0' && dims[pos] <= '9') {
      d = d * 10 + static_cast<std::size_t>(dims[pos++] - '0');
      ++digits;
    }
    if (digits == 0) bad_file(file, "malformed shape '(" + dims + ")'");
    out.shape.push_back(d);
    count *= d;
  }
  const std::size_t width = out.dtype == "<f4" ? 4 : 8;
  out.values.resize(count);
  if (width == 4) {
    std::vector<float> raw(count);
    if (!in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(count * 4)))
      bad_file(file, "truncated data: expected " + std::to_string(count) + " float32 values");
    for (std::size_t k = 0; k < count; ++k) out.values[k] = raw[k];
  } else if (!in.read(reinterpret_cast<char*>(out.values.data()),
                      static_cast<std::streamsize>(count * 8))) {
    bad_file(file, "truncated data: expected " + std::to_string(count) + " float64 values");
  }
  if (in.peek() != std::char_traits<char>::eof()) bad_file(file, "trailing bytes after the data");
  return out;
}

template void write_npy<float>(const std::filesystem::path&, std::span<const std::size_t>,
                               std::span<const float>);
template void write_npy<double>(const std::filesystem::path&, std::span<const std::size_t>,
                                std::span<const double>);

}  // namespace rnn
