// Reading .npy files the suite did not write. Hand-written: Debian 12 packages no C++ .npy reader
// (this machine's package lists have none), and a parser of untrusted files this small can be
// fuzzed whole (issue 24).
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "rnn/error.hpp"
#include "rnn/npy.hpp"

namespace rnn {
namespace {

constexpr std::string_view magic("\x93NUMPY", 6);
// More elements than any problem validate() accepts; also keeps count·8 far from overflow.
constexpr std::uint64_t max_elements = std::uint64_t(1) << 40;
constexpr std::size_t max_dims = 8;

[[noreturn]] void bad(const std::string& name, const std::string& what) {
  throw error("npy file '" + name + "': " + what);
}

std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 60)) out += (c >= 32 && c < 127) ? c : '?';
  return text.size() > 60 ? out + "..." : out;
}

// A cursor over the header dict, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class header_parser {
 public:
  header_parser(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  void skip_spaces() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t')) ++at_;
  }
  bool accept(char c) {
    skip_spaces();
    if (at_ < text_.size() && text_[at_] == c) return ++at_, true;
    return false;
  }
  void expect(char c, const char* where) {
    if (!accept(c))
      bad(name_, std::string("header: expected '") + c + "' " + where + " in '" +
                     printable(text_) + "'");
  }
  std::string quoted() {
    skip_spaces();
    if (at_ >= text_.size() || (text_[at_] != '\'' && text_[at_] != '"'))
      bad(name_, "header: expected a quoted string in '" + printable(text_) + "'");
    const char quote = text_[at_++];
    const std::size_t end = text_.find(quote, at_);
    if (end == std::string_view::npos) bad(name_, "header: unterminated string");
    std::string out(text_.substr(at_, end - at_));
    at_ = end + 1;
    return out;
  }
  bool boolean() {
    skip_spaces();
    for (auto [word, value] : {std::pair{std::string_view("True"), true}, {"False", false}})
      if (text_.substr(at_, word.size()) == word) return at_ += word.size(), value;
    bad(name_, "header: fortran_order is neither True nor False");
  }
  std::uint64_t dimension() {
    skip_spaces();
    std::uint64_t d = 0;
    std::size_t digits = 0;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') {
      if (d > max_elements) bad(name_, "a dimension of the shape exceeds 2^40");
      d = d * 10 + std::uint64_t(text_[at_++] - '0');
      ++digits;
    }
    if (digits == 0) bad(name_, "header: malformed shape in '" + printable(text_) + "'");
    return d;
  }
  bool done() {
    skip_spaces();
    return at_ == text_.size();
  }

 private:
  std::string_view text_;
  const std::string& name_;
  std::size_t at_ = 0;
};

}  // namespace

npy_array parse_npy(std::span<const unsigned char> bytes, const std::string& name) {
  const std::string_view all(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (all.size() < 10) bad(name, "shorter than the 10-byte preamble");
  if (all.substr(0, 6) != magic) bad(name, "bad magic string (not an .npy file)");
  const int major = static_cast<unsigned char>(all[6]), minor = static_cast<unsigned char>(all[7]);
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    bad(name, "format version " + std::to_string(major) + "." + std::to_string(minor) +
                  " is not 1.0, 2.0 or 3.0");
  std::size_t length_bytes = major == 1 ? 2 : 4;
  if (all.size() < 8 + length_bytes) bad(name, "truncated header");
  std::uint64_t header_len = 0;
  for (std::size_t k = 0; k < length_bytes; ++k)
    header_len |= std::uint64_t(static_cast<unsigned char>(all[8 + k])) << (8 * k);
  const std::size_t header_at = 8 + length_bytes;
  if (header_len > all.size() - header_at) bad(name, "truncated header");
  std::string_view header = all.substr(header_at, header_len);
  if (header.empty() || header.back() != '\n') bad(name, "header does not end in a newline");
  while (!header.empty() && (header.back() == '\n' || header.back() == ' ')) header.remove_suffix(1);

  header_parser in(header, name);
  npy_array out;
  bool have_descr = false, have_order = false, have_shape = false, fortran = false;
  in.expect('{', "at the start");
  while (!in.accept('}')) {
    const std::string key = in.quoted();
    in.expect(':', "after a key");
    if (key == "descr" && !have_descr) {
      out.dtype = in.quoted(), have_descr = true;
    } else if (key == "fortran_order" && !have_order) {
      fortran = in.boolean(), have_order = true;
    } else if (key == "shape" && !have_shape) {
      in.expect('(', "to open the shape");
      while (!in.accept(')')) {
        if (out.shape.size() == max_dims) bad(name, "shape has more than 8 dimensions");
        out.shape.push_back(static_cast<std::size_t>(in.dimension()));
        if (!in.accept(',')) {
          in.expect(')', "to close the shape");
          break;
        }
      }
      have_shape = true;
    } else {
      bad(name, "header: unexpected or repeated key '" + printable(key) + "'");
    }
    if (!in.accept(',')) {
      in.expect('}', "at the end");
      break;
    }
  }
  if (!in.done()) bad(name, "header: text after the closing '}'");
  if (!have_descr || !have_order || !have_shape)
    bad(name, std::string("header lacks '") +
                  (!have_descr ? "descr" : !have_order ? "fortran_order" : "shape") + "'");
  if (out.dtype.size() == 3 && out.dtype[0] == '>' && (out.dtype[1] == 'f' || out.dtype[1] == 'i'))
    bad(name, "dtype '" + out.dtype +
                  "' is big-endian; only little-endian <f4, <f8, <i4 and <i8 are read");
  if (out.dtype != "<f4" && out.dtype != "<f8" && !out.is_integer())
    bad(name, "dtype '" + printable(out.dtype) +
                  "' is not float32 (<f4), float64 (<f8), int32 (<i4) or int64 (<i8)");
  if (fortran) bad(name, "Fortran order; only C order (fortran_order False) is read");

  std::uint64_t count = 1;
  for (std::size_t d : out.shape) {
    if (d != 0 && count > max_elements / d) bad(name, "the shape holds more than 2^40 elements");
    count *= d;
  }
  const std::size_t width = out.dtype == "<f4" || out.dtype == "<i4" ? 4 : 8;
  const std::size_t data_at = header_at + header_len;
  const std::uint64_t present = all.size() - data_at;
  if (present < count * width)
    bad(name, "truncated data: the shape needs " + std::to_string(count) + " values (" +
                  std::to_string(count * width) + " bytes), the file has " +
                  std::to_string(present) + " bytes");
  if (present > count * width) bad(name, "trailing bytes after the data");
  const char* data = all.data() + data_at;
  // x86-64 is little-endian, the order the dtype declares.
  auto each = [&](auto value, auto& into) {
    into.resize(count);
    for (std::uint64_t k = 0; k < count; ++k) {
      std::memcpy(&value, data + sizeof(value) * k, sizeof(value));
      into[k] = value;
    }
  };
  if (out.dtype == "<f4") each(float(), out.values);
  else if (out.dtype == "<f8") each(double(), out.values);
  else if (out.dtype == "<i4") each(std::int32_t(), out.integers);
  else each(std::int64_t(), out.integers);
  return out;
}

npy_array read_npy(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) bad(file.string(), "cannot open for reading");
  const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)),
                                         std::istreambuf_iterator<char>());
  if (in.bad()) bad(file.string(), "read failed");
  return parse_npy(bytes, file.string());
}

}  // namespace rnn
