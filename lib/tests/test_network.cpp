// rnn::network: stacked and bidirectional layers. The MPFR reference grades it per step in
// verify/; here: a one-block network is the layer bit for bit, every gradient agrees with central
// differences of the forward, results do not depend on threads or instruction set, truncation
// and bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "rnn/error.hpp"
#include "rnn/init.hpp"
#include "network_test_data.hpp"
#include "network_test_support.hpp"
#include "rnn/network.hpp"

namespace {

using rnn::aligned_vector;

using rnn_test::expect_identical;
using rnn_test::network_run;

using rnn_test::make_network_data;
using rnn_test::network_data;

template <class Real>
network_run<Real> run(const network_data<Real>& d, rnn::layer_options options = {},
                      std::int64_t steps = 0) {
  const rnn::network_sizes n = rnn::network_sizes_of(d.p);
  const bool lstm = d.p.cell == rnn::cell::lstm;
  network_run<Real> r;
  r.output.resize(n.output);
  r.h_n.resize(n.state);
  r.c_n.resize(lstm ? n.state : 0);
  rnn::network<Real> net(d.p, d.parameters, options);
  net.forward(d.in.x, d.in.h0, d.in.c0, r.output, r.h_n, r.c_n);
  r.parameters.resize(n.parameters);
  r.x.resize(n.x);
  r.h0.resize(n.state);
  r.c0.resize(lstm ? n.state : 0);
  r.h.resize(n.sequences);
  r.c.resize(lstm ? n.sequences : 0);
  net.backward(d.grad_output, d.grad_h_n, d.grad_c_n,
               {r.parameters, r.x, r.h0, r.c0, r.h, r.c}, steps);
  return r;
}

std::string descriptor(rnn::cell c, const std::string& rest) {
  return std::string(rnn::cell_name(c)) + rest;
}

TEST(network, one_block_is_the_layer_bit_for_bit) {
  for (rnn::cell c : rnn::all_cells) {
    const auto d = make_network_data<float>(descriptor(c, "_t7_b3_i5_h6_f32"));
    const network_run<float> net = run(d);
    // The same problem through rnn::layer.
    const rnn::parameters<float> params = rnn::make_parameters<float>(d.p, {rnn::init_scheme::pytorch, 7, 1.0});
    ASSERT_EQ(std::vector<float>(params.weight_ih.begin(), params.weight_ih.end()),
              std::vector<float>(d.parameters.begin(), d.parameters.begin() + params.weight_ih.size()));
    rnn::layer<float> one(d.p, params.view());
    network_run<float> l;
    l.output.resize(net.output.size()), l.h_n.resize(net.h_n.size()), l.c_n.resize(net.c_n.size());
    one.forward(d.in.x, d.in.h0, d.in.c0, l.output, l.h_n, l.c_n);
    l.parameters.resize(net.parameters.size());
    l.x.resize(net.x.size()), l.h0.resize(net.h0.size()), l.c0.resize(net.c0.size());
    l.h.resize(net.h.size()), l.c.resize(net.c.size());
    const rnn::parameter_gradients_view<float> g =
        rnn::block_gradients<float>(d.p, l.parameters, 0);
    one.backward(d.grad_output, d.grad_h_n, d.grad_c_n,
                 {g.weight_ih, g.weight_hh, g.bias_ih, g.bias_hh, l.x, l.h0, l.c0, l.h, l.c});
    expect_identical(net, l, rnn::format_problem(d.p));
  }
}

// L = Σ grad_output·output + Σ grad_h_n·h_n + Σ grad_c_n·c_n, in long double.
long double loss_of(const network_data<double>& d, const aligned_vector<double>& parameters,
                    const aligned_vector<double>& x, const aligned_vector<double>& h0,
                    const aligned_vector<double>& c0) {
  const rnn::network_sizes n = rnn::network_sizes_of(d.p);
  std::vector<double> output(n.output), h_n(n.state), c_n(c0.size());
  rnn::network<double> net(d.p, parameters);
  net.forward(x, h0, c0, output, h_n, c_n);
  long double sum = 0;
  for (std::size_t i = 0; i < output.size(); ++i) sum += (long double)d.grad_output[i] * output[i];
  for (std::size_t i = 0; i < h_n.size(); ++i) sum += (long double)d.grad_h_n[i] * h_n[i];
  for (std::size_t i = 0; i < c_n.size(); ++i) sum += (long double)d.grad_c_n[i] * c_n[i];
  return sum;
}

// Central differences of every element of one tensor of the network's inputs, against the
// gradient backward wrote: normwise relative error below 1e-7 (double, step 1e-6: truncation
// error ~1e-12·|f'''|, rounding ~1e-16/1e-6).
void expect_matches_differences(const network_data<double>& d, const std::vector<double>& grad,
                                const std::string& what,
                                const std::function<aligned_vector<double>&(network_data<double>&)>& tensor) {
  network_data<double> copy = d;
  aligned_vector<double>& values = tensor(copy);
  ASSERT_EQ(values.size(), grad.size()) << what;
  double err = 0, norm = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i], step = 1e-6;
    values[i] = v + step;
    const long double up = loss_of(copy, copy.parameters, copy.in.x, copy.in.h0, copy.in.c0);
    values[i] = v - step;
    const long double down = loss_of(copy, copy.parameters, copy.in.x, copy.in.h0, copy.in.c0);
    values[i] = v;
    const double fd = double((up - down) / (2 * step));
    err += (fd - grad[i]) * (fd - grad[i]);
    norm += fd * fd;
  }
  EXPECT_GT(norm, 0) << what << ": a gradient of zero checks nothing";
  EXPECT_LT(std::sqrt(err / norm), 1e-7) << what;
}

