// rnn::network under layer_options::memory_budget_bytes: stacked and bidirectional networks give
// every output and gradient bit for bit as without a budget (every cell, both precisions, one to
// four layers, one or two directions, the directions on one thread or concurrently, several
// backwards in a row); the activations stay within the budget; network_checkpoint_sizes_of tells
// what a built network accepts and keeps; the refusals name what is wrong.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "network_test_data.hpp"
#include "network_test_support.hpp"
#include "rnn/error.hpp"
#include "rnn/network.hpp"

namespace {

using rnn_test::make_network_data;
using rnn_test::network_data;
using rnn_test::network_run;

// Where forward and backward write, sized for p. every_gradient = false asks only the parameters'
// gradients (x, h0, c0, h, c empty: not wanted).
template <class Real>
network_run<Real> sized_for(const rnn::problem& p, bool every_gradient) {
  const rnn::network_sizes n = rnn::network_sizes_of(p);
  const bool lstm = p.cell == rnn::cell::lstm;
  network_run<Real> r;
  r.output.resize(n.output), r.h_n.resize(n.state), r.c_n.resize(lstm ? n.state : 0);
  r.parameters.resize(n.parameters);
  if (every_gradient) {
    r.x.resize(n.x), r.h0.resize(n.state), r.c0.resize(lstm ? n.state : 0);
    r.h.resize(n.sequences), r.c.resize(lstm ? n.sequences : 0);
  }
  return r;
}

template <class Real>
void forward(rnn::network<Real>& net, const network_data<Real>& d, network_run<Real>& r) {
  net.forward(d.in.x, d.in.h0, d.in.c0, r.output, r.h_n, r.c_n);
}

// The gradients start as a value backward never writes, so one it leaves unwritten shows.
template <class Real>
void backward(rnn::network<Real>& net, const network_data<Real>& d, network_run<Real>& r) {
  for (auto* g : {&r.parameters, &r.x, &r.h0, &r.c0, &r.h, &r.c})
    std::fill(g->begin(), g->end(), std::numeric_limits<Real>::quiet_NaN());
  net.backward(d.grad_output, d.grad_h_n, d.grad_c_n, {r.parameters, r.x, r.h0, r.c0, r.h, r.c});
}

template <class Real>
network_run<Real> run_once(const network_data<Real>& d, const rnn::layer_options& o) {
  rnn::network<Real> net(d.p, d.parameters, o);
  network_run<Real> r = sized_for<Real>(d.p, true);
  forward(net, d, r);
  backward(net, d, r);
  return r;
}

// On one network: forward and backward twice in a row, then a second backward after the second
// forward. The results after each backward.
template <class Real>
std::vector<network_run<Real>> run_passes(rnn::network<Real>& net, const network_data<Real>& d,
                                          bool every_gradient = true) {
  std::vector<network_run<Real>> after;
  for (int pass = 0; pass < 2; ++pass) {
    network_run<Real> r = sized_for<Real>(d.p, every_gradient);
    forward(net, d, r);
    backward(net, d, r);
    after.push_back(std::move(r));
  }
  network_run<Real> again = after.back();  // the second forward's outputs
  backward(net, d, again);
  after.push_back(std::move(again));
  return after;
}

// Bit for bit (memcmp: -0 is not +0, and a NaN left by backward never matches).
template <class Real>
bool same_bits(const std::vector<Real>& a, const std::vector<Real>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(Real)) == 0);
}

template <class Real>
void expect_same_bits(const network_run<Real>& a, const network_run<Real>& b, const std::string& what) {
  using field = std::vector<Real> network_run<Real>::*;
  const std::pair<field, const char*> fields[] = {
      {&network_run<Real>::output, "output"},  {&network_run<Real>::h_n, "h_n"},
      {&network_run<Real>::c_n, "c_n"},        {&network_run<Real>::parameters, "parameter gradients"},
      {&network_run<Real>::x, "grad x"},       {&network_run<Real>::h0, "grad h0"},
      {&network_run<Real>::c0, "grad c0"},     {&network_run<Real>::h, "grads.h"},
      {&network_run<Real>::c, "grads.c"}};
  for (const auto& [f, name] : fields) EXPECT_TRUE(same_bits(a.*f, b.*f)) << what << ": " << name;
}

