// Closed forms with W_hh = 0 at T = 1000 (VERIFICATION.md), on lib's fast path in float and
// double. With no recurrent weights and the loss on the last step, nothing but the gates carries
// error back: LSTM dL/dc_t = (∏_{k>t} f_k) ⊙ dL/dc_T, GRU dL/dh_t = (∏_{k>t} z_k) ⊙ dL/dh_T.
// The forget (update) gate is made constant by zeroing its W_ih rows: f = σ(b). With f = 1 (the
// constant error carousel) and f = 0.5 (an exact halving per step) both products are exact in
// binary arithmetic, so the fast path must match them bit for bit, until float leaves its
// normal range: 0.5^1000 ≈ 1e-301 is a normal double but far below FLT_MIN, and there float
// first loses digits (denormals) and then flushes to zero while the true value is not zero.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>

#include "test_theory_support.hpp"

namespace {

using rnnsuite::theory_test::pass;
using rnnsuite::theory_test::run_fast_as;

constexpr std::int64_t T = 1000;

// W_hh = 0 and gate block `gate` constant σ(gate_bias) for every step and unit.
rnn::parameters<double> constant_gate(const rnn::problem& p, int gate, double gate_bias) {
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
  hold(gate, gate_bias);
  return params;
}

// The step-t block (t = 1..T; 0 is the initial state) of dL/dc or dL/dh.
double at(const std::vector<double>& sequence, const std::vector<double>& initial, std::int64_t t,
          std::size_t j, std::size_t H) {
  return t == 0 ? initial[j] : sequence[(t - 1) * H + j];
}

// Checks grad_t = gate^(T−t)·grad_T bit for bit in Real (the product taken step by step in Real,
// as exact as the fast path's), and returns the number of steps at which Real's result is zero
// while the exact value 2^-(T-t)·grad_T (double's, exact here) is not.
template <class Real>
int check_product(const std::vector<double>& sequence, const std::vector<double>& initial,
                  double gate, std::size_t H) {
  int flushed = 0;
  for (std::size_t j = 0; j < H; ++j) {
    const double top = at(sequence, initial, T, j, H);
    EXPECT_NE(top, 0);
    Real expected = static_cast<Real>(top);
    for (std::int64_t t = T - 1; t >= 0; --t) {
      expected = expected * static_cast<Real>(gate);
      const double got = at(sequence, initial, t, j, H);
      EXPECT_EQ(got, static_cast<double>(expected)) << "step " << t << ", unit " << j;
      if (got != static_cast<double>(expected)) return -1;
      const double exact = std::ldexp(top, -int(T - t));
      if (gate == 0.5 && got == 0 && exact != 0) ++flushed;
    }
  }
  return flushed;
}

template <class Real>
void lstm_carousel(double forget_bias, double gate) {
  const rnn::problem p{rnn::cell::lstm, T, 1, 2, 4, rnn::precision::f64};
  const auto params = constant_gate(p, 1, forget_bias);  // gate blocks i, f, g, o
  const auto in = rnn::make_inputs<double>(p, 9);
  const pass r = run_fast_as<Real>(p, params, in, rnn::loss_kind::last);
  const int flushed = check_product<Real>(r.grad_c, r.grad_c0, gate, p.H);
  // h gets no gradient before the last step: nothing flows through W_hh = 0.
  for (std::size_t k = 0; k + p.H < r.grad_h.size(); ++k) ASSERT_EQ(r.grad_h[k], 0.0);
  if (sizeof(Real) == 8 || gate == 1) {
    EXPECT_EQ(flushed, 0);
  }
}

TEST(theory_closed_form, lstm_constant_error_carousel_f64) {
  lstm_carousel<double>(40, 1.0);
}
TEST(theory_closed_form, lstm_constant_error_carousel_f32) {
  lstm_carousel<float>(40, 1.0);
}
TEST(theory_closed_form, lstm_forget_half_f64_stays_normal) {
  lstm_carousel<double>(0, 0.5);
}

TEST(theory_closed_form, lstm_forget_half_f32_underflows_where_the_truth_does_not) {
  const rnn::problem p{rnn::cell::lstm, T, 1, 2, 4, rnn::precision::f32};
  const auto params = constant_gate(p, 1, 0.0);
  const auto in = rnn::make_inputs<double>(p, 9);
  const pass single = run_fast_as<float>(p, params, in, rnn::loss_kind::last);
  const pass twice = run_fast_as<double>(p, params, in, rnn::loss_kind::last);
  const int flushed = check_product<float>(single.grad_c, single.grad_c0, 0.5, p.H);
  // 2^-(T-t)·|dL/dc_T| drops below float's smallest denormal (2^-149) after ~150 steps: the other
  // ~850 steps of every unit are zero in float, while double (and the truth) keep them.
  EXPECT_GT(flushed, 800 * int(p.H));
  for (std::size_t j = 0; j < std::size_t(p.H); ++j) {
    const double top = at(twice.grad_c, twice.grad_c0, T, j, p.H);
    EXPECT_EQ(at(twice.grad_c, twice.grad_c0, 0, j, p.H), std::ldexp(top, -int(T)));
    EXPECT_EQ(at(single.grad_c, single.grad_c0, 0, j, p.H), 0.0);
    // The first step where float's exact value is below FLT_MIN is denormal: digits are lost.
    for (std::int64_t t = T; t >= 0; --t) {
      const double f = at(single.grad_c, single.grad_c0, t, j, p.H);
      const double exact = std::ldexp(
          static_cast<double>(static_cast<float>(at(single.grad_c, single.grad_c0, T, j, p.H))),
          -int(T - t));
      if (std::fabs(exact) < FLT_MIN) {
        EXPECT_LT(std::fabs(f), FLT_MIN) << "step " << t;
        break;
      }
      EXPECT_EQ(f, exact) << "step " << t;
    }
  }
}

template <class Real>
void gru_update(double update_bias, double gate) {
  const rnn::problem p{rnn::cell::gru, T, 1, 2, 4, rnn::precision::f64};
  const auto params = constant_gate(p, 1, update_bias);  // gate blocks r, z, n
  const auto in = rnn::make_inputs<double>(p, 13);
  const pass r = run_fast_as<Real>(p, params, in, rnn::loss_kind::last);
  const int flushed = check_product<Real>(r.grad_h, r.grad_h0, gate, p.H);
  if (sizeof(Real) == 8) {
    EXPECT_EQ(flushed, 0);
  } else if (gate == 0.5) {
    EXPECT_GT(flushed, 800 * int(p.H));
  }
}

TEST(theory_closed_form, gru_update_one_f64) {
  gru_update<double>(40, 1.0);
}
TEST(theory_closed_form, gru_update_half_f64) {
  gru_update<double>(0, 0.5);
}
TEST(theory_closed_form, gru_update_half_f32) {
  gru_update<float>(0, 0.5);
}

}  // namespace
