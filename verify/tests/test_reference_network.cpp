// The reference's networks (reference/network.hpp): a one-layer network is the single-layer
// reference bit for bit; the forward agrees bit for bit with a second, step-by-step network
// written here (natural time, the reverse direction walking t = T−1 … 0 itself); the reverse
// direction reads in reverse; backward agrees with 100-digit central differences in every
// parameter of every block, x, h0, c0, and every block's per-time dL/dh_t and dL/dc_t; lib's flat
// parameter layout converts as PyTorch lays it out; bad sizes are refused by name.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iostream>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "reference/network.hpp"
#include "reference/reference.hpp"
#include "rnn/init.hpp"

namespace {

namespace ref = rnnsuite::reference;
using ref::real100;
using ref::real50;

rnn::problem make(rnn::cell cell, const std::string& shape) {
  return rnn::parse_problem(std::string(rnn::cell_name(cell)) + "_" + shape);
}

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

// A network's data in double, converted exactly to any Real. Block k's parameters are lib's
// seeded PyTorch init of its layer with a seed of its own.
struct data {
  ref::network_weights<double> w;
  std::vector<double> x, h0, c0, grad_output, grad_h_n, grad_c_n;
};

data make_data(const rnn::problem& p) {
  const std::size_t T = static_cast<std::size_t>(p.T), B = static_cast<std::size_t>(p.B);
  const std::size_t I = static_cast<std::size_t>(p.I), H = static_cast<std::size_t>(p.H);
  const std::size_t blocks = static_cast<std::size_t>(p.layers * p.directions);
  const std::size_t D = static_cast<std::size_t>(p.directions);
  const bool lstm = p.cell == rnn::cell::lstm;
  data s;
  for (std::size_t k = 0; k < blocks; ++k) {
    const rnn::problem lp = rnn::layer_problem(p, static_cast<std::int64_t>(k / D));
    const auto params = rnn::make_parameters<double>(lp, {rnn::init_scheme::pytorch, 1000 + k, 1.0});
    s.w.push_back(ref::to_weights<double, double>(params));
  }
  s.x = values(T * B * I, 0.5, 1.0);
  s.h0 = values(blocks * B * H, 0.6, 0.8);
  if (lstm) s.c0 = values(blocks * B * H, 0.9, 0.8);
  s.grad_output = values(T * B * D * H, 0.7, 1.0);
  s.grad_h_n = values(blocks * B * H, 0.8, 1.0);
  if (lstm) s.grad_c_n = values(blocks * B * H, 1.1, 1.0);
  return s;
}

template <class Real>
std::vector<Real> real(const std::vector<double>& v) {
  return ref::convert<Real, double>(std::span<const double>(v));
}

template <class Real>
ref::network_weights<Real> real(const ref::network_weights<double>& w) {
  ref::network_weights<Real> out;
  for (const auto& b : w)
    out.push_back({real<Real>(b.weight_ih), real<Real>(b.weight_hh), real<Real>(b.bias_ih),
                   real<Real>(b.bias_hh)});
  return out;
}

// The same data in Real.
template <class Real>
struct real_data {
  ref::network_weights<Real> w;
  std::vector<Real> x, h0, c0, go, ghn, gcn;
  explicit real_data(const data& s)
      : w(real<Real>(s.w)), x(real<Real>(s.x)), h0(real<Real>(s.h0)), c0(real<Real>(s.c0)),
        go(real<Real>(s.grad_output)), ghn(real<Real>(s.grad_h_n)), gcn(real<Real>(s.grad_c_n)) {}
};

template <class Real>
Real dot(const std::vector<Real>& a, const std::vector<Real>& b) {
  Real s = 0;
  for (std::size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
  return s;
}

double to_d(const real100& v) { return ref::to_double(v); }

// ---------------------------------------------------------------------------------------------
// A second network forward, written independently of network.hpp's permutations: every block
// is walked one time step at a time (the single layer with T = 1 per step), in natural time, the
// reverse direction going t = T−1 … 0 itself and writing its h at column H + j. It can add
// `amount` to one element of block k's h_t (or c_t, h_t then recomputed as o ⊙ tanh(c_t)) right
// after that step, which is how dL/dh_t and dL/dc_t are differentiated.
struct injection {
  std::size_t block = 0, time = 0, element = 0;  // element in B×H
  bool on_c = false;
};

template <class Real>
struct stepped_result {
  std::vector<Real> output, h_n, c_n;
};

template <class Real>
stepped_result<Real> stepped_forward(const rnn::problem& p, const ref::network_weights<Real>& w,
                                     const std::vector<Real>& x, const std::vector<Real>& h0,
                                     const std::vector<Real>& c0, const injection* inject,
                                     const Real& amount) {
  const std::size_t T = static_cast<std::size_t>(p.T), B = static_cast<std::size_t>(p.B);
  const std::size_t H = static_cast<std::size_t>(p.H), D = static_cast<std::size_t>(p.directions);
  const std::size_t L = static_cast<std::size_t>(p.layers), S = B * H;
  const bool lstm = p.cell == rnn::cell::lstm;
  stepped_result<Real> r;
  r.h_n.assign(L * D * S, Real(0));
  r.c_n.assign(lstm ? L * D * S : 0, Real(0));
  std::vector<Real> input = x;
  std::size_t width = static_cast<std::size_t>(p.I);
  for (std::size_t l = 0; l < L; ++l) {
    rnn::problem one_step = rnn::layer_problem(p, static_cast<std::int64_t>(l));
    one_step.T = 1;
    std::vector<Real> out(T * B * D * H, Real(0));
    for (std::size_t d = 0; d < D; ++d) {
      const std::size_t k = l * D + d;
      std::vector<Real> h(h0.begin() + static_cast<std::ptrdiff_t>(k * S),
                          h0.begin() + static_cast<std::ptrdiff_t>((k + 1) * S));
      std::vector<Real> c;
      if (lstm)
        c.assign(c0.begin() + static_cast<std::ptrdiff_t>(k * S),
                 c0.begin() + static_cast<std::ptrdiff_t>((k + 1) * S));
      for (std::size_t n = 0; n < T; ++n) {
        const std::size_t t = d == 0 ? n : T - 1 - n;
        const std::vector<Real> x_t(input.begin() + static_cast<std::ptrdiff_t>(t * B * width),
                                    input.begin() + static_cast<std::ptrdiff_t>((t + 1) * B * width));
        const auto run = ref::forward(one_step, w[k], x_t, h, c);
        h = run.h_n;
        if (lstm) c = run.c_n;
        if (inject != nullptr && inject->block == k && inject->time == t) {
          const std::size_t e = inject->element, b = e / H, j = e % H;
          if (inject->on_c) {
            c[e] += amount;
            const Real& o = run.gates[b * 4 * H + 3 * H + j];
            h[e] = o * tanh(c[e]);
          } else {
            h[e] += amount;
          }
        }
        for (std::size_t b = 0; b < B; ++b)
          for (std::size_t j = 0; j < H; ++j) out[(t * B + b) * D * H + d * H + j] = h[b * H + j];
      }
      for (std::size_t i = 0; i < S; ++i) r.h_n[k * S + i] = h[i];
      if (lstm)
        for (std::size_t i = 0; i < S; ++i) r.c_n[k * S + i] = c[i];
    }
    input = std::move(out);
    width = D * H;
  }
  r.output = std::move(input);
  return r;
}

// L = Σ grad_output ⊙ output + Σ grad_h_n ⊙ h_n + Σ grad_c_n ⊙ c_n: its gradient with respect
// to the outputs is exactly what backward is given.
template <class Real>
Real loss_of(const real_data<Real>& s, const std::vector<Real>& output,
             const std::vector<Real>& h_n, const std::vector<Real>& c_n) {
  Real l = dot(s.go, output) + dot(s.ghn, h_n);
  if (!s.gcn.empty()) l += dot(s.gcn, c_n);
  return l;
}

template <class Real>
Real network_loss(const rnn::problem& p, const real_data<Real>& s) {
  const auto run = ref::network_forward(p, s.w, s.x, s.h0, s.c0);
  return loss_of(s, run.output, run.h_n, run.c_n);
}

// ---------------------------------------------------------------------------------------------

class ReferenceNetworkCell : public ::testing::TestWithParam<rnn::cell> {};

// L = D = 1: every field of the network's forward and backward is the single layer's, exactly.
TEST_P(ReferenceNetworkCell, OneLayerNetworkIsTheSingleLayerExactly) {
  const rnn::problem p = make(GetParam(), "t4_b2_i3_h4_f64");
  const data s = make_data(p);
  const real_data<real50> r(s);
  const auto net = ref::network_forward(p, r.w, r.x, r.h0, r.c0);
  const auto one = ref::forward(p, r.w[0], r.x, r.h0, r.c0);
  ASSERT_EQ(net.blocks.size(), 1u);
  EXPECT_TRUE(net.output == one.output);
  EXPECT_TRUE(net.h_n == one.h_n);
  EXPECT_TRUE(net.c_n == one.c_n);
  EXPECT_TRUE(net.blocks[0].gates == one.gates);
  EXPECT_TRUE(net.blocks[0].c == one.c);
  const auto g = ref::network_backward(p, r.w, net, r.go, r.ghn, r.gcn);
  const auto g1 = ref::backward(p, r.w[0], one, r.go, r.ghn, r.gcn);
  ASSERT_EQ(g.parameters.size(), 1u);
  EXPECT_TRUE(g.parameters[0].weight_ih == g1.weight_ih);
  EXPECT_TRUE(g.parameters[0].weight_hh == g1.weight_hh);
  EXPECT_TRUE(g.parameters[0].bias_ih == g1.bias_ih);
  EXPECT_TRUE(g.parameters[0].bias_hh == g1.bias_hh);
  EXPECT_TRUE(g.x == g1.x);
  EXPECT_TRUE(g.h0 == g1.h0);
  EXPECT_TRUE(g.c0 == g1.c0);
  EXPECT_TRUE(g.h == g1.h);
  EXPECT_TRUE(g.c == g1.c);
  // Empty upstream on the final states means zero, as in the single layer.
  const auto g0 = ref::network_backward(p, r.w, net, r.go, {}, {});
  EXPECT_TRUE(g0.parameters[0].weight_hh == ref::backward(p, r.w[0], one, r.go, {}, {}).weight_hh);
}

// The reverse direction reads in reverse (L = 1, D = 2, in double, compared bit for bit):
// perturbing x at time s changes the forward half of output[t] exactly for t >= s and the
// reverse half exactly for t <= s; h_n of the reverse block is the reverse half at t = 0 and
// the forward block's the forward half at T−1.
TEST_P(ReferenceNetworkCell, ReverseDirectionReadsInReverse) {
  const rnn::problem p = make(GetParam(), "t5_b2_i3_h4_bi_f64");
  const std::size_t T = 5, B = 2, I = 3, H = 4, S = B * H;
  const data s = make_data(p);
  const auto base = ref::network_forward(p, s.w, s.x, s.h0, s.c0);
  ASSERT_EQ(base.output.size(), T * B * 2 * H);
  // half 0: forward, half 1: reverse; output[t] of batch row b is [fwd h (H), rev h (H)].
  auto half = [&](const std::vector<double>& out, std::size_t t, std::size_t d) {
    std::vector<double> v;
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t j = 0; j < H; ++j) v.push_back(out[(t * B + b) * 2 * H + d * H + j]);
    return v;
  };
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t j = 0; j < H; ++j) {
      EXPECT_EQ(base.h_n[0 * S + b * H + j], half(base.output, T - 1, 0)[b * H + j]);
      EXPECT_EQ(base.h_n[1 * S + b * H + j], half(base.output, 0, 1)[b * H + j]);
    }
  if (p.cell == rnn::cell::lstm) {
    // c_n of the reverse block is its cell state after t = 0, its last step.
    for (std::size_t i = 0; i < S; ++i)
      EXPECT_EQ(base.c_n[S + i], base.blocks[1].c[(T - 1) * S + i]);
  }
  for (std::size_t at = 0; at < T; ++at) {
    SCOPED_TRACE("x perturbed at t = " + std::to_string(at));
    std::vector<double> x = s.x;
    for (std::size_t i = 0; i < B * I; ++i) x[at * B * I + i] += 0.25;
    const auto moved = ref::network_forward(p, s.w, x, s.h0, s.c0);
    for (std::size_t t = 0; t < T; ++t) {
      const bool fwd_moved = half(moved.output, t, 0) != half(base.output, t, 0);
      const bool rev_moved = half(moved.output, t, 1) != half(base.output, t, 1);
      // Independence is exact for every cell. That the change reaches every later step (earlier
      // for the reverse half) is not for ReLU, whose dead units stop it: there only the step
      // that reads x[at] itself must move.
      if (t < at) {
        EXPECT_FALSE(fwd_moved) << "forward t " << t;
      }
      if (t > at) {
        EXPECT_FALSE(rev_moved) << "reverse t " << t;
      }
      if (t == at || p.cell != rnn::cell::elman_relu) {
        if (t >= at) {
          EXPECT_TRUE(fwd_moved) << "forward t " << t;
        }
        if (t <= at) {
          EXPECT_TRUE(rev_moved) << "reverse t " << t;
        }
      }
    }
  }
}