template <class Real>
std::string descriptor(rnn::cell c, const std::string& shape) {
  return std::string(rnn::cell_name(c)) + shape + (sizeof(Real) == 4 ? "_f32" : "_f64");
}

// T = 13 in chunks of 2: seven chunks, the first one step long. Four layers: the first stack in
// which two buffers used alternately would overwrite a kept output (layer 2's would be layer 0's,
// which layer 1 reads again).
constexpr const char* stacked_shapes[] = {"_t13_b2_i3_h5_l2",    "_t13_b2_i3_h5_l2_bi",
                                          "_t13_b2_i3_h5_l3",    "_t13_b2_i3_h5_l3_bi",
                                          "_t13_b2_i3_h5_l4",    "_t13_b2_i3_h5_l4_bi",
                                          "_t13_b2_i3_h5_bi"};

template <class Real>
void expect_bit_identical(rnn::cell c) {
  for (const char* shape : stacked_shapes)
    for (int threads : {1, 2}) {  // 2 with D = 2: the directions at once, one thread each
      const network_data<Real> d = make_network_data<Real>(descriptor<Real>(c, shape));
      rnn::layer_options o;
      o.threads = threads;
      o.chunk_steps = 2;
      const network_run<Real> reference = run_once(d, o);
      const rnn::network_checkpoint_sizes s = rnn::network_checkpoint_sizes_of(d.p, o);
      ASSERT_LT(s.minimum_bytes, s.full_storage_bytes) << rnn::format_problem(d.p);
      for (std::size_t budget : {s.minimum_bytes, (s.minimum_bytes + s.full_storage_bytes) / 2}) {
        const std::string what = rnn::format_problem(d.p) + " threads " + std::to_string(threads) +
                                 " budget " + std::to_string(budget);
        o.memory_budget_bytes = budget;
        rnn::network<Real> net(d.p, d.parameters, o);
        EXPECT_LE(net.activation_bytes(), budget) << what;
        EXPECT_GT(net.activation_bytes(), 0u) << what;
        if (budget == s.minimum_bytes) {
          EXPECT_GT(net.recomputed_chunks(), 0) << what;
        }
        const std::vector<network_run<Real>> after = run_passes(net, d);
        for (std::size_t i = 0; i < after.size(); ++i)
          expect_same_bits(after[i], reference, what + " backward " + std::to_string(i + 1));
        // Only the parameters' gradients asked: no dx, dh0, dL/dh_t computed or written.
        for (const network_run<Real>& r : run_passes(net, d, false))
          EXPECT_TRUE(same_bits(r.parameters, reference.parameters)) << what << ": parameters only";
      }
    }
}

TEST(network_checkpointed, bit_identical_float) {
  for (rnn::cell c : rnn::all_cells) expect_bit_identical<float>(c);
}

TEST(network_checkpointed, bit_identical_double) {
  for (rnn::cell c : rnn::all_cells) expect_bit_identical<double>(c);
}

// The blocks' minima differ when their automatic chunks do: with a 8 KiB L2, layer 0's
// W_ih (G·H×3) counts as small and takes 128 steps per chunk, layer 1's (G·H×32) as large and
// 256. The network's minimum, which gives each block its own, is accepted and bit-identical.
TEST(network_checkpointed, blocks_with_different_minima) {
  const network_data<float> d = make_network_data<float>("lstm_t300_b2_i3_h16_l2_bi_f32");
  rnn::layer_options o;
  o.l2_bytes = 8192;
  const rnn::checkpoint_sizes layer0 = rnn::checkpoint_sizes_of(rnn::layer_problem(d.p, 0), o),
                              layer1 = rnn::checkpoint_sizes_of(rnn::layer_problem(d.p, 1), o);
  ASSERT_NE(layer0.budget_for(1), layer1.budget_for(1));
  const network_run<float> reference = run_once(d, o);
  const rnn::network_checkpoint_sizes s = rnn::network_checkpoint_sizes_of(d.p, o);
  o.memory_budget_bytes = s.minimum_bytes;
  rnn::network<float> net(d.p, d.parameters, o);
  EXPECT_LE(net.activation_bytes(), s.minimum_bytes);
  EXPECT_GT(net.recomputed_chunks(), 0);
  for (const network_run<float>& r : run_passes(net, d)) expect_same_bits(r, reference, "minimum");
}

