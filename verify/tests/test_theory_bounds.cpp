// Theory a test can check (VERIFICATION.md): Pascanu's bound, the exact per-step bracket with
// W_hh = s·Q, and Hochreiter's |w| < 4 for the sigmoid, on lib's double fast path. With the loss
// on the last step only, dL/dh_{k-1} = W_hhᵀ·diag(f'(a_k))·dL/dh_k exactly, so each holds up to
// double rounding (a relative 1e-12, far above the ~1e-15 a correct BPTT leaves, and far below
// the O(1) a wrong derivative, transpose or step would cause).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "test_theory_support.hpp"

namespace {

using rnnsuite::theory_test::pass;
using rnnsuite::theory_test::run_fast_as;
using rnnsuite::theory_test::step_of;

constexpr double rounding_slack = 1e-12;

double norm(std::span<const double> v) {
  double s = 0;
  for (double e : v) s += e * e;
  return std::sqrt(s);
}

// f'(a) from f(a) = h, for each Elman activation; γ = sup|f'|.
double derivative_from_output(rnn::cell c, double h) {
  switch (c) {
    case rnn::cell::elman_tanh:
      return 1 - h * h;
    case rnn::cell::elman_sigmoid:
      return h * (1 - h);
    default:
      return h > 0 ? 1 : 0;
  }
}
double gamma_of(rnn::cell c) {
  return c == rnn::cell::elman_sigmoid ? 0.25 : 1.0;
}

struct bound_case {
  rnn::cell cell;
  double gain;  // s: W_hh = s·Q
};

class elman_bounds : public ::testing::TestWithParam<bound_case> {};

TEST_P(elman_bounds, pascanu_bound_and_exact_per_step_bracket) {
  const auto [cell, s] = GetParam();
  const rnn::problem p{cell, 40, 1, 3, 8, rnn::precision::f64};
  const auto params = rnn::make_parameters<double>(p, {rnn::init_scheme::orthogonal, 7, s});
  auto in = rnn::make_inputs<double>(p, 11);
  const pass r = run_fast_as<double>(p, params, in, rnn::loss_kind::last);
  const std::size_t H = p.H;
  const std::int64_t T = p.T;
  // g(k) = dL/dh_k for k = 0..T (h_0 is h0); h(k) = h_k for k = 1..T.
  auto g = [&](std::int64_t k) { return step_of(r.grad_h, r.grad_h0, k - 1, H); };
  auto h = [&](std::int64_t k) { return step_of(r.output, in.h0, k - 1, H); };
  const double top = norm(g(T));
  ASSERT_GT(top, 0);
  int steps_checked = 0;
  for (std::int64_t k = T; k >= 1; --k) {
    const double here = norm(g(k)), below = norm(g(k - 1));
    // Pascanu, Mikolov & Bengio: |dL/dh_k| <= (γ·σ_max)^(T-k)·|dL/dh_T|.
    EXPECT_LE(here, std::pow(gamma_of(cell) * s, double(T - k)) * top * (1 + rounding_slack))
        << "step " << k;
    if (here == 0) break;  // ReLU with every unit off: nothing flows further back
    double lo = INFINITY, hi = 0, scaled = 0;
    for (std::size_t j = 0; j < H; ++j) {
      const double d = std::fabs(derivative_from_output(cell, h(k)[j]));
      lo = std::min(lo, d), hi = std::max(hi, d);
      scaled += (d * g(k)[j]) * (d * g(k)[j]);
    }
    const double ratio = below / here;
    // The bracket σ_min·min|f'| <= ratio <= σ_max·max|f'|, with σ_min = σ_max = s.
    EXPECT_GE(ratio, s * lo * (1 - rounding_slack)) << "step " << k;
    EXPECT_LE(ratio, s * hi * (1 + rounding_slack)) << "step " << k;
    // Tight: Q preserves norms, so the ratio is exactly s·|f'(a_k) ⊙ dL/dh_k| / |dL/dh_k|.
    EXPECT_NEAR(ratio, s * std::sqrt(scaled) / here, rounding_slack * ratio) << "step " << k;
    ++steps_checked;
  }
  EXPECT_GE(steps_checked, cell == rnn::cell::elman_relu ? 5 : T);
}

INSTANTIATE_TEST_SUITE_P(theory, elman_bounds,
                         ::testing::Values(bound_case{rnn::cell::elman_tanh, 0.5},
                                           bound_case{rnn::cell::elman_tanh, 1.0},
                                           bound_case{rnn::cell::elman_tanh, 1.5},
                                           bound_case{rnn::cell::elman_sigmoid, 2.0},
                                           bound_case{rnn::cell::elman_sigmoid, 4.0},
                                           bound_case{rnn::cell::elman_sigmoid, 6.0},
                                           bound_case{rnn::cell::elman_relu, 0.5},
                                           bound_case{rnn::cell::elman_relu, 1.0},
                                           bound_case{rnn::cell::elman_relu, 1.5}),
                         [](const auto& info) {
                           return std::string(rnn::cell_name(info.param.cell)) + "_gain" +
                                  std::to_string(int(info.param.gain * 10));
                         });

// A one-unit sigmoid RNN: dL/dh_{k-1} / dL/dh_k = w·σ'(a_k), so |ratio| <= |w|/4.
pass one_unit_sigmoid(double w, double bias, double h0, double x_scale, rnn::inputs<double>& in) {
  const rnn::problem p{rnn::cell::elman_sigmoid, 60, 1, 1, 1, rnn::precision::f64};
  rnn::parameters<double> params{{1.0}, {w}, {bias}, {0.0}};
  in = rnn::make_inputs<double>(p, 5);
  for (double& x : in.x) x *= x_scale;
  in.h0 = {h0};
  return run_fast_as<double>(p, params, in, rnn::loss_kind::last);
}

TEST(theory, hochreiter_sigmoid_error_flow_vanishes_below_four) {
  for (double w : {-3.99, -2.0, 0.5, 3.0, 3.99}) {
    rnn::inputs<double> in;
    const pass r = one_unit_sigmoid(w, 0.0, 0.5, 1.0, in);
    for (std::size_t k = r.grad_h.size(); k >= 1; --k) {
      const double g_k = r.grad_h[k - 1], g_below = k == 1 ? r.grad_h0[0] : r.grad_h[k - 2];
      const double h_k = r.output[k - 1];
      const double ratio = std::fabs(g_below / g_k);
      EXPECT_LT(ratio, 1.0) << "w " << w << ", step " << k;
      EXPECT_NEAR(ratio, std::fabs(w) * h_k * (1 - h_k), rounding_slack * ratio)
          << "w " << w << ", step " << k;
    }
  }
}

TEST(theory, hochreiter_sigmoid_error_flow_can_grow_above_four) {
  // w = 6, bias −3, x = 0, h_0 = 0.5: a_k = 6·0.5 − 3 = 0 at every step, h stays at σ(0) = 0.5
  // and each step multiplies the error by 6·σ'(0) = 1.5.
  rnn::inputs<double> in;
  const pass r = one_unit_sigmoid(6.0, -3.0, 0.5, 0.0, in);
  const std::size_t T = r.grad_h.size();
  for (std::size_t k = T; k >= 1; --k) {
    const double g_below = k == 1 ? r.grad_h0[0] : r.grad_h[k - 2];
    EXPECT_EQ(r.output[k - 1], 0.5);
    EXPECT_DOUBLE_EQ(g_below / r.grad_h[k - 1], 1.5) << "step " << k;
  }
  EXPECT_NEAR(r.grad_h0[0] / r.grad_h[T - 1], std::pow(1.5, double(T)),
              rounding_slack * std::pow(1.5, double(T)));
}

}  // namespace
