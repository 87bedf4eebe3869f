// Leg a grades any implementation under test through the concept, not only lib: what it declines
// is UNSUPPORTED with the reason, a crash is a FAIL naming it, an error stops the run, blocks it
// does not return are not graded, and a wrong gradient FAILs.
#include <gtest/gtest.h>

#include "rnnsuite/impl/lib_implementation.hpp"
#include "rnnsuite/verify/legs.hpp"

namespace {

namespace v = rnnsuite::verify;
namespace impl = rnnsuite::impl;

v::regime first_of(const std::string& family, rnn::precision p, bool truncated = false) {
  for (const v::regime& r : v::regimes(v::profile::quick, p))
    if (r.family == family && r.run.truncated() == truncated && r.problem.T > 1) return r;
  throw std::runtime_error("no regime " + family);
}

// lib, altered the way a test needs: one cell or precision declined, a failure thrown from
// backward, no per-step gradients returned, or one gradient element perturbed.
class altered_lib : public impl::implementation {
 public:
  std::optional<std::string> decline;
  std::optional<impl::failure> fail_in_backward;
  bool per_step = true, truncation = true, streaming = true;
  double perturb_grad_h0 = 0;  // added to grad_h0[0]

  altered_lib() : lib_(impl::make_lib_implementation()), caps_(lib_->caps()) {}
  std::string name() const override { return "altered"; }
  const impl::capabilities& caps() const override {
    caps_.per_step_gradients = per_step;
    caps_.truncation = truncation, caps_.streaming = streaming;
    return caps_;
  }
  std::optional<std::string> unsupported(const rnn::problem&,
                                         const impl::run_options&) const override {
    return decline;
  }
  std::unique_ptr<impl::instance<float>> prepare(const rnn::problem& p,
                                                 rnn::parameters_view<float> w,
                                                 const impl::run_options& o) const override {
    return std::make_unique<altered<float>>(*this, lib_->prepare(p, w, o));
  }
  std::unique_ptr<impl::instance<double>> prepare(const rnn::problem& p,
                                                  rnn::parameters_view<double> w,
                                                  const impl::run_options& o) const override {
    return std::make_unique<altered<double>>(*this, lib_->prepare(p, w, o));
  }

 private:
  template <class Real>
  struct altered : impl::instance<Real> {
    altered(const altered_lib& owner, std::unique_ptr<impl::instance<Real>> inner)
        : owner(owner), inner(std::move(inner)) {}
    void forward(impl::sequence_inputs<Real> in, impl::sequence_outputs<Real> out) override {
      inner->forward(in, out);
    }
    void backward(impl::upstream_gradients<Real> up, rnn::gradients_view<Real> grads,
                  std::int64_t steps) override {
      if (owner.fail_in_backward) throw *owner.fail_in_backward;
      EXPECT_TRUE(owner.per_step || (grads.h.empty() && grads.c.empty()))
          << "per-step gradients asked of an implementation that has none";
      inner->backward(up, grads, steps);
      grads.h0[0] += Real(owner.perturb_grad_h0);
    }
    const altered_lib& owner;
    std::unique_ptr<impl::instance<Real>> inner;
  };
  std::unique_ptr<impl::implementation> lib_;
  mutable impl::capabilities caps_;
};

TEST(LegAImplementations, TheSameVerdictsAsLibThroughTheConcept) {
  const v::regime r = first_of("lstm_forget_1", rnn::precision::f32);
  const v::fast_path_check check(r);
  const altered_lib same;
  const v::leg_result direct = check.run(rnn::default_isa());
  const v::leg_result through = check.run(same, std::nullopt);
  EXPECT_EQ(through.implementation, "altered");
  EXPECT_EQ(through.outcome, direct.outcome);
  EXPECT_EQ(through.worst_ratio, direct.worst_ratio);
  ASSERT_EQ(through.checks.size(), direct.checks.size());
}

TEST(LegAImplementations, DeclinedIsUnsupportedWithTheReason) {
  altered_lib declining;
  declining.decline = "float32 only";
  const v::leg_result res =
      v::fast_path_check(first_of("gru_update_0", rnn::precision::f64)).run(declining, {});
  EXPECT_EQ(res.outcome, v::verdict::unsupported);
  EXPECT_EQ(res.note, "float32 only");
  EXPECT_TRUE(res.checks.empty());
  EXPECT_TRUE(v::acceptable(res.outcome));
}

TEST(LegAImplementations, NoTruncationCapabilityDeclinesTruncatedRegimes) {
  altered_lib no_truncation;
  no_truncation.truncation = no_truncation.streaming = false;
  int declined = 0;
  bool seen_streaming = false, seen_truncation = false;
  for (const v::regime& r : v::regimes(v::profile::quick, rnn::precision::f32)) {
    const bool streams = r.run.streaming.k1 > 0;
    if (!r.run.truncated() || (streams ? seen_streaming : seen_truncation)) continue;
    (streams ? seen_streaming : seen_truncation) = true;
    const v::leg_result res = v::fast_path_check(r).run(no_truncation, {});
    EXPECT_EQ(res.outcome, v::verdict::unsupported) << r.name();
    EXPECT_NE(res.note.find(r.run.streaming.k1 > 0 ? "streaming" : "truncated"),
              std::string::npos)
        << res.note;
    ++declined;
  }
  EXPECT_EQ(declined, 2);
}

TEST(LegAImplementations, CrashIsAFailNamingIt) {
  altered_lib crashing;
  crashing.fail_in_backward = impl::failure(impl::failure::kind::crashed, "killed by SIGSEGV");
  const v::leg_result res =
      v::fast_path_check(first_of("elman_tanh_edge", rnn::precision::f32)).run(crashing, {});
  EXPECT_EQ(res.outcome, v::verdict::fail);
  EXPECT_EQ(res.note, "killed by SIGSEGV");
}

TEST(LegAImplementations, ErrorStopsTheRun) {
  altered_lib erring;
  erring.fail_in_backward = impl::failure(impl::failure::kind::error, "backward returned 4");
  const v::fast_path_check check(first_of("elman_tanh_edge", rnn::precision::f32));
  EXPECT_THROW(check.run(erring, {}), impl::failure);
}

TEST(LegAImplementations, BlocksNotReturnedAreNotGraded) {
  altered_lib no_per_step;
  no_per_step.per_step = false;
  const v::regime r = first_of("lstm_forget_1", rnn::precision::f32);
  const v::leg_result res = v::fast_path_check(r).run(no_per_step, {});
  EXPECT_EQ(res.outcome, v::verdict::pass) << res.worst_block;
  for (const v::block_check& c : res.checks) EXPECT_TRUE(c.block != "dh" && c.block != "dc");
  // dx at every step, dh0, dc0 and the parameter blocks are still graded.
  EXPECT_EQ(res.checks.size(), std::size_t(r.problem.T) + 2 + 4 * r.problem.G());
}

TEST(LegAImplementations, AWrongGradientFails) {
  altered_lib wrong;
  wrong.perturb_grad_h0 = 1e-3;
  const v::leg_result res =
      v::fast_path_check(first_of("gru_update_0", rnn::precision::f64)).run(wrong, {});
  EXPECT_EQ(res.outcome, v::verdict::fail);
  EXPECT_EQ(res.worst_block, "dh0");
}

}  // namespace
