// rnn::layer with per-sequence lengths (PyTorch's packed sequences): each sequence of the batch
// gives what it gives alone (B = 1, T = len_b, the same parameters), the padded positions are
// zero and ignore their upstream gradient, lengths all T are the unpadded layer bit for bit, the
// thread count changes no bit, and bad lengths are refused.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rnn/error.hpp"
#include "rnn/lengths.hpp"
#include "test_layer_support.hpp"

namespace rnn::test {
namespace {

using lengths_t = std::vector<std::int64_t>;

struct layer_config {
  rnn::isa isa;
  int threads = 1;
  std::int64_t chunk_steps = 0;
  std::size_t l2_bytes = 0;
};

// layer_result plus h_n, c_n (run_layer's fields) for a double layer given lengths; lengths
// empty = none given. grad_output replaces d.grad_output when not empty.
layer_result run_with_lengths(const case_data& d, const lengths_t& lengths, layer_config config,
                              const vec& grad_output = {}) {
  layer<double> L(d.p, parameters_view<double>{d.weight_ih, d.weight_hh, d.bias_ih, d.bias_hh},
                  layer_options{config.isa, config.threads, config.chunk_steps, config.l2_bytes});
  const std::size_t state = d.p.B * d.p.H, seq = d.p.T * state;
  const bool lstm = has_cell_state(d.p.cell);
  layer_result r;
  r.output.assign(seq, -1), r.h_n.assign(state, -1), r.c_n.assign(lstm ? state : 0, -1);
  L.forward(d.x, d.h0, d.c0, r.output, r.h_n, r.c_n, lengths);
  r.weight_ih.assign(d.weight_ih.size(), -1), r.weight_hh.assign(d.weight_hh.size(), -1);
  r.bias_ih.assign(d.bias_ih.size(), -1), r.bias_hh.assign(d.bias_hh.size(), -1);
  // Filled with -1: every element must be written, the padded ones with zeros.
  r.x.assign(d.x.size(), -1), r.h0.assign(state, -1), r.c0.assign(lstm ? state : 0, -1);
  r.h.assign(seq, -1), r.c.assign(lstm ? seq : 0, -1);
  L.backward(grad_output.empty() ? d.grad_output : grad_output, d.grad_h_n, d.grad_c_n,
             gradients_view<double>{r.weight_ih, r.weight_hh, r.bias_ih, r.bias_hh, r.x, r.h0,
                                    r.c0, r.h, r.c});
  return r;
}

// Sequence b of d alone: B = 1, T = len.
case_data sequence_alone(const case_data& d, std::int64_t b, std::int64_t len) {
  case_data one = d;
  const std::int64_t B = d.p.B, I = d.p.I, H = d.p.H;
  one.p.T = len, one.p.B = 1;
  auto rows = [&](const vec& from, std::int64_t steps, std::int64_t width) {
    vec out;
    for (std::int64_t t = 0; t < steps; ++t)
      out.insert(out.end(), from.begin() + (t * B + b) * width,
                 from.begin() + (t * B + b + 1) * width);
    return out;
  };
  one.x = rows(d.x, len, I);
  one.grad_output = rows(d.grad_output, len, H);
  one.h0 = rows(d.h0, 1, H), one.grad_h_n = rows(d.grad_h_n, 1, H);
  if (!d.c0.empty()) one.c0 = rows(d.c0, 1, H), one.grad_c_n = rows(d.grad_c_n, 1, H);
  return one;
}

// Row b of step t of a T×B×width array.
vec row_of(const vec& a, std::int64_t t, std::int64_t b, std::int64_t B, std::int64_t width) {
  if (a.empty()) return {};
  return vec(a.begin() + (t * B + b) * width, a.begin() + (t * B + b + 1) * width);
}

// The batch with lengths against every sequence run alone: outputs, final states, dx, dh0, dc0,
// dL/dh_t, dL/dc_t per sequence, and the parameter gradients as the sum over sequences.
void expect_each_sequence_alone(const case_data& d, const lengths_t& lengths,
                                layer_config config, const std::string& what) {
  constexpr double tolerance = 1e-12;
  const layer_result batch = run_with_lengths(d, lengths, config);
  const std::int64_t B = d.p.B, I = d.p.I, H = d.p.H;
  vec dw_ih(d.weight_ih.size()), dw_hh(d.weight_hh.size()), db_ih(d.bias_ih.size()),
      db_hh(d.bias_hh.size());
  for (std::int64_t b = 0; b < B; ++b) {
    const std::int64_t len = lengths[b];
    const std::string seq = what + " sequence " + std::to_string(b) + " len " +
                            std::to_string(len);
    const layer_result alone = run_with_lengths(sequence_alone(d, b, len), {}, config);
    for (std::int64_t t = 0; t < d.p.T; ++t) {
      const std::string at = seq + " t=" + std::to_string(t);
      if (t < len) {
        EXPECT_LE(max_difference(row_of(batch.output, t, b, B, H), row_of(alone.output, t, 0, 1, H)),
                  tolerance) << at << " output";
        EXPECT_LE(max_difference(row_of(batch.x, t, b, B, I), row_of(alone.x, t, 0, 1, I)),
                  tolerance) << at << " dx";
        EXPECT_LE(max_difference(row_of(batch.h, t, b, B, H), row_of(alone.h, t, 0, 1, H)),
                  tolerance) << at << " dL/dh_t";
        EXPECT_LE(max_difference(row_of(batch.c, t, b, B, H), row_of(alone.c, t, 0, 1, H)),
                  tolerance) << at << " dL/dc_t";
      } else {  // padded: exactly zero
        EXPECT_EQ(row_of(batch.output, t, b, B, H), vec(H, 0.0)) << at << " output";
        EXPECT_EQ(row_of(batch.x, t, b, B, I), vec(I, 0.0)) << at << " dx";
        EXPECT_EQ(row_of(batch.h, t, b, B, H), vec(H, 0.0)) << at << " dL/dh_t";
        if (!batch.c.empty()) {
          EXPECT_EQ(row_of(batch.c, t, b, B, H), vec(H, 0.0)) << at << " dL/dc_t";
        }
      }
    }
    EXPECT_LE(max_difference(row_of(batch.h_n, 0, b, B, H), alone.h_n), tolerance) << seq << " h_n";
    EXPECT_LE(max_difference(row_of(batch.c_n, 0, b, B, H), alone.c_n), tolerance) << seq << " c_n";
    EXPECT_LE(max_difference(row_of(batch.h0, 0, b, B, H), alone.h0), tolerance) << seq << " dh0";
    EXPECT_LE(max_difference(row_of(batch.c0, 0, b, B, H), alone.c0), tolerance) << seq << " dc0";
    for (std::size_t i = 0; i < dw_ih.size(); ++i) dw_ih[i] += alone.weight_ih[i];
    for (std::size_t i = 0; i < dw_hh.size(); ++i) dw_hh[i] += alone.weight_hh[i];
    for (std::size_t i = 0; i < db_ih.size(); ++i) db_ih[i] += alone.bias_ih[i];
    for (std::size_t i = 0; i < db_hh.size(); ++i) db_hh[i] += alone.bias_hh[i];
  }
  EXPECT_LE(max_difference(batch.weight_ih, dw_ih), tolerance) << what << " dW_ih";
  EXPECT_LE(max_difference(batch.weight_hh, dw_hh), tolerance) << what << " dW_hh";
  EXPECT_LE(max_difference(batch.bias_ih, db_ih), tolerance) << what << " db_ih";
  EXPECT_LE(max_difference(batch.bias_hh, db_hh), tolerance) << what << " db_hh";
}

class LayerLengths : public ::testing::TestWithParam<std::tuple<rnn::isa, rnn::cell>> {};

TEST_P(LayerLengths, EachSequenceAsIfAlone) {
  const auto [isa, c] = GetParam();
  // Unsorted, 1 and T, a tie; two chunks of steps and one; batch 1 (the matvec path).
  const case_data d = make_case(c, 7, 5, 6, 9, 301);
  const lengths_t lengths{3, 7, 1, 5, 3};
  for (std::int64_t chunk : {0, 2, 3})
    for (int threads : {1, 2})
      expect_each_sequence_alone(d, lengths, {isa, threads, chunk},
                                 std::string(isa_name(isa)) + " chunk " + std::to_string(chunk) +
                                     " threads " + std::to_string(threads));
  const case_data one = make_case(c, 6, 1, 5, 8, 302);
  expect_each_sequence_alone(one, {4}, {isa}, std::string(isa_name(isa)) + " batch 1 len 4");
  expect_each_sequence_alone(one, {1}, {isa, 2}, std::string(isa_name(isa)) + " batch 1 len 1");
  // A W_hh over half of a 4 KiB L2 with 4 threads: the per-step products split by columns and
  // the weight gradients' operands packed; a batch wider than the 8-row thread grain.
  const case_data wide = make_case(c, 5, 19, 7, 17, 303);
  const lengths_t wide_lengths{2, 5, 1, 4, 5, 3, 3, 1, 2, 5, 4, 4, 1, 2, 3, 5, 2, 1, 4};
  expect_each_sequence_alone(wide, wide_lengths, {isa, 4, 0, 4096},
                             std::string(isa_name(isa)) + " by columns");
}

TEST_P(LayerLengths, AllFullIsNoLengthsBitForBit) {
  const auto [isa, c] = GetParam();
  for (auto [B, H] : {std::pair{4, 9}, std::pair{1, 8}}) {
    const case_data d = make_case(c, 6, B, 5, H, 311);
    for (int threads : {1, 2}) {
      const layer_result none = run_with_lengths(d, {}, {isa, threads});
      const layer_result full = run_with_lengths(d, lengths_t(B, 6), {isa, threads});
      expect_identical(full, none, format_problem(d.p));
      EXPECT_EQ(full.h_n, none.h_n);
      EXPECT_EQ(full.c, none.c);
    }
  }
}

TEST_P(LayerLengths, ThreadsChangeNoBit) {
  const auto [isa, c] = GetParam();
  const case_data d = make_case(c, 6, 21, 7, 17, 321);
  const lengths_t lengths{6, 1, 3, 2, 6, 5, 4, 1, 1, 6, 2, 3, 5, 4, 4, 2, 6, 1, 3, 2, 5};
  for (std::size_t l2 : {std::size_t(0), std::size_t(4096)}) {
    const layer_result one = run_with_lengths(d, lengths, {isa, 1, 0, l2});
    for (int threads : {2, 3, 4}) {
      const layer_result many = run_with_lengths(d, lengths, {isa, threads, 0, l2});
      const std::string what = std::string(isa_name(isa)) + " threads " +
                               std::to_string(threads) + " l2 " + std::to_string(l2);
      expect_identical(many, one, what);
      EXPECT_EQ(many.h_n, one.h_n) << what;
      EXPECT_EQ(many.c, one.c) << what;
    }
  }
}

TEST_P(LayerLengths, PaddedUpstreamGradientIgnored) {
  const auto [isa, c] = GetParam();
  const case_data d = make_case(c, 6, 4, 5, 7, 331);
  const lengths_t lengths{2, 6, 1, 4};
  const layer_result base = run_with_lengths(d, lengths, {isa});
  vec changed = d.grad_output;
  for (std::int64_t t = 0; t < d.p.T; ++t)
    for (std::int64_t b = 0; b < d.p.B; ++b)
      if (t >= lengths[b])
        for (std::int64_t j = 0; j < d.p.H; ++j) changed[(t * d.p.B + b) * d.p.H + j] = 1e3;
  const layer_result other = run_with_lengths(d, lengths, {isa}, changed);
  expect_identical(other, base, "grad_output changed past the lengths");
  EXPECT_EQ(other.h_n, base.h_n);
  // And the lengths matter: the same data without them differs.
  const layer_result unpadded = run_with_lengths(d, {}, {isa});
  EXPECT_NE(unpadded.h_n, base.h_n);
  EXPECT_NE(unpadded.weight_hh, base.weight_hh);
}

INSTANTIATE_TEST_SUITE_P(EveryIsaAndCell, LayerLengths, every_isa_and_cell(), isa_and_cell_name{});

TEST(LayerLengthsErrors, BadLengthsAndTruncation) {
  const case_data d = make_case(cell::lstm, 5, 3, 4, 6, 341);
  layer<double> L(d.p, parameters_view<double>{d.weight_ih, d.weight_hh, d.bias_ih, d.bias_hh});
  const std::size_t state = d.p.B * d.p.H, seq = d.p.T * state;
  vec out(seq), h_n(state), c_n(state);
  auto forward = [&](const lengths_t& lengths) {
    L.forward(d.x, d.h0, d.c0, out, h_n, c_n, lengths);
  };
  auto message_of = [&](const lengths_t& lengths) -> std::string {
    try {
      forward(lengths);
    } catch (const rnn::error& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(message_of({5, 5}).find("lengths has 2 entries, expected B = 3"), std::string::npos)
      << message_of({5, 5});
  EXPECT_NE(message_of({5, 0, 2}).find("lengths[1] = 0 is not in [1, T = 5]"), std::string::npos);
  EXPECT_NE(message_of({6, 1, 2}).find("lengths[0] = 6 is not in [1, T = 5]"), std::string::npos);
  // No forward has run yet: backward has nothing to go back through.
  vec dw_ih(d.weight_ih.size()), dw_hh(d.weight_hh.size()), db_ih(d.bias_ih.size()),
      db_hh(d.bias_hh.size()), dx(d.x.size()), dh0(state), dc0(state);
  const gradients_view<double> g{dw_ih, dw_hh, db_ih, db_hh, dx, dh0, dc0, {}, {}};
  EXPECT_THROW(L.backward(d.grad_output, {}, {}, g), rnn::error);

  forward({5, 2, 3});
  try {
    L.backward(d.grad_output, {}, {}, g, 2);
    ADD_FAILURE() << "truncated backward after lengths accepted";
  } catch (const rnn::error& e) {
    EXPECT_NE(std::string(e.what()).find("truncated BPTT after a forward with lengths"),
              std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(L.backward(d.grad_output, {}, {}, g, 0));
  EXPECT_NO_THROW(L.backward(d.grad_output, {}, {}, g, 9));  // steps >= T: the whole sequence
  forward({});  // without lengths truncation is allowed again
  EXPECT_NO_THROW(L.backward(d.grad_output, {}, {}, g, 2));
}

}  // namespace
}  // namespace rnn::test
