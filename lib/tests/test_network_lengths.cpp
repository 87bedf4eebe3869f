// rnn::network with per-sequence lengths (PyTorch's packed sequences): each sequence of the batch
// gives what it gives alone (B = 1, T = len_b, the same parameters), so the reverse direction
// starts at its own last step; padded positions are zero and ignore their upstream gradient;
// lengths all T are the unpadded network bit for bit; threads change no bit; truncation and bad
// lengths are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <string>
#include <vector>

#include "rnn/error.hpp"
#include "rnn/init.hpp"
#include "rnn/isa.hpp"
#include "network_test_support.hpp"
#include "rnn/network.hpp"

namespace {

using vec = std::vector<double>;
using lengths_t = std::vector<std::int64_t>;

struct network_data {
  rnn::problem p;
  vec parameters, x, h0, c0, grad_output, grad_h_n, grad_c_n;
};

network_data make_data(const std::string& descriptor, std::uint64_t seed) {
  network_data d;
  d.p = rnn::parse_problem(descriptor);
  const auto flat =
      rnn::make_network_parameters<double>(d.p, {rnn::init_scheme::pytorch, seed, 1.0});
  const auto in = rnn::make_inputs<double>(d.p, seed);
  const auto other = rnn::make_inputs<double>(d.p, seed + 1000);
  d.parameters.assign(flat.begin(), flat.end());
  d.x.assign(in.x.begin(), in.x.end());
  d.h0.assign(in.h0.begin(), in.h0.end());
  d.c0.assign(in.c0.begin(), in.c0.end());
  d.grad_output.assign(other.target.begin(), other.target.end());
  d.grad_h_n.assign(other.h0.begin(), other.h0.end());
  d.grad_c_n.assign(other.c0.begin(), other.c0.end());
  return d;
}

using network_run = rnn_test::network_run<double>;
using rnn_test::expect_identical;

network_run run(const network_data& d, const lengths_t& lengths, rnn::layer_options options,
                const vec& grad_output = {}) {
  const rnn::network_sizes n = rnn::network_sizes_of(d.p);
  const bool lstm = d.p.cell == rnn::cell::lstm;
  network_run r;
  // -1: every element must be written, the padded ones with zeros.
  r.output.assign(n.output, -1), r.h_n.assign(n.state, -1), r.c_n.assign(lstm ? n.state : 0, -1);
  rnn::network<double> net(d.p, d.parameters, options);
  net.forward(d.x, d.h0, d.c0, r.output, r.h_n, r.c_n, lengths);
  r.parameters.assign(n.parameters, -1), r.x.assign(n.x, -1);
  r.h0.assign(n.state, -1), r.c0.assign(lstm ? n.state : 0, -1);
  r.h.assign(n.sequences, -1), r.c.assign(lstm ? n.sequences : 0, -1);
  net.backward(grad_output.empty() ? d.grad_output : grad_output, d.grad_h_n, d.grad_c_n,
               {r.parameters, r.x, r.h0, r.c0, r.h, r.c});
  return r;
}

// Largest |a_i − b_i| / (1 + |b_i|).
double max_difference(const vec& a, const vec& b) {
  if (a.size() != b.size()) return INFINITY;
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = std::abs(a[i] - b[i]) / (1 + std::abs(b[i]));
    if (std::isnan(d)) return INFINITY;
    worst = std::max(worst, d);
  }
  return worst;
}

// Rows [row, row + 1) of `count` blocks of `rows`×width each, concatenated: sequence b's slice of
// a T×B×w sequence (count = T) or of (L·D)×B×H states (count = L·D).
vec slice(const vec& a, std::size_t count, std::size_t rows, std::size_t row, std::size_t width) {
  vec out;
  if (a.empty()) return out;
  for (std::size_t k = 0; k < count; ++k) {
    const auto from = a.begin() + (k * rows + row) * width;
    out.insert(out.end(), from, from + width);
  }
  return out;
}

network_data sequence_alone(const network_data& d, std::size_t b, std::int64_t len) {
  network_data one = d;
  const std::size_t B = d.p.B, blocks = d.p.layers * d.p.directions, H = d.p.H;
  const std::size_t wide = d.p.directions * H;
  one.p.T = len, one.p.B = 1;
  one.x = slice(d.x, len, B, b, d.p.I);
  one.grad_output = slice(d.grad_output, len, B, b, wide);
  one.h0 = slice(d.h0, blocks, B, b, H), one.grad_h_n = slice(d.grad_h_n, blocks, B, b, H);
  one.c0 = slice(d.c0, blocks, B, b, H), one.grad_c_n = slice(d.grad_c_n, blocks, B, b, H);
  return one;
}

