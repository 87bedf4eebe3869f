// Integer .npy arrays (<i8, <i4): a dump's lengths.npy. Values must come back exactly, also
// beyond 2^53 where a double would round them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "rnn/error.hpp"
#include "rnn/npy.hpp"

namespace {

struct npy_int_file : ::testing::Test {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("rnnsuite_npy_int_" + std::to_string(::getpid()) + ".npy");
  ~npy_int_file() override { std::filesystem::remove(path); }

  std::string bytes_of_file() const {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }
};

// An .npy file of format 1.0 with `header` (padded as NumPy pads it) and `data` after it.
std::string npy_bytes(const std::string& header, const std::string& data) {
  std::string h = header;
  while ((10 + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += char(h.size() & 0xff), out += char(h.size() >> 8);
  return out + h + data;
}

template <class Int>
std::string raw(const std::vector<Int>& values) {
  std::string out(values.size() * sizeof(Int), '\0');
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

rnn::npy_array parse(const std::string& bytes) {
  return rnn::parse_npy(
      std::span<const unsigned char>(reinterpret_cast<const unsigned char*>(bytes.data()),
                                     bytes.size()),
      "test.npy");
}

TEST_F(npy_int_file, int64_round_trip_is_exact) {
  // 2^53 + 1 is the first integer a double cannot hold.
  const std::vector<std::int64_t> data = {1, 7, -3, (std::int64_t(1) << 53) + 1,
                                          std::numeric_limits<std::int64_t>::max(),
                                          std::numeric_limits<std::int64_t>::min()};
  const std::size_t shape[] = {6};
  rnn::write_npy<std::int64_t>(path, shape, std::span<const std::int64_t>(data));
  const std::string bytes = bytes_of_file();
  ASSERT_EQ(bytes.size(), 128u + 6 * 8);
  EXPECT_EQ(bytes.substr(10).find("{'descr': '<i8', 'fortran_order': False, 'shape': (6,), }"), 0u);
  const rnn::npy_array a = rnn::read_npy(path);
  EXPECT_EQ(a.dtype, "<i8");
  EXPECT_TRUE(a.is_integer());
  EXPECT_EQ(a.shape, std::vector<std::size_t>{6});
  EXPECT_EQ(a.integers, data);
  EXPECT_TRUE(a.values.empty());
}

TEST_F(npy_int_file, int32_is_widened_and_floats_have_no_integers) {
  const std::vector<std::int32_t> data = {5, -1, std::numeric_limits<std::int32_t>::min(), 2};
  const rnn::npy_array a =
      parse(npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", raw(data)));
  EXPECT_EQ(a.dtype, "<i4");
  EXPECT_EQ(a.shape, (std::vector<std::size_t>{2, 2}));
  EXPECT_EQ(a.integers,
            (std::vector<std::int64_t>{5, -1, std::numeric_limits<std::int32_t>::min(), 2}));
  const std::vector<double> d = {1.0};
  const std::size_t shape[] = {1};
  rnn::write_npy<double>(path, shape, std::span<const double>(d));
  const rnn::npy_array f = rnn::read_npy(path);
  EXPECT_FALSE(f.is_integer());
  EXPECT_TRUE(f.integers.empty());
  EXPECT_EQ(f.values, d);
}

TEST_F(npy_int_file, scalar_and_empty_integer_arrays) {
  const rnn::npy_array scalar =
      parse(npy_bytes("{'descr': '<i8', 'fortran_order': False, 'shape': (), }", raw<std::int64_t>({42})));
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.integers, std::vector<std::int64_t>{42});
  const rnn::npy_array none =
      parse(npy_bytes("{'descr': '<i8', 'fortran_order': False, 'shape': (0,), }", ""));
  EXPECT_TRUE(none.integers.empty());
}

TEST_F(npy_int_file, malformed_integer_files_are_errors) {
  auto expect_error = [](const std::string& bytes, const char* fragment) {
    try {
      parse(bytes);
      ADD_FAILURE() << "accepted a file expected to fail with: " << fragment;
    } catch (const rnn::error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("test.npy"), std::string::npos) << e.what();
    }
  };
  const std::string three = raw<std::int64_t>({1, 2, 3});
  // Three int64 are 24 bytes: as int32 they are six values, so the size decides.
  expect_error(npy_bytes("{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }", three),
               "the shape needs 4 values (32 bytes), the file has 24 bytes");
  expect_error(npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", three),
               "trailing bytes");
  expect_error(npy_bytes("{'descr': '>i8', 'fortran_order': False, 'shape': (3,), }", three),
               "big-endian");
  expect_error(npy_bytes("{'descr': '<u8', 'fortran_order': False, 'shape': (3,), }", three),
               "dtype '<u8' is not");
  expect_error(npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }", three),
               "dtype '|i1' is not");
  expect_error(npy_bytes("{'descr': '<i8', 'fortran_order': True, 'shape': (3,), }", three),
               "Fortran order");
  expect_error(npy_bytes("{'descr': '<i8', 'fortran_order': False, "
                         "'shape': (4294967296, 4294967296), }", ""),
               "more than 2^40 elements");
  expect_error(npy_bytes("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", three)
                   .substr(0, 40),
               "truncated header");
}

}  // namespace