TEST(network, every_gradient_matches_central_differences) {
  for (rnn::cell c : rnn::all_cells)
    for (const char* shape : {"_t4_b2_i3_h4_l2_bi_f64", "_t5_b2_i3_h3_l3_f64"}) {
      const auto d = make_network_data<double>(descriptor(c, shape));
      const network_run<double> r = run(d);
      const std::string name = rnn::format_problem(d.p);
      expect_matches_differences(d, r.parameters, name + " parameters",
                                 [](network_data<double>& e) -> aligned_vector<double>& { return e.parameters; });
      expect_matches_differences(d, r.x, name + " x",
                                 [](network_data<double>& e) -> aligned_vector<double>& { return e.in.x; });
      expect_matches_differences(d, r.h0, name + " h0",
                                 [](network_data<double>& e) -> aligned_vector<double>& { return e.in.h0; });
      if (c == rnn::cell::lstm)
        expect_matches_differences(d, r.c0, name + " c0",
                                   [](network_data<double>& e) -> aligned_vector<double>& { return e.in.c0; });
    }
}

// The reverse direction reads time backwards: its output at the last time depends on x at that
// time alone, and its h_n is its output at time 0.
TEST(network, reverse_direction_runs_from_the_last_step) {
  for (rnn::cell c : rnn::all_cells) {
    auto d = make_network_data<double>(descriptor(c, "_t5_b2_i3_h4_bi_f64"));
    const network_run<double> before = run(d);
    const std::size_t B = 2, H = 4, T = 5;
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t j = 0; j < H; ++j)
        EXPECT_EQ(before.h_n[1 * B * H + b * H + j], before.output[(0 * B + b) * 2 * H + H + j]);
    for (std::size_t i = 0; i < B * 3; ++i) d.in.x[i] += 0.25;  // x at time 0
    const network_run<double> after = run(d);
    bool forward_changed = false;
    for (std::size_t i = 0; i < B * H; ++i) {
      const std::size_t b = i / H, j = i % H;
      const std::size_t last = ((T - 1) * B + b) * 2 * H;
      EXPECT_EQ(before.output[last + H + j], after.output[last + H + j]) << "reverse at T-1";
      forward_changed |= before.output[last + j] != after.output[last + j];
    }
    EXPECT_TRUE(forward_changed) << "forward at T-1 does not see x at time 0";
  }
}

// Two directions on two threads, and each block on several, give the same bits as one thread.
TEST(network, threads_change_no_bit) {
  for (rnn::cell c : rnn::all_cells)
    for (const char* shape : {"_t9_b5_i6_h8_l2_bi_f32", "_t9_b1_i6_h8_bi_f32", "_t6_b4_i5_h7_l3_f32"}) {
      const auto d = make_network_data<float>(descriptor(c, shape));
      const network_run<float> one = run(d, {.isa = {}, .threads = 1});
      for (int threads : {2, 3, 4})
        expect_identical(run(d, {.isa = {}, .threads = threads}), one,
                         rnn::format_problem(d.p) + " threads " + std::to_string(threads));
    }
}

