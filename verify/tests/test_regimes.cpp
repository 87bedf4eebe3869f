// The regime sets: named uniquely, reproducible, covering every family at batch 1 and > 1 and
// T from 1 to 1000, and each really in the regime it claims (measured on the reference).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <tuple>
#include <map>
#include <set>

#include "reference/reference.hpp"
#include "rnnsuite/verify/problem_design.hpp"
#include "rnnsuite/verify/regimes.hpp"

namespace {

namespace v = rnnsuite::verify;
namespace ref = rnnsuite::reference;

TEST(Regimes, NamesUniqueAndEveryFamilyShownAtBatchOneAndMoreWithBiases) {
  for (v::profile which : {v::profile::quick, v::profile::full}) {
    const auto all = v::regimes(which, rnn::precision::f32);
    std::set<std::string> names;
    std::map<std::string, std::set<std::int64_t>> batches, lengths;
    std::set<std::string> with_biases;
    for (const auto& r : all) {
      EXPECT_TRUE(names.insert(r.name()).second) << r.name();
      EXPECT_EQ(r.problem.precision, rnn::precision::f32);
      if (r.problem.T > 1) batches[r.family].insert(r.problem.B);
      if (r.problem.T > 1 && r.run.realistic_biases) with_biases.insert(r.family);
      lengths[r.family].insert(r.problem.T);
    }
    for (const std::string& family : v::regime_families()) {
      ASSERT_TRUE(batches.count(family)) << family;
      EXPECT_TRUE(batches[family].count(1)) << family;
      EXPECT_GT(*batches[family].rbegin(), 1) << family;
      EXPECT_TRUE(with_biases.count(family)) << family;
      const bool exploding = family.find("exploding") != std::string::npos;
      if (which == v::profile::full && exploding) {
        EXPECT_LE(*lengths[family].rbegin(), 50) << family;
      }
    }
  }
  EXPECT_EQ(v::regime_families().size(), 18u);
  EXPECT_THROW(v::parse_profile("slow"), rnn::error);
}

// Every pair of levels of two axes that any feasible row holds is held by a row of the design,
// and every row of the design is feasible: the covering-array claim of problem_design.hpp.
TEST(Regimes, DesignCoversEveryFeasiblePairOfLevels) {
  for (v::profile which : {v::profile::quick, v::profile::full}) {
    const auto design = v::problem_design(which);
    using key = std::tuple<int, int, int, int>;
    std::set<key> covered;
    for (const auto& e : design) {
      EXPECT_TRUE(v::feasible(which, e.family, e.row));
      for (int a = 0; a < v::axis_count; ++a)
        for (int b = a + 1; b < v::axis_count; ++b)
          covered.insert({a, b, e.row.levels[a], e.row.levels[b]});
    }
    std::size_t wanted = 0;
    for (std::size_t f = 0; f < v::regime_families().size(); ++f) {
      // Every row of two axes' levels, the others at every level: enumerate all rows.
      v::design_row r;
      std::function<void(int)> walk = [&](int axis) {
        if (axis == v::axis_count) {
          if (!v::feasible(which, f, r)) return;
          for (int a = 0; a < v::axis_count; ++a)
            for (int b = a + 1; b < v::axis_count; ++b) {
              ++wanted;
              EXPECT_TRUE(covered.count({a, b, r.levels[a], r.levels[b]}))
                  << v::axis_name(a) << "=" << r.levels[a] << " with " << v::axis_name(b) << "="
                  << r.levels[b];
            }
          return;
        }
        for (int level = 0; level < v::axis_levels()[axis]; ++level) {
          r.levels[axis] = level;
          walk(axis + 1);
        }
      };
      walk(0);
    }
    EXPECT_GT(wanted, 0u);
    for (const v::combination& c : v::required_combinations()) {
      bool held = false;
      for (const auto& e : design) held = held || v::matches(c, e.row);
      EXPECT_TRUE(held) << "combination " << c.size() << " levels, first "
                        << v::axis_name(c.front().first);
    }
    EXPECT_LT(design.size(), 4 * v::regime_families().size());  // pairwise, not a product
  }
}

// Sizes no vector width divides, with tails longer than half a vector, for every float and
// double width the kernels use (16, 8, 4 floats; 8, 4 doubles), in some problem of each profile.
TEST(Regimes, VectorTailsLongerThanHalfAVector) {
  for (v::profile which : {v::profile::quick, v::profile::full})
    for (std::int64_t lanes : {16, 8, 4}) {
      bool hidden = false, input = false;
      for (const auto& r : v::regimes(which, rnn::precision::f32)) {
        hidden = hidden || r.problem.H % lanes > lanes / 2;
        input = input || r.problem.I % lanes > lanes / 2;
      }
      EXPECT_TRUE(hidden) << lanes << " lanes";
      EXPECT_TRUE(input || lanes == 16) << lanes << " lanes";  // I = 7 fills 7 of 16
    }
}

// Every axis of the execution reaches every cell somewhere in quick.
TEST(Regimes, QuickRunsEveryPathForEveryCell) {
  std::map<rnn::cell, std::set<std::string>> seen;
  for (const auto& r : v::regimes(v::profile::quick, rnn::precision::f64, 3)) {
    auto& s = seen[r.problem.cell];
    if (r.problem.T == 1) s.insert("T=1");
    if (r.problem.T > 256) s.insert("T>256");
    if (r.run.threads == 3) s.insert("threads");
    if (r.run.truncation > 0) s.insert("truncated");
    if (r.run.streaming.k1 > 0) s.insert("streaming");
    if (r.run.loss == rnn::loss_kind::all) s.insert("loss_all");
    if (r.run.final_state_loss) s.insert("final");
    if (r.run.chunk_steps > 0) s.insert("chunk");
    if (r.run.l2_bytes > 0) s.insert("l2");
    if (r.problem.B == 17) s.insert("B=17");
    if (r.problem.H == 63) s.insert("H=63");
    if (r.problem.H == 223) s.insert("H=223");
    if (r.run.parameter_gradients_only) s.insert("params_only");
    if (r.run.realistic_biases) s.insert("biases");
    if (r.problem.B == 17 && r.run.threads == 3) s.insert("B=17 split among threads");
  }
  for (rnn::cell c : rnn::all_cells) EXPECT_EQ(seen[c].size(), 15u) << rnn::cell_name(c);
}

TEST(Regimes, Reproducible) {
  const v::regime r = v::regimes(v::profile::quick, rnn::precision::f32)[20];
  const auto a = v::regime_parameters<float>(r), b = v::regime_parameters<float>(r);
  EXPECT_EQ(a.weight_hh, b.weight_hh);
  EXPECT_EQ(a.bias_ih, b.bias_ih);
  EXPECT_EQ(v::regime_inputs<float>(r).x, v::regime_inputs<float>(r).x);
}

// A regime's trajectory in double, and the adjoint norms |dL/dh_t| of the MSE on the last step
// (the loss Pascanu's per-step bound speaks of, whatever loss the regime runs).
struct measured {
  ref::trajectory<double> run;
  std::vector<double> adjoint_norms;
};

measured measure(const v::regime& r) {
  rnn::problem p = r.problem;
  p.precision = rnn::precision::f64;
  const auto params = v::regime_parameters<double>(r);
  const auto in = v::regime_inputs<double>(r);
  const auto w = ref::to_weights<double, double>(params);
  measured m;
  m.run = ref::forward(p, w, ref::convert<double, double>(in.x), ref::convert<double, double>(in.h0),
                       ref::convert<double, double>(in.c0));
  const auto loss = ref::mse_loss(p, rnn::loss_kind::last, m.run.output,
                                  ref::convert<double, double>(in.target));
  const auto g = ref::backward(p, w, m.run, loss.second, {}, {});
  const std::size_t S = p.B * p.H;
  for (std::size_t t = 0; t < static_cast<std::size_t>(p.T); ++t) {
    double s = 0;
    for (std::size_t k = 0; k < S; ++k) s += g.h[t * S + k] * g.h[t * S + k];
    m.adjoint_norms.push_back(std::sqrt(s));
  }
  return m;
}

// Mean over the trajectory of gate block k's values.
double mean_gate(const v::regime& r, const measured& m, int k) {
  const std::size_t H = r.problem.H, G = r.problem.G();
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t row = 0; row < m.run.gates.size() / (G * H); ++row)
    for (std::size_t j = 0; j < H; ++j) sum += m.run.gates[(row * G + k) * H + j], ++n;
  return sum / static_cast<double>(n);
}

