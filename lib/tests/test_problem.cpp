#include <gtest/gtest.h>

#include <string>

#include "rnn/error.hpp"
#include "rnn/problem.hpp"

namespace {

TEST(problem, round_trip_every_cell_and_precision) {
  for (rnn::cell c : rnn::all_cells)
    for (rnn::precision pr : {rnn::precision::f32, rnn::precision::f64}) {
      const rnn::problem p{c, 128, 16, 300, 512, pr};
      const std::string d = rnn::format_problem(p);
      EXPECT_EQ(rnn::parse_problem(d), p) << d;
      EXPECT_EQ(rnn::format_problem(rnn::parse_problem(d)), d);
    }
  EXPECT_EQ(rnn::format_problem(rnn::parse_problem("lstm_t128_b16_i512_h512_f32")),
            "lstm_t128_b16_i512_h512_f32");
}

// Each malformed descriptor must be rejected with a message naming the offending part.
TEST(problem, malformed_descriptors_name_what_is_wrong) {
  const std::pair<const char*, const char*> cases[] = {
      {"lstm_t0_b1_i1_h1_f32", "T must be >= 1, got 0"},
      {"lstm_t1_b1_i1_h1_f16", "precision must be f32 or f64, got 'f16'"},
      {"lstx_t1_b1_i1_h1_f32", "unknown cell 'lstx'"},
      {"lstm_t01_b1_i1_h1_f32", "leading zero"},
      {"lstm_t1_b-1_i1_h1_f32", "B must be a decimal number"},
      {"lstm_t1_b1_i1_x1_f32", "expected field H"},
      {"lstm_t1_b1_i1_f32", "too few fields"},
      {"", "too few fields"},
      {"lstm_t99999999999999999999_b1_i1_h1_f32", "does not fit in 64 bits"},
      {"lstm_t4611686018427387904_b4611686018427387904_i1_h1_f32", "overflows"},
      {"gru_t1_b1_i9223372036854775807_h9223372036854775807_f64", "overflows"},
  };
  for (auto [descriptor, expected] : cases) {
    try {
      rnn::parse_problem(descriptor);
      ADD_FAILURE() << "accepted '" << descriptor << "'";
    } catch (const rnn::error& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos)
          << descriptor << ": " << e.what();
    }
  }
}

TEST(problem, validate_names_negative_field) {
  rnn::problem p{rnn::cell::gru, 4, -3, 2, 2, rnn::precision::f64};
  try {
    rnn::validate(p);
    FAIL();
  } catch (const rnn::error& e) {
    EXPECT_NE(std::string(e.what()).find("B must be >= 1, got -3"), std::string::npos) << e.what();
  }
}

TEST(problem, sizes_and_flops_follow_the_conventions) {
  const rnn::problem p = rnn::parse_problem("lstm_t3_b5_i7_h11_f32");
  const rnn::tensor_sizes s = rnn::sizes_of(p);
  EXPECT_EQ(s.x, 3u * 5 * 7);
  EXPECT_EQ(s.state, 5u * 11);
  EXPECT_EQ(s.sequence, 3u * 5 * 11);
  EXPECT_EQ(s.weight_ih, 4u * 11 * 7);
  EXPECT_EQ(s.weight_hh, 4u * 11 * 11);
  EXPECT_EQ(s.bias, 4u * 11);
  EXPECT_DOUBLE_EQ(rnn::forward_flops(p), 2.0 * 3 * 5 * 4 * 11 * (7 + 11));
  EXPECT_DOUBLE_EQ(rnn::forward_backward_flops(p), 3 * rnn::forward_flops(p));
  EXPECT_EQ(rnn::gate_count(rnn::cell::gru), 3);
  EXPECT_EQ(rnn::gate_count(rnn::cell::elman_relu), 1);
}

}  // namespace

namespace {

TEST(problem, network_fields_round_trip_and_leave_single_layers_unchanged) {
  const std::pair<const char*, std::pair<std::int64_t, std::int64_t>> cases[] = {
      {"lstm_t128_b16_i512_h512_f32", {1, 1}},
      {"lstm_t128_b16_i512_h512_l2_f32", {2, 1}},
      {"lstm_t128_b16_i512_h512_bi_f32", {1, 2}},
      {"elman_tanh_t5_b1_i3_h4_l8_bi_f64", {8, 2}},
  };
  for (auto [d, ld] : cases) {
    const rnn::problem p = rnn::parse_problem(d);
    EXPECT_EQ(p.layers, ld.first) << d;
    EXPECT_EQ(p.directions, ld.second) << d;
    EXPECT_EQ(rnn::format_problem(p), d);
    EXPECT_EQ(rnn::is_network(p), ld.first > 1 || ld.second > 1) << d;
  }
  const rnn::problem p = rnn::parse_problem("gru_t3_b5_i7_h11_l3_bi_f32");
  const rnn::network_sizes n = rnn::network_sizes_of(p);
  EXPECT_EQ(n.x, 3u * 5 * 7);
  EXPECT_EQ(n.state, 6u * 5 * 11);
  EXPECT_EQ(n.output, 3u * 5 * 22);
  EXPECT_EQ(n.sequences, 6u * 3 * 5 * 11);
  EXPECT_EQ(n.parameters, 2u * 33 * (7 + 11 + 2) + 4u * 33 * (22 + 11 + 2));
  const rnn::network_sizes one = rnn::network_sizes_of(rnn::parse_problem("gru_t3_b5_i7_h11_f32"));
  EXPECT_EQ(one.parameters, 33u * (7 + 11 + 2));
}

TEST(problem, malformed_network_fields_name_what_is_wrong) {
  const std::pair<const char*, const char*> cases[] = {
      {"lstm_t1_b1_i1_h1_l1_f32", "omit the field '_l1'"},
      {"lstm_t1_b1_i1_h1_l0_f32", "L must be >= 1, got 0"},
      {"lstm_t1_b1_i1_h1_l02_f32", "leading zero"},
      {"lstm_t1_b1_i1_h1_lx_f32", "L must be a decimal number"},
      {"lstm_t1_b1_i1_h1_bi_l2_f32", "'_bi' must come after '_l<L>'"},
      {"lstm_t1_b1_i1_h1_bi_bi_f32", "'_bi' must come after '_l<L>'"},
      {"lstm_t1_b1_i1_bi_f32", "too few fields"},
      {"lstm_t1_b1_i1_h1_l4611686018427387904_bi_f64", "overflows"},
  };
  for (auto [descriptor, expected] : cases) {
    try {
      rnn::parse_problem(descriptor);
      ADD_FAILURE() << "accepted '" << descriptor << "'";
    } catch (const rnn::error& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos)
          << descriptor << ": " << e.what();
    }
  }
  rnn::problem p = rnn::parse_problem("lstm_t1_b1_i1_h1_f32");
  p.directions = 3;
  EXPECT_THROW(rnn::validate(p), rnn::error);
  p.directions = 1;
  p.layers = 0;
  EXPECT_THROW(rnn::validate(p), rnn::error);
}

}  // namespace