TEST(network, every_instruction_set_agrees) {
  for (rnn::cell c : rnn::all_cells) {
    const auto d = make_network_data<double>(descriptor(c, "_t6_b3_i5_h17_l2_bi_f64"));
    const network_run<double> base = run(d, {.isa = rnn::available_isas().back()});
    for (rnn::isa isa : rnn::available_isas()) {
      const network_run<double> r = run(d, {.isa = isa});
      auto close = [&](const std::vector<double>& a, const std::vector<double>& b, const char* what) {
        double err = 0, norm = 0;
        for (std::size_t i = 0; i < a.size(); ++i) err += (a[i] - b[i]) * (a[i] - b[i]), norm += b[i] * b[i];
        EXPECT_LE(std::sqrt(err), 1e-13 * std::sqrt(norm)) << rnn::isa_name(isa) << " " << what;
      };
      close(r.output, base.output, "output");
      close(r.parameters, base.parameters, "parameter gradients");
      close(r.x, base.x, "grad x");
      close(r.h, base.h, "grad h");
    }
  }
}

// A stack truncated to k steps: every layer stops k steps back; earlier steps get nothing.
TEST(network, truncated_stack_gives_no_gradient_before_the_window) {
  for (rnn::cell c : rnn::all_cells) {
    const auto d = make_network_data<double>(descriptor(c, "_t8_b2_i3_h4_l2_f64"));
    const network_run<double> r = run(d, {}, 3);
    const std::size_t B = 2, I = 3, first = 8 - 3;
    for (std::size_t i = 0; i < first * B * I; ++i) ASSERT_EQ(r.x[i], 0.0) << descriptor(c, "");
    EXPECT_TRUE(std::any_of(r.x.begin() + first * B * I, r.x.end(), [](double v) { return v != 0; }));
    for (double v : r.h0) ASSERT_EQ(v, 0.0);
    // Not the full BPTT's gradients.
    EXPECT_NE(r.parameters, run(d).parameters);
    // All steps asked (steps >= T) is the full BPTT.
    expect_identical(run(d, {}, 8), run(d), "steps = T");
  }
  const auto bi = make_network_data<double>("gru_t8_b2_i3_h4_bi_f64");
  try {
    run(bi, {}, 3);
    ADD_FAILURE() << "truncated bidirectional accepted";
  } catch (const rnn::error& e) {
    EXPECT_NE(std::string(e.what()).find("no meaning"), std::string::npos) << e.what();
  }
}

