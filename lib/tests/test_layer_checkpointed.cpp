// rnn::layer under layer_options::memory_budget_bytes: every output and gradient bit-identical
// to full storage, for every cell, both precisions, several budgets, chunk sizes, batches and
// thread counts; the recomputation the schedule promises; the refusals.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "rnn/checkpoint.hpp"
#include "rnn/error.hpp"
#include "test_layer_support.hpp"

namespace rnn::test {
namespace {

template <class Real>
struct outputs {
  std::vector<Real> out, h_n, c_n, dw_ih, dw_hh, db_ih, db_hh, dx, dh0, dc0, dh, dc;
  std::size_t activation_bytes = 0;
  std::int64_t recomputed = 0;
};

// Forward then `backwards` backward passes (the last one's gradients kept), with the options.
template <class Real>
outputs<Real> run(const case_data& d, layer_options o, int backwards = 1) {
  problem p = d.p;
  p.precision = sizeof(Real) == 4 ? precision::f32 : precision::f64;
  const auto w_ih = to<Real>(d.weight_ih), w_hh = to<Real>(d.weight_hh);
  const auto b_ih = to<Real>(d.bias_ih), b_hh = to<Real>(d.bias_hh);
  layer<Real> L(p, parameters_view<Real>{w_ih, w_hh, b_ih, b_hh}, o);
  const std::size_t state = p.B * p.H, seq = p.T * state;
  const bool lstm = has_cell_state(p.cell);
  const auto x = to<Real>(d.x), h0 = to<Real>(d.h0), c0 = to<Real>(d.c0);
  outputs<Real> r;
  r.out.resize(seq), r.h_n.resize(state), r.c_n.resize(lstm ? state : 0);
  L.forward(x, h0, c0, r.out, r.h_n, r.c_n);
  const auto g_out = to<Real>(d.grad_output), g_h = to<Real>(d.grad_h_n),
             g_c = to<Real>(d.grad_c_n);
  r.dw_ih.resize(w_ih.size()), r.dw_hh.resize(w_hh.size());
  r.db_ih.resize(b_ih.size()), r.db_hh.resize(b_hh.size());
  r.dx.resize(x.size()), r.dh0.resize(state), r.dc0.resize(lstm ? state : 0);
  r.dh.resize(seq), r.dc.resize(lstm ? seq : 0);
  for (int i = 0; i < backwards; ++i)
    L.backward(g_out, g_h, g_c,
               gradients_view<Real>{r.dw_ih, r.dw_hh, r.db_ih, r.db_hh, r.dx, r.dh0, r.dc0, r.dh,
                                    r.dc});
  r.activation_bytes = L.activation_bytes();
  r.recomputed = L.recomputed_chunks();
  return r;
}

template <class Real>
void expect_identical(const outputs<Real>& a, const outputs<Real>& b) {
  // operator== on the vectors: every value equal (no NaN here); bit identity but for ±0.
  auto same_bits = [](const std::vector<Real>& u, const std::vector<Real>& v) {
    return u.size() == v.size() &&
           std::equal(u.begin(), u.end(), v.begin(), [](Real s, Real t) {
             return std::signbit(s) == std::signbit(t) && s == t;
           });
  };
  EXPECT_TRUE(same_bits(a.out, b.out)) << "output";
  EXPECT_TRUE(same_bits(a.h_n, b.h_n)) << "h_n";
  EXPECT_TRUE(same_bits(a.c_n, b.c_n)) << "c_n";
  EXPECT_TRUE(same_bits(a.dw_ih, b.dw_ih)) << "dW_ih";
  EXPECT_TRUE(same_bits(a.dw_hh, b.dw_hh)) << "dW_hh";
  EXPECT_TRUE(same_bits(a.db_ih, b.db_ih)) << "db_ih";
  EXPECT_TRUE(same_bits(a.db_hh, b.db_hh)) << "db_hh";
  EXPECT_TRUE(same_bits(a.dx, b.dx)) << "dx";
  EXPECT_TRUE(same_bits(a.dh0, b.dh0)) << "dh0";
  EXPECT_TRUE(same_bits(a.dc0, b.dc0)) << "dc0";
  EXPECT_TRUE(same_bits(a.dh, b.dh)) << "grads.h";
  EXPECT_TRUE(same_bits(a.dc, b.dc)) << "grads.c";
}

// The layer's documented sizes: one chunk's activations and one stored state, in bytes.
struct budget_parts {
  std::size_t chunk, slot;
};
template <class Real>
budget_parts parts(const problem& p, std::int64_t chunk) {
  const std::size_t rows = chunk * p.B, state = p.B * p.H, GH = p.G() * p.H;
  const bool lstm = has_cell_state(p.cell), gru = p.cell == cell::gru;
  const std::size_t states = rows * p.H + state;
  return {(rows * GH + states * (lstm ? 2 : 1) + (gru ? rows * p.H : 0)) * sizeof(Real),
          state * (lstm ? 2 : 1) * sizeof(Real)};
}

// What the layer documents it chooses: the last k chunks kept (k·chunk − (k−1)·slot bytes, the
// state rows shared) and the rest of the budget in slots, the k with the fewest chunks recomputed
// by Gruslys's program over the other chunks and the kept ones as one unit.
std::int64_t fewest_recomputed(std::int64_t units, budget_parts b, std::size_t budget) {
  std::int64_t best = -1;
  for (std::int64_t k = 1; k <= units; ++k) {
    const std::size_t kept = std::size_t(k) * (b.chunk - b.slot) + b.slot;
    if (kept + b.slot > budget) break;
    const std::int64_t n = units - k + 1;
    const std::int64_t m = std::min<std::int64_t>(std::int64_t((budget - kept) / b.slot),
                                                  std::max<std::int64_t>(n - 1, 1));
    const std::int64_t cost = checkpoint::schedule(n, m).recomputed();
    if (best < 0 || cost < best) best = cost;
  }
  return best;
}

template <class Real>
void check_cell(cell c) {
  for (std::int64_t B : {1, 3})
    for (std::int64_t chunk : {1, 4, 7, 0})
      for (int threads : {1, 2}) {
        // T = 23: the first chunk is shorter than the others for chunk 4 and 7.
        const case_data d = make_case(c, 23, B, 5, 6, 100 + B + chunk);
        problem p = d.p;
        p.precision = sizeof(Real) == 4 ? precision::f32 : precision::f64;
        layer_options o{rnn::isa{default_isa()}, threads, chunk, 0};
        const outputs<Real> full = run<Real>(d, o);
        const std::int64_t steps = chunk == 0 ? 23 : chunk;  // automatic: one chunk at this size
        const std::int64_t units = (23 + steps - 1) / steps;
        const budget_parts b = parts<Real>(p, steps);
        const std::size_t minimum = b.chunk + b.slot;
        const std::int64_t root = std::int64_t(std::ceil(std::sqrt(double(units))));
        // Budgets of one chunk and `slots` states, then of 3 chunks (the layer may keep the last
        // ones) and of half the chunks, each with 2 states.
        std::vector<std::size_t> budgets;
        for (std::int64_t slots : {std::int64_t(1), std::int64_t(2), root, units - 1, units + 3})
          budgets.push_back(b.chunk + std::size_t(std::max<std::int64_t>(slots, 1)) * b.slot);
        budgets.push_back(3 * b.chunk + 2 * b.slot);
        budgets.push_back(std::size_t(std::max<std::int64_t>(units / 2, 1)) * b.chunk + 2 * b.slot);
        for (std::size_t budget : budgets) {
          SCOPED_TRACE(std::string(cell_name(c)) + " B=" + std::to_string(B) + " chunk=" +
                       std::to_string(chunk) + " threads=" + std::to_string(threads) +
                       " budget=" + std::to_string(budget));
          o.memory_budget_bytes = budget;
          const outputs<Real> ck = run<Real>(d, o);
          expect_identical(ck, full);
          EXPECT_LE(ck.activation_bytes, o.memory_budget_bytes);
          // At full storage's size or above (Elman's full storage keeps no gates), full storage.
          EXPECT_EQ(ck.recomputed,
                    budget >= full.activation_bytes ? 0 : fewest_recomputed(units, b, budget));
        }
        EXPECT_EQ(budgets.front(), minimum);
        // A second backward after one forward runs the whole schedule again.
        o.memory_budget_bytes = minimum + b.slot;
        expect_identical(run<Real>(d, o, 2), full);
        // A budget at full storage's size: full storage itself.
        o.memory_budget_bytes = full.activation_bytes;
        const outputs<Real> large = run<Real>(d, o);
        expect_identical(large, full);
        EXPECT_EQ(large.recomputed, 0);
        EXPECT_EQ(large.activation_bytes, full.activation_bytes);
      }
}

TEST(LayerCheckpointed, BitIdenticalFloat) {
  for (cell c : all_cells) check_cell<float>(c);
}
TEST(LayerCheckpointed, BitIdenticalDouble) {
  for (cell c : all_cells) check_cell<double>(c);
}

// Larger sizes, so the kernels take their vector paths and the GEMMs their tiles and edges.
TEST(LayerCheckpointed, BitIdenticalWide) {
  for (cell c : {cell::lstm, cell::gru, cell::elman_tanh})
    for (std::int64_t B : {1, 16}) {
      SCOPED_TRACE(std::string(cell_name(c)) + " B=" + std::to_string(B));
      const case_data d = make_case(c, 37, B, 40, 36, 7 + B);
      layer_options o{rnn::isa{default_isa()}, 2, 5, 0};
      const outputs<float> full = run<float>(d, o);
      problem p = d.p;
      p.precision = precision::f32;
      const budget_parts b = parts<float>(p, 5);
      for (std::size_t slots : {1, 3})
        for (int threads : {1, 2}) {
          o.threads = threads;
          o.memory_budget_bytes = b.chunk + slots * b.slot;
          expect_identical(run<float>(d, o), full);
        }
    }
}

TEST(LayerCheckpointed, Refusals) {
  const case_data d = make_case(cell::lstm, 10, 2, 3, 4, 5);
  const auto w_ih = to<float>(d.weight_ih), w_hh = to<float>(d.weight_hh);
  const auto b_ih = to<float>(d.bias_ih), b_hh = to<float>(d.bias_hh);
  problem p = d.p;
  p.precision = precision::f32;
  const budget_parts b = parts<float>(p, 3);
  const std::size_t minimum = b.chunk + b.slot;
  layer_options o{rnn::isa{default_isa()}, 1, 3, 0};
  o.memory_budget_bytes = minimum - 1;
  try {
    layer<float> L(p, parameters_view<float>{w_ih, w_hh, b_ih, b_hh}, o);
    FAIL() << "a budget below the minimum was accepted";
  } catch (const error& e) {
    EXPECT_NE(std::string(e.what()).find("minimum"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(std::to_string(minimum) + " bytes"), std::string::npos)
        << e.what();
  }
  o.memory_budget_bytes = minimum;
  layer<float> L(p, parameters_view<float>{w_ih, w_hh, b_ih, b_hh}, o);
  EXPECT_EQ(L.activation_bytes(), minimum);
  const auto x = to<float>(d.x), h0 = to<float>(d.h0), c0 = to<float>(d.c0);
  std::vector<float> out(10 * 8), h_n(8), c_n(8);
  const std::vector<std::int64_t> lengths{10, 7};
  EXPECT_THROW(L.forward(x, h0, c0, out, h_n, c_n, lengths), error);
  const std::vector<std::int64_t> full_lengths{10, 10};
  L.forward(x, h0, c0, out, h_n, c_n, full_lengths);  // every length T: no packing, accepted
  const auto g_out = to<float>(d.grad_output);
  std::vector<float> dw_ih(w_ih.size()), dw_hh(w_hh.size()), db_ih(16), db_hh(16);
  EXPECT_THROW(L.backward(g_out, {}, {},
                          gradients_view<float>{dw_ih, dw_hh, db_ih, db_hh, {}, {}, {}, {}, {}}, 4),
               error);
  L.backward(g_out, {}, {}, gradients_view<float>{dw_ih, dw_hh, db_ih, db_hh, {}, {}, {}, {}, {}});
}

// checkpoint_sizes_of tells, without a layer, what a layer spends a budget on: the documented
// sizes, for an explicit chunk and for the automatic one (checked against the layer's own), and
// full storage's bytes (against a layer without a budget).
TEST(LayerCheckpointed, SizesWithoutALayer) {
  for (cell c : {cell::elman_tanh, cell::lstm, cell::gru}) {
    // T = 200: the automatic chunk (86 steps here) is shorter than T.
    const case_data d = make_case(c, 200, 3, 5, 6, 7);
    problem p = d.p;
    p.precision = precision::f64;
    const auto w_ih = to<double>(d.weight_ih), w_hh = to<double>(d.weight_hh);
    const auto b_ih = to<double>(d.bias_ih), b_hh = to<double>(d.bias_hh);
    const parameters_view<double> params{w_ih, w_hh, b_ih, b_hh};
    for (std::int64_t chunk : {4, 0}) {
      SCOPED_TRACE(format_problem(p) + " chunk " + std::to_string(chunk));
      layer_options o{rnn::isa{default_isa()}, 1, chunk, 0};
      const layer<double> full(p, params, o);
      const checkpoint_sizes s = checkpoint_sizes_of(p, o);
      EXPECT_EQ(s.chunk_steps, full.chunk_steps());
      EXPECT_EQ(s.chunks, (200 + s.chunk_steps - 1) / s.chunk_steps);
      EXPECT_EQ(s.full_storage_bytes, full.activation_bytes());
      const budget_parts b = parts<double>(p, s.chunk_steps);
      EXPECT_EQ(s.chunk_bytes, b.chunk);
      EXPECT_EQ(s.state_bytes, b.slot);
      for (std::int64_t slots : {1, 2, 5})
        EXPECT_EQ(s.budget_for(slots), b.chunk + std::size_t(slots) * b.slot) << slots;
      EXPECT_EQ(s.budget_for(2, 3), 3 * b.chunk - 2 * b.slot + 2 * b.slot);
      const checkpoint::sqrt_rule rule = checkpoint::sqrt_rule_for(s.chunks);
      EXPECT_EQ(s.sqrt_rule_bytes(), std::size_t(rule.states) * b.slot + std::size_t(rule.segment) * b.chunk);
      // The smallest is accepted and activation_bytes() is it; one byte less is not.
      o.memory_budget_bytes = s.budget_for(1);
      EXPECT_EQ(layer<double>(p, params, o).activation_bytes(), o.memory_budget_bytes);
      o.memory_budget_bytes -= 1;
      EXPECT_THROW(layer<double>(p, params, o), error);
    }
  }
  problem p = make_case(cell::gru, 5, 1, 2, 3, 1).p;
  EXPECT_THROW((void)checkpoint_sizes_of(p).budget_for(0), error);
  EXPECT_THROW((void)checkpoint_sizes_of(p).budget_for(1, 0), error);
  p.T = 0;
  EXPECT_THROW((void)checkpoint_sizes_of(p), error);
}

}  // namespace
}  // namespace rnn::test
