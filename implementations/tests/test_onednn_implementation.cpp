// oneDNN as an implementation under test, against rnnsuite's library through the same concept:
// every output and gradient of every cell in PyTorch's layout, what it declines and why, the
// upstream gradients on the final states, and backward overwriting (never accumulating).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "rnn/aligned.hpp"
#include "rnn/error.hpp"
#include "rnn/init.hpp"
#include "rnnsuite/impl/lib_implementation.hpp"
#include "rnnsuite/impl/onednn_implementation.hpp"
#include "rnnsuite/impl/registry.hpp"

namespace rnnsuite::impl {
namespace {

using floats = rnn::aligned_vector<float>;

// One forward and one backward of an implementation on seeded data.
struct run_result {
  floats output, h_n, c_n;          // T×B×H, B×H, B×H (LSTM) or empty
  floats w_ih, w_hh, b_ih, b_hh;    // (G·H)×I, (G·H)×H, G·H, G·H
  floats x, h0, c0;                 // T×B×I, B×H, B×H (LSTM) or empty
};

struct problem_inputs {
  rnn::parameters<float> params;
  rnn::inputs<float> in;
  floats grad_output, grad_h_n, grad_c_n;  // T×B×H, B×H, B×H (LSTM) or empty
};

problem_inputs make_inputs(const rnn::problem& p, std::uint64_t seed) {
  const rnn::tensor_sizes n = rnn::sizes_of(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  problem_inputs d{rnn::make_parameters<float>(p, {rnn::init_scheme::pytorch, seed, 1.0}),
                   rnn::make_inputs<float>(p, seed + 1), {}, {}, {}};
  // The upstream gradients: inputs drawn from another seed serve as U(-1, 1) values.
  const rnn::inputs<float> upstream = rnn::make_inputs<float>(p, seed + 2);
  d.grad_output = upstream.target;
  d.grad_h_n = floats(n.state);
  for (std::size_t k = 0; k < n.state; ++k) d.grad_h_n[k] = 2 * upstream.h0[k];
  if (lstm) d.grad_c_n = floats(upstream.c0.begin(), upstream.c0.end());
  return d;
}

// parameter_gradients false: backward is asked for none (all four spans empty), and r's four
// parameter gradients stay empty.
run_result run(const implementation& implementation, const rnn::problem& p,
               const problem_inputs& d, int backward_passes = 1,
               bool parameter_gradients = true) {
  const rnn::tensor_sizes n = rnn::sizes_of(p);
  const std::size_t cell_state = rnn::has_cell_state(p.cell) ? n.state : 0;
  run_result r;
  r.output.resize(n.sequence), r.h_n.resize(n.state), r.c_n.resize(cell_state);
  if (parameter_gradients) {
    r.w_ih.resize(n.weight_ih), r.w_hh.resize(n.weight_hh), r.b_ih.resize(n.bias);
    r.b_hh.resize(n.bias);
  }
  r.x.resize(n.x), r.h0.resize(n.state), r.c0.resize(cell_state);
  run_options options;
  auto instance = implementation.prepare(p, d.params.view(), options);
  instance->forward({d.in.x, d.in.h0, d.in.c0, {}}, {r.output, r.h_n, r.c_n});
  for (int pass = 0; pass < backward_passes; ++pass)
    instance->backward({d.grad_output, d.grad_h_n, d.grad_c_n},
                       {r.w_ih, r.w_hh, r.b_ih, r.b_hh, r.x, r.h0, r.c0, {}, {}});
  return r;
}

// ||a - b||₂ / ||b||₂ in double.
double relative_error(const floats& a, const floats& b) {
  if (a.size() != b.size()) return std::numeric_limits<double>::infinity();
  double difference = 0, norm = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    difference += (double(a[k]) - double(b[k])) * (double(a[k]) - double(b[k]));
    norm += double(b[k]) * double(b[k]);
  }
  return difference == 0 ? 0 : std::sqrt(difference / norm);
}

// The tolerance, normwise, per tensor. Both sides are float32 (unit roundoff u = 2^-24) and
// compute the same sums in different orders. Each step's pre-activation is a dot product of
// length K = I + H + 2 (with the two biases), whose relative error is at most γ_K ≈ K·u; forward
// and backward each chain T steps whose Jacobians, with PyTorch's initialization U(±1/√H) at
// these sizes, do not amplify (spectral norms near or below 1), so each side's error is at most
// about 2T·γ_K, and the weight gradients add a sum over T·B rows, γ_{T·B}. The two sides' errors
// add: 2·(2T·K + T·B)·u. At T = 5, B = 3, I = 6, H = 7 that is 2.4e-5. The measured errors are
// about 1e-7 (rounding in a few terms, far below the worst case), and every mapping bug this
// adapter could have (a swapped gate, b_hn summed into b_in, a missing bias, accumulated
// gradients) moves some tensor by 1e-2 or more, three orders above the bound.
double tolerance(const rnn::problem& p) {
  const double u = std::ldexp(1.0, -24);
  const double K = double(p.I + p.H + 2);
  return 2 * (2 * double(p.T) * K + double(p.T * p.B)) * u;
}

void expect_agreement(const rnn::problem& p, const run_result& onednn, const run_result& lib) {
  const double bound = tolerance(p);
  const struct {
    const char* name;
    const floats& theirs;
    const floats& ours;
  } tensors[] = {{"output", onednn.output, lib.output},
                 {"h_n", onednn.h_n, lib.h_n},
                 {"c_n", onednn.c_n, lib.c_n},
                 {"grad weight_ih", onednn.w_ih, lib.w_ih},
                 {"grad weight_hh", onednn.w_hh, lib.w_hh},
                 {"grad bias_ih", onednn.b_ih, lib.b_ih},
                 {"grad bias_hh", onednn.b_hh, lib.b_hh},
                 {"grad x", onednn.x, lib.x},
                 {"grad h0", onednn.h0, lib.h0},
                 {"grad c0", onednn.c0, lib.c0}};
  for (const auto& t : tensors)
    EXPECT_LE(relative_error(t.theirs, t.ours), bound)
        << rnn::format_problem(p) << ": " << t.name;
}

class onednn_against_lib : public ::testing::TestWithParam<rnn::cell> {};

TEST_P(onednn_against_lib, every_output_and_gradient_agrees) {
  const auto onednn = make_onednn_implementation();
  const auto lib = make_lib_implementation();
  // Odd sizes (vector tails), and batch 1 (lib's matrix-vector path).
  for (const rnn::problem& p : {rnn::problem{GetParam(), 5, 3, 6, 7, rnn::precision::f32},
                               rnn::problem{GetParam(), 4, 1, 9, 5, rnn::precision::f32}}) {
    const problem_inputs d = make_inputs(p, 11);
    expect_agreement(p, run(*onednn, p, d), run(*lib, p, d));
  }
}

INSTANTIATE_TEST_SUITE_P(every_cell, onednn_against_lib, ::testing::ValuesIn(rnn::all_cells),
                         [](const auto& info) { return std::string(rnn::cell_name(info.param)); });

TEST(onednn_implementation, is_opened_by_name_and_says_what_it_supports) {
  const auto onednn = open_implementation("onednn");
  EXPECT_EQ(onednn->name(), "onednn");
  const capabilities& caps = onednn->caps();
  EXPECT_EQ(caps.cells.size(), std::size(rnn::all_cells));
  EXPECT_EQ(caps.precisions, std::vector<rnn::precision>{rnn::precision::f32});
  EXPECT_FALSE(caps.per_step_gradients);
  EXPECT_FALSE(caps.truncation);
  EXPECT_FALSE(caps.streaming);
}

TEST(onednn_implementation, declines_f64_and_streaming_with_the_reason) {
  const auto onednn = make_onednn_implementation();
  const rnn::problem f64{rnn::cell::lstm, 4, 2, 3, 5, rnn::precision::f64};
  const auto why = onednn->unsupported(f64, {});
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("no f64 RNN primitives"), std::string::npos) << *why;
  const rnn::parameters<double> params = rnn::make_parameters<double>(f64, {});
  try {
    onednn->prepare(f64, params.view(), {});
    FAIL() << "prepare accepted an f64 problem";
  } catch (const failure& e) {
    EXPECT_EQ(e.which(), failure::kind::unsupported);
    EXPECT_NE(std::string(e.what()).find("f64"), std::string::npos) << e.what();
  }
  run_options streaming;
  streaming.streaming = {2, 3};
  const rnn::problem f32{rnn::cell::gru, 6, 2, 3, 5, rnn::precision::f32};
  const auto no_stream = onednn->unsupported(f32, streaming);
  ASSERT_TRUE(no_stream.has_value());
  EXPECT_NE(no_stream->find("streaming"), std::string::npos) << *no_stream;
  EXPECT_FALSE(onednn->unsupported(f32, {}).has_value());
}

// oneDNN has no length input: a problem with lengths is declined, and lengths handed to a forward
// anyway are refused rather than run as a padded batch.
TEST(onednn_implementation, declines_sequence_lengths_with_the_reason) {
  const auto onednn = make_onednn_implementation();
  EXPECT_FALSE(onednn->caps().lengths);
  for (const char* d : {"lstm_t4_b3_i3_h5_lenx_f32", "gru_t4_b3_i3_h5_l2_bi_lenu7_f32"}) {
    const auto why = onednn->unsupported(rnn::parse_problem(d), {});
    ASSERT_TRUE(why.has_value()) << d;
    EXPECT_NE(why->find("length"), std::string::npos) << *why;
  }
  const rnn::problem p{rnn::cell::elman_tanh, 4, 3, 3, 5, rnn::precision::f32};
  const rnn::parameters<float> params = rnn::make_parameters<float>(p, {});
  const auto instance = onednn->prepare(p, params.view(), {});
  const rnn::inputs<float> in = rnn::make_inputs<float>(p, 3);
  rnn::aligned_vector<float> output(4 * 3 * 5), h_n(3 * 5);
  const std::vector<std::int64_t> lengths{1, 4, 2};
  try {
    instance->forward({in.x, in.h0, {}, lengths}, {output, h_n, {}});
    FAIL() << "a forward with lengths ran";
  } catch (const failure& e) {
    EXPECT_EQ(e.which(), failure::kind::unsupported);
  }
}

TEST(onednn_implementation, declines_truncation_and_per_step_gradients_at_backward) {
  const auto onednn = make_onednn_implementation();
  const rnn::problem p{rnn::cell::lstm, 6, 2, 3, 5, rnn::precision::f32};
  const rnn::tensor_sizes n = rnn::sizes_of(p);
  const problem_inputs d = make_inputs(p, 3);
  run_result r = run(*onednn, p, d, 0);
  auto instance = onednn->prepare(p, d.params.view(), {});
  instance->forward({d.in.x, d.in.h0, d.in.c0, {}}, {r.output, r.h_n, r.c_n});
  const rnn::gradients_view<float> grads{r.w_ih, r.w_hh, r.b_ih, r.b_hh, r.x, r.h0, r.c0, {}, {}};
  try {
    instance->backward({d.grad_output, d.grad_h_n, d.grad_c_n}, grads, 3);
    FAIL() << "backward accepted truncation";
  } catch (const failure& e) {
    EXPECT_EQ(e.which(), failure::kind::unsupported);
    EXPECT_NE(std::string(e.what()).find("no truncated backward (steps 3)"), std::string::npos)
        << e.what();
  }
  floats per_step(n.sequence);
  rnn::gradients_view<float> with_h = grads;
  with_h.h = per_step;
  try {
    instance->backward({d.grad_output, d.grad_h_n, d.grad_c_n}, with_h);
    FAIL() << "backward accepted a per-step gradient";
  } catch (const failure& e) {
    EXPECT_EQ(e.which(), failure::kind::unsupported);
    EXPECT_NE(std::string(e.what()).find("per-step"), std::string::npos) << e.what();
  }
}

// Only the final state carries a loss (grad_output zero): dh0 must come from grad_h_n alone
// (oneDNN's diff_dst_iter); with no upstream gradient at all (empty spans = zeros), every
// gradient is zero. LSTM's grad_c_n (diff_dst_iter_c) likewise on its own.
TEST(onednn_implementation, honours_the_upstream_gradients_on_the_final_states) {
  const auto onednn = make_onednn_implementation();
  const auto lib = make_lib_implementation();
  for (const rnn::cell c : {rnn::cell::elman_tanh, rnn::cell::gru, rnn::cell::lstm}) {
    const rnn::problem p{c, 5, 3, 6, 7, rnn::precision::f32};
    problem_inputs d = make_inputs(p, 5);
    std::fill(d.grad_output.begin(), d.grad_output.end(), 0.0f);
    const floats grad_c_n = d.grad_c_n;
    d.grad_c_n.assign(d.grad_c_n.size(), 0.0f);  // h_n's term alone
    run_result theirs = run(*onednn, p, d), ours = run(*lib, p, d);
    EXPECT_GT(relative_error(theirs.h0, floats(theirs.h0.size())), 0.1) << "dh0 is zero";
    expect_agreement(p, theirs, ours);
    if (c == rnn::cell::lstm) {  // c_n's term alone
      d.grad_c_n = grad_c_n;
      std::fill(d.grad_h_n.begin(), d.grad_h_n.end(), 0.0f);
      theirs = run(*onednn, p, d), ours = run(*lib, p, d);
      EXPECT_GT(relative_error(theirs.c0, floats(theirs.c0.size())), 0.1) << "dc0 is zero";
      expect_agreement(p, theirs, ours);
    }
    d.grad_h_n.clear(), d.grad_c_n.clear();  // no upstream gradient at all
    theirs = run(*onednn, p, d);
    for (const floats* g : {&theirs.w_ih, &theirs.w_hh, &theirs.b_ih, &theirs.x, &theirs.h0})
      for (float v : *g) ASSERT_EQ(v, 0.0f) << rnn::cell_name(c);
  }
}

// oneDNN accumulates into its weight gradients; the adapter must not pass that on.
TEST(onednn_implementation, backward_overwrites_every_gradient) {
  const auto onednn = make_onednn_implementation();
  for (const rnn::cell c : rnn::all_cells) {
    const rnn::problem p{c, 5, 3, 6, 7, rnn::precision::f32};
    const problem_inputs d = make_inputs(p, 7);
    const run_result once = run(*onednn, p, d, 1), twice = run(*onednn, p, d, 2);
    EXPECT_EQ(once.w_ih, twice.w_ih) << rnn::cell_name(c);
    EXPECT_EQ(once.w_hh, twice.w_hh) << rnn::cell_name(c);
    EXPECT_EQ(once.b_ih, twice.b_ih) << rnn::cell_name(c);
    EXPECT_EQ(once.b_hh, twice.b_hh) << rnn::cell_name(c);
    EXPECT_EQ(once.x, twice.x) << rnn::cell_name(c);
    EXPECT_EQ(once.h0, twice.h0) << rnn::cell_name(c);
  }
}

// dx not wanted: computed into the adapter's scratch; the rest as when it is wanted.
TEST(onednn_implementation, leaves_out_dx_when_not_wanted) {
  const auto onednn = make_onednn_implementation();
  const rnn::problem p{rnn::cell::gru, 5, 3, 6, 7, rnn::precision::f32};
  const problem_inputs d = make_inputs(p, 9);
  const run_result all = run(*onednn, p, d);
  run_result r = all;
  auto instance = onednn->prepare(p, d.params.view(), {});
  instance->forward({d.in.x, d.in.h0, d.in.c0, {}}, {r.output, r.h_n, r.c_n});
  instance->backward({d.grad_output, d.grad_h_n, d.grad_c_n},
                     {r.w_ih, r.w_hh, r.b_ih, r.b_hh, {}, r.h0, {}, {}, {}});
  EXPECT_EQ(r.w_ih, all.w_ih);
  EXPECT_EQ(r.h0, all.h0);
}

// Parameter gradients not wanted (the benchmark's timed backward): oneDNN still computes them
// but leaves them in its own layout; every other output and gradient has the same bits as when
// they are wanted, over two passes (so a not-wanted pass leaves nothing behind for the next).
TEST(onednn_implementation, leaves_out_the_parameter_gradients_when_not_wanted) {
  const auto onednn = make_onednn_implementation();
  for (const rnn::cell c : rnn::all_cells) {
    const rnn::problem p{c, 5, 3, 6, 7, rnn::precision::f32};
    const problem_inputs d = make_inputs(p, 13);
    const run_result all = run(*onednn, p, d, 2);
    const run_result native = run(*onednn, p, d, 2, false);
    EXPECT_TRUE(native.w_ih.empty() && native.b_hh.empty()) << rnn::cell_name(c);
    EXPECT_EQ(native.output, all.output) << rnn::cell_name(c);
    EXPECT_EQ(native.h_n, all.h_n) << rnn::cell_name(c);
    EXPECT_EQ(native.c_n, all.c_n) << rnn::cell_name(c);
    EXPECT_EQ(native.x, all.x) << rnn::cell_name(c);
    EXPECT_EQ(native.h0, all.h0) << rnn::cell_name(c);
    EXPECT_EQ(native.c0, all.c0) << rnn::cell_name(c);
  }
  // Wanted after not wanted, on one instance: the same as wanted alone.
  const rnn::problem p{rnn::cell::lstm, 5, 3, 6, 7, rnn::precision::f32};
  const problem_inputs d = make_inputs(p, 13);
  const run_result all = run(*onednn, p, d);
  run_result r = all;
  auto instance = onednn->prepare(p, d.params.view(), {});
  instance->forward({d.in.x, d.in.h0, d.in.c0, {}}, {r.output, r.h_n, r.c_n});
  const upstream_gradients<float> up{d.grad_output, d.grad_h_n, d.grad_c_n};
  instance->backward(up, {{}, {}, {}, {}, r.x, r.h0, r.c0, {}, {}});
  std::fill(r.w_ih.begin(), r.w_ih.end(), 0.0f), std::fill(r.b_hh.begin(), r.b_hh.end(), 0.0f);
  instance->backward(up, {r.w_ih, r.w_hh, r.b_ih, r.b_hh, r.x, r.h0, r.c0, {}, {}});
  EXPECT_EQ(r.w_ih, all.w_ih);
  EXPECT_EQ(r.w_hh, all.w_hh);
  EXPECT_EQ(r.b_ih, all.b_ih);
  EXPECT_EQ(r.b_hh, all.b_hh);
  // Some but not all four empty is the caller's error, named.
  try {
    instance->backward(up, {r.w_ih, {}, r.b_ih, r.b_hh, r.x, r.h0, r.c0, {}, {}});
    FAIL() << "backward accepted an empty grad weight_hh beside the others";
  } catch (const rnn::error& e) {
    EXPECT_NE(std::string(e.what()).find("grad weight_hh has 0 elements"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace rnnsuite::impl