TEST(network, bad_input_names_what_is_wrong) {
  const auto d = make_network_data<float>("lstm_t3_b2_i3_h4_l2_bi_f32");
  auto expect_error = [](auto&& f, const std::string& needle) {
    try {
      f();
      ADD_FAILURE() << "accepted; expected an error with '" << needle << "'";
    } catch (const rnn::error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  const rnn::network_sizes n = rnn::network_sizes_of(d.p);
  std::vector<float> out(n.output), hn(n.state), cn(n.state);
  rnn::network<float> net(d.p, d.parameters);
  expect_error([&] {
    std::vector<float> grads(n.parameters);
    net.backward(d.grad_output, {}, {}, {grads, {}, {}, {}, {}, {}});
  }, "backward called before any forward");
  expect_error([&] { rnn::network<float>(d.p, std::span<const float>(d.parameters).first(10)); },
               "parameters has 10 elements");
  expect_error([&] { rnn::network<double>(d.p, std::vector<double>(n.parameters)); }, "precision f32");
  expect_error([&] { net.forward(d.in.x, std::span<const float>(d.in.h0).first(8), d.in.c0, out, hn, cn); },
               "h0 has 8 elements, expected 32 ((L·D)×B×H)");
  expect_error([&] { net.forward(d.in.x, d.in.h0, d.in.c0, std::span<float>(out).first(5), hn, cn); },
               "output has 5 elements");
  net.forward(d.in.x, d.in.h0, d.in.c0, out, hn, cn);
  std::vector<float> grads(n.parameters), gx(n.x);
  expect_error([&] { net.backward(std::span<const float>(d.grad_output).first(3), {}, {}, {grads, gx, {}, {}, {}, {}}); },
               "grad_output has 3 elements");
  expect_error([&] { net.backward(d.grad_output, std::span<const float>(d.grad_h_n).first(3), {}, {grads, gx, {}, {}, {}, {}}); },
               "grad_h_n has 3 elements");
  expect_error([&] { net.backward(d.grad_output, {}, {}, {std::span<float>(grads).first(4), gx, {}, {}, {}, {}}); },
               "grads.parameters has 4 elements");
  expect_error([&] { net.backward(d.grad_output, {}, {}, {grads, gx, {}, {}, {}, {}}, -1); },
               "steps must be >= 0");
  expect_error([] { (void)rnn::block_suffix(rnn::parse_problem("gru_t3_b2_i3_h4_l2_f32"), 2); },
               "block 2 is not in [0, 2)");
  expect_error([] { (void)rnn::layer_problem(rnn::parse_problem("gru_t3_b2_i3_h4_l2_f32"), 2); },
               "layer 2 is not in [0, 2)");
  const rnn::problem elman = rnn::parse_problem("elman_tanh_t3_b2_i3_h4_l2_bi_f32");
  expect_error([&] { rnn::make_parameters<float>(elman, {}); }, "is a network (2 layers, bidirectional)");
  expect_error([&] { (void)rnn::sizes_of(elman); }, "is a network");
}

TEST(network, names_and_layout_follow_pytorch) {
  const rnn::problem p = rnn::parse_problem("lstm_t3_b2_i5_h4_l2_bi_f32");
  EXPECT_EQ(rnn::block_suffix(p, 0), "_l0");
  EXPECT_EQ(rnn::block_suffix(p, 1), "_l0_reverse");
  EXPECT_EQ(rnn::block_suffix(p, 3), "_l1_reverse");
  // Layer 0's blocks read I = 5, layer 1's D·H = 8; G·H = 16 rows each.
  const rnn::parameter_offsets b1 = rnn::parameter_offsets_of(p, 1), b2 = rnn::parameter_offsets_of(p, 2),
                               b3 = rnn::parameter_offsets_of(p, 3);
  EXPECT_EQ(b1.weight_ih, 16u * (5 + 4 + 2));
  EXPECT_EQ(b2.weight_ih, 2u * 16 * (5 + 4 + 2));
  EXPECT_EQ(b2.weight_hh - b2.weight_ih, 16u * 8);
  EXPECT_EQ(b3.end, rnn::network_sizes_of(p).parameters);
  EXPECT_EQ(rnn::layer_problem(p, 1).I, 8);
  EXPECT_EQ(rnn::layer_problem(p, 0).I, 5);
  // Every block has its own draws; block 0 is the single layer's.
  const auto flat = rnn::make_network_parameters<float>(p, {rnn::init_scheme::pytorch, 3, 1.0});
  EXPECT_NE(flat[b1.weight_hh], flat[rnn::parameter_offsets_of(p, 0).weight_hh]);
  EXPECT_EQ(rnn::forward_flops(p), 2.0 * (2.0 * 3 * 2 * 16 * (5 + 4) + 2.0 * 3 * 2 * 16 * (8 + 4)));
}

// A memory budget: a one-block network passes it to its layer (the same bits, fewer activations
// kept). Stacked and bidirectional networks: test_network_checkpointed.cpp.
TEST(network, memory_budget_single_block) {
  const network_data<double> one = make_network_data<double>("lstm_t40_b2_i3_h4_f64");
  rnn::layer_options budgeted;
  budgeted.chunk_steps = 4;
  budgeted.memory_budget_bytes = rnn::checkpoint_sizes_of(one.p, budgeted).budget_for(2);
  rnn::layer_options full_storage = budgeted;  // the same chunks: dW sums its rows by chunk
  full_storage.memory_budget_bytes = 0;
  expect_identical(run(one, budgeted), run(one, full_storage), "memory budget");
  rnn::network<double> net(one.p, one.parameters, budgeted);
  EXPECT_EQ(net.activation_bytes(), budgeted.memory_budget_bytes);
}

}  // namespace
