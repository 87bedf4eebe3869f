// The theory checks again in 50-digit arithmetic, through the reference (verify/reference/):
// there rounding is ~1e-50, so the bounds, the tight bracket and the closed forms must hold to a
// relative 1e-40, and the reference shows what float and double cannot: 0.5^1000·dL/dc_T ≈ 1e-302
// is still there (float has flushed it to zero), and σ(40)^1000 is 1 − 4e-15, not the exact 1
// that float and double round the constant error carousel to.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <span>

#include "rnnsuite/verify/theory.hpp"

namespace {

using rnnsuite::reference::real50;
using rnnsuite::verify::run_fast_as;
using rnnsuite::verify::run_reference;
using rnnsuite::verify::to_reference;

const real50 slack("1e-40");

real50 norm(const std::vector<real50>& v, std::size_t begin, std::size_t n) {
  real50 s(0);
  for (std::size_t k = begin; k < begin + n; ++k) s += v[k] * v[k];
  return sqrt(s);
}

// Q = (I − 2uuᵀ/|u|²)(I − 2vvᵀ/|v|²), orthogonal to 50 digits (H×H row-major).
std::vector<real50> householder_pair(std::size_t H, std::span<const double> seed_values) {
  std::vector<real50> u(H), v(H), q(H * H, real50(0));
  for (std::size_t j = 0; j < H; ++j) u[j] = seed_values[j], v[j] = seed_values[H + j];
  real50 uu(0), vv(0);
  for (std::size_t j = 0; j < H; ++j) uu += u[j] * u[j], vv += v[j] * v[j];
  for (std::size_t r = 0; r < H; ++r)
    for (std::size_t c = 0; c < H; ++c) {
      // (P_u P_v)[r][c] = Σ_k P_u[r][k] P_v[k][c]
      real50 s(0);
      for (std::size_t k = 0; k < H; ++k) {
        const real50 pu = real50(r == k ? 1 : 0) - 2 * u[r] * u[k] / uu;
        const real50 pv = real50(k == c ? 1 : 0) - 2 * v[k] * v[c] / vv;
        s += pu * pv;
      }
      q[r * H + c] = s;
    }
  return q;
}

real50 derivative_from_output(rnn::cell c, const real50& h) {
  if (c == rnn::cell::elman_tanh) return 1 - h * h;
  if (c == rnn::cell::elman_sigmoid) return h * (1 - h);
  return h > 0 ? real50(1) : real50(0);
}

TEST(theory_reference, pascanu_bound_and_tight_bracket_in_50_digits) {
  for (rnn::cell cell : {rnn::cell::elman_tanh, rnn::cell::elman_sigmoid, rnn::cell::elman_relu})
    for (double gain : {0.5, 1.0, 1.5, 4.5}) {
      const rnn::problem p{cell, 30, 1, 3, 6, rnn::precision::f64};
      const auto params = rnn::make_parameters<double>(p, {rnn::init_scheme::pytorch, 21, 1.0});
      const auto in = rnn::make_inputs<double>(p, 23);
      auto w = to_reference<real50>(params);
      const real50 s(gain);
      const auto q = householder_pair(p.H, in.target);  // any seeded values will do
      for (std::size_t k = 0; k < q.size(); ++k) w.weight_hh[k] = s * q[k];
      const auto r = run_reference<real50>(p, w, in, rnn::loss_kind::last);
      const std::size_t H = p.H, T = p.T;
      const real50 gamma = cell == rnn::cell::elman_sigmoid ? real50("0.25") : real50(1);
      // g(k) = dL/dh_k, k = 0..T; stored at (k−1)·H in grads.h, h0's in grads.h0.
      auto g = [&](std::size_t k) {
        return k == 0 ? norm(r.grads.h0, 0, H) : norm(r.grads.h, (k - 1) * H, H);
      };
      const real50 top = g(T);
      ASSERT_GT(top, 0);
      for (std::size_t k = T; k >= 1; --k) {
        const real50 here = g(k), below = g(k - 1);
        EXPECT_LE(here, pow(gamma * s, int(T - k)) * top * (1 + slack)) << "step " << k;
        if (here == 0) break;
        real50 lo(1e9), hi(0), scaled(0);
        for (std::size_t j = 0; j < H; ++j) {
          const real50 d = abs(derivative_from_output(cell, r.run.output[(k - 1) * H + j]));
          lo = std::min(lo, d), hi = std::max(hi, d);
          scaled += (d * r.grads.h[(k - 1) * H + j]) * (d * r.grads.h[(k - 1) * H + j]);
        }
        const real50 ratio = below / here;
        EXPECT_GE(ratio, s * lo * (1 - slack)) << rnn::cell_name(cell) << " step " << k;
        EXPECT_LE(ratio, s * hi * (1 + slack)) << rnn::cell_name(cell) << " step " << k;
        EXPECT_LE(abs(ratio - s * sqrt(scaled) / here), slack * ratio)
            << rnn::cell_name(cell) << " gain " << gain << " step " << k;
      }
    }
}

// W_hh = 0 and gate block `gate` constant σ(bias) (as in test_theory_closed_forms.cpp).
rnn::parameters<double> constant_gate(const rnn::problem& p, int gate, double bias) {
  auto params = rnn::make_parameters<double>(p, {rnn::init_scheme::pytorch, 3, 1.0});
  std::fill(params.weight_hh.begin(), params.weight_hh.end(), 0.0);
  // For LSTM the cell input g is held at tanh(0) = 0 too, so c stays c_0·f^t, well inside tanh's
  // unsaturated range (a growing c would make dL/dc_T = 0 through tanh'(c_T)).
  auto hold = [&](int block, double b) {
    for (std::int64_t row = block * p.H; row < (block + 1) * p.H; ++row) {
      for (std::int64_t i = 0; i < p.I; ++i) params.weight_ih[row * p.I + i] = 0;
      params.bias_ih[row] = b, params.bias_hh[row] = 0;
    }
  };
  if (p.cell == rnn::cell::lstm) hold(2, 0.0);
  hold(gate, bias);
  return params;
}

// In 50 digits: sequence_t = σ(bias)^(T−t)·sequence_T at every t (initial is t = 0); returns
// the ratio at t = 0.
real50 check_product(const std::vector<real50>& sequence, const std::vector<real50>& initial,
                     double bias, std::size_t T, std::size_t H) {
  const real50 gate = rnnsuite::reference::detail::logistic(real50(bias));
  real50 ratio0(0);
  for (std::size_t j = 0; j < H; ++j) {
    const real50 top = sequence[(T - 1) * H + j];
    EXPECT_NE(top, 0);
    real50 product(1);
    for (std::size_t t = T; t-- > 0;) {
      product *= gate;
      const real50 got = t == 0 ? initial[j] : sequence[(t - 1) * H + j];
      EXPECT_LE(abs(got - product * top), slack * abs(product * top)) << "step " << t;
    }
    ratio0 = initial[j] / top;
  }
  return ratio0;
}

TEST(theory_reference, lstm_closed_forms_at_t1000_in_50_digits) {
  const rnn::problem p{rnn::cell::lstm, 1000, 1, 2, 4, rnn::precision::f64};
  const auto in = rnn::make_inputs<double>(p, 9);
  // f = σ(0) = 0.5: dL/dc_0 = 2^-1000·dL/dc_T, about 1e-302: a normal double, zero in float.
  const auto half = constant_gate(p, 1, 0.0);
  const auto r = run_reference<real50>(p, to_reference<real50>(half), in, rnn::loss_kind::last);
  EXPECT_EQ(check_product(r.grads.c, r.grads.c0, 0.0, p.T, p.H), pow(real50("0.5"), 1000));
  const auto single = run_fast_as<float>(p, half, in, rnn::loss_kind::last);
  const auto twice = run_fast_as<double>(p, half, in, rnn::loss_kind::last);
  for (std::size_t j = 0; j < std::size_t(p.H); ++j) {
    ASSERT_NE(r.grads.c0[j], 0);
    EXPECT_LT(abs(r.grads.c0[j]), real50("1e-300"));
    EXPECT_EQ(single.grad_c0[j], 0.0) << "float keeps 2^-1000·dL/dc_T?";
    // double keeps it, to double rounding of dL/dc_T itself.
    EXPECT_LE(abs(real50(twice.grad_c0[j]) - r.grads.c0[j]), real50("1e-14") * abs(r.grads.c0[j]));
  }
  // f = σ(40): 1 − 4.2e-18 in 50 digits, exactly 1 once rounded to float or double; over 1000
  // steps the true carousel loses 4.2e-15, which both formats show as no loss at all.
  const auto one = constant_gate(p, 1, 40.0);
  const auto r1 = run_reference<real50>(p, to_reference<real50>(one), in, rnn::loss_kind::last);
  const real50 kept = check_product(r1.grads.c, r1.grads.c0, 40.0, p.T, p.H);
  EXPECT_LT(kept, 1);
  EXPECT_GT(kept, real50("0.999999999999995"));
  const auto fast = run_fast_as<double>(p, one, in, rnn::loss_kind::last);
  for (std::size_t j = 0; j < std::size_t(p.H); ++j)
    EXPECT_EQ(fast.grad_c0[j], fast.grad_c[(p.T - 1) * p.H + j]);
}

TEST(theory_reference, gru_closed_form_at_t1000_in_50_digits) {
  const rnn::problem p{rnn::cell::gru, 1000, 1, 2, 4, rnn::precision::f64};
  const auto in = rnn::make_inputs<double>(p, 13);
  for (double bias : {0.0, 40.0, -2.0}) {
    const auto params = constant_gate(p, 1, bias);  // gates r, z, n: z constant
    const auto r = run_reference<real50>(p, to_reference<real50>(params), in, rnn::loss_kind::last);
    const real50 z = rnnsuite::reference::detail::logistic(real50(bias));
    EXPECT_LE(abs(check_product(r.grads.h, r.grads.h0, bias, p.T, p.H) - pow(z, 1000)),
              slack * pow(z, 1000))
        << "bias " << bias;
  }
}

}  // namespace