// Every quick problem of a family with enough steps to show its regime (T >= 24).
std::vector<v::regime> shown(const std::string& family) {
  std::vector<v::regime> out;
  for (const auto& r : v::regimes(v::profile::quick, rnn::precision::f64))
    if (r.family == family && r.problem.T >= 24) out.push_back(r);
  EXPECT_FALSE(out.empty()) << family;
  return out;
}

TEST(Regimes, GatesWhereTheNameSays) {
  for (const auto& r : shown("lstm_forget_1")) EXPECT_GT(mean_gate(r, measure(r), 1), 0.95) << r.name();
  for (const auto& r : shown("lstm_forget_0")) EXPECT_LT(mean_gate(r, measure(r), 1), 0.05) << r.name();
  for (const auto& r : shown("lstm_forget_half"))
    EXPECT_NEAR(mean_gate(r, measure(r), 1), 0.5, 0.15) << r.name();
  for (const auto& r : shown("gru_update_1")) EXPECT_GT(mean_gate(r, measure(r), 1), 0.95) << r.name();
  for (const auto& r : shown("gru_update_0")) EXPECT_LT(mean_gate(r, measure(r), 1), 0.05) << r.name();
}

// Pascanu's bound: vanishing regimes shrink |dL/dh_t| by at least 0.5 per step backwards (loss
// on the last step); the exploding ReLU regime grows it.
TEST(Regimes, ElmanGradientFlowAsNamed) {
  for (const char* family : {"elman_tanh_vanishing", "elman_sigmoid_vanishing", "elman_relu_vanishing"})
    for (const auto& r : shown(family)) {
      const std::vector<double> norms = measure(r).adjoint_norms;
      for (std::size_t t = 0; t + 1 < norms.size(); ++t)
        EXPECT_LE(norms[t], 0.5 * norms[t + 1] * (1 + 1e-12)) << r.name() << " t=" << t;
    }
  for (const auto& r : shown("elman_relu_exploding")) {
    const std::vector<double> norms = measure(r).adjoint_norms;
    EXPECT_GT(norms.front(), 1e3 * norms.back()) << r.name();
  }
}

