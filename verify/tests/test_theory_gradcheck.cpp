// The gradcheck-style baseline (verify/src/gradcheck.cpp) does what docs/verification.md says it
// does: it passes the correct BPTT where the problem is well conditioned, and fails the same
// correct BPTT in an exploding regime (|dL/dh_0| / |dL/dh_T| > 1e8), VERIFICATION.md's finding.
#include <gtest/gtest.h>

#include <cmath>

#include "rnn/error.hpp"
#include "rnnsuite/verify/gradcheck.hpp"
#include "rnnsuite/verify/theory.hpp"

namespace {

TEST(theory_gradcheck, passes_the_correct_bptt_when_well_conditioned) {
  for (rnn::cell cell : rnn::all_cells) {
    const rnn::problem p{cell, 6, 2, 3, 4, rnn::precision::f64};
    const auto params = rnn::make_parameters<double>(p, {rnn::init_scheme::pytorch, 5, 1.0});
    const auto in = rnn::make_inputs<double>(p, 6);
    const auto r = rnnsuite::verify::gradcheck(p, params, in);
    EXPECT_TRUE(r.passed) << rnn::cell_name(cell) << ": " << r.worst_block << "[" << r.worst_index
                          << "] analytic " << r.worst_analytic << " numeric " << r.worst_numeric;
    const std::size_t G = p.G(), H = p.H,
                      elements = G * H * (p.I + p.H + 2) + p.T * p.B * p.I +
                                 p.B * p.H * (rnn::has_cell_state(cell) ? 2 : 1);
    EXPECT_EQ(r.checked, elements);
  }
}

TEST(theory_gradcheck, refuses_f32_and_can_fail) {
  // The baseline checks lib's f64 path only: f32 is an error naming the problem.
  const rnn::problem p{rnn::cell::elman_tanh, 4, 1, 2, 3, rnn::precision::f32};
  const auto params = rnn::make_parameters<double>(p, {rnn::init_scheme::pytorch, 1, 1.0});
  const auto in = rnn::make_inputs<double>(p, 2);
  EXPECT_THROW(rnnsuite::verify::gradcheck(p, params, in), rnn::error);
  // Its comparison can fail: with step 0.5 the central difference is far from the derivative,
  // so even the correct analytic gradient is outside 1e-5 + 1e-3·|n|.
  rnnsuite::verify::gradcheck_options coarse;
  coarse.step = 0.5;
  rnn::problem p64 = p;
  p64.precision = rnn::precision::f64;
  EXPECT_FALSE(rnnsuite::verify::gradcheck(p64, params, in, coarse).passed);
}

TEST(theory_gradcheck, fails_the_correct_bptt_when_exploding_past_1e8) {
  // tanh, W_hh = 1.5·Q, started and driven 1e-10 from 0 where tanh' = 1: every step multiplies
  // the adjoint by 1.5 until |dL/dh_0| / |dL/dh_T| = 1.5^50 ≈ 6e8.
  const rnn::problem p{rnn::cell::elman_tanh, 50, 1, 4, 8, rnn::precision::f64};
  const auto params = rnn::make_parameters<double>(p, {rnn::init_scheme::orthogonal, 17, 1.5});
  auto in = rnn::make_inputs<double>(p, 29);
  for (double& x : in.x) x *= 1e-10;
  for (double& h : in.h0) h *= 1e-10;
  const auto fast = rnnsuite::verify::run_fast_as<double>(p, params, in, rnn::loss_kind::last);
  double top = 0, bottom = 0;
  for (std::int64_t j = 0; j < p.H; ++j)
    top += fast.grad_h[(p.T - 1) * p.H + j] * fast.grad_h[(p.T - 1) * p.H + j],
        bottom += fast.grad_h0[j] * fast.grad_h0[j];
  ASSERT_GT(std::sqrt(bottom / top), 1e8);
  // The fast path is right here: its dL/dW_hh agrees with the 50-digit reference to 1e-6
  // relative (double's u·κ is 1e-16 × 6e8), far inside the baseline's 1e-3.
  using rnnsuite::reference::real50;
  const auto truth = rnnsuite::verify::run_reference<real50>(
      p, rnnsuite::verify::to_reference<real50>(params), in, rnn::loss_kind::last);
  real50 diff(0), norm(0);
  for (std::size_t k = 0; k < fast.weight_hh.size(); ++k) {
    diff += (real50(fast.weight_hh[k]) - truth.grads.weight_hh[k]) *
            (real50(fast.weight_hh[k]) - truth.grads.weight_hh[k]);
    norm += truth.grads.weight_hh[k] * truth.grads.weight_hh[k];
  }
  EXPECT_LT(sqrt(diff / norm), 1e-6);
  const auto r = rnnsuite::verify::gradcheck(p, params, in);
  EXPECT_FALSE(r.passed);
  EXPECT_GT(r.worst_ratio, 100.0) << r.worst_block;
}

}  // namespace
