// Truncated BPTT (layer::backward's `steps`) and the streaming k1/k2 schedule.
#include <gtest/gtest.h>

#include <tuple>

#include "rnn/tbptt.hpp"
#include "test_layer_support.hpp"

namespace rnn::test {
namespace {

class Truncation : public ::testing::TestWithParam<std::tuple<rnn::isa, rnn::cell>> {};

// steps >= T is the full backward: the same computation, so the same bits.
TEST_P(Truncation, StepsAtLeastTEqualsFull) {
  const auto [isa, c] = GetParam();
  const case_data d = make_case(c, 6, 3, 4, 5, 61);
  const layer_result full = run_layer<double>(d, isa, 0);
  for (std::int64_t steps : {6, 7, 100}) {
    const layer_result r = run_layer<double>(d, isa, steps);
    EXPECT_EQ(r.weight_ih, full.weight_ih) << steps;
    EXPECT_EQ(r.weight_hh, full.weight_hh) << steps;
    EXPECT_EQ(r.bias_hh, full.bias_hh) << steps;
    EXPECT_EQ(r.x, full.x) << steps;
    EXPECT_EQ(r.h0, full.h0) << steps;
    EXPECT_EQ(r.c0, full.c0) << steps;
    EXPECT_EQ(r.h, full.h) << steps;
  }
}

// steps = k < T, computed by hand: full BPTT of the k-step suffix problem started from the
// state (h_{T-k}, c_{T-k}) of the whole forward pass. Earlier steps, dh0 and dc0 get zero.
TEST_P(Truncation, StepsBelowTEqualsSuffixProblem) {
  const auto [isa, c] = GetParam();
  const std::int64_t T = 7, B = 2, I = 3, H = 4, k = 3;
  const case_data d = make_case(c, T, B, I, H, 71);
  const layer_result truncated = run_layer<double>(d, isa, k);

  vec h_seq, c_seq;
  reference_forward(d, 0, d.h0, d.c0, h_seq, c_seq);
  const std::size_t state = B * H;
  case_data suffix = d;
  suffix.p.T = k;
  suffix.x.assign(d.x.begin() + (T - k) * B * I, d.x.end());
  suffix.h0.assign(h_seq.begin() + (T - k - 1) * state, h_seq.begin() + (T - k) * state);
  if (has_cell_state(c))
    suffix.c0.assign(c_seq.begin() + (T - k - 1) * state, c_seq.begin() + (T - k) * state);
  suffix.grad_output.assign(d.grad_output.begin() + (T - k) * state, d.grad_output.end());
  const layer_result expected = run_layer<double>(suffix, isa, 0);

  const double tolerance = 1e-12;  // the suffix's start state comes from the long double loop
  EXPECT_LE(max_difference(truncated.weight_ih, expected.weight_ih), tolerance);
  EXPECT_LE(max_difference(truncated.weight_hh, expected.weight_hh), tolerance);
  EXPECT_LE(max_difference(truncated.bias_ih, expected.bias_ih), tolerance);
  EXPECT_LE(max_difference(truncated.bias_hh, expected.bias_hh), tolerance);
  EXPECT_LE(max_difference(vec(truncated.x.begin() + (T - k) * B * I, truncated.x.end()), expected.x),
            tolerance);
  EXPECT_LE(max_difference(vec(truncated.h.begin() + (T - k) * state, truncated.h.end()), expected.h),
            tolerance);
  for (std::size_t i = 0; i < (T - k) * B * I; ++i) ASSERT_EQ(truncated.x[i], 0.0) << i;
  for (std::size_t i = 0; i < (T - k) * state; ++i) ASSERT_EQ(truncated.h[i], 0.0) << i;
  for (double v : truncated.h0) ASSERT_EQ(v, 0.0);
  for (double v : truncated.c0) ASSERT_EQ(v, 0.0);
}

// streaming_tbptt, double, widened.
layer_result run_streaming(const case_data& d, rnn::isa isa, tbptt_schedule s) {
  const auto w_ih = d.weight_ih, w_hh = d.weight_hh, b_ih = d.bias_ih, b_hh = d.bias_hh;
  layer_result r{};
  r.weight_ih.resize(w_ih.size()), r.weight_hh.resize(w_hh.size());
  r.bias_ih.resize(b_ih.size()), r.bias_hh.resize(b_hh.size());
  r.x.resize(d.x.size()), r.h0.resize(d.h0.size()), r.c0.resize(d.c0.size());
  streaming_tbptt<double>(d.p, {w_ih, w_hh, b_ih, b_hh}, s, d.x, d.h0, d.c0, d.grad_output,
                          {r.weight_ih, r.weight_hh, r.bias_ih, r.bias_hh, r.x, r.h0, r.c0, {}, {}},
                          layer_options{isa, 1});
  return r;
}

// With k2 >= T every window reaches step 0: the sum over windows is full BPTT, for any k1.
TEST_P(Truncation, StreamingWithLongK2EqualsFull) {
  const auto [isa, c] = GetParam();
  const case_data d = make_case(c, 7, 2, 3, 4, 81);
  const layer_result full = run_layer<double>(d, isa, 0, false);
  for (std::int64_t k1 : {1, 2, 3, 7}) {
    const layer_result s = run_streaming(d, isa, {k1, 7 + k1});
    const double tolerance = 1e-13;  // the same terms summed in another order
    EXPECT_LE(max_difference(s.weight_ih, full.weight_ih), tolerance) << "k1=" << k1;
    EXPECT_LE(max_difference(s.weight_hh, full.weight_hh), tolerance) << "k1=" << k1;
    EXPECT_LE(max_difference(s.bias_ih, full.bias_ih), tolerance) << "k1=" << k1;
    EXPECT_LE(max_difference(s.bias_hh, full.bias_hh), tolerance) << "k1=" << k1;
    EXPECT_LE(max_difference(s.x, full.x), tolerance) << "k1=" << k1;
    EXPECT_LE(max_difference(s.h0, full.h0), tolerance) << "k1=" << k1;
    EXPECT_LE(max_difference(s.c0, full.c0), tolerance) << "k1=" << k1;
  }
}

// k1 = k2 = 3 over T = 6, by hand: two independent windows, [0, 3) from h0 and [3, 6) from the
// state after step 3, each with its own upstream gradient; parameter gradients add up.
TEST_P(Truncation, StreamingDisjointWindowsByHand) {
  const auto [isa, c] = GetParam();
  const std::int64_t T = 6, B = 2, I = 3, H = 4, k = 3;
  const case_data d = make_case(c, T, B, I, H, 91);
  const layer_result s = run_streaming(d, isa, {k, k});
  vec h_seq, c_seq;
  reference_forward(d, 0, d.h0, d.c0, h_seq, c_seq);
  const std::size_t state = B * H;
  case_data first = d, second = d;
  first.p.T = second.p.T = k;
  first.x.assign(d.x.begin(), d.x.begin() + k * B * I);
  first.grad_output.assign(d.grad_output.begin(), d.grad_output.begin() + k * state);
  second.x.assign(d.x.begin() + k * B * I, d.x.end());
  second.grad_output.assign(d.grad_output.begin() + k * state, d.grad_output.end());
  second.h0.assign(h_seq.begin() + (k - 1) * state, h_seq.begin() + k * state);
  if (has_cell_state(c)) second.c0.assign(c_seq.begin() + (k - 1) * state, c_seq.begin() + k * state);
  const layer_result a = run_layer<double>(first, isa, 0, false);
  const layer_result b = run_layer<double>(second, isa, 0, false);
  vec expected_w_hh(a.weight_hh.size()), expected_b_ih(a.bias_ih.size());
  for (std::size_t i = 0; i < expected_w_hh.size(); ++i) expected_w_hh[i] = a.weight_hh[i] + b.weight_hh[i];
  for (std::size_t i = 0; i < expected_b_ih.size(); ++i) expected_b_ih[i] = a.bias_ih[i] + b.bias_ih[i];
  EXPECT_LE(max_difference(s.weight_hh, expected_w_hh), 1e-12);
  EXPECT_LE(max_difference(s.bias_ih, expected_b_ih), 1e-12);
  EXPECT_LE(max_difference(s.h0, a.h0), 1e-12);  // only the first window reaches h0
}

// k1 = 2, k2 = 4 over T = 6, by hand: overlapping windows [0, 2), [0, 4) and [2, 6), each a
// plain BPTT from the state at its first step with upstream gradient only on its 2 new steps.
TEST_P(Truncation, StreamingOverlappingWindowsByHand) {
  const auto [isa, c] = GetParam();
  const std::int64_t T = 6, B = 2, I = 3, H = 4;
  const case_data d = make_case(c, T, B, I, H, 95);
  const layer_result s = run_streaming(d, isa, {2, 4});
  vec h_seq, c_seq;
  reference_forward(d, 0, d.h0, d.c0, h_seq, c_seq);
  const std::size_t state = B * H;
  // Window [start, end) with upstream gradient on [new_from, end).
  auto window = [&](std::int64_t start, std::int64_t end, std::int64_t new_from) {
    case_data w = d;
    w.p.T = end - start;
    w.x.assign(d.x.begin() + start * B * I, d.x.begin() + end * B * I);
    if (start > 0) {
      w.h0.assign(h_seq.begin() + (start - 1) * state, h_seq.begin() + start * state);
      if (has_cell_state(c)) w.c0.assign(c_seq.begin() + (start - 1) * state, c_seq.begin() + start * state);
    }
    w.grad_output.assign(w.p.T * state, 0.0);
    std::copy(d.grad_output.begin() + new_from * state, d.grad_output.begin() + end * state,
              w.grad_output.begin() + (new_from - start) * state);
    return run_layer<double>(w, isa, 0, false);
  };
  const layer_result w1 = window(0, 2, 0), w2 = window(0, 4, 2), w3 = window(2, 6, 4);
  auto sum3 = [](const vec& a, const vec& b, const vec& e) {
    vec out(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) out[i] = a[i] + b[i] + e[i];
    return out;
  };
  EXPECT_LE(max_difference(s.weight_ih, sum3(w1.weight_ih, w2.weight_ih, w3.weight_ih)), 1e-12);
  EXPECT_LE(max_difference(s.weight_hh, sum3(w1.weight_hh, w2.weight_hh, w3.weight_hh)), 1e-12);
  EXPECT_LE(max_difference(s.bias_hh, sum3(w1.bias_hh, w2.bias_hh, w3.bias_hh)), 1e-12);
  vec h0_expected(state);
  for (std::size_t i = 0; i < state; ++i) h0_expected[i] = w1.h0[i] + w2.h0[i];
  EXPECT_LE(max_difference(s.h0, h0_expected), 1e-12);  // windows 1 and 2 reach step 0
}

// backward leaves forward's activations intact: a second call gives the same bits.
TEST_P(Truncation, BackwardTwiceSameResult) {
  const auto [isa, c] = GetParam();
  const case_data d = make_case(c, 4, 3, 2, 5, 97);
  const problem p{c, 4, 3, 2, 5, precision::f64};
  layer<double> L(p, {d.weight_ih, d.weight_hh, d.bias_ih, d.bias_hh}, layer_options{isa, 1});
  vec out(4 * 15), h_n(15), c_n(d.c0.size());
  L.forward(d.x, d.h0, d.c0, out, h_n, c_n);
  auto grads = [&](std::int64_t steps) {
    vec w_ih(d.weight_ih.size()), w_hh(d.weight_hh.size()), b_ih(d.bias_ih.size()), b_hh(d.bias_hh.size());
    L.backward(d.grad_output, {}, {}, {w_ih, w_hh, b_ih, b_hh, {}, {}, {}, {}, {}}, steps);
    return w_hh;
  };
  const vec first = grads(0);
  const vec truncated = grads(2);
  EXPECT_NE(first, truncated);  // the truncated pass really is different
  EXPECT_EQ(grads(0), first);
}

INSTANTIATE_TEST_SUITE_P(EveryIsaAndCell, Truncation, every_isa_and_cell(), isa_and_cell_name());

}  // namespace
}  // namespace rnn::test