// What network_checkpoint_sizes_of says, against its definition and against built networks.
TEST(network_checkpointed, sizes_without_a_network) {
  for (rnn::cell c : {rnn::cell::elman_tanh, rnn::cell::lstm, rnn::cell::gru})
    for (const char* shape : {"_t13_b2_i3_h5", "_t13_b2_i3_h5_l2", "_t13_b2_i3_h5_l3_bi",
                              "_t13_b2_i3_h5_bi"}) {
      const network_data<double> d = make_network_data<double>(descriptor<double>(c, shape));
      const rnn::problem& p = d.p;
      const std::string what = rnn::format_problem(p);
      rnn::layer_options o;
      o.chunk_steps = 3;
      const rnn::network_checkpoint_sizes s = rnn::network_checkpoint_sizes_of(p, o);
      const std::size_t L = std::size_t(p.layers), D = std::size_t(p.directions);
      EXPECT_EQ(s.kept_sequence_bytes, (L - 1) * std::size_t(p.T * p.B) * D * std::size_t(p.H) * 8)
          << what;
      std::size_t full = 0, minimum = s.kept_sequence_bytes, sqrt_rule = s.kept_sequence_bytes;
      std::size_t three_slots = s.kept_sequence_bytes;
      std::int64_t chunks = 0;
      ASSERT_EQ(s.layers.size(), L) << what;
      for (std::size_t k = 0; k < L * D; ++k) {
        const rnn::checkpoint_sizes b =
            rnn::checkpoint_sizes_of(rnn::layer_problem(p, std::int64_t(k / D)), o);
        EXPECT_EQ(s.layers[k / D].chunk_bytes, b.chunk_bytes) << what;
        full += b.full_storage_bytes, minimum += b.budget_for(1), sqrt_rule += b.sqrt_rule_bytes();
        three_slots += b.budget_for(3), chunks += b.chunks;
      }
      EXPECT_EQ(s.chunks(), chunks) << what;
      EXPECT_EQ(s.budget_for(1), minimum) << what;
      EXPECT_EQ(s.budget_for(3), three_slots) << what;
      EXPECT_EQ(s.full_storage_bytes, full) << what;
      EXPECT_EQ(s.minimum_bytes, minimum) << what;
      EXPECT_EQ(s.sqrt_rule_bytes, sqrt_rule) << what;
      // Full storage is what the network keeps without a budget, and a budget of it changes
      // nothing.
      EXPECT_EQ(rnn::network<double>(p, d.parameters, o).activation_bytes(), s.full_storage_bytes)
          << what;
      o.memory_budget_bytes = s.full_storage_bytes;
      rnn::network<double> full_storage(p, d.parameters, o);
      EXPECT_EQ(full_storage.activation_bytes(), s.full_storage_bytes) << what;
      EXPECT_EQ(full_storage.recomputed_chunks(), 0) << what;
      // The minimum is accepted (within it), one byte less is not.
      o.memory_budget_bytes = s.minimum_bytes;
      EXPECT_LE(rnn::network<double>(p, d.parameters, o).activation_bytes(), s.minimum_bytes)
          << what;
      o.memory_budget_bytes = s.minimum_bytes - 1;
      EXPECT_THROW(rnn::network<double>(p, d.parameters, o), rnn::error) << what;
      // One layer in one direction: the layer's own sizes.
      if (!rnn::is_network(p)) {
        const rnn::checkpoint_sizes one = rnn::checkpoint_sizes_of(p, o);
        EXPECT_EQ(s.full_storage_bytes, one.full_storage_bytes);
        EXPECT_EQ(s.minimum_bytes, one.budget_for(1));
        EXPECT_EQ(s.sqrt_rule_bytes, one.sqrt_rule_bytes());
      }
    }
  // One chunk and x narrower than a stored state: the checkpointed minimum is above full
  // storage, so the minimum accepted is full storage itself.
  const rnn::problem tiny = rnn::parse_problem("lstm_t2_b1_i1_h8_l2_f32");
  const rnn::network_checkpoint_sizes s = rnn::network_checkpoint_sizes_of(tiny);
  EXPECT_EQ(s.minimum_bytes, s.full_storage_bytes);
}

