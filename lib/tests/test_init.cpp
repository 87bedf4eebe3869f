#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "rnn/error.hpp"
#include "rnn/init.hpp"

namespace {

TEST(init, deterministic_and_seed_dependent) {
  const rnn::problem p = rnn::parse_problem("gru_t4_b3_i5_h6_f32");
  const auto a = rnn::make_parameters<float>(p, {rnn::init_scheme::pytorch, 7, 1.0});
  const auto b = rnn::make_parameters<float>(p, {rnn::init_scheme::pytorch, 7, 1.0});
  const auto c = rnn::make_parameters<float>(p, {rnn::init_scheme::pytorch, 8, 1.0});
  EXPECT_EQ(a.weight_hh, b.weight_hh);
  EXPECT_EQ(a.bias_ih, b.bias_ih);
  EXPECT_NE(a.weight_hh, c.weight_hh);
  EXPECT_EQ(rnn::make_inputs<float>(p, 3).x, rnn::make_inputs<float>(p, 3).x);
  EXPECT_NE(rnn::make_inputs<float>(p, 3).x, rnn::make_inputs<float>(p, 4).x);
}

TEST(init, pytorch_bound_and_sizes) {
  const rnn::problem p = rnn::parse_problem("lstm_t2_b1_i3_h16_f64");
  const auto w = rnn::make_parameters<double>(p, {rnn::init_scheme::pytorch, 1, 1.0});
  ASSERT_EQ(w.weight_ih.size(), 64u * 3);
  ASSERT_EQ(w.weight_hh.size(), 64u * 16);
  double largest = 0;
  for (double v : w.weight_hh) largest = std::max(largest, std::abs(v));
  EXPECT_LE(largest, 0.25);  // 1/sqrt(16)
  EXPECT_GT(largest, 0.2);   // and actually spread over the range
  const auto in = rnn::make_inputs<double>(p, 1);
  EXPECT_EQ(in.c0.size(), 16u);
  EXPECT_EQ(rnn::make_inputs<double>(rnn::parse_problem("gru_t2_b1_i3_h16_f64"), 1).c0.size(), 0u);
}

// W Wᵀ = gain² I for every H×H gate block means all singular values equal the gain.
TEST(init, orthogonal_blocks_have_every_singular_value_equal_to_gain) {
  const rnn::problem p = rnn::parse_problem("lstm_t1_b1_i5_h24_f64");
  const double gain = 1.7;
  const auto w = rnn::make_parameters<double>(p, {rnn::init_scheme::orthogonal, 5, gain});
  const std::size_t H = 24;
  for (std::size_t g = 0; g < 4; ++g) {
    const double* block = &w.weight_hh[g * H * H];
    for (std::size_t i = 0; i < H; ++i)
      for (std::size_t j = 0; j < H; ++j) {
        double dot = 0;
        for (std::size_t k = 0; k < H; ++k) dot += block[i * H + k] * block[j * H + k];
        EXPECT_NEAR(dot, i == j ? gain * gain : 0.0, 1e-12) << "gate " << g << " " << i << "," << j;
      }
  }
  for (double b : w.bias_hh) EXPECT_EQ(b, 0.0);
}

TEST(init, bad_arguments_are_errors) {
  const rnn::problem p = rnn::parse_problem("elman_tanh_t1_b1_i1_h2_f32");
  EXPECT_THROW(rnn::make_parameters<float>(p, {rnn::init_scheme::orthogonal, 0, -1.0}), rnn::error);
  EXPECT_THROW(rnn::make_parameters<float>(p, {rnn::init_scheme::orthogonal, 0, NAN}), rnn::error);
}

}  // namespace
