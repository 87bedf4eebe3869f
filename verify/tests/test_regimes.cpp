// The regime sets: named uniquely, reproducible, covering every family at batch 1 and > 1 and
// T from 1 to 1000, and each really in the regime it claims (measured on the reference).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "reference/reference.hpp"
#include "rnnsuite/verify/regimes.hpp"

namespace {

namespace v = rnnsuite::verify;
namespace ref = rnnsuite::reference;

TEST(Regimes, NamesUniqueAndEveryFamilyAtBatchOneAndMore) {
  for (v::profile which : {v::profile::quick, v::profile::full}) {
    const auto all = v::regimes(which, rnn::precision::f32);
    std::set<std::string> names;
    std::map<std::string, std::set<std::int64_t>> batches, lengths;
    for (const auto& r : all) {
      EXPECT_TRUE(names.insert(r.name()).second) << r.name();
      EXPECT_EQ(r.problem.precision, rnn::precision::f32);
      batches[r.family].insert(r.problem.B);
      lengths[r.family].insert(r.problem.T);
    }
    for (const std::string& family : v::regime_families()) {
      ASSERT_TRUE(batches.count(family)) << family;
      EXPECT_TRUE(batches[family].count(1)) << family;
      EXPECT_GT(*batches[family].rbegin(), 1) << family;
      if (which == v::profile::full) {
        EXPECT_EQ(*lengths[family].begin(), 1) << family;
        const bool exploding = family.find("exploding") != std::string::npos;
        EXPECT_EQ(*lengths[family].rbegin(), exploding ? 50 : 1000) << family;
      }
    }
  }
  EXPECT_EQ(v::regime_families().size(), 14u);
  EXPECT_THROW(v::parse_profile("slow"), rnn::error);
}

TEST(Regimes, Reproducible) {
  const v::regime r = v::regimes(v::profile::quick, rnn::precision::f32)[20];
  const auto a = v::regime_parameters<float>(r), b = v::regime_parameters<float>(r);
  EXPECT_EQ(a.weight_hh, b.weight_hh);
  EXPECT_EQ(a.bias_ih, b.bias_ih);
  EXPECT_EQ(v::regime_inputs<float>(r).x, v::regime_inputs<float>(r).x);
}

// Mean of gate block k's values over the whole trajectory (the reference in double).
double mean_gate(const v::regime& r, int k, std::vector<double>* adjoint_norms = nullptr) {
  rnn::problem p = r.problem;
  p.precision = rnn::precision::f64;
  const auto params = v::regime_parameters<double>(r);
  const auto in = v::regime_inputs<double>(r);
  const auto w = ref::to_weights<double, double>(params);
  const auto run = ref::forward(p, w, ref::convert<double, double>(in.x),
                                ref::convert<double, double>(in.h0),
                                ref::convert<double, double>(in.c0));
  const std::size_t H = p.H, G = p.G();
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t row = 0; row < run.gates.size() / (G * H); ++row)
    for (std::size_t j = 0; j < H; ++j) sum += run.gates[(row * G + k) * H + j], ++n;
  if (adjoint_norms) {
    const auto loss = ref::mse_loss(p, r.loss, run.output, ref::convert<double, double>(in.target));
    const auto g = ref::backward(p, w, run, loss.second, {}, {});
    const std::size_t S = p.B * H;
    for (std::size_t t = 0; t < static_cast<std::size_t>(p.T); ++t) {
      double s = 0;
      for (std::size_t k2 = 0; k2 < S; ++k2) s += g.h[t * S + k2] * g.h[t * S + k2];
      adjoint_norms->push_back(std::sqrt(s));
    }
  }
  return sum / static_cast<double>(n);
}

const v::regime& find(const std::vector<v::regime>& all, const std::string& family) {
  for (const auto& r : all)
    if (r.family == family) return r;
  throw std::runtime_error(family);
}

TEST(Regimes, GatesWhereTheNameSays) {
  const auto all = v::regimes(v::profile::quick, rnn::precision::f64);
  EXPECT_GT(mean_gate(find(all, "lstm_forget_1"), 1), 0.95);
  EXPECT_LT(mean_gate(find(all, "lstm_forget_0"), 1), 0.05);
  EXPECT_NEAR(mean_gate(find(all, "lstm_forget_half"), 1), 0.5, 0.15);
  EXPECT_GT(mean_gate(find(all, "gru_update_1"), 1), 0.95);
  EXPECT_LT(mean_gate(find(all, "gru_update_0"), 1), 0.05);
}

// Pascanu's bound: vanishing regimes shrink |dL/dh_t| by at least 0.5 per step backwards (loss
// on the last step); the exploding ReLU regime grows it.
TEST(Regimes, ElmanGradientFlowAsNamed) {
  const auto all = v::regimes(v::profile::quick, rnn::precision::f64);
  for (const char* family : {"elman_tanh_vanishing", "elman_sigmoid_vanishing", "elman_relu_vanishing"}) {
    std::vector<double> norms;
    mean_gate(find(all, family), 0, &norms);
    for (std::size_t t = 0; t + 1 < norms.size(); ++t)
      EXPECT_LE(norms[t], 0.5 * norms[t + 1] * (1 + 1e-12)) << family << " t=" << t;
  }
  std::vector<double> norms;
  mean_gate(find(all, "elman_relu_exploding"), 0, &norms);
  EXPECT_GT(norms.front(), 1e3 * norms.back());
}

}  // namespace