void expect_each_sequence_alone(const network_data& d, const lengths_t& lengths,
                                rnn::layer_options options, const std::string& what) {
  constexpr double tolerance = 1e-12;
  const network_run batch = run(d, lengths, options);
  const std::size_t T = d.p.T, B = d.p.B, I = d.p.I, H = d.p.H;
  const std::size_t blocks = d.p.layers * d.p.directions, wide = d.p.directions * H;
  vec parameters(d.parameters.size(), 0.0);
  for (std::size_t b = 0; b < B; ++b) {
    const std::size_t len = std::size_t(lengths[b]);
    const std::string seq = what + " sequence " + std::to_string(b) + " len " + std::to_string(len);
    const network_run alone = run(sequence_alone(d, b, lengths[b]), {}, options);
    const vec output = slice(batch.output, T, B, b, wide), dx = slice(batch.x, T, B, b, I);
    EXPECT_LE(max_difference(vec(output.begin(), output.begin() + len * wide), alone.output),
              tolerance) << seq << " output";
    EXPECT_LE(max_difference(vec(dx.begin(), dx.begin() + len * I), alone.x), tolerance)
        << seq << " dx";
    EXPECT_EQ(vec(output.begin() + len * wide, output.end()), vec((T - len) * wide, 0.0))
        << seq << " padded output";
    EXPECT_EQ(vec(dx.begin() + len * I, dx.end()), vec((T - len) * I, 0.0)) << seq << " padded dx";
    // Each block's dL/dh_t (dL/dc_t) at time t, whatever its direction.
    for (std::size_t k = 0; k < blocks; ++k) {
      for (const auto& [all, own, name] : {std::tuple{&batch.h, &alone.h, "dL/dh"},
                                           std::tuple{&batch.c, &alone.c, "dL/dc"}}) {
        if (all->empty()) continue;
        const vec block(all->begin() + k * T * B * H, all->begin() + (k + 1) * T * B * H);
        const vec mine = slice(block, T, B, b, H);
        const vec expected(own->begin() + k * len * H, own->begin() + (k + 1) * len * H);
        EXPECT_LE(max_difference(vec(mine.begin(), mine.begin() + len * H), expected), tolerance)
            << seq << " block " << k << " " << name;
        EXPECT_EQ(vec(mine.begin() + len * H, mine.end()), vec((T - len) * H, 0.0))
            << seq << " block " << k << " padded " << name;
      }
    }
    EXPECT_LE(max_difference(slice(batch.h_n, blocks, B, b, H), alone.h_n), tolerance) << seq << " h_n";
    EXPECT_LE(max_difference(slice(batch.c_n, blocks, B, b, H), alone.c_n), tolerance) << seq << " c_n";
    EXPECT_LE(max_difference(slice(batch.h0, blocks, B, b, H), alone.h0), tolerance) << seq << " dh0";
    EXPECT_LE(max_difference(slice(batch.c0, blocks, B, b, H), alone.c0), tolerance) << seq << " dc0";
    for (std::size_t i = 0; i < parameters.size(); ++i) parameters[i] += alone.parameters[i];
  }
  EXPECT_LE(max_difference(batch.parameters, parameters), tolerance) << what << " parameters";
}

std::string descriptor(rnn::cell c, const std::string& rest) {
  return std::string(rnn::cell_name(c)) + rest;
}

class NetworkLengths : public ::testing::TestWithParam<std::tuple<rnn::isa, rnn::cell>> {};

TEST_P(NetworkLengths, EachSequenceAsIfAlone) {
  const auto [isa, c] = GetParam();
  const std::string name = std::string(rnn::isa_name(isa)) + " ";
  for (const char* shape : {"_t7_b5_i6_h8_l2_bi_f64", "_t7_b5_i6_h8_l2_f64", "_t7_b5_i6_h8_bi_f64"}) {
    const network_data d = make_data(descriptor(c, shape), 17);
    for (int threads : {1, 2})
      expect_each_sequence_alone(d, {3, 7, 1, 5, 3}, {isa, threads},
                                 name + shape + " threads " + std::to_string(threads));
  }
  const network_data one = make_data(descriptor(c, "_t6_b1_i5_h8_l2_bi_f64"), 18);
  expect_each_sequence_alone(one, {4}, {isa, 2}, name + "batch 1");
}

