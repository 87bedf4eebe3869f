// Grading sequences of different lengths (rnn/lengths.hpp): quick holds them for every cell and
// precision, lengths 1 and T unsorted in batches of 3 or more, a bidirectional and a stacked
// network among them; lib passes legs a, b and c there; an implementation without
// capabilities::lengths declines them (never runs them padded); and a value at a padded step, a
// batch run padded to T, or a padded output is a FAIL however small.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "rnn/lengths.hpp"
#include "rnnsuite/impl/lib_implementation.hpp"
#include "rnnsuite/verify/legs.hpp"

namespace {

namespace v = rnnsuite::verify;
namespace impl = rnnsuite::impl;

std::vector<v::regime> packed(v::profile which, rnn::precision p) {
  std::vector<v::regime> out;
  for (const v::regime& r : v::regimes(which, p))
    if (rnn::has_lengths(r.problem)) out.push_back(r);
  return out;
}

v::regime packed_of(rnn::cell cell, rnn::precision p, bool network) {
  for (const v::regime& r : packed(v::profile::quick, p))
    if (r.problem.cell == cell && rnn::is_network(r.problem) == network) return r;
  throw std::runtime_error("no packed regime");
}

TEST(PackedRegimes, QuickHasExtremeLengthsForEveryCellAndPrecision) {
  for (rnn::precision p : {rnn::precision::f32, rnn::precision::f64}) {
    std::map<rnn::cell, std::set<std::string>> seen;
    for (const v::regime& r : packed(v::profile::quick, p)) {
      EXPECT_EQ(r.problem.lengths, rnn::lengths_rule::extremes) << r.name();
      EXPECT_EQ(r.problem.precision, p);
      EXPECT_GE(r.problem.B, 3) << r.name();
      const std::vector<std::int64_t> lengths = rnn::make_lengths(r.problem);
      EXPECT_EQ(*std::min_element(lengths.begin(), lengths.end()), 1) << r.name();
      EXPECT_EQ(*std::max_element(lengths.begin(), lengths.end()), r.problem.T) << r.name();
      EXPECT_FALSE(std::is_sorted(lengths.begin(), lengths.end())) << r.name();
      EXPECT_FALSE(std::is_sorted(lengths.rbegin(), lengths.rend())) << r.name();
      auto& s = seen[r.problem.cell];
      s.insert(rnn::is_network(r.problem) ? "network" : "layer");
      s.insert(r.run.loss == rnn::loss_kind::all ? "loss all" : "loss last");
      if (r.problem.directions == 2) s.insert("bidirectional");
      if (r.problem.layers >= 2) s.insert("stacked");
    }
    for (rnn::cell c : rnn::all_cells)
      EXPECT_EQ(seen[c], (std::set<std::string>{"layer", "network", "bidirectional", "stacked",
                                                "loss all", "loss last"}))
          << rnn::cell_name(c);
  }
  // Full: uniform lengths for every cell, and each shape under both losses.
  std::set<rnn::cell> uniform;
  std::set<std::pair<bool, rnn::loss_kind>> shape_losses;
  for (const v::regime& r : packed(v::profile::full, rnn::precision::f32)) {
    if (r.problem.lengths == rnn::lengths_rule::uniform) uniform.insert(r.problem.cell);
    shape_losses.insert({rnn::is_network(r.problem), r.run.loss});
  }
  EXPECT_EQ(uniform.size(), 5u);
  EXPECT_EQ(shape_losses.size(), 4u);
}

// `rnnsuite verify --problem` with lengths keeps the family's loss, the last step's: each
// sequence's own (rnn/loss.hpp).
TEST(PackedRegimes, RegimeForAProblemWithLengthsKeepsTheLossOnTheLastStep) {
  const v::regime r = v::regime_for("gru_update_1", rnn::parse_problem("gru_t6_b3_i2_h3_lenx_f64"), 1);
  EXPECT_EQ(r.run.loss, rnn::loss_kind::last);
  EXPECT_NE(r.name().find("_lenx_"), std::string::npos);
  EXPECT_EQ(v::check_finite_differences(r).outcome, v::verdict::pass);
  EXPECT_EQ(v::fast_path_check(r).run(rnn::default_isa()).outcome, v::verdict::pass);
}

TEST(PackedLegs, LibPassesEveryLegAndThePaddedStepsAreChecked) {
  for (bool network : {false, true}) {
    const v::regime r = packed_of(rnn::cell::lstm, rnn::precision::f32, network);
    SCOPED_TRACE(r.name());
    const v::leg_result a = v::fast_path_check(r).run(rnn::default_isa());
    EXPECT_EQ(a.outcome, v::verdict::pass) << a.worst_block << " " << a.note;
    std::set<std::string> padded;
    for (const v::block_check& c : a.checks)
      if (c.block.find("_padded") != std::string::npos) padded.insert(c.block);
    EXPECT_TRUE(padded.count("dx_padded"));
    EXPECT_TRUE(padded.count(network ? "dh_l1_reverse_padded" : "dh_padded"));
    EXPECT_TRUE(padded.count(network ? "dc_l0_padded" : "dc_padded"));
    EXPECT_EQ(v::check_finite_differences(r).outcome, v::verdict::pass);
    EXPECT_EQ(v::check_digits(r).outcome, v::verdict::pass);
  }
}

// lib, altered: without the lengths capability, leaking into a padded step, or running the batch
// padded to T (lengths dropped).
class altered_lib : public impl::implementation {
 public:
  bool lengths_capability = true, drop_lengths = false;
  double leak_dx = 0, leak_dh = 0;  // added at the first padded step of the first short sequence

