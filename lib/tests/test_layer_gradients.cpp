// Every output of rnn::layer::backward against central finite differences of the scalar loop,
// in double, on small well-conditioned problems (H ≤ 8, T ≤ 8), on every instruction set.
#include <gtest/gtest.h>

#include <functional>
#include <tuple>

#include "test_layer_support.hpp"

namespace rnn::test {
namespace {

// The loss whose gradient backward computes: L = Σ_t grad_output_t·h_t + grad_h_n·h_T +
// grad_c_n·c_T, evaluated by the scalar loop from step t_begin with state (h, c).
real_ref loss_from(const case_data& d, std::int64_t t_begin, const vec& h, const vec& c) {
  vec h_seq, c_seq;
  reference_forward(d, t_begin, h, c, h_seq, c_seq);
  const std::size_t state = d.p.B * d.p.H;
  real_ref loss = 0;
  for (std::size_t i = 0; i < h_seq.size(); ++i)
    loss += real_ref(d.grad_output[t_begin * state + i]) * h_seq[i];
  const vec h_T = h_seq.empty() ? h : vec(h_seq.end() - state, h_seq.end());
  const vec c_T = c_seq.empty() ? c : vec(c_seq.end() - state, c_seq.end());
  for (std::size_t i = 0; i < state; ++i) loss += real_ref(d.grad_h_n[i]) * h_T[i];
  for (std::size_t i = 0; i < d.grad_c_n.size(); ++i) loss += real_ref(d.grad_c_n[i]) * c_T[i];
  return loss;
}

// Central differences of `loss` with respect to each element of `values`.
// Step 1e-5: the truncation error eps²/6·|L'''| is below 1e-9 for these sizes and the rounding
// error of the long double loop divided by eps is about 1e-14, both far under the tolerance.
vec finite_differences(vec& values, const std::function<real_ref()>& loss) {
  constexpr double eps = 1e-5;
  vec grad(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double saved = values[i];
    values[i] = saved + eps;
    const real_ref up = loss();
    values[i] = saved - eps;
    const real_ref down = loss();
    values[i] = saved;
    grad[i] = static_cast<double>((up - down) / (2 * eps));
  }
  return grad;
}

class LayerGradients : public ::testing::TestWithParam<std::tuple<rnn::isa, rnn::cell>> {};

TEST_P(LayerGradients, EveryOutputMatchesFiniteDifferences) {
  const auto [isa, c] = GetParam();
  case_data d = make_case(c, 5, 2, 3, 4, 21);
  const layer_result r = run_layer<double>(d, isa);
  const double tolerance = 1e-7;
  auto whole = [&] { return loss_from(d, 0, d.h0, d.c0); };
  EXPECT_LE(max_difference(r.weight_ih, finite_differences(d.weight_ih, whole)), tolerance);
  EXPECT_LE(max_difference(r.weight_hh, finite_differences(d.weight_hh, whole)), tolerance);
  EXPECT_LE(max_difference(r.bias_ih, finite_differences(d.bias_ih, whole)), tolerance);
  EXPECT_LE(max_difference(r.bias_hh, finite_differences(d.bias_hh, whole)), tolerance);
  EXPECT_LE(max_difference(r.x, finite_differences(d.x, whole)), tolerance);
  EXPECT_LE(max_difference(r.h0, finite_differences(d.h0, whole)), tolerance);
  if (has_cell_state(c)) {
    EXPECT_LE(max_difference(r.c0, finite_differences(d.c0, whole)), tolerance);
  }

  // Total dL/dh_t (and dL/dc_t): the direct term grad_output_t plus the derivative of the rest
  // of the sequence, run from a perturbed state (h_t, c_t).
  vec h_seq, c_seq, o_seq;
  reference_forward(d, 0, d.h0, d.c0, h_seq, c_seq, &o_seq);
  const std::size_t state = d.p.B * d.p.H;
  for (std::int64_t t = 0; t < d.p.T; ++t) {
    vec h_t(h_seq.begin() + t * state, h_seq.begin() + (t + 1) * state);
    vec c_t = c_seq.empty() ? vec{} : vec(c_seq.begin() + t * state, c_seq.begin() + (t + 1) * state);
    auto rest = [&] { return loss_from(d, t + 1, h_t, c_t); };
    vec expected_h = finite_differences(h_t, rest);
    for (std::size_t i = 0; i < state; ++i) expected_h[i] += d.grad_output[t * state + i];
    EXPECT_LE(max_difference(vec(r.h.begin() + t * state, r.h.begin() + (t + 1) * state), expected_h),
              tolerance) << "dL/dh_t at t=" << t;
    if (has_cell_state(c)) {
      // c_t also reaches the loss through h_t = o_t ⊙ tanh(c_t): perturb c_t, recompute h_t.
      auto through_c = [&] {
        vec h_of_c(state);
        real_ref direct = 0;
        for (std::size_t i = 0; i < state; ++i) {
          const real_ref h = o_seq[t * state + i] * std::tanh(real_ref(c_t[i]));
          h_of_c[i] = static_cast<double>(h);
          direct += real_ref(d.grad_output[t * state + i]) * h;
        }
        return direct + loss_from(d, t + 1, h_of_c, c_t);
      };
      EXPECT_LE(max_difference(vec(r.c.begin() + t * state, r.c.begin() + (t + 1) * state),
                               finite_differences(c_t, through_c)),
                tolerance) << "dL/dc_t at t=" << t;
    }
  }
}

// Without grad_h_n / grad_c_n (empty spans mean zero) the loss loses its final-state terms.
TEST_P(LayerGradients, EmptyFinalGradientsMeanZero) {
  const auto [isa, c] = GetParam();
  case_data d = make_case(c, 4, 2, 3, 3, 31);
  const layer_result without = run_layer<double>(d, isa, 0, false);
  std::fill(d.grad_h_n.begin(), d.grad_h_n.end(), 0.0);
  std::fill(d.grad_c_n.begin(), d.grad_c_n.end(), 0.0);
  auto whole = [&] { return loss_from(d, 0, d.h0, d.c0); };
  EXPECT_LE(max_difference(without.weight_hh, finite_differences(d.weight_hh, whole)), 1e-7);
  EXPECT_LE(max_difference(without.x, finite_differences(d.x, whole)), 1e-7);
}

INSTANTIATE_TEST_SUITE_P(EveryIsaAndCell, LayerGradients, every_isa_and_cell(), isa_and_cell_name());

}  // namespace
}  // namespace rnn::test

