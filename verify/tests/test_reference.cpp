// The reference against hand-derived one-unit cells, against itself in other precisions, and
// against 100-digit finite differences (leg b) on small problems of every cell.
#include <gtest/gtest.h>

#include "reference/truncated.hpp"

#include <cmath>

#include "reference/reference.hpp"
#include "rnnsuite/verify/legs.hpp"

namespace {

namespace ref = rnnsuite::reference;
using ref::real100;
using ref::real50;

rnn::problem one_unit(rnn::cell cell) { return {cell, 1, 1, 1, 1, rnn::precision::f64}; }

double sigmoid(double a) { return 1 / (1 + std::exp(-a)); }

// One Elman tanh step, L = (h − y)²: dL/dW_ih = 2(h − y)(1 − h²)x by the chain rule.
TEST(Reference, ElmanTanhOneStepByHand) {
  const double x = 0.7, h0 = -0.3, w_ih = 0.9, w_hh = -1.1, b_ih = 0.2, b_hh = -0.05, y = 0.4;
  const ref::weights<double> w{{w_ih}, {w_hh}, {b_ih}, {b_hh}};
  const auto run = ref::forward(one_unit(rnn::cell::elman_tanh), w, {x}, {h0}, {});
  const double h = std::tanh(w_ih * x + b_ih + w_hh * h0 + b_hh);
  EXPECT_DOUBLE_EQ(run.output[0], h);
  const auto [loss, grad_output] =
      ref::mse_loss(one_unit(rnn::cell::elman_tanh), rnn::loss_kind::last, run.output, {y});
  EXPECT_DOUBLE_EQ(loss, (h - y) * (h - y));
  const auto g = ref::backward(one_unit(rnn::cell::elman_tanh), w, run, grad_output, {}, {});
  const double delta = 2 * (h - y) * (1 - h * h);
  EXPECT_DOUBLE_EQ(g.weight_ih[0], delta * x);
  EXPECT_DOUBLE_EQ(g.weight_hh[0], delta * h0);
  EXPECT_DOUBLE_EQ(g.bias_ih[0], delta);
  EXPECT_DOUBLE_EQ(g.bias_hh[0], delta);
  EXPECT_DOUBLE_EQ(g.x[0], delta * w_ih);
  EXPECT_DOUBLE_EQ(g.h0[0], delta * w_hh);
  EXPECT_DOUBLE_EQ(g.h[0], 2 * (h - y));
}

// One LSTM step with H = 1: every gate derivative written out.
TEST(Reference, LstmOneStepByHand) {
  const double x = 0.5, h0 = 0.2, c0 = -0.4;
  const ref::weights<double> w{{0.3, -0.6, 0.8, 0.1}, {0.5, 0.4, -0.2, 0.7},
                               {0.1, 1.0, 0.0, -0.3}, {0.0, 0.2, 0.1, 0.05}};
  const rnn::problem p = one_unit(rnn::cell::lstm);
  const auto run = ref::forward(p, w, {x}, {h0}, {c0});
  double pre[4];
  for (int k = 0; k < 4; ++k) pre[k] = w.weight_ih[k] * x + w.bias_ih[k] + w.weight_hh[k] * h0 + w.bias_hh[k];
  const double i = sigmoid(pre[0]), f = sigmoid(pre[1]), gg = std::tanh(pre[2]), o = sigmoid(pre[3]);
  const double c = f * c0 + i * gg, h = o * std::tanh(c);
  EXPECT_DOUBLE_EQ(run.c_n[0], c);
  EXPECT_DOUBLE_EQ(run.h_n[0], h);
  // Upstream 1 on h_T and 0.5 on c_T.
  const auto g = ref::backward(p, w, run, {1.0}, {}, {0.5});
  const double dc = 0.5 + o * (1 - std::tanh(c) * std::tanh(c));
  EXPECT_DOUBLE_EQ(g.c[0], dc);
  EXPECT_DOUBLE_EQ(g.c0[0], dc * f);
  const double d_pre[4] = {dc * gg * i * (1 - i), dc * c0 * f * (1 - f), dc * i * (1 - gg * gg),
                           std::tanh(c) * o * (1 - o)};
  double dh0 = 0;
  for (int k = 0; k < 4; ++k) {
    EXPECT_DOUBLE_EQ(g.bias_ih[k], d_pre[k]) << "gate " << k;
    EXPECT_DOUBLE_EQ(g.weight_hh[k], d_pre[k] * h0) << "gate " << k;
    dh0 += w.weight_hh[k] * d_pre[k];
  }
  EXPECT_DOUBLE_EQ(g.h0[0], dh0);
}

// One GRU step with H = 1, PyTorch's n = tanh(W_in x + b_in + r(W_hn h' + b_hn)).
TEST(Reference, GruOneStepByHand) {
  const double x = -0.8, h0 = 0.6;
  const ref::weights<double> w{{0.4, -0.3, 0.9}, {0.7, 0.2, -0.5}, {0.1, -0.2, 0.3}, {0.0, 0.4, -0.1}};
  const rnn::problem p = one_unit(rnn::cell::gru);
  const auto run = ref::forward(p, w, {x}, {h0}, {});
  const double r = sigmoid(w.weight_ih[0] * x + w.bias_ih[0] + w.weight_hh[0] * h0 + w.bias_hh[0]);
  const double z = sigmoid(w.weight_ih[1] * x + w.bias_ih[1] + w.weight_hh[1] * h0 + w.bias_hh[1]);
  const double hn = w.weight_hh[2] * h0 + w.bias_hh[2];
  const double n = std::tanh(w.weight_ih[2] * x + w.bias_ih[2] + r * hn);
  EXPECT_DOUBLE_EQ(run.h_n[0], (1 - z) * n + z * h0);
  const auto g = ref::backward(p, w, run, {1.0}, {}, {});
  const double dn = (1 - z) * (1 - n * n), dz = (h0 - n) * z * (1 - z), dr = dn * hn * r * (1 - r);
  EXPECT_DOUBLE_EQ(g.bias_ih[2], dn);
  EXPECT_DOUBLE_EQ(g.bias_hh[2], dn * r);
  EXPECT_DOUBLE_EQ(g.bias_ih[1], dz);
  EXPECT_DOUBLE_EQ(g.bias_ih[0], dr);
  EXPECT_DOUBLE_EQ(g.h0[0], z + w.weight_hh[0] * dr + w.weight_hh[1] * dz + w.weight_hh[2] * dn * r);
}

TEST(Reference, BadSizesNameTheArgument) {
  const rnn::problem p{rnn::cell::gru, 2, 1, 3, 2, rnn::precision::f64};
  ref::weights<double> w{std::vector<double>(18), std::vector<double>(12), std::vector<double>(6),
                         std::vector<double>(6)};
  try {
    ref::forward(p, w, std::vector<double>(5), std::vector<double>(2), {});
    FAIL() << "no error";
  } catch (const rnn::error& e) {
    EXPECT_NE(std::string(e.what()).find("x must have 6 elements, got 5"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(ref::forward(p, w, std::vector<double>(6), std::vector<double>(2), {1.0}),
               rnn::error);  // c0 for a GRU
  w.bias_hh.pop_back();
  EXPECT_THROW(ref::forward(p, w, std::vector<double>(6), std::vector<double>(2), {}), rnn::error);
}

// A small regime per cell through legs b and c: the BPTT of the reference agrees with 100-digit
// central differences to 25 digits at every step, and 50 digits suffice.
class ReferenceLegs : public ::testing::TestWithParam<rnn::cell> {};

TEST_P(ReferenceLegs, FiniteDifferencesAndDigitsPass) {
  rnnsuite::verify::regime r;
  r.family = "test";
  r.problem = {GetParam(), 6, 2, 3, 4, rnn::precision::f64};
  r.init = {rnn::init_scheme::pytorch, 5, 1.0};
  r.input_seed = 9;
  r.run.loss = rnn::loss_kind::all;
  r.run.final_state_loss = true;  // the loss's terms in h_n (and c_n) are differentiated too
  for (const auto& leg : {rnnsuite::verify::check_finite_differences(r),
                          rnnsuite::verify::check_digits(r)}) {
    EXPECT_EQ(leg.outcome, rnnsuite::verify::verdict::pass)
        << leg.leg << ": " << leg.worst_block << "@" << leg.worst_step << " ratio "
        << leg.worst_ratio;
    EXPECT_FALSE(leg.checks.empty());
    for (const auto& c : leg.checks) EXPECT_LE(c.error, c.tolerance) << leg.leg << " " << c.block;
  }
}

// Truncated BPTT in the reference (reference/truncated.hpp) against identities of the full one:
// backward is linear in the upstream gradient, so the streaming schedule with windows reaching
// step 0 (k2 >= T) sums to full BPTT; and a window [first, T) with upstream only inside it gives
// full BPTT's dL/dh_t, dL/dc_t and dx_t at every t >= first, zero before, and no dh0.
class ReferenceTruncation : public ::testing::TestWithParam<rnn::cell> {};

TEST_P(ReferenceTruncation, AgreesWithFullBpttWhereTheyMustAgree) {
  namespace ref = rnnsuite::reference;
  const rnn::problem p{GetParam(), 9, 2, 3, 4, rnn::precision::f64};
  const auto params = rnn::make_parameters<double>(p, {rnn::init_scheme::pytorch, 3, 1.0});
  const auto in = rnn::make_inputs<double>(p, 4);
  const auto w = ref::to_weights<ref::real50, double>(params);
  auto real = [](const auto& v) { return ref::convert<ref::real50, double>(std::span<const double>(v)); };
  const auto run = ref::forward(p, w, real(in.x), real(in.h0), real(in.c0));
  const auto upstream = ref::mse_loss(p, rnn::loss_kind::all, run.output, real(in.target)).second;
  const auto full = ref::backward(p, w, run, upstream, {}, {});
  auto near = [](const std::vector<ref::real50>& a, const std::vector<ref::real50>& b,
                 std::size_t from, std::size_t to) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t k = from; k < to; ++k)
      EXPECT_LT(ref::to_double(ref::real50(abs(a[k] - b[k]))), 1e-45) << k;
  };
  const auto streamed = ref::streaming_backward(p, w, run, upstream, 2, 9);
  near(streamed.weight_ih, full.weight_ih, 0, full.weight_ih.size());
  near(streamed.weight_hh, full.weight_hh, 0, full.weight_hh.size());
  near(streamed.bias_hh, full.bias_hh, 0, full.bias_hh.size());
  near(streamed.x, full.x, 0, full.x.size());
  near(streamed.h0, full.h0, 0, full.h0.size());
  near(streamed.c0, full.c0, 0, full.c0.size());

  const std::size_t first = 4, S = 2 * 4, X = 2 * 3;
  std::vector<ref::real50> late = upstream;
  std::fill(late.begin(), late.begin() + first * S, ref::real50(0));
  const auto whole = ref::backward(p, w, run, late, {}, {});
  const auto window = ref::window_backward(p, w, run, late, {}, {}, first, 9);
  near(window.h, whole.h, first * S, whole.h.size());
  near(window.c, whole.c, first * S, whole.c.size());
  near(window.x, whole.x, first * X, whole.x.size());
  for (std::size_t k = 0; k < first * S; ++k) EXPECT_EQ(window.h[k], 0) << k;
  for (std::size_t k = 0; k < first * X; ++k) EXPECT_EQ(window.x[k], 0) << k;
  for (const auto& v : window.h0) EXPECT_EQ(v, 0);
  EXPECT_THROW(ref::window_backward(p, w, run, late, {}, {}, 5, 5), rnn::error);
  EXPECT_THROW(ref::streaming_backward(p, w, run, late, 3, 2), rnn::error);
}

INSTANTIATE_TEST_SUITE_P(EveryCell, ReferenceTruncation, ::testing::ValuesIn(rnn::all_cells),
                         [](const auto& info) { return std::string(rnn::cell_name(info.param)); });

INSTANTIATE_TEST_SUITE_P(EveryCell, ReferenceLegs, ::testing::ValuesIn(rnn::all_cells),
                         [](const auto& info) { return std::string(rnn::cell_name(info.param)); });

}  // namespace
