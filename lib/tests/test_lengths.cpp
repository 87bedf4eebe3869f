// The lengths field of the descriptor and the lengths each rule gives (rnn/lengths.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>

#include "rnn/error.hpp"
#include "rnn/lengths.hpp"

namespace {

TEST(lengths, descriptor_field_round_trips_after_the_network_fields) {
  for (const char* d : {"lstm_t512_b64_i512_h512_lenu1_f32", "gru_t7_b4_i3_h5_l2_bi_lenx_f64",
                        "elman_tanh_t9_b3_i2_h2_bi_lenf_f32", "lstm_t3_b2_i1_h1_lenu0_f64",
                        "gru_t3_b2_i1_h1_l3_lenu18446744073709551615_f64"}) {
    const rnn::problem p = rnn::parse_problem(d);
    EXPECT_TRUE(rnn::has_lengths(p)) << d;
    EXPECT_EQ(rnn::format_problem(p), d);
  }
  const rnn::problem u = rnn::parse_problem("gru_t7_b4_i3_h5_l2_bi_lenu42_f64");
  EXPECT_EQ(u.lengths, rnn::lengths_rule::uniform);
  EXPECT_EQ(u.lengths_seed, 42u);
  EXPECT_EQ(u.layers, 2);
  EXPECT_EQ(u.directions, 2);
  EXPECT_FALSE(rnn::has_lengths(rnn::parse_problem("gru_t7_b4_i3_h5_l2_bi_f64")));
}

TEST(lengths, malformed_lengths_fields_name_what_is_wrong) {
  const std::pair<const char*, const char*> cases[] = {
      {"lstm_t4_b2_i1_h1_lenq_f32", "must be '_lenu<seed>'"},
      {"lstm_t4_b2_i1_h1_len_f32", "must be '_lenu<seed>'"},
      {"lstm_t4_b2_i1_h1_lenu_f32", "needs a seed"},
      {"lstm_t4_b2_i1_h1_lenu01_f32", "leading zero"},
      {"lstm_t4_b2_i1_h1_lenu1x_f32", "decimal number"},
      {"lstm_t4_b2_i1_h1_lenu18446744073709551616_f32", "does not fit"},
      {"lstm_t4_b2_i1_h1_lenx_lenx_f32", "a second lengths field"},
      {"lstm_t4_b2_i1_h1_lenx_bi_f32", "'_len<rule>' must come after '_bi'"},
      {"lstm_t4_b2_i1_h1_lenx_l2_f32", "'_len<rule>' must come after '_l<L>'"},
      {"lstm_t4_b2_i1_lenx_f32", "too few fields"},
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
  rnn::problem p = rnn::parse_problem("lstm_t4_b2_i1_h1_lenx_f32");
  p.lengths_seed = 3;  // a seed only the uniform rule takes
  EXPECT_THROW(rnn::validate(p), rnn::error);
  p.lengths_seed = 0;
  p.lengths = static_cast<rnn::lengths_rule>(17);
  EXPECT_THROW(rnn::validate(p), rnn::error);
}

TEST(lengths, each_rule_gives_b_lengths_in_range) {
  const rnn::problem full = rnn::parse_problem("lstm_t9_b5_i1_h1_f32");
  EXPECT_TRUE(rnn::make_lengths(full).empty()) << "no lengths: every sequence T steps";
  const rnn::problem ends = rnn::parse_problem("lstm_t9_b5_i1_h1_lenx_f32");
  EXPECT_EQ(rnn::make_lengths(ends), (std::vector<std::int64_t>{1, 9, 5, 1, 9}));
  EXPECT_THROW(rnn::make_lengths(rnn::parse_problem("lstm_t9_b5_i1_h1_lenf_f32")), rnn::error);

  const rnn::problem u = rnn::parse_problem("lstm_t512_b4096_i1_h1_lenu7_f32");
  const std::vector<std::int64_t> lengths = rnn::make_lengths(u);
  ASSERT_EQ(lengths.size(), 4096u);
  EXPECT_EQ(*std::min_element(lengths.begin(), lengths.end()), 1);
  EXPECT_EQ(*std::max_element(lengths.begin(), lengths.end()), 512);
  // Uniform in [1, 512]: mean 256.5, standard error of the mean 148/sqrt(4096) = 2.3.
  const double mean = double(rnn::total_steps(u, lengths)) / 4096.0;
  EXPECT_NEAR(mean, 256.5, 5 * 2.3);
  EXPECT_EQ(rnn::make_lengths(u), lengths) << "the same seed gives the same lengths";
  rnn::problem other = u;
  other.lengths_seed = 8;
  EXPECT_NE(rnn::make_lengths(other), lengths);
  // T = 1: the only length there is.
  EXPECT_EQ(rnn::make_lengths(rnn::parse_problem("gru_t1_b3_i1_h1_lenu5_f64")),
            std::vector<std::int64_t>(3, 1));
}

TEST(lengths, check_names_the_bad_entry_and_flops_count_the_real_steps) {
  const rnn::problem p = rnn::parse_problem("lstm_t8_b4_i3_h5_f32");
  const std::vector<std::int64_t> good{8, 1, 3, 8}, short_list{8, 1, 3}, zero{8, 0, 3, 8},
      long_one{8, 1, 9, 8};
  EXPECT_NO_THROW(rnn::check_lengths(p, good, "here"));
  EXPECT_NO_THROW(rnn::check_lengths(p, {}, "here"));
  auto message = [&](const std::vector<std::int64_t>& l) {
    try {
      rnn::check_lengths(p, l, "layer::forward");
    } catch (const rnn::error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message(short_list).find("layer::forward: lengths has 3 entries, expected B = 4"),
            std::string::npos);
  EXPECT_NE(message(zero).find("lengths[1] = 0 is not in [1, T = 8]"), std::string::npos);
  EXPECT_NE(message(long_one).find("lengths[2] = 9 is not in [1, T = 8]"), std::string::npos);

  EXPECT_TRUE(rnn::all_full(p, {}));
  EXPECT_TRUE(rnn::all_full(p, std::vector<std::int64_t>(4, 8)));
  EXPECT_FALSE(rnn::all_full(p, good));
  EXPECT_EQ(rnn::total_steps(p, good), 20);
  EXPECT_EQ(rnn::total_steps(p, {}), 32);
  EXPECT_DOUBLE_EQ(rnn::forward_flops(p, good), rnn::forward_flops(p) * 20.0 / 32.0);
  EXPECT_DOUBLE_EQ(rnn::forward_flops(p, {}), rnn::forward_flops(p));
}

}  // namespace