// The saturated regimes are deep in their nonlinearities' tails: LSTM's |c| reaches the tens and
// passes through 5-12 (where 1 − tanh²(c) keeps few digits); Elman's and GRU's n gate's
// pre-activations average 2 or more in magnitude (tanh' <= 0.07, σ' <= 0.1).
TEST(Regimes, SaturatedRegimesAreSaturated) {
  for (const auto& r : shown("lstm_saturated")) {
    const measured m = measure(r);
    double largest = 0;
    std::size_t middle = 0;
    for (double c : m.run.c) {
      largest = std::max(largest, std::fabs(c));
      middle += std::fabs(c) >= 5 && std::fabs(c) <= 12;
    }
    EXPECT_GE(largest, 15) << r.name();
    EXPECT_GE(middle, m.run.c.size() / 5) << r.name();
  }
  auto mean_abs_preactivation = [](const std::vector<double>& values, auto inverse) {
    double sum = 0;
    for (double v : values) sum += std::fabs(inverse(v));
    return sum / static_cast<double>(values.size());
  };
  for (const auto& r : shown("elman_tanh_saturated"))
    EXPECT_GE(mean_abs_preactivation(measure(r).run.output, [](double h) { return std::atanh(h); }), 2)
        << r.name();
  for (const auto& r : shown("elman_sigmoid_saturated"))
    EXPECT_GE(mean_abs_preactivation(measure(r).run.output,
                                     [](double h) { return std::log(h / (1 - h)); }), 2)
        << r.name();
  for (const auto& r : shown("gru_saturated")) {
    const measured m = measure(r);
    const std::size_t H = r.problem.H;
    std::vector<double> n;
    for (std::size_t row = 0; row < m.run.gates.size() / (3 * H); ++row)
      for (std::size_t j = 0; j < H; ++j) n.push_back(m.run.gates[(row * 3 + 2) * H + j]);
    EXPECT_GE(mean_abs_preactivation(n, [](double v) { return std::atanh(v); }), 2) << r.name();
  }
}

}  // namespace
