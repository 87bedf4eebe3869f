// rnn::mse_loss with sequence lengths (rnn/loss.hpp): `last` reads each sequence's own last step
// len_b − 1 (PyTorch's output[-1] for packed sequences), both directions' halves; `all` is
// unchanged; no lengths, or all T, give the bits of before; bad lengths are refused.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "rnn/error.hpp"
#include "rnn/init.hpp"
#include "rnn/loss.hpp"

namespace {

// Output and target of problem p filled with distinct values.
struct data {
  std::vector<double> output, target, grad;
  explicit data(const rnn::problem& p) {
    const std::size_t n = rnn::network_sizes_of(p).output;
    for (std::size_t k = 0; k < n; ++k) {
      output.push_back(0.1 * double(k) - 0.7);
      target.push_back(0.05 * double(k % 5));
    }
    grad.assign(n, -1.0);  // not zero, so a position mse_loss leaves alone shows
  }
};

// T = 3, B = 2, H = 2: output (t, b, j) at (t·2 + b)·2 + j. Lengths 2 and 3: sequence 0's last
// step is t = 1 (indices 4, 5), sequence 1's t = 2 (indices 10, 11).
TEST(loss_lengths, last_reads_each_sequences_last_step) {
  const rnn::problem p = rnn::parse_problem("elman_tanh_t3_b2_i1_h2_lenx_f64");
  data d(p);
  const std::vector<std::int64_t> lengths = {2, 3};
  const double L = rnn::mse_loss<double>(p, rnn::loss_kind::last, d.output, d.target, d.grad,
                                         lengths);
  double sum = 0;
  for (std::size_t k : {4, 5, 10, 11}) {
    const double diff = d.output[k] - d.target[k];
    sum += diff * diff;
    EXPECT_EQ(d.grad[k], 2 * diff / 4) << k;
  }
  EXPECT_DOUBLE_EQ(L, sum / 4);  // mean over B×H = 4
  // By hand: (−0.3 − 0.2)² + (−0.2 − 0.0)² + (0.3 − 0.0)² + (0.4 − 0.05)², over 4.
  EXPECT_NEAR(L, (0.25 + 0.04 + 0.09 + 0.1225) / 4, 1e-15);
  for (std::size_t k : {0, 1, 2, 3, 6, 7, 8, 9}) EXPECT_EQ(d.grad[k], 0.0) << k;
}

// A bidirectional network: both halves of row b at len_b − 1 (D·H = 4 wide).
TEST(loss_lengths, last_takes_both_directions_halves) {
  const rnn::problem p = rnn::parse_problem("gru_t4_b3_i2_h2_bi_lenx_f64");
  data d(p);
  const std::vector<std::int64_t> lengths = {1, 4, 2};
  rnn::mse_loss<double>(p, rnn::loss_kind::last, d.output, d.target, d.grad, lengths);
  for (std::size_t t = 0; t < 4; ++t)
    for (std::size_t b = 0; b < 3; ++b)
      for (std::size_t j = 0; j < 4; ++j) {
        const std::size_t k = (t * 3 + b) * 4 + j;
        const bool read = t + 1 == std::size_t(lengths[b]);
        const double want = read ? 2 * (d.output[k] - d.target[k]) / 12 : 0.0;
        EXPECT_EQ(d.grad[k], want) << "t " << t << " b " << b << " j " << j;
      }
}

// No lengths and lengths all T: the same bits, in float and double; `all` ignores lengths.
template <class Real>
void same_bits_without_lengths() {
  const rnn::problem p = rnn::parse_problem("lstm_t5_b3_i2_h4_l2_bi_f64");
  const std::size_t n = rnn::network_sizes_of(p).output;
  const rnn::inputs<Real> in = rnn::make_inputs<Real>(p, 3);
  std::vector<Real> output(n);
  for (std::size_t k = 0; k < n; ++k) output[k] = Real(std::sin(double(k)));
  const std::vector<Real> target(in.target.begin(), in.target.end());
  const std::vector<std::int64_t> full(3, 5), ragged = {5, 1, 3};
  for (rnn::loss_kind kind : {rnn::loss_kind::last, rnn::loss_kind::all}) {
    std::vector<Real> none(n), all_t(n);
    const double a = rnn::mse_loss<Real>(p, kind, output, target, none);
    const double b = rnn::mse_loss<Real>(p, kind, output, target, all_t, full);
    EXPECT_EQ(a, b) << rnn::loss_name(kind);
    EXPECT_EQ(none, all_t) << rnn::loss_name(kind);
  }
  // `all`: every element, padded ones included, whatever the lengths.
  std::vector<Real> none(n), given(n);
  EXPECT_EQ(rnn::mse_loss<Real>(p, rnn::loss_kind::all, output, target, none),
            rnn::mse_loss<Real>(p, rnn::loss_kind::all, output, target, given, ragged));
  EXPECT_EQ(none, given);
}

TEST(loss_lengths, no_lengths_or_all_full_give_the_same_bits) {
  same_bits_without_lengths<float>();
  same_bits_without_lengths<double>();
}

// Without lengths `last` is still the mean over time T − 1 alone, as before.
TEST(loss_lengths, without_lengths_last_is_time_t_minus_1) {
  const rnn::problem p = rnn::parse_problem("elman_relu_t3_b2_i1_h2_f64");
  data d(p);
  const double L = rnn::mse_loss<double>(p, rnn::loss_kind::last, d.output, d.target, d.grad);
  double sum = 0;
  for (std::size_t k = 8; k < 12; ++k) {
    const double diff = d.output[k] - d.target[k];
    sum += diff * diff;
    EXPECT_EQ(d.grad[k], 2 * diff / 4) << k;
  }
  EXPECT_EQ(L, sum / 4);
  for (std::size_t k = 0; k < 8; ++k) EXPECT_EQ(d.grad[k], 0.0) << k;
}

TEST(loss_lengths, bad_lengths_are_refused) {
  const rnn::problem p = rnn::parse_problem("elman_tanh_t3_b2_i1_h2_lenx_f64");
  data d(p);
  for (const std::vector<std::int64_t>& bad :
       {std::vector<std::int64_t>{2}, std::vector<std::int64_t>{2, 3, 1},
        std::vector<std::int64_t>{0, 3}, std::vector<std::int64_t>{2, 4},
        std::vector<std::int64_t>{-1, 2}})
    for (rnn::loss_kind kind : {rnn::loss_kind::last, rnn::loss_kind::all})
      EXPECT_THROW(rnn::mse_loss<double>(p, kind, d.output, d.target, d.grad, bad), rnn::error);
  try {
    rnn::mse_loss<double>(p, rnn::loss_kind::last, d.output, d.target, d.grad,
                          std::vector<std::int64_t>{2, 4});
    FAIL() << "lengths[1] = 4 > T accepted";
  } catch (const rnn::error& e) {
    EXPECT_NE(std::string(e.what()).find("mse_loss: lengths[1] = 4"), std::string::npos)
        << e.what();
  }
}

}  // namespace
