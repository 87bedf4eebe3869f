#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "rnn/error.hpp"
#include "rnn/loss.hpp"
#include "rnn/npy.hpp"

namespace {

// The loss's gradient against central differences of the loss itself.
TEST(loss, gradient_matches_finite_differences) {
  const rnn::problem p = rnn::parse_problem("elman_tanh_t3_b2_i1_h2_f64");
  for (rnn::loss_kind kind : {rnn::loss_kind::last, rnn::loss_kind::all}) {
    std::vector<double> out = {0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, 0.8, -0.9, 1.0, 0.2, 0.3};
    const std::vector<double> target = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
    std::vector<double> grad(12), scratch(12);
    rnn::mse_loss<double>(p, kind, out, target, grad);
    for (std::size_t k = 0; k < 12; ++k) {
      const double h = 1e-6, saved = out[k];
      out[k] = saved + h;
      const double up = rnn::mse_loss<double>(p, kind, out, target, scratch);
      out[k] = saved - h;
      const double down = rnn::mse_loss<double>(p, kind, out, target, scratch);
      out[k] = saved;
      EXPECT_NEAR(grad[k], (up - down) / (2 * h), 1e-9) << rnn::loss_name(kind) << " " << k;
    }
  }
  // The seeds' setup: one unit, one step, L = (ŷ - y)².
  const rnn::problem one = rnn::parse_problem("elman_sigmoid_t1_b1_i1_h1_f64");
  std::vector<double> y_hat = {0.5771853801446523}, y = {1.0}, g(1);
  EXPECT_NEAR(rnn::mse_loss<double>(one, rnn::loss_kind::last, y_hat, y, g), 0.1787722027634222, 1e-16);
  EXPECT_NEAR(g[0], -0.8456292397106955, 1e-15);
  std::vector<double> wrong(3);
  EXPECT_THROW(rnn::mse_loss<double>(one, rnn::loss_kind::last, wrong, y, g), rnn::error);
  EXPECT_THROW(rnn::parse_loss("first"), rnn::error);
}

struct npy_file : ::testing::Test {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("rnnsuite_npy_" + std::to_string(::getpid()) + ".npy");
  ~npy_file() override { std::filesystem::remove(path); }
};

TEST_F(npy_file, round_trip_and_exact_header) {
  const std::vector<float> data = {1.5f, -2.0f, 3.25f, 0.0f, 5.0f, 6.0f};
  const std::size_t shape[] = {2, 3};
  rnn::write_npy<float>(path, shape, std::span<const float>(data));
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_EQ(bytes.size(), 128u + 6 * 4);  // preamble + header padded to a multiple of 64 bytes
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  EXPECT_EQ(bytes.substr(10).find("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), 0u);
  EXPECT_EQ(bytes[127], '\n');
  const rnn::npy_array a = rnn::read_npy(path);
  EXPECT_EQ(a.dtype, "<f4");
  EXPECT_EQ(a.shape, (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(a.values, (std::vector<double>{1.5, -2.0, 3.25, 0.0, 5.0, 6.0}));
  const std::vector<double> d = {1.0, 2.0, 3.0};
  const std::size_t shape1[] = {3};
  rnn::write_npy<double>(path, shape1, std::span<const double>(d));
  EXPECT_EQ(rnn::read_npy(path).shape, std::vector<std::size_t>{3});
  EXPECT_EQ(rnn::read_npy(path).dtype, "<f8");
}

TEST_F(npy_file, corrupt_and_truncated_files_are_errors) {
  const std::vector<double> d = {1.0, 2.0, 3.0, 4.0};
  const std::size_t shape[] = {4};
  rnn::write_npy<double>(path, shape, std::span<const double>(d));
  std::string good;
  {
    std::ifstream in(path, std::ios::binary);
    good.assign((std::istreambuf_iterator<char>(in)), {});
  }
  auto expect_error = [&](const std::string& bytes, const char* fragment) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    try {
      rnn::read_npy(path);
      ADD_FAILURE() << "accepted a file expected to fail with: " << fragment;
    } catch (const rnn::error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  expect_error(good.substr(0, good.size() - 5), "truncated data");
  expect_error(good.substr(0, 30), "truncated header");
  expect_error("XNUMPY" + good.substr(6), "bad magic");
  expect_error(good + "xx", "trailing bytes");
  std::string other_dtype = good;
  other_dtype.replace(other_dtype.find("<f8"), 3, "<u8");
  expect_error(other_dtype, "dtype '<u8'");
  auto with_header = [&](const std::string& header, std::size_t data_bytes = 32) {
    std::string h = header;
    while ((10 + h.size() + 1) % 64 != 0) h += ' ';
    h += '\n';
    std::string out("\x93NUMPY\x01\x00", 8);
    out += char(h.size() & 0xff), out += char(h.size() >> 8);
    return out + h + std::string(data_bytes, '\0');
  };
  expect_error(with_header("{'descr': '>f8', 'fortran_order': False, 'shape': (4,), }"),
               "big-endian");
  expect_error(with_header("{'descr': '<f8', 'fortran_order': True, 'shape': (4,), }"),
               "Fortran order");
  expect_error(with_header("{'descr': '<f8', 'shape': (4,), }"), "lacks 'fortran_order'");
  expect_error(with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), 'x': 1}"),
               "unexpected or repeated key 'x'");
  expect_error(with_header("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False}"),
               "repeated key 'descr'");
  expect_error(with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (4, -1), }"),
               "malformed shape");
  // Dimensions whose product overflows 64 bits, or that exceed any problem, are refused before
  // anything is allocated (a wrapped count of 0 would otherwise "match" the empty data).
  expect_error(with_header("{'descr': '<f8', 'fortran_order': False, "
                           "'shape': (4294967296, 4294967296), }", 0),
               "more than 2^40 elements");
  expect_error(with_header("{'descr': '<f8', 'fortran_order': False, "
                           "'shape': (99999999999999999999999,), }", 0),
               "exceeds 2^40");
  expect_error(with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000,), }"),
               "the shape needs 1000000 values (8000000 bytes), the file has 32 bytes");
  expect_error(with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (4,) } junk"),
               "text after the closing");
  std::string unterminated = good;
  unterminated[good.find('\n')] = ' ';
  expect_error(unterminated, "newline");
  std::string version_4 = good;
  version_4[6] = 4;
  expect_error(version_4, "format version 4.0");
  // Format 2.0 (a 4-byte header length) is read.
  {
    const std::size_t header_len = good.find('\n') + 1 - 10;
    std::string v2("\x93NUMPY\x02\x00", 8);
    v2 += {char(header_len & 0xff), char(header_len >> 8), '\0', '\0'};
    v2 += good.substr(10);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << v2;
    EXPECT_EQ(rnn::read_npy(path).values, d);
  }
  const std::size_t wrong_shape[] = {5};
  EXPECT_THROW(rnn::write_npy<double>(path, wrong_shape, std::span<const double>(d)), rnn::error);
}

}  // namespace