namespace rnn::test {
namespace {

// An LSTM cell state far from 0 (|c| ≈ 15, a forget gate near 1 carries it there over many steps)
// puts tanh'(c) = 1/cosh²(c) near 4e-13. Computed as 1 − tanh²(c) from a rounded tanh, double
// keeps ~3 of its 16 digits and float gets exactly 0; the gradient then stops flowing through c.
// dL/dc_1 = dh·o·tanh'(c_1) (grad_c_n = 0, T = 1) against the same product in long double.
template <class Real>
void check_saturated_cell_state(rnn::isa isa, double tolerance) {
  case_data d = make_case(cell::lstm, 1, 2, 3, 5, 77);
  for (std::size_t k = 0; k < d.c0.size(); ++k) d.c0[k] = k % 2 ? 30.0 : -30.0;
  std::fill(d.grad_c_n.begin(), d.grad_c_n.end(), 0.0);
  vec h_seq, c_seq, o_seq;
  reference_forward(d, 0, d.h0, d.c0, h_seq, c_seq, &o_seq);
  const layer_result r = run_layer<Real>(d, isa);
  for (std::size_t k = 0; k < c_seq.size(); ++k) {
    ASSERT_GT(std::abs(c_seq[k]), 10.0) << "element " << k << ": the cell state must saturate tanh";
    const real_ref dh = real_ref(d.grad_output[k]) + d.grad_h_n[k];
    const real_ref cosh_c = std::cosh(real_ref(c_seq[k]));
    const double expected = static_cast<double>(dh * o_seq[k] / (cosh_c * cosh_c));
    EXPECT_NEAR(r.c[k], expected, tolerance * std::abs(expected))
        << "dL/dc_1 element " << k << " at c_1 = " << c_seq[k];
  }
}

class SaturatedCellState : public ::testing::TestWithParam<rnn::isa> {};

// Double: c_1 itself is rounded (relative 1e-16), and tanh' moves by 2|c|·δc: ~3e-15. Float: the
// same argument with float's 6e-8 gives ~2e-6.
TEST_P(SaturatedCellState, DoubleKeepsTheCellGradient) {
  check_saturated_cell_state<double>(GetParam(), 1e-13);
}
TEST_P(SaturatedCellState, FloatKeepsTheCellGradient) {
  check_saturated_cell_state<float>(GetParam(), 2e-5);
}

INSTANTIATE_TEST_SUITE_P(EveryIsa, SaturatedCellState, ::testing::ValuesIn(available_isas()),
                         [](const auto& info) { return isa_label(info.param); });

}  // namespace
}  // namespace rnn::test

namespace rnn::test {
namespace {

// The weight-gradient GEMM at a width with every column path: I = 260 is 5 full 48-column
// panels, a 2-vector and a 1-vector remainder and scalar tail columns; 4·17 = 68 gate rows are
// full row tiles and leftover single rows on every instruction set. Finite differences on a
// spread of entries: the first and last rows of tiles and a stride of columns through the tails.
class WideWeightGradient : public ::testing::TestWithParam<rnn::isa> {};

TEST_P(WideWeightGradient, PackedRowsMatchFiniteDifferences) {
  case_data d = make_case(cell::lstm, 2, 3, 260, 17, 91);
  const layer_result r = run_layer<double>(d, GetParam());
  auto whole = [&] { return loss_from(d, 0, d.h0, d.c0); };
  const std::size_t I = 260;
  for (std::size_t row : {0, 7, 8, 31, 32, 63, 64, 65, 67})
    for (std::size_t col = 0; col < I; col += 37) {
      vec one{d.weight_ih[row * I + col]};
      const std::size_t at = row * I + col;
      auto perturbed = [&] {
        d.weight_ih[at] = one[0];
        return whole();
      };
      const double saved = d.weight_ih[at];
      const double expected = finite_differences(one, perturbed)[0];
      d.weight_ih[at] = saved;
      EXPECT_NEAR(r.weight_ih[at], expected, 1e-7) << "dW_ih row " << row << " column " << col;
    }
}

INSTANTIATE_TEST_SUITE_P(EveryIsa, WideWeightGradient, ::testing::ValuesIn(available_isas()),
                         [](const auto& info) { return isa_label(info.param); });

}  // namespace
}  // namespace rnn::test