TEST(network_checkpointed, below_the_minimum_names_it) {
  for (const char* descriptor : {"lstm_t13_b2_i3_h5_l3_bi_f32", "gru_t13_b2_i3_h5_l2_f32",
                                 "elman_relu_t13_b2_i3_h5_bi_f32"}) {
    const network_data<float> d = make_network_data<float>(descriptor);
    rnn::layer_options o;
    o.chunk_steps = 2;
    const rnn::network_checkpoint_sizes s = rnn::network_checkpoint_sizes_of(d.p, o);
    o.memory_budget_bytes = s.minimum_bytes - 1;
    try {
      rnn::network<float> refused(d.p, d.parameters, o);
      ADD_FAILURE() << descriptor << ": a budget below the minimum was accepted";
    } catch (const rnn::error& e) {
      const std::string message = e.what();
      for (const std::string& needle :
           {std::string("memory_budget_bytes = ") + std::to_string(s.minimum_bytes - 1),
            std::to_string(s.minimum_bytes) + " bytes", std::string(descriptor),
            std::string("layer 0's "), std::string("2 steps per chunk")})
        EXPECT_NE(message.find(needle), std::string::npos) << needle << " not in: " << message;
      if (d.p.layers > 1) {
        EXPECT_NE(message.find(std::to_string(s.kept_sequence_bytes) + " bytes"), std::string::npos)
            << message;
      }
    }
  }
}

// As for a layer: lengths below T and truncated backward are refused under a budget below full
// storage, and taken at full storage.
TEST(network_checkpointed, lengths_and_truncation_refused) {
  const network_data<float> d = make_network_data<float>("gru_t13_b2_i3_h5_l2_f32");
  rnn::layer_options o;
  o.chunk_steps = 2;
  const rnn::network_checkpoint_sizes s = rnn::network_checkpoint_sizes_of(d.p, o);
  const std::vector<std::int64_t> lengths{13, 7};
  for (std::size_t budget : {s.minimum_bytes, s.full_storage_bytes}) {
    o.memory_budget_bytes = budget;
    rnn::network<float> net(d.p, d.parameters, o);
    network_run<float> r = sized_for<float>(d.p, true);
    const bool checkpointed = budget < s.full_storage_bytes;
    try {
      net.forward(d.in.x, d.in.h0, d.in.c0, r.output, r.h_n, r.c_n, lengths);
      EXPECT_FALSE(checkpointed) << "lengths accepted under a budget";
    } catch (const rnn::error& e) {
      EXPECT_TRUE(checkpointed) << e.what();
      EXPECT_NE(std::string(e.what()).find("network::forward: lengths below T"), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("memory_budget_bytes"), std::string::npos) << e.what();
    }
    forward(net, d, r);
    try {
      net.backward(d.grad_output, {}, {}, {r.parameters, {}, {}, {}, {}, {}}, 4);
      EXPECT_FALSE(checkpointed) << "truncation accepted under a budget";
    } catch (const rnn::error& e) {
      EXPECT_TRUE(checkpointed) << e.what();
      EXPECT_NE(std::string(e.what()).find("truncated BPTT"), std::string::npos) << e.what();
    }
    net.backward(d.grad_output, {}, {}, {r.parameters, {}, {}, {}, {}, {}}, 13);  // steps = T: all
  }
}

}  // namespace