// The network forward and the step-by-step forward above agree bit for bit on a two-layer
// bidirectional network (output, h_n, c_n): the permutations of network.hpp put every h where
// walking the time steps by hand does.
TEST_P(ReferenceNetworkCell, ForwardAgreesWithAStepByStepWalk) {
  for (const char* shape : {"t4_b3_i3_h4_l2_bi_f64", "t3_b2_i5_h3_l3_f64", "t4_b2_i3_h3_bi_f64"}) {
    SCOPED_TRACE(shape);
    const rnn::problem p = make(GetParam(), shape);
    const data s = make_data(p);
    const real_data<real50> r(s);
    const auto net = ref::network_forward(p, r.w, r.x, r.h0, r.c0);
    const auto walk = stepped_forward(p, r.w, r.x, r.h0, r.c0, nullptr, real50(0));
    EXPECT_TRUE(net.output == walk.output);
    EXPECT_TRUE(net.h_n == walk.h_n);
    EXPECT_TRUE(net.c_n == walk.c_n);
    // And not trivially: the two directions' halves and the layers' states differ.
    EXPECT_NE(net.h_n[0], net.h_n[static_cast<std::size_t>(p.B * p.H)]);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryCell, ReferenceNetworkCell, ::testing::ValuesIn(rnn::all_cells),
                         [](const auto& info) { return std::string(rnn::cell_name(info.param)); });

// ---------------------------------------------------------------------------------------------
// Backward against central differences in 100 digits, step 1e-30 (truncation ~1e-60, rounding
// ~1e-70): 40 significant digits per element, relative to |analytic| (or to 1e-20 where it is
// tiny), every element of every parameter tensor of every block, x, h0, c0; and of every
// block's per-time dL/dh_t and dL/dc_t ((L·D)×T×B×H), differentiated through the step-by-step
// walk with an injection at (block, t) (so through the other implementation of the forward).
using fd_case = std::tuple<rnn::cell, const char*>;
class ReferenceNetworkFd : public ::testing::TestWithParam<fd_case> {};

TEST_P(ReferenceNetworkFd, BackwardMatchesCentralDifferences) {
  const auto [cell, shape] = GetParam();
  const rnn::problem p = make(cell, shape);
  const bool lstm = cell == rnn::cell::lstm;
  const std::size_t blocks = static_cast<std::size_t>(p.layers * p.directions);
  const std::size_t T = static_cast<std::size_t>(p.T);
  const std::size_t S = static_cast<std::size_t>(p.B * p.H);
  const data s = make_data(p);
  real_data<real100> r(s);
  const auto run = ref::network_forward(p, r.w, r.x, r.h0, r.c0);
  const auto g = ref::network_backward(p, r.w, run, r.go, r.ghn, r.gcn);
  ASSERT_EQ(g.parameters.size(), blocks);
  ASSERT_EQ(g.h.size(), blocks * T * S);
  ASSERT_EQ(g.c.size(), lstm ? blocks * T * S : 0);

  const real100 eps("1e-30");
  const real100 tolerance("1e-40"), tiny("1e-20");
  std::size_t checked = 0;
  double worst = 0;
  auto compare = [&](const real100& fd, const real100& an, const std::string& what) {
    const real100 rel = abs(fd - an) / std::max(real100(abs(an)), tiny);
    worst = std::max(worst, to_d(rel));
    EXPECT_LE(rel, tolerance) << what << ": analytic " << to_d(an) << " fd " << to_d(fd);
    ++checked;
  };
  // Perturbs each v[k] by ±eps, differentiates L through `loss`. Requires some gradient to be
  // nonzero: a tensor of zeros would check nothing.
  auto check = [&](std::vector<real100>& v, const std::vector<real100>& analytic,
                   const std::string& name, const std::function<real100()>& loss) {
    ASSERT_EQ(v.size(), analytic.size()) << name;
    bool any_nonzero = false;
    for (std::size_t k = 0; k < v.size(); ++k) {
      const real100 keep = v[k];
      v[k] = keep + eps;
      const real100 up = loss();
      v[k] = keep - eps;
      const real100 down = loss();
      v[k] = keep;
      compare(real100((up - down) / (2 * eps)), analytic[k], name + "[" + std::to_string(k) + "]");
      any_nonzero = any_nonzero || analytic[k] != 0;
    }
    EXPECT_TRUE(any_nonzero) << name << ": every gradient is zero";
  };
  auto loss = [&] { return network_loss(p, r); };
  for (std::size_t k = 0; k < blocks; ++k) {
    const std::string suffix = "_l" + std::to_string(k / static_cast<std::size_t>(p.directions)) +
                               (p.directions == 2 && k % 2 == 1 ? "_reverse" : "");
    check(r.w[k].weight_ih, g.parameters[k].weight_ih, "weight_ih" + suffix, loss);
    check(r.w[k].weight_hh, g.parameters[k].weight_hh, "weight_hh" + suffix, loss);
    check(r.w[k].bias_ih, g.parameters[k].bias_ih, "bias_ih" + suffix, loss);
    check(r.w[k].bias_hh, g.parameters[k].bias_hh, "bias_hh" + suffix, loss);
  }
  check(r.x, g.x, "x", loss);
  check(r.h0, g.h0, "h0", loss);
  if (lstm) check(r.c0, g.c0, "c0", loss);

  // dL/dh_t (dL/dc_t) of block k at time t: inject ±eps there in the step-by-step walk.
  for (bool on_c : {false, true}) {
    if (on_c && !lstm) continue;
    const std::vector<real100>& analytic = on_c ? g.c : g.h;
    bool any_nonzero = false;
    for (std::size_t n = 0; n < analytic.size(); ++n) {
      const injection at{n / (T * S), n / S % T, n % S, on_c};
      auto walked = [&](const real100& amount) {
        const auto w = stepped_forward(p, r.w, r.x, r.h0, r.c0, &at, amount);
        return loss_of(r, w.output, w.h_n, w.c_n);
      };
      const real100 fd = (walked(eps) - walked(real100(-eps))) / (2 * eps);
      compare(fd, analytic[n],
              std::string(on_c ? "c" : "h") + "[block " + std::to_string(at.block) + "][t " +
                  std::to_string(at.time) + "][" + std::to_string(at.element) + "]");
      any_nonzero = any_nonzero || analytic[n] != 0;
    }
    EXPECT_TRUE(any_nonzero) << (on_c ? "c" : "h");
  }
  std::size_t all = r.x.size() + r.h0.size() + r.c0.size() + g.h.size() + g.c.size();
  for (const auto& b : r.w)
    all += b.weight_ih.size() + b.weight_hh.size() + b.bias_ih.size() + b.bias_hh.size();
  EXPECT_EQ(checked, all);
  std::cout << "[ info     ] " << rnn::format_problem(p) << ": " << checked
            << " gradients, worst relative error " << worst << "\n";
}

INSTANTIATE_TEST_SUITE_P(
    EveryCell, ReferenceNetworkFd,
    ::testing::Combine(::testing::ValuesIn(rnn::all_cells),
                       ::testing::Values("t4_b2_i3_h3_l2_bi_f64", "t4_b2_i3_h3_l3_f64")),
    [](const auto& info) {
      return std::string(rnn::cell_name(std::get<0>(info.param))) + "_" +
             std::get<1>(info.param);
    });

// ---------------------------------------------------------------------------------------------

// lib's flat layout (PyTorch's flat weights): block by block, weight_ih, weight_hh, bias_ih,
// bias_hh. Offsets written out for lstm_t4_b2_i3_h4_l2_bi (G·H = 16): layer-0 blocks hold
// 16·(3 + 4 + 2) = 144 values, layer-1 blocks (I_1 = D·H = 8) 16·(8 + 4 + 2) = 224.
TEST(ReferenceNetwork, FlatParametersConvertInPytorchOrder) {
  const rnn::problem p = rnn::parse_problem("lstm_t4_b2_i3_h4_l2_bi_f64");
  const data s = make_data(p);
  std::vector<double> flat;
  for (const auto& b : s.w)
    for (const auto* v : {&b.weight_ih, &b.weight_hh, &b.bias_ih, &b.bias_hh})
      flat.insert(flat.end(), v->begin(), v->end());
  ASSERT_EQ(flat.size(), 2u * 144 + 2u * 224);
  EXPECT_EQ(flat.size(), rnn::network_sizes_of(p).parameters);
  const auto w = ref::network_to_weights<real50>(p, std::span<const double>(flat));
  ASSERT_EQ(w.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    SCOPED_TRACE("block " + std::to_string(k));
    EXPECT_TRUE(w[k].weight_ih == real<real50>(s.w[k].weight_ih));
    EXPECT_TRUE(w[k].weight_hh == real<real50>(s.w[k].weight_hh));
    EXPECT_TRUE(w[k].bias_ih == real<real50>(s.w[k].bias_ih));
    EXPECT_TRUE(w[k].bias_hh == real<real50>(s.w[k].bias_hh));
  }
  EXPECT_EQ(w[1].weight_ih.front(), flat[144]);             // weight_ih_l0_reverse
  EXPECT_EQ(w[2].weight_ih.size(), 16u * 8);                // weight_ih_l1 reads D·H
  EXPECT_EQ(w[2].weight_ih.front(), flat[288]);             // weight_ih_l1
  EXPECT_EQ(w[3].weight_hh.front(), flat[288 + 224 + 128]);  // weight_hh_l1_reverse
  EXPECT_EQ(w[3].bias_hh.back(), flat.back());
  // In double too, and the converted weights run.
  const auto wd = ref::network_to_weights<double>(p, std::span<const double>(flat));
  EXPECT_NO_THROW(ref::network_forward(p, wd, s.x, s.h0, s.c0));
  flat.pop_back();
  EXPECT_THROW(ref::network_to_weights<double>(p, std::span<const double>(flat)), rnn::error);
}

// Runs f, which must throw rnn::error whose message contains `what`.
void expect_error(const std::function<void()>& f, const std::string& what) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one naming " << what;
  } catch (const rnn::error& e) {
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

TEST(ReferenceNetwork, BadSizesNameTheArgument) {
  const rnn::problem p = rnn::parse_problem("gru_t3_b2_i3_h2_l2_bi_f64");  // 4 blocks, B·H = 4
  const data s = make_data(p);
  const auto fwd = [&](const ref::network_weights<double>& w, const std::vector<double>& x,
                       const std::vector<double>& h0, const std::vector<double>& c0) {
    return [=] { ref::network_forward(p, w, x, h0, c0); };
  };
  std::vector<double> short_x(s.x.begin(), s.x.end() - 1);
  expect_error(fwd(s.w, short_x, s.h0, {}), "x must have 18 elements, got 17");
  expect_error(fwd(s.w, s.x, std::vector<double>(4), {}), "h0 must have 16 elements, got 4");
  expect_error(fwd(s.w, s.x, s.h0, s.h0), "c0 must have 0 elements");
  ref::network_weights<double> three(s.w.begin(), s.w.end() - 1);
  expect_error(fwd(three, s.x, s.h0, {}), "network_weights (blocks) must have 4");
  ref::network_weights<double> narrow = s.w;
  narrow[2].weight_ih = s.w[0].weight_ih;  // (G·H)×I where layer 1 reads (G·H)×(D·H)
  expect_error(fwd(narrow, s.x, s.h0, {}), "weight_ih_l1 must have 24 elements, got 18");
  ref::network_weights<double> short_bias = s.w;
  short_bias[1].bias_hh.pop_back();
  expect_error(fwd(short_bias, s.x, s.h0, {}), "bias_hh_l0_reverse must have 6");

  const auto run = ref::network_forward(p, s.w, s.x, s.h0, {});
  expect_error([&] { ref::network_backward(p, s.w, run, std::vector<double>(12), {}, {}); },
               "grad_output must have 24 elements, got 12");
  expect_error([&] { ref::network_backward(p, s.w, run, s.grad_output, std::vector<double>(4), {}); },
               "grad_h_n must have 16 elements, got 4");
  expect_error([&] { ref::network_backward(p, s.w, run, s.grad_output, {}, s.grad_h_n); },
               "grad_c_n must have 0 elements");
  auto cut = run;
  cut.blocks.pop_back();
  expect_error([&] { ref::network_backward(p, s.w, cut, s.grad_output, {}, {}); },
               "trajectory.blocks");
  auto other = run;
  other.blocks[2].x.resize(18);  // layer 1's kept input is T×B×(D·H) = 24
  expect_error([&] { ref::network_backward(p, s.w, other, s.grad_output, {}, {}); },
               "trajectory.blocks[2].x must have 24");
  rnn::problem three_ways = p;
  three_ways.directions = 3;
  expect_error([&] { ref::network_forward(three_ways, s.w, s.x, s.h0, {}); }, "D (directions)");
}

}  // namespace
