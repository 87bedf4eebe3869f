// Leg a on given data (what `rnnsuite check` grades): gradients handed in are graded exactly as
// the same gradients from a run, a forward handed in is graded per step, and a wrong value FAILs
// the one block that holds it.
#include <gtest/gtest.h>

#include <cmath>

#include "rnn/error.hpp"
#include "rnn/init.hpp"
#include "rnnsuite/impl/lib_implementation.hpp"
#include "rnnsuite/verify/legs.hpp"

namespace {

namespace v = rnnsuite::verify;

template <class Real>
v::given_data seeded(const std::string& descriptor) {
  const rnn::problem p = rnn::parse_problem(descriptor);
  const rnn::parameters<Real> w = rnn::make_parameters<Real>(p, {rnn::init_scheme::pytorch, 3, 1});
  const rnn::inputs<Real> in = rnn::make_inputs<Real>(p, 4);
  auto wide = [](const auto& from) { return std::vector<double>(from.begin(), from.end()); };
  v::given_data d;
  d.problem = p;
  d.params = {rnn::aligned_vector<double>(w.weight_ih.begin(), w.weight_ih.end()),
              rnn::aligned_vector<double>(w.weight_hh.begin(), w.weight_hh.end()),
              rnn::aligned_vector<double>(w.bias_ih.begin(), w.bias_ih.end()),
              rnn::aligned_vector<double>(w.bias_hh.begin(), w.bias_hh.end())};
  d.x = wide(in.x), d.h0 = wide(in.h0), d.c0 = wide(in.c0);
  d.grad_output = wide(in.target);  // any values of the format will do as an upstream gradient
  return d;
}

// The reference's forward, rounded to the format: what a correct forward returns.
template <class Real>
v::forward_values lib_forward(const v::given_data& d) {
  const rnn::tensor_sizes n = rnn::sizes_of(d.problem);
  const bool lstm = rnn::has_cell_state(d.problem.cell);
  auto narrow = [](const auto& from) { return rnn::aligned_vector<Real>(from.begin(), from.end()); };
  const auto w_ih = narrow(d.params.weight_ih), w_hh = narrow(d.params.weight_hh),
             b_ih = narrow(d.params.bias_ih), b_hh = narrow(d.params.bias_hh);
  const auto x = narrow(d.x), h0 = narrow(d.h0), c0 = narrow(d.c0);
  const auto run = rnnsuite::impl::make_lib_implementation()->prepare(
      d.problem, rnn::parameters_view<Real>{w_ih, w_hh, b_ih, b_hh}, {});
  rnn::aligned_vector<Real> output(n.sequence), h_n(n.state), c_n(lstm ? n.state : 0);
  run->forward({x, h0, c0, {}}, {output, h_n, c_n});
  auto wide = [](const auto& from) { return std::vector<double>(from.begin(), from.end()); };
  return {wide(output), wide(h_n), wide(c_n)};
}

class GivenData : public ::testing::TestWithParam<const char*> {};

TEST_P(GivenData, HandedInGradientsAreGradedAsARunsAre) {
  const std::string descriptor = GetParam();
  const v::given_data d = descriptor.ends_with("f32") ? seeded<float>(descriptor)
                                                      : seeded<double>(descriptor);
  const v::fast_path_check check(d, "dump");
  v::fast_gradients judged;
  const v::leg_result ran =
      check.run(*rnnsuite::impl::make_lib_implementation(), std::nullopt, &judged);
  const v::leg_result handed = check.grade(judged, "dump");
  EXPECT_EQ(ran.outcome, v::verdict::pass) << descriptor;
  ASSERT_EQ(ran.checks.size(), handed.checks.size());
  for (std::size_t k = 0; k < ran.checks.size(); ++k) {
    EXPECT_EQ(ran.checks[k].block, handed.checks[k].block);
    EXPECT_EQ(ran.checks[k].step, handed.checks[k].step);
    EXPECT_EQ(ran.checks[k].error, handed.checks[k].error);
    EXPECT_EQ(ran.checks[k].tolerance, handed.checks[k].tolerance);
    EXPECT_EQ(ran.checks[k].outcome, handed.checks[k].outcome);
  }
  // A dump may hold any subset: only what is handed in is graded.
  v::fast_gradients some;
  some.x = judged.x, some.bias_hh = judged.bias_hh;
  const v::leg_result subset = check.grade(some, "dump");
  const std::size_t T = static_cast<std::size_t>(d.problem.T);
  EXPECT_EQ(subset.checks.size(), T + static_cast<std::size_t>(d.problem.G()));
  EXPECT_EQ(subset.outcome, v::verdict::pass);
}

TEST_P(GivenData, AWrongStepFailsThatStepAlone) {
  const std::string descriptor = GetParam();
  const bool f32 = descriptor.ends_with("f32");
  const v::given_data d = f32 ? seeded<float>(descriptor) : seeded<double>(descriptor);
  const v::fast_path_check check(d, "dump");
  v::forward_values forward = f32 ? lib_forward<float>(d) : lib_forward<double>(d);
  const v::leg_result good = check.grade_forward(forward, "dump");
  EXPECT_EQ(good.outcome, v::verdict::pass);
  const std::size_t T = static_cast<std::size_t>(d.problem.T);
  EXPECT_EQ(good.checks.size(), T + 1 + (rnn::has_cell_state(d.problem.cell) ? 1 : 0));
  // One element of step 2's output off by 1e-3 relative (outputs are O(0.1) here): far beyond
  // any rounding.
  const std::size_t S = static_cast<std::size_t>(d.problem.B * d.problem.H);
  forward.output[2 * S + 1] *= 1.001;
  const v::leg_result bad = check.grade_forward(forward, "dump");
  EXPECT_EQ(bad.outcome, v::verdict::fail);
  for (const v::block_check& c : bad.checks)
    EXPECT_EQ(c.outcome == v::verdict::fail, c.block == "output" && c.step == 2)
        << c.block << " at " << c.step;

  v::fast_gradients judged;
  check.run(*rnnsuite::impl::make_lib_implementation(), std::nullopt, &judged);
  // Step 4's dx moved by 1e-3 of its norm, in one element.
  const std::size_t X = static_cast<std::size_t>(d.problem.B * d.problem.I);
  double norm = 0;
  for (std::size_t k = 4 * X; k < 5 * X; ++k) norm += judged.x[k] * judged.x[k];
  judged.x[4 * X] += 1e-3 * std::sqrt(norm);
  const v::leg_result wrong = check.grade(judged, "dump");
  EXPECT_EQ(wrong.outcome, v::verdict::fail);
  for (const v::block_check& c : wrong.checks)
    EXPECT_EQ(c.outcome == v::verdict::fail, c.block == "dx" && c.step == 4)
        << c.block << " at " << c.step;
}

TEST(GivenData, DataOfAnotherProblemIsRefused) {
  v::given_data d = seeded<double>("gru_t5_b2_i3_h4_f64");
  d.h0.pop_back();
  EXPECT_THROW(v::fast_path_check check(d, "dump"), rnn::error);
}

INSTANTIATE_TEST_SUITE_P(Cells, GivenData,
                         ::testing::Values("lstm_t7_b3_i4_h5_f32", "gru_t6_b2_i3_h4_f64",
                                           "elman_tanh_t8_b2_i3_h5_f32",
                                           "elman_relu_t5_b3_i2_h4_f64",
                                           "elman_sigmoid_t6_b1_i4_h3_f32"));

}  // namespace
