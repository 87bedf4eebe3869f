// oneDNN's stacked and bidirectional primitives as a network implementation (prepare_network),
// against rnnsuite's rnn::network through the same concept: every output and every block's
// gradient of every cell, on networks that take each of the adapter's three mappings (one
// multi-layer primitive, layer 0 apart from the rest, one bidirectional primitive per layer);
// that the reverse direction and each block land where PyTorch puts them; what it declines; and
// backward overwriting, with the parameter gradients wanted or not.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "rnn/aligned.hpp"
#include "rnn/error.hpp"
#include "rnn/init.hpp"
#include "rnn/network.hpp"
#include "rnnsuite/impl/lib_implementation.hpp"
#include "rnnsuite/impl/onednn_implementation.hpp"
#include "seeded_data.hpp"

namespace rnnsuite::impl {
namespace {

using floats = rnn::aligned_vector<float>;

rnn::problem network(rnn::cell c, std::int64_t T, std::int64_t B, std::int64_t I, std::int64_t H,
                     std::int64_t L, std::int64_t D) {
  return rnn::problem{c, T, B, I, H, rnn::precision::f32, L, D};
}

// The networks every cell is checked on, each taking one of the adapter's mappings
// (onednn_network.hpp), with odd sizes (vector tails) and batch 1 (lib's matrix-vector path).
std::vector<rnn::problem> networks_of(rnn::cell c) {
  return {network(c, 5, 3, 6, 7, 1, 2),   // one bidirectional layer
          network(c, 4, 2, 7, 7, 2, 1),   // I = H: one two-layer primitive
          network(c, 5, 3, 6, 5, 2, 1),   // I != H: layer 0, then layer 1
          network(c, 4, 3, 6, 7, 3, 1),   // I != H: layer 0, then layers 1 and 2 in one
          network(c, 5, 3, 6, 5, 3, 2),   // three bidirectional layers, one primitive each
          network(c, 4, 1, 9, 5, 2, 2)};  // batch 1
}

struct network_data {
  floats parameters;                       // flat, PyTorch's order
  floats x, h0, c0;                        // T×B×I, (L·D)×B×H, (L·D)×B×H (LSTM) or empty
  floats grad_output, grad_h_n, grad_c_n;  // T×B×(D·H), (L·D)×B×H, (L·D)×B×H (LSTM) or empty
};

network_data make_data(const rnn::problem& p, std::uint64_t seed) {
  const rnn::network_sizes n = rnn::network_sizes_of(p);
  const std::size_t cell_state = rnn::has_cell_state(p.cell) ? n.state : 0;
  return {rnn::make_network_parameters<float>(p, {rnn::init_scheme::pytorch, seed, 1.0}),
          test::seeded<float>(n.x, seed + 1),          test::seeded<float>(n.state, seed + 2),
          test::seeded<float>(cell_state, seed + 3),   test::seeded<float>(n.output, seed + 4),
          test::seeded<float>(n.state, seed + 5),      test::seeded<float>(cell_state, seed + 6)};
}

struct network_result {
  floats output, h_n, c_n;  // T×B×(D·H), (L·D)×B×H ×2
  floats parameters;        // flat gradients; empty when not wanted
  floats x, h0, c0;
};

// One forward and `passes` backwards on one instance.
network_result run(const implementation& implementation, const rnn::problem& p,
                   const network_data& d, int passes = 1, bool parameters_wanted = true) {
  const rnn::network_sizes n = rnn::network_sizes_of(p);
  const std::size_t cell_state = rnn::has_cell_state(p.cell) ? n.state : 0;
  network_result r{floats(n.output), floats(n.state),      floats(cell_state),
                   floats(parameters_wanted ? n.parameters : 0),
                   floats(n.x),      floats(n.state),      floats(cell_state)};
  auto instance = implementation.prepare_network(p, d.parameters, {});
  instance->forward({d.x, d.h0, d.c0, {}}, {r.output, r.h_n, r.c_n});
  for (int pass = 0; pass < passes; ++pass)
    instance->backward({d.grad_output, d.grad_h_n, d.grad_c_n},
                       {r.parameters, r.x, r.h0, r.c0, {}, {}});
  return r;
}

// ||a - b||₂ / ||b||₂ in double; 0 when both are zero.
double relative_error(std::span<const float> a, std::span<const float> b) {
  if (a.size() != b.size()) return std::numeric_limits<double>::infinity();
  double difference = 0, norm = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    difference += (double(a[k]) - double(b[k])) * (double(a[k]) - double(b[k]));
    norm += double(b[k]) * double(b[k]);
  }
  return difference == 0 ? 0 : std::sqrt(difference / norm);
}

// The tolerance, normwise, per tensor, as test_onednn_implementation.cpp's for one layer: both
// sides are float32 (u = 2^-24) and sum in different orders; one layer's forward and backward
// chain T steps of dot products of length K = I_l + H + 2, γ_K ≈ K·u each, with Jacobians that do
// not amplify at PyTorch's initialization, plus the T·B-row sums of the weight gradients:
// 2·(2T·K + T·B)·u for the two sides together. A block's gradient also carries the rounding of
// every layer above it, so the network's bound is L times the widest layer's: at the largest
// network here (L = 3, D = 2, H = 5, K = 17) 6.6e-5. Measured errors are about 1e-7; a mapping bug
// (a direction's time order, a block's rows, a layer's input) moves some tensor by 1e-2 or more.
double tolerance(const rnn::problem& p) {
  const double u = std::ldexp(1.0, -24);
  const double widest_input = double(p.layers > 1 ? std::max(p.I, p.directions * p.H) : p.I);
  const double K = widest_input + double(p.H) + 2;
  return double(p.layers) * 2 * (2 * double(p.T) * K + double(p.T * p.B)) * u;
}

// Every output and gradient, every block's four parameter gradients on their own.
void expect_agreement(const rnn::problem& p, network_result& onednn, network_result& lib) {
  const double bound = tolerance(p);
  const std::string name = rnn::format_problem(p);
  const struct {
    const char* name;
    const floats& theirs;
    const floats& ours;
  } tensors[] = {{"output", onednn.output, lib.output}, {"h_n", onednn.h_n, lib.h_n},
                 {"c_n", onednn.c_n, lib.c_n},          {"grad x", onednn.x, lib.x},
                 {"grad h0", onednn.h0, lib.h0},        {"grad c0", onednn.c0, lib.c0}};
  for (const auto& t : tensors)
    EXPECT_LE(relative_error(t.theirs, t.ours), bound) << name << ": " << t.name;
  for (std::int64_t k = 0; k < p.layers * p.directions; ++k) {
    const auto theirs = rnn::block_gradients<float>(p, onednn.parameters, k);
    const auto ours = rnn::block_gradients<float>(p, lib.parameters, k);
    const std::string suffix = rnn::block_suffix(p, k);
    EXPECT_LE(relative_error(theirs.weight_ih, ours.weight_ih), bound)
        << name << ": grad weight_ih" << suffix;
    EXPECT_LE(relative_error(theirs.weight_hh, ours.weight_hh), bound)
        << name << ": grad weight_hh" << suffix;
    EXPECT_LE(relative_error(theirs.bias_ih, ours.bias_ih), bound)
        << name << ": grad bias_ih" << suffix;
    EXPECT_LE(relative_error(theirs.bias_hh, ours.bias_hh), bound)
        << name << ": grad bias_hh" << suffix;
  }
}

bool all_zero(std::span<const float> s) {
  return std::all_of(s.begin(), s.end(), [](float v) { return v == 0.0f; });
}

class onednn_network_against_lib : public ::testing::TestWithParam<rnn::cell> {};

TEST_P(onednn_network_against_lib, every_output_and_block_gradient_agrees) {
  const auto onednn = make_onednn_implementation();
  const auto lib = make_lib_implementation();
  for (const rnn::problem& p : networks_of(GetParam())) {
    ASSERT_FALSE(onednn->unsupported(p, {}).has_value()) << rnn::format_problem(p);
    const network_data d = make_data(p, 17);
    network_result theirs = run(*onednn, p, d), ours = run(*lib, p, d);
    expect_agreement(p, theirs, ours);
  }
}

INSTANTIATE_TEST_SUITE_P(every_cell, onednn_network_against_lib,
                         ::testing::ValuesIn(rnn::all_cells),
                         [](const auto& info) { return std::string(rnn::cell_name(info.param)); });

// The reverse direction's h_t lands at time t: a loss on the reverse half of output[T-1] alone
// reaches only x_{T-1} (the reverse direction's first step) and the reverse block's h0, and
// nothing of the forward block; a loss on the reverse half of output[0] reaches every x_t.
TEST(onednn_network, puts_the_reverse_direction_at_its_time_steps) {
  const auto onednn = make_onednn_implementation();
  const auto lib = make_lib_implementation();
  for (const rnn::cell c : {rnn::cell::elman_tanh, rnn::cell::gru, rnn::cell::lstm}) {
    const rnn::problem p = network(c, 5, 3, 6, 4, 1, 2);
    const std::size_t H = 4, B = 3, I = 6, step = B * 2 * H;
    for (const std::size_t t : {std::size_t(4), std::size_t(0)}) {
      network_data d = make_data(p, 23);
      std::fill(d.grad_output.begin(), d.grad_output.end(), 0.0f);
      for (std::size_t b = 0; b < B; ++b)
        for (std::size_t j = H; j < 2 * H; ++j) d.grad_output[t * step + b * 2 * H + j] = 1.0f;
      d.grad_h_n.clear(), d.grad_c_n.clear();
      network_result theirs = run(*onednn, p, d), ours = run(*lib, p, d);
      expect_agreement(p, theirs, ours);
      const std::string where = std::string(rnn::cell_name(c)) + ", loss at t=" + std::to_string(t);
      const auto forward_block = rnn::block_gradients<float>(p, theirs.parameters, 0);
      EXPECT_TRUE(all_zero(forward_block.weight_ih) && all_zero(forward_block.bias_hh)) << where;
      EXPECT_TRUE(all_zero(std::span(theirs.h0).first(B * H))) << where << ": forward dh0";
      EXPECT_FALSE(all_zero(std::span(theirs.h0).subspan(B * H))) << where << ": reverse dh0";
      for (std::size_t time = 0; time < 5; ++time) {
        const bool reached = t == 0 || time == t;
        EXPECT_EQ(all_zero(std::span(theirs.x).subspan(time * B * I, B * I)), !reached)
            << where << ": dx at t=" << time;
      }
    }
  }
}

// Each block's rows of h_n and its parameters: a loss on one block's final state alone (block 1,
// layer 0's reverse direction, whose final state is at time 0) leaves every other block of its
// layer and every block above it with exactly zero gradients, and agrees with lib.
TEST(onednn_network, gives_each_block_its_own_rows_and_parameters) {
  const auto onednn = make_onednn_implementation();
  const auto lib = make_lib_implementation();
  for (const rnn::cell c : {rnn::cell::elman_relu, rnn::cell::gru, rnn::cell::lstm}) {
    const rnn::problem p = network(c, 4, 2, 5, 3, 2, 2);
    const std::size_t state = 2 * 3;
    network_data d = make_data(p, 29);
    std::fill(d.grad_output.begin(), d.grad_output.end(), 0.0f);
    for (std::size_t k = 0; k < d.grad_h_n.size(); ++k)
      if (k / state != 1) d.grad_h_n[k] = 0.0f;
    std::fill(d.grad_c_n.begin(), d.grad_c_n.end(), 0.0f);
    network_result theirs = run(*onednn, p, d), ours = run(*lib, p, d);
    expect_agreement(p, theirs, ours);
    for (std::int64_t k = 0; k < 4; ++k) {
      const auto g = rnn::block_gradients<float>(p, theirs.parameters, k);
      const bool reached = k == 1;
      EXPECT_EQ(all_zero(g.weight_ih) && all_zero(g.weight_hh) && all_zero(g.bias_ih) &&
                    all_zero(g.bias_hh),
                !reached)
          << rnn::cell_name(c) << ": block" << rnn::block_suffix(p, k);
      EXPECT_EQ(all_zero(std::span(theirs.h0).subspan(std::size_t(k) * state, state)), !reached)
          << rnn::cell_name(c) << ": dh0 of block" << rnn::block_suffix(p, k);
    }
  }
}

// A one-block "network" is the single layer: the same primitive, the same bits.
TEST(onednn_network, one_block_is_the_single_layer_bit_for_bit) {
  const auto onednn = make_onednn_implementation();
  for (const rnn::cell c : rnn::all_cells) {
    const rnn::problem p{c, 5, 3, 6, 7, rnn::precision::f32};
    const network_data d = make_data(p, 31);
    const network_result as_network = run(*onednn, p, d);
    const rnn::tensor_sizes n = rnn::sizes_of(p);
    const std::size_t cell_state = rnn::has_cell_state(c) ? n.state : 0;
    floats output(n.sequence), h_n(n.state), c_n(cell_state), w_ih(n.weight_ih),
        w_hh(n.weight_hh), b_ih(n.bias), b_hh(n.bias), x(n.x), h0(n.state), c0(cell_state);
    auto layer = onednn->prepare(p, rnn::block_parameters<float>(p, d.parameters, 0), {});
    layer->forward({d.x, d.h0, d.c0, {}}, {output, h_n, c_n});
    layer->backward({d.grad_output, d.grad_h_n, d.grad_c_n},
                    {w_ih, w_hh, b_ih, b_hh, x, h0, c0, {}, {}});
    const std::string cell(rnn::cell_name(c));
    EXPECT_EQ(output, as_network.output) << cell;
    EXPECT_EQ(h_n, as_network.h_n) << cell;
    EXPECT_EQ(c_n, as_network.c_n) << cell;
    EXPECT_EQ(x, as_network.x) << cell;
    EXPECT_EQ(h0, as_network.h0) << cell;
    const auto g = rnn::block_parameters<float>(p, as_network.parameters, 0);
    EXPECT_TRUE(std::equal(w_ih.begin(), w_ih.end(), g.weight_ih.begin())) << cell;
    EXPECT_TRUE(std::equal(b_hh.begin(), b_hh.end(), g.bias_hh.begin())) << cell;
  }
}

// oneDNN accumulates into its weight gradients; backward must overwrite. Parameter gradients not
// wanted (empty, the benchmark's timed backward): every other output and gradient the same bits;
// wanted again after that: the same as wanted alone.
TEST(onednn_network, backward_overwrites_and_leaves_out_unwanted_parameter_gradients) {
  const auto onednn = make_onednn_implementation();
  for (const rnn::cell c : rnn::all_cells) {
    const rnn::problem p = network(c, 4, 3, 6, 5, 2, 2);
    const network_data d = make_data(p, 37);
    const network_result once = run(*onednn, p, d, 1), twice = run(*onednn, p, d, 2);
    const network_result native = run(*onednn, p, d, 2, false);
    const std::string cell(rnn::cell_name(c));
    EXPECT_EQ(once.parameters, twice.parameters) << cell;
    EXPECT_EQ(once.x, twice.x) << cell;
    EXPECT_EQ(once.h0, twice.h0) << cell;
    EXPECT_EQ(native.x, once.x) << cell;
    EXPECT_EQ(native.h0, once.h0) << cell;
    EXPECT_EQ(native.c0, once.c0) << cell;
    EXPECT_EQ(native.output, once.output) << cell;
  }
  const rnn::problem p = network(rnn::cell::lstm, 4, 3, 6, 5, 3, 1);
  const network_data d = make_data(p, 41);
  const network_result wanted = run(*onednn, p, d);
  network_result r = wanted;
  auto instance = onednn->prepare_network(p, d.parameters, {});
  instance->forward({d.x, d.h0, d.c0, {}}, {r.output, r.h_n, r.c_n});
  const upstream_gradients<float> up{d.grad_output, d.grad_h_n, d.grad_c_n};
  instance->backward(up, {{}, r.x, r.h0, r.c0, {}, {}});
  std::fill(r.parameters.begin(), r.parameters.end(), 0.0f);
  instance->backward(up, {r.parameters, r.x, r.h0, r.c0, {}, {}});
  EXPECT_EQ(r.parameters, wanted.parameters);
}

TEST(onednn_network, declines_f64_streaming_truncation_and_per_step_gradients) {
  const auto onednn = make_onednn_implementation();
  const rnn::problem f64{rnn::cell::lstm, 4, 2, 3, 5, rnn::precision::f64, 2, 2};
  const auto why = onednn->unsupported(f64, {});
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("no f64 RNN primitives"), std::string::npos) << *why;
  const rnn::aligned_vector<double> parameters = rnn::make_network_parameters<double>(f64, {});
  try {
    onednn->prepare_network(f64, parameters, {});
    FAIL() << "prepare_network accepted an f64 network";
  } catch (const failure& e) {
    EXPECT_EQ(e.which(), failure::kind::unsupported);
  }
  run_options streaming;
  streaming.streaming = {2, 3};
  const rnn::problem p = network(rnn::cell::gru, 6, 2, 3, 5, 2, 1);
  EXPECT_FALSE(onednn->unsupported(p, {}).has_value());
  ASSERT_TRUE(onednn->unsupported(p, streaming).has_value());
  EXPECT_NE(onednn->unsupported(p, streaming)->find("streaming"), std::string::npos);

