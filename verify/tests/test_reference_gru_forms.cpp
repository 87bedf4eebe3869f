// The GRU convention variants (reference/gru_forms.hpp): the pytorch form is gru.hpp's, bit for
// bit; the two others' backward agrees with 100-digit central differences of their own forward
// in every parameter, input, initial state and per-step dL/dh_t; their deltas and hidden_n mean
// what the header says; the three forms really differ when the biases are nonzero, and coincide
// exactly where the algebra says they must (b_hn = 0; r ≡ 1).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <span>
#include <string>
#include <vector>

#include "reference/gru_forms.hpp"
#include "reference/reference.hpp"

namespace {

namespace ref = rnnsuite::reference;
using ref::gru_form;
using ref::real100;

constexpr gru_form all_forms[] = {gru_form::pytorch, gru_form::reset_before_product,
                                  gru_form::bias_outside_reset};
constexpr gru_form other_forms[] = {gru_form::reset_before_product, gru_form::bias_outside_reset};

// gru_t4_b2_i3_h5_f64.
rnn::problem small() { return rnn::parse_problem("gru_t4_b2_i3_h5_f64"); }

// Random-ish, deterministic, never zero: |v| in [0.05, 0.05 + scale).
std::vector<double> values(std::size_t n, double seed, double scale) {
  std::vector<double> v(n);
  for (std::size_t k = 0; k < n; ++k) {
    const double s = std::sin(1.7 * static_cast<double>(k) + seed) * 43758.5453;
    const double u = s - std::floor(s);  // in [0, 1)
    v[k] = (k % 3 == 1 ? -1.0 : 1.0) * (0.05 + scale * u);
  }
  return v;
}

// One problem's data in double; converted exactly to any Real.
struct data {
  ref::weights<double> w;
  std::vector<double> x, h0, grad_output, grad_h_n;
};

data make_data(const rnn::problem& p) {
  const ref::dims d(p);
  const std::size_t rows = 3 * d.H;
  data s;
  s.w.weight_ih = values(rows * d.I, 0.1, 0.6);
  s.w.weight_hh = values(rows * d.H, 0.2, 0.6);
  s.w.bias_ih = values(rows, 0.3, 0.5);  // nonzero in all three blocks
  s.w.bias_hh = values(rows, 0.4, 0.5);
  s.x = values(d.T * d.B * d.I, 0.5, 1.0);
  s.h0 = values(d.B * d.H, 0.6, 0.8);
  s.grad_output = values(d.T * d.B * d.H, 0.7, 1.0);
  s.grad_h_n = values(d.B * d.H, 0.8, 1.0);
  return s;
}

template <class Real>
std::vector<Real> real(const std::vector<double>& v) {
  return ref::convert<Real, double>(std::span<const double>(v));
}

template <class Real>
ref::weights<Real> real(const ref::weights<double>& w) {
  return {real<Real>(w.weight_ih), real<Real>(w.weight_hh), real<Real>(w.bias_ih),
          real<Real>(w.bias_hh)};
}

template <class Real>
Real dot(const std::vector<Real>& a, const std::vector<Real>& b) {
  Real s = 0;
  for (std::size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
  return s;
}

// L = Σ grad_output ⊙ output + Σ grad_h_n ⊙ h_n, so dL/d(output) = grad_output, dL/dh_n =
// grad_h_n: exactly what backward is given.
template <class Real>
Real loss(const rnn::problem& p, const ref::weights<Real>& w, const std::vector<Real>& x,
          const std::vector<Real>& h0, const std::vector<Real>& go, const std::vector<Real>& ghn,
          gru_form form) {
  const auto run = ref::gru_form_forward(p, w, x, h0, form);
  return dot(go, run.output) + dot(ghn, run.h_n);
}

double to_d(const real100& v) { return ref::to_double(v); }

// ---------------------------------------------------------------------------------------------

// Bit-identical forward trajectories, and gradients (all but bias_hh when `with_bias_hh` is
// false).
template <class Real>
void expect_same_trajectory(const ref::trajectory<Real>& a, const ref::trajectory<Real>& b) {
  EXPECT_TRUE(a.output == b.output);
  EXPECT_TRUE(a.gates == b.gates);
  EXPECT_TRUE(a.hidden_n == b.hidden_n);
  EXPECT_TRUE(a.h_n == b.h_n);
}
template <class Real>
void expect_same_gradients(const ref::gradients<Real>& a, const ref::gradients<Real>& b,
                           bool with_bias_hh) {
  EXPECT_TRUE(a.weight_ih == b.weight_ih);
  EXPECT_TRUE(a.weight_hh == b.weight_hh);
  EXPECT_TRUE(a.bias_ih == b.bias_ih);
  if (with_bias_hh) {
    EXPECT_TRUE(a.bias_hh == b.bias_hh);
  }
  EXPECT_TRUE(a.x == b.x);
  EXPECT_TRUE(a.h0 == b.h0);
  EXPECT_TRUE(a.h == b.h);
  EXPECT_TRUE(a.delta_x == b.delta_x);
  EXPECT_TRUE(a.delta_h == b.delta_h);
}

TEST(ReferenceGruForms, Names) {
  EXPECT_STREQ(ref::gru_form_name(gru_form::pytorch), "pytorch");
  EXPECT_STREQ(ref::gru_form_name(gru_form::reset_before_product), "reset_before_product");
  EXPECT_STREQ(ref::gru_form_name(gru_form::bias_outside_reset), "bias_outside_reset");
  EXPECT_THROW(ref::gru_form_name(static_cast<gru_form>(7)), rnn::error);
}

TEST(ReferenceGruForms, ArgumentChecks) {
  const rnn::problem p = small();
  const data s = make_data(p);
  for (gru_form f : all_forms) {
    SCOPED_TRACE(ref::gru_form_name(f));
    std::vector<double> short_x(s.x.begin(), s.x.end() - 1);
    EXPECT_THROW(ref::gru_form_forward(p, s.w, short_x, s.h0, f), rnn::error);
    ref::weights<double> bad = s.w;
    bad.bias_hh.pop_back();
    EXPECT_THROW(ref::gru_form_forward(p, bad, s.x, s.h0, f), rnn::error);
    rnn::problem lstm = p;
    lstm.cell = rnn::cell::lstm;
    EXPECT_THROW(ref::gru_form_forward(lstm, s.w, s.x, s.h0, f), rnn::error);
    const auto run = ref::gru_form_forward(p, s.w, s.x, s.h0, f);
    EXPECT_THROW(ref::gru_form_backward(p, s.w, run, std::vector<double>(3), {}, f), rnn::error);
    EXPECT_THROW(ref::gru_form_backward(p, s.w, run, s.grad_output, std::vector<double>(3), f),
                 rnn::error);
  }
  EXPECT_THROW(ref::gru_form_forward(p, s.w, s.x, s.h0, static_cast<gru_form>(7)), rnn::error);
  // The two hand-written forms read hidden_n and the kept input: a trajectory without them is
  // refused rather than read out of bounds.
  for (gru_form f : other_forms) {
    auto run = ref::gru_form_forward(p, s.w, s.x, s.h0, f);
    run.hidden_n.clear();
    EXPECT_THROW(ref::gru_form_backward(p, s.w, run, s.grad_output, s.grad_h_n, f), rnn::error);
  }
}

// gru_form::pytorch is gru.hpp's GRU, every field identical, in double and in 100 digits.
template <class Real>
void expect_pytorch_is_gru_hpp() {
  const rnn::problem p = small();
  const data s = make_data(p);
  const auto w = real<Real>(s.w);
  const auto x = real<Real>(s.x), h0 = real<Real>(s.h0);
  const auto go = real<Real>(s.grad_output), ghn = real<Real>(s.grad_h_n);
  const auto a = ref::gru_form_forward(p, w, x, h0, gru_form::pytorch);
  const auto b = ref::gru_forward(p, w, x, h0);
  expect_same_trajectory(a, b);
  const auto ga = ref::gru_form_backward(p, w, a, go, ghn, gru_form::pytorch);
  const auto gb = ref::gru_backward(p, w, b, go, ghn);
  expect_same_gradients(ga, gb, true);
  // Empty grad_h_n means zero there too.
  const auto gc = ref::gru_form_backward(p, w, a, go, {}, gru_form::pytorch);
  EXPECT_TRUE(gc.weight_hh == ref::gru_backward(p, w, b, go, {}).weight_hh);
}

TEST(ReferenceGruForms, PytorchFormIsGruHppBitForBit) {
  expect_pytorch_is_gru_hpp<double>();
  expect_pytorch_is_gru_hpp<real100>();
}

// Every gradient of each hand-written form against central differences of its own forward in
// 100 digits, step 1e-30 (truncation ~1e-60, rounding ~1e-70): 25 significant digits, per
// element. Also per-step dL/dh_t, by restarting the forward at h_t.
class ReferenceGruFormsFd : public ::testing::TestWithParam<gru_form> {};

TEST_P(ReferenceGruFormsFd, BackwardMatchesCentralDifferencesTo25Digits) {
  const gru_form form = GetParam();
  const rnn::problem p = small();
  const ref::dims d(p);
  const data s = make_data(p);
  ref::weights<real100> w = real<real100>(s.w);
  std::vector<real100> x = real<real100>(s.x), h0 = real<real100>(s.h0);
  const auto go = real<real100>(s.grad_output), ghn = real<real100>(s.grad_h_n);
  const auto run = ref::gru_form_forward(p, w, x, h0, form);
  const auto g = ref::gru_form_backward(p, w, run, go, ghn, form);

  const real100 eps("1e-30");
  const real100 digits("1e-25");
  std::size_t checked = 0;
  double worst = 0;
  auto compare = [&](const real100& fd, const real100& an, const std::string& what) {
    ASSERT_NE(an, 0) << what << ": an exactly zero gradient checks nothing";
    const real100 rel = abs(fd - an) / abs(an);
    worst = std::max(worst, to_d(rel));
    EXPECT_LE(rel, digits) << what << ": analytic " << to_d(an) << " fd " << to_d(fd);
    ++checked;
  };
  // Perturbs v[k] by ±eps and differentiates L through the form's forward.
  auto check_block = [&](std::vector<real100>& v, const std::vector<real100>& analytic,
                         const char* name) {
    ASSERT_EQ(v.size(), analytic.size()) << name;
    for (std::size_t k = 0; k < v.size(); ++k) {
      const real100 keep = v[k];
      v[k] = keep + eps;
      const real100 up = loss(p, w, x, h0, go, ghn, form);
      v[k] = keep - eps;
      const real100 down = loss(p, w, x, h0, go, ghn, form);
      v[k] = keep;
      compare(real100((up - down) / (2 * eps)), analytic[k], std::string(name) + "[" +
                                                                  std::to_string(k) + "]");
    }
  };
  check_block(w.weight_ih, g.weight_ih, "weight_ih");
  check_block(w.weight_hh, g.weight_hh, "weight_hh");
  check_block(w.bias_ih, g.bias_ih, "bias_ih");
  check_block(w.bias_hh, g.bias_hh, "bias_hh");
  check_block(x, g.x, "x");
  check_block(h0, g.h0, "h0");

  // dL/dh_t (every path): L as a function of h_t is grad_output_t·h_t plus the rest of the run
  // restarted from h_t (steps t+1..T-1), plus grad_h_n·h_n (h_n is h_t itself at the last step).
  const std::size_t S = d.B * d.H;
  for (std::size_t t = 0; t < d.T; ++t) {
    const std::size_t rest = d.T - 1 - t;
    rnn::problem tail = p;
    tail.T = static_cast<std::int64_t>(rest);
    const std::vector<real100> x_tail(x.begin() + static_cast<std::ptrdiff_t>((t + 1) * d.B * d.I),
                                      x.end());
    const std::vector<real100> go_tail(go.begin() + static_cast<std::ptrdiff_t>((t + 1) * S),
                                       go.end());
    const std::vector<real100> go_t(go.begin() + static_cast<std::ptrdiff_t>(t * S),
                                    go.begin() + static_cast<std::ptrdiff_t>((t + 1) * S));
    std::vector<real100> h_t(run.output.begin() + static_cast<std::ptrdiff_t>(t * S),
                             run.output.begin() + static_cast<std::ptrdiff_t>((t + 1) * S));
    auto loss_from = [&]() -> real100 {
      if (rest == 0) return dot(go_t, h_t) + dot(ghn, h_t);
      return dot(go_t, h_t) + loss(tail, w, x_tail, h_t, go_tail, ghn, form);
    };
    for (std::size_t k = 0; k < S; ++k) {
      const real100 keep = h_t[k];
      h_t[k] = keep + eps;
      const real100 up = loss_from();
      h_t[k] = keep - eps;
      const real100 down = loss_from();
      h_t[k] = keep;
      compare(real100((up - down) / (2 * eps)), g.h[t * S + k],
              "h[t=" + std::to_string(t) + "][" + std::to_string(k) + "]");
    }
  }
  const std::size_t params = w.weight_ih.size() + w.weight_hh.size() + w.bias_ih.size() +
                             w.bias_hh.size();
  EXPECT_EQ(checked, params + x.size() + h0.size() + d.T * S);
  std::cout << "[ info     ] " << ref::gru_form_name(form) << ": " << checked
            << " gradients, worst relative error " << worst << "\n";
}

// The deltas and hidden_n mean what gru_forms.hpp says, in each form: the parameter gradients
// are the deltas summed against the vectors the header names, and n is recomputed from hidden_n.
TEST_P(ReferenceGruFormsFd, DeltasAndHiddenNMeanWhatTheHeaderSays) {
  const gru_form form = GetParam();
  const rnn::problem p = small();
  const ref::dims d(p);
  const std::size_t H = d.H, I = d.I, rows = 3 * H;
  const data s = make_data(p);
  const auto w = real<real100>(s.w);
  const auto x = real<real100>(s.x), h0 = real<real100>(s.h0);
  const auto run = ref::gru_form_forward(p, w, x, h0, form);
  const auto g = ref::gru_form_backward(p, w, run, real<real100>(s.grad_output),
                                        real<real100>(s.grad_h_n), form);
  const bool before = form == gru_form::reset_before_product;
  ASSERT_EQ(g.delta_x.size(), d.T * d.B * rows);
  ASSERT_EQ(g.delta_h.size(), d.T * d.B * rows);
  ASSERT_EQ(g.h.size(), d.T * d.B * H);
  std::vector<real100> b_ih(rows, 0), b_hh(rows, 0), w_ih(rows * I, 0), w_hh(rows * H, 0);
  for (std::size_t t = d.T; t-- > 0;)
    for (std::size_t b = 0; b < d.B; ++b) {
      const std::size_t step = t * d.B + b;
      const real100* gate = &run.gates[step * rows];
      const real100* dx = &g.delta_x[step * rows];
      const real100* dh = &g.delta_h[step * rows];
      const real100* x_t = &x[step * I];
      const real100* h_prev = t == 0 ? &h0[b * H] : &run.output[((t - 1) * d.B + b) * H];
      for (std::size_t r = 0; r < rows; ++r) {
        if (r < 2 * H) {
          EXPECT_EQ(dx[r], dh[r]) << "r and z blocks are the same on both sides";
        }
        b_ih[r] += dx[r];
        b_hh[r] += (r >= 2 * H && !before && form != gru_form::pytorch) ? dx[r] : dh[r];
        for (std::size_t i = 0; i < I; ++i) w_ih[r * I + i] += dx[r] * x_t[i];
        for (std::size_t j = 0; j < H; ++j) {
          const real100 v = (r >= 2 * H && before) ? real100(gate[j] * h_prev[j]) : h_prev[j];
          w_hh[r * H + j] += dh[r] * v;
        }
      }
      // n from hidden_n, the x side recomputed.
      for (std::size_t k = 0; k < H; ++k) {
        const std::size_t nr = 2 * H + k;
        real100 from_x = w.bias_ih[nr];
        for (std::size_t i = 0; i < I; ++i) from_x += w.weight_ih[nr * I + i] * x_t[i];
        const real100& hn = run.hidden_n[step * H + k];
        real100 n_pre;
        if (before)
          n_pre = from_x + hn;
        else if (form == gru_form::pytorch)
          n_pre = from_x + gate[k] * hn;
        else
          n_pre = from_x + w.bias_hh[nr] + gate[k] * hn;
        EXPECT_LT(to_d(real100(abs(tanh(n_pre) - gate[nr]))), 1e-95) << "t " << t << " k " << k;
        // And delta_h's n block against delta_x's: δn (before) or δn·r.
        const real100 want = before ? dx[nr] : real100(dx[nr] * gate[k]);
        EXPECT_LT(to_d(real100(abs(dh[nr] - want))), 1e-95);
      }
    }
  auto near = [](const std::vector<real100>& a, const std::vector<real100>& b, const char* name) {
    ASSERT_EQ(a.size(), b.size()) << name;
    for (std::size_t k = 0; k < a.size(); ++k)
      EXPECT_LT(to_d(real100(abs(a[k] - b[k]))), 1e-90) << name << "[" << k << "]";
  };
  near(b_ih, g.bias_ih, "bias_ih");
  near(b_hh, g.bias_hh, "bias_hh");
  near(w_ih, g.weight_ih, "weight_ih");
  near(w_hh, g.weight_hh, "weight_hh");
}

INSTANTIATE_TEST_SUITE_P(Forms, ReferenceGruFormsFd, ::testing::ValuesIn(other_forms),
                         [](const auto& info) { return std::string(ref::gru_form_name(info.param)); });

// With nonzero biases the three forms give visibly different outputs and gradients, pairwise: a
// dump checked under the wrong form cannot pass silently.
TEST(ReferenceGruForms, FormsDifferWithNonzeroBiases) {
  const rnn::problem p = small();
  const data s = make_data(p);
  std::vector<ref::trajectory<double>> runs;
  std::vector<ref::gradients<double>> grads;
  for (gru_form f : all_forms) {
    runs.push_back(ref::gru_form_forward(p, s.w, s.x, s.h0, f));
    grads.push_back(ref::gru_form_backward(p, s.w, runs.back(), s.grad_output, s.grad_h_n, f));
  }
  auto max_diff = [](const std::vector<double>& a, const std::vector<double>& b) {
    double m = 0;
    for (std::size_t k = 0; k < a.size(); ++k) m = std::max(m, std::abs(a[k] - b[k]));
    return m;
  };
  for (std::size_t i = 0; i < runs.size(); ++i)
    for (std::size_t j = i + 1; j < runs.size(); ++j) {
      SCOPED_TRACE(std::string(ref::gru_form_name(all_forms[i])) + " vs " +
                   ref::gru_form_name(all_forms[j]));
      EXPECT_GT(max_diff(runs[i].output, runs[j].output), 1e-3);
      EXPECT_GT(max_diff(runs[i].h_n, runs[j].h_n), 1e-3);
      EXPECT_GT(max_diff(grads[i].weight_hh, grads[j].weight_hh), 1e-3);
      EXPECT_GT(max_diff(grads[i].bias_hh, grads[j].bias_hh), 1e-3);
      EXPECT_GT(max_diff(grads[i].h0, grads[j].h0), 1e-3);
    }
}

// b_hn = 0: bias_outside_reset's n is pytorch's, summed in the same order, so the forward and
// every gradient are identical; the one exception is the gradient of b_hn itself, which sits
// outside the reset (δn, equal to b_in's) instead of inside it (δn·r).
template <class Real>
void expect_bias_outside_is_pytorch_without_b_hn() {
  const rnn::problem p = small();
  const ref::dims d(p);
  const std::size_t H = d.H;
  data s = make_data(p);
  for (std::size_t k = 2 * H; k < 3 * H; ++k) s.w.bias_hh[k] = 0;
  const auto w = real<Real>(s.w);
  const auto x = real<Real>(s.x), h0 = real<Real>(s.h0);
  const auto go = real<Real>(s.grad_output), ghn = real<Real>(s.grad_h_n);
  const auto a = ref::gru_form_forward(p, w, x, h0, gru_form::bias_outside_reset);
  const auto b = ref::gru_form_forward(p, w, x, h0, gru_form::pytorch);
  expect_same_trajectory(a, b);
  const auto ga = ref::gru_form_backward(p, w, a, go, ghn, gru_form::bias_outside_reset);
  const auto gb = ref::gru_form_backward(p, w, b, go, ghn, gru_form::pytorch);
  expect_same_gradients(ga, gb, false);
  for (std::size_t k = 0; k < 2 * H; ++k) EXPECT_EQ(ga.bias_hh[k], gb.bias_hh[k]) << k;
  for (std::size_t k = 2 * H; k < 3 * H; ++k) {
    EXPECT_EQ(ga.bias_hh[k], ga.bias_ih[k]) << k;
    EXPECT_NE(ga.bias_hh[k], gb.bias_hh[k]) << k;
  }
}

TEST(ReferenceGruForms, BiasOutsideResetIsPytorchWhenBhnIsZero) {
  { SCOPED_TRACE("double"); expect_bias_outside_is_pytorch_without_b_hn<double>(); }
  { SCOPED_TRACE("real100"); expect_bias_outside_is_pytorch_without_b_hn<real100>(); }
}

// r ≡ 1 makes all three forms one (r ⊙ h' = h', r ⊙ (W h' + b) = W h' + b). It can be forced in
// double: with b_ir = 1000 the argument of σ is near 1000, exp(−1000) underflows to 0 and r is
// exactly 1. The forms then differ only in summation order (b_hn added first or last), so they
// agree to rounding, not bit for bit; dL/dr's factor r(1 − r) is exactly 0 in all of them.
TEST(ReferenceGruForms, AllFormsAgreeWhenResetIsExactlyOne) {
  const rnn::problem p = small();
  const ref::dims d(p);
  const std::size_t H = d.H;
  data s = make_data(p);
  for (std::size_t k = 0; k < H; ++k) s.w.bias_ih[k] = 1000;
  std::vector<ref::trajectory<double>> runs;
  std::vector<ref::gradients<double>> grads;
  for (gru_form f : all_forms) {
    runs.push_back(ref::gru_form_forward(p, s.w, s.x, s.h0, f));
    grads.push_back(ref::gru_form_backward(p, s.w, runs.back(), s.grad_output, s.grad_h_n, f));
    for (std::size_t step = 0; step < d.T * d.B; ++step)
      for (std::size_t k = 0; k < H; ++k) ASSERT_EQ(runs.back().gates[step * 3 * H + k], 1.0);
  }
  auto near = [](const std::vector<double>& a, const std::vector<double>& b, const char* name) {
    ASSERT_EQ(a.size(), b.size()) << name;
    for (std::size_t k = 0; k < a.size(); ++k)
      EXPECT_NEAR(a[k], b[k], 1e-13 * (1 + std::abs(b[k]))) << name << "[" << k << "]";
  };
  for (std::size_t i = 1; i < runs.size(); ++i) {
    SCOPED_TRACE(ref::gru_form_name(all_forms[i]));
    near(runs[i].output, runs[0].output, "output");
    near(grads[i].weight_ih, grads[0].weight_ih, "weight_ih");
    near(grads[i].weight_hh, grads[0].weight_hh, "weight_hh");
    near(grads[i].bias_ih, grads[0].bias_ih, "bias_ih");
    near(grads[i].bias_hh, grads[0].bias_hh, "bias_hh");
    near(grads[i].x, grads[0].x, "x");
    near(grads[i].h0, grads[0].h0, "h0");
  }
}

}  // namespace