TEST_P(NetworkLengths, AllFullIsNoLengthsBitForBit) {
  const auto [isa, c] = GetParam();
  const network_data d = make_data(descriptor(c, "_t6_b4_i5_h7_l2_bi_f64"), 19);
  for (int threads : {1, 2}) {
    const network_run none = run(d, {}, {isa, threads});
    expect_identical(run(d, lengths_t(4, 6), {isa, threads}), none,
                     "threads " + std::to_string(threads));
  }
}

TEST_P(NetworkLengths, ThreadsChangeNoBit) {
  const auto [isa, c] = GetParam();
  const network_data d = make_data(descriptor(c, "_t6_b11_i5_h9_l2_bi_f64"), 20);
  const lengths_t lengths{6, 1, 3, 2, 6, 5, 4, 1, 1, 6, 2};
  const network_run one = run(d, lengths, {isa, 1});
  for (int threads : {2, 4})
    expect_identical(run(d, lengths, {isa, threads}), one, "threads " + std::to_string(threads));
}

TEST_P(NetworkLengths, PaddedUpstreamGradientIgnored) {
  const auto [isa, c] = GetParam();
  const network_data d = make_data(descriptor(c, "_t6_b4_i5_h7_l2_bi_f64"), 21);
  const lengths_t lengths{2, 6, 1, 4};
  const network_run base = run(d, lengths, {isa, 2});
  vec changed = d.grad_output;
  const std::size_t B = 4, wide = 14;
  for (std::size_t t = 0; t < 6; ++t)
    for (std::size_t b = 0; b < B; ++b)
      if (std::int64_t(t) >= lengths[b])
        std::fill_n(changed.begin() + (t * B + b) * wide, wide, 1e3);
  expect_identical(run(d, lengths, {isa, 2}, changed), base, "grad_output changed past lengths");
  const network_run unpadded = run(d, {}, {isa, 2});
  EXPECT_NE(unpadded.h_n, base.h_n);
  EXPECT_NE(unpadded.parameters, base.parameters);
}

INSTANTIATE_TEST_SUITE_P(EveryIsaAndCell, NetworkLengths,
                         ::testing::Combine(::testing::ValuesIn(rnn::available_isas()),
                                            ::testing::ValuesIn(rnn::all_cells)),
                         [](const auto& info) {
                           return std::string(rnn::isa_name(std::get<0>(info.param))) + "_" +
                                  std::string(rnn::cell_name(std::get<1>(info.param)));
                         });

TEST(NetworkLengthsErrors, BadLengthsAndTruncation) {
  const network_data d = make_data("gru_t5_b3_i4_h6_l2_f64", 22);
  rnn::network<double> net(d.p, d.parameters);
  const rnn::network_sizes n = rnn::network_sizes_of(d.p);
  vec output(n.output), h_n(n.state), params(n.parameters), dx(n.x), dh0(n.state);
  auto message_of = [&](const lengths_t& lengths) -> std::string {
    try {
      net.forward(d.x, d.h0, {}, output, h_n, {}, lengths);
    } catch (const rnn::error& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(message_of({5, 5, 5, 5}).find("network::forward: lengths has 4 entries, expected B = 3"),
            std::string::npos) << message_of({5, 5, 5, 5});
  EXPECT_NE(message_of({5, 0, 2}).find("lengths[1] = 0 is not in [1, T = 5]"), std::string::npos);
  EXPECT_NE(message_of({5, 1, 9}).find("lengths[2] = 9 is not in [1, T = 5]"), std::string::npos);
  ASSERT_EQ(message_of({5, 1, 2}), "no error");
  try {
    net.backward(d.grad_output, {}, {}, {params, dx, dh0, {}, {}, {}}, 3);
    ADD_FAILURE() << "truncated backward after lengths accepted";
  } catch (const rnn::error& e) {
    EXPECT_NE(std::string(e.what()).find("truncated BPTT after a forward with lengths"),
              std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(net.backward(d.grad_output, {}, {}, {params, dx, dh0, {}, {}, {}}, 0));
  ASSERT_EQ(message_of({}), "no error");
  EXPECT_NO_THROW(net.backward(d.grad_output, {}, {}, {params, dx, dh0, {}, {}, {}}, 3));
}

}  // namespace