  altered_lib() : lib_(impl::make_lib_implementation()), caps_(lib_->caps()) {}
  std::string name() const override { return "altered"; }
  const impl::capabilities& caps() const override {
    caps_.lengths = lengths_capability;
    return caps_;
  }
  std::optional<std::string> unsupported(const rnn::problem& p,
                                         const impl::run_options& o) const override {
    return lib_->unsupported(p, o);
  }
  std::unique_ptr<impl::instance<float>> prepare(const rnn::problem& p,
                                                 rnn::parameters_view<float> w,
                                                 const impl::run_options& o) const override {
    return std::make_unique<altered<float>>(*this, p, lib_->prepare(p, w, o));
  }
  std::unique_ptr<impl::instance<double>> prepare(const rnn::problem& p,
                                                  rnn::parameters_view<double> w,
                                                  const impl::run_options& o) const override {
    return std::make_unique<altered<double>>(*this, p, lib_->prepare(p, w, o));
  }

 private:
  template <class Real>
  struct altered : impl::instance<Real> {
    altered(const altered_lib& owner, const rnn::problem& p,
            std::unique_ptr<impl::instance<Real>> inner)
        : owner(owner), p(p), inner(std::move(inner)) {}
    void forward(impl::sequence_inputs<Real> in, impl::sequence_outputs<Real> out) override {
      if (owner.drop_lengths) in.lengths = {};
      inner->forward(in, out);
    }
    void backward(impl::upstream_gradients<Real> up, rnn::gradients_view<Real> grads,
                  std::int64_t steps) override {
      inner->backward(up, grads, steps);
      // Sequence 0 of a `_lenx` batch is 1 step long: step 1 is padded.
      const std::size_t B = std::size_t(p.B);
      if (!grads.x.empty()) grads.x[B * std::size_t(p.I)] += Real(owner.leak_dx);
      if (!grads.h.empty()) grads.h[B * std::size_t(p.H)] += Real(owner.leak_dh);
    }
    const altered_lib& owner;
    rnn::problem p;
    std::unique_ptr<impl::instance<Real>> inner;
  };
  std::unique_ptr<impl::implementation> lib_;
  mutable impl::capabilities caps_;
};

TEST(PackedLegs, WithoutTheLengthsCapabilityItDeclines) {
  altered_lib no_lengths;
  no_lengths.lengths_capability = false;
  for (bool network : {false, true}) {
    const v::regime r = packed_of(rnn::cell::gru, rnn::precision::f64, network);
    const auto why = v::declined_by(no_lengths, r);
    ASSERT_TRUE(why.has_value()) << r.name();
    EXPECT_NE(why->find("lengths"), std::string::npos) << *why;
    const v::leg_result res = v::fast_path_check(r).run(no_lengths, {});
    EXPECT_EQ(res.outcome, v::verdict::unsupported) << r.name();
    EXPECT_TRUE(res.checks.empty());
  }
}

TEST(PackedLegs, AnythingAtAPaddedStepFailsHoweverSmall) {
  const v::regime r = packed_of(rnn::cell::elman_tanh, rnn::precision::f64, false);
  ASSERT_EQ(rnn::make_lengths(r.problem)[0], 1);
  const v::fast_path_check check(r);
  altered_lib leaky_dx;
  leaky_dx.leak_dx = 1e-300;
  const v::leg_result dx = check.run(leaky_dx, {});
  EXPECT_EQ(dx.outcome, v::verdict::fail);
  EXPECT_EQ(dx.worst_block, "dx_padded");
  altered_lib leaky_dh;
  leaky_dh.leak_dh = 1e-300;
  const v::leg_result dh = check.run(leaky_dh, {});
  EXPECT_EQ(dh.outcome, v::verdict::fail);
  EXPECT_EQ(dh.worst_block, "dh_padded");
  altered_lib padding;
  padding.drop_lengths = true;
  EXPECT_EQ(check.run(padding, {}).outcome, v::verdict::fail);
  altered_lib same;
  EXPECT_EQ(check.run(same, {}).outcome, v::verdict::pass);
}

TEST(PackedLegs, AForwardWithAPaddedOutputFails) {
  const rnn::problem p = rnn::parse_problem("elman_tanh_t3_b3_i2_h2_f64");
  v::given_data data;
  data.problem = p;
  data.params = rnn::make_parameters<double>(p, {rnn::init_scheme::pytorch, 5, 1});
  const rnn::inputs<double> in = rnn::make_inputs<double>(p, 6);
  data.x.assign(in.x.begin(), in.x.end());
  data.h0.assign(in.h0.begin(), in.h0.end());
  data.grad_output.assign(std::size_t(3 * 3 * 2), 0.25);
  data.lengths = {2, 3, 1};
  const v::fast_path_check check(data, "given");
  // lib's own forward is the answer, then one padded element (t = 2, b = 0) made nonzero.
  const auto layer_params = rnn::make_parameters<double>(p, {rnn::init_scheme::pytorch, 5, 1});
  rnn::layer<double> layer(p, {layer_params.weight_ih, layer_params.weight_hh,
                              layer_params.bias_ih, layer_params.bias_hh});
  v::forward_values f;
  rnn::aligned_vector<double> output(3 * 3 * 2), h_n(3 * 2);
  layer.forward(in.x, in.h0, {}, output, h_n, {}, data.lengths);
  f.output.assign(output.begin(), output.end());
  f.h_n.assign(h_n.begin(), h_n.end());
  EXPECT_EQ(check.grade_forward(f, "lib").outcome, v::verdict::pass);
  f.output[(2 * 3 + 0) * 2] = 1e-300;
  const v::leg_result bad = check.grade_forward(f, "lib");
  EXPECT_EQ(bad.outcome, v::verdict::fail);
  EXPECT_EQ(bad.worst_block, "output_padded");
}

}  // namespace