  const network_data d = make_data(p, 43);
  network_result r = run(*onednn, p, d);
  auto instance = onednn->prepare_network(p, d.parameters, {});
  instance->forward({d.x, d.h0, d.c0, {}}, {r.output, r.h_n, r.c_n});
  const upstream_gradients<float> up{d.grad_output, d.grad_h_n, d.grad_c_n};
  floats per_step(rnn::network_sizes_of(p).sequences);
  for (const auto& [steps, h, expected] :
       {std::tuple{std::int64_t(3), std::span<float>(), "no truncated backward (steps 3)"},
        std::tuple{std::int64_t(0), std::span<float>(per_step), "per-step"}}) {
    try {
      instance->backward(up, {r.parameters, r.x, r.h0, r.c0, h, {}}, steps);
      FAIL() << "backward accepted " << expected;
    } catch (const failure& e) {
      EXPECT_EQ(e.which(), failure::kind::unsupported);
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
  // A wrong size is the caller's error, named.
  try {
    instance->backward(up, {std::span(r.parameters).first(3), r.x, r.h0, r.c0, {}, {}});
    FAIL() << "backward accepted 3 parameter gradients";
  } catch (const rnn::error& e) {
    EXPECT_NE(std::string(e.what()).find("grad parameters has 3 elements"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace rnnsuite::impl
