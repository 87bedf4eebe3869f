// The reference with sequences of different lengths (reference/packed.hpp), checked against a
// second definition written here: the whole batch walked one time step at a time with a mask
// (a row whose sequence has ended, or whose reverse direction has not started yet, keeps its
// state and outputs zero), the way a packed implementation runs. Forward agrees bit for bit;
// backward agrees with 100-digit central differences through that walk in every parameter of
// every block, x, h0, c0 and every block's dL/dh_t (dL/dc_t) at every real step, and is exactly
// zero at the padded ones; the upstream gradient at padded steps reaches nothing; lengths all T
// give the unpacked network's results. The reference's loss with lengths is lib's (rnn/loss.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "reference/packed.hpp"
#include "reference/reference.hpp"
#include "rnn/init.hpp"
#include "rnn/lengths.hpp"
#include "rnn/loss.hpp"

namespace {

namespace ref = rnnsuite::reference;
using ref::real100;
using ref::real50;

// Deterministic, never zero: |v| in [0.05, 0.05 + scale).
std::vector<double> values(std::size_t n, double seed, double scale) {
  std::vector<double> v(n);
  for (std::size_t k = 0; k < n; ++k) {
    const double s = std::sin(1.3 * static_cast<double>(k) + seed) * 43758.5453;
    v[k] = (k % 3 == 2 ? -1.0 : 1.0) * (0.05 + scale * (s - std::floor(s)));
  }
  return v;
}

template <class Real, class Values>
std::vector<Real> real(const Values& v) {
  return std::vector<Real>(v.begin(), v.end());
}

// A network's data in Real; the upstream gradients are nonzero everywhere, padded steps too.
template <class Real>
struct data {
  ref::network_weights<Real> w;
  std::vector<Real> x, h0, c0, go, ghn, gcn;
  explicit data(const rnn::problem& p) {
    const std::size_t T = std::size_t(p.T), B = std::size_t(p.B), I = std::size_t(p.I),
                      H = std::size_t(p.H), D = std::size_t(p.directions);
    const std::size_t K = std::size_t(p.layers) * D;
    const bool lstm = p.cell == rnn::cell::lstm;
    for (std::size_t k = 0; k < K; ++k) {
      const auto params = rnn::make_parameters<double>(rnn::layer_problem(p, std::int64_t(k / D)),
                                                       {rnn::init_scheme::pytorch, 300 + k, 1.0});
      w.push_back({real<Real>(params.weight_ih), real<Real>(params.weight_hh),
                   real<Real>(params.bias_ih), real<Real>(params.bias_hh)});
    }
    x = real<Real>(values(T * B * I, 0.5, 1.0));
    h0 = real<Real>(values(K * B * H, 0.6, 0.8));
    if (lstm) c0 = real<Real>(values(K * B * H, 0.9, 0.8));
    go = real<Real>(values(T * B * D * H, 0.7, 1.0));
    ghn = real<Real>(values(K * B * H, 0.8, 1.0));
    if (lstm) gcn = real<Real>(values(K * B * H, 1.1, 1.0));
  }
};

struct injection {
  std::size_t block = 0, time = 0, element = 0;  // element in B×H
  bool on_c = false;
};

template <class Real>
struct walked {
  std::vector<Real> output, h_n, c_n;
};

// The batch walked step by step with a mask. The reverse direction visits t = T−1 … 0 and a row
// takes part only once t < len_b: its first step is len_b − 1. An injection adds `amount` to one
// element of a block's h_t (or c_t, h_t following as o ⊙ tanh(c_t)) right after that step.
template <class Real>
walked<Real> masked_walk(const rnn::problem& p, const data<Real>& s,
                         const std::vector<std::int64_t>& lengths, const injection* inject,
                         const Real& amount) {
  const std::size_t T = std::size_t(p.T), B = std::size_t(p.B), H = std::size_t(p.H),
                    D = std::size_t(p.directions), L = std::size_t(p.layers), S = B * H;
  const bool lstm = p.cell == rnn::cell::lstm;
  walked<Real> r;
  r.h_n.assign(L * D * S, Real(0));
  r.c_n.assign(lstm ? L * D * S : 0, Real(0));
  std::vector<Real> input = s.x;
  std::size_t width = std::size_t(p.I);
  for (std::size_t l = 0; l < L; ++l) {
    rnn::problem one_step = ref::detail::sequence_problem(rnn::layer_problem(p, std::int64_t(l)), 1);
    one_step.B = p.B;
    std::vector<Real> out(T * B * D * H, Real(0));
    for (std::size_t d = 0; d < D; ++d) {
      const std::size_t k = l * D + d;
      std::vector<Real> h(s.h0.begin() + std::ptrdiff_t(k * S), s.h0.begin() + std::ptrdiff_t((k + 1) * S));
      std::vector<Real> c;
      if (lstm) c.assign(s.c0.begin() + std::ptrdiff_t(k * S), s.c0.begin() + std::ptrdiff_t((k + 1) * S));
      for (std::size_t n = 0; n < T; ++n) {
        const std::size_t t = d == 0 ? n : T - 1 - n;
        const std::vector<Real> x_t(input.begin() + std::ptrdiff_t(t * B * width),
                                    input.begin() + std::ptrdiff_t((t + 1) * B * width));
        const auto step = ref::forward(one_step, s.w[k], x_t, h, c);
        for (std::size_t b = 0; b < B; ++b) {
          if (t >= std::size_t(lengths[b])) continue;  // masked: the state stays, output zero
          for (std::size_t j = 0; j < H; ++j) {
            h[b * H + j] = step.h_n[b * H + j];
            if (lstm) c[b * H + j] = step.c_n[b * H + j];
          }
        }
        if (inject && inject->block == k && inject->time == t) {
          const std::size_t e = inject->element, b = e / H, j = e % H;
          if (inject->on_c) {
            c[e] += amount;
            h[e] = step.gates[b * 4 * H + 3 * H + j] * tanh(c[e]);
          } else {
            h[e] += amount;
          }
        }
        for (std::size_t b = 0; b < B; ++b)
          if (t < std::size_t(lengths[b]))
            for (std::size_t j = 0; j < H; ++j) out[(t * B + b) * D * H + d * H + j] = h[b * H + j];
      }
      std::copy(h.begin(), h.end(), r.h_n.begin() + std::ptrdiff_t(k * S));
      if (lstm) std::copy(c.begin(), c.end(), r.c_n.begin() + std::ptrdiff_t(k * S));
    }
    input = std::move(out);
    width = D * H;
  }
  r.output = std::move(input);
  return r;
}

template <class Real>
Real dot(const std::vector<Real>& a, const std::vector<Real>& b) {
  Real v = 0;
  for (std::size_t k = 0; k < a.size(); ++k) v += a[k] * b[k];
  return v;
}

// L = Σ go ⊙ output + Σ ghn ⊙ h_n + Σ gcn ⊙ c_n: go is nonzero at padded steps, where the output
// is a constant zero, so the true gradient ignores it there.
template <class Real>
Real loss_of(const data<Real>& s, const walked<Real>& w) {
  return dot(s.go, w.output) + dot(s.ghn, w.h_n) + (s.gcn.empty() ? Real(0) : dot(s.gcn, w.c_n));
}

// Unsorted lengths with 1 and T in one batch of 3 or more (onnxruntime PR #3893's bug showed only
// from batch 3): a stacked bidirectional network, and a single layer.
struct shaped {
  const char* shape;
  std::vector<std::int64_t> lengths;
};
const shaped shapes[] = {{"t5_b4_i3_h3_l2_bi_f64", {3, 1, 5, 2}}, {"t4_b3_i2_h3_f64", {4, 1, 2}}};

using packed_case = std::tuple<rnn::cell, int>;
class ReferencePacked : public ::testing::TestWithParam<packed_case> {};

TEST_P(ReferencePacked, ForwardIsTheMaskedWalkAndBackwardMatchesCentralDifferences) {
  const auto [cell, which] = GetParam();
  const char* shape = shapes[which].shape;
  const std::vector<std::int64_t>& lengths = shapes[which].lengths;
  const rnn::problem p = rnn::parse_problem(std::string(rnn::cell_name(cell)) + "_" + shape);
  const bool lstm = cell == rnn::cell::lstm;
  const std::size_t T = std::size_t(p.T), B = std::size_t(p.B), H = std::size_t(p.H),
                    I = std::size_t(p.I), S = B * H;
  const std::size_t K = std::size_t(p.layers * p.directions);
  data<real100> s(p);
  const auto run = ref::packed_forward(p, s.w, s.x, s.h0, s.c0, lengths);
  const auto walk = masked_walk(p, s, lengths, nullptr, real100(0));
  EXPECT_TRUE(run.padded.output == walk.output);
  EXPECT_TRUE(run.padded.h_n == walk.h_n);
  EXPECT_TRUE(run.padded.c_n == walk.c_n);
  const auto g = ref::packed_backward(p, s.w, run, s.go, s.ghn, s.gcn);

  const real100 eps("1e-30"), tolerance("1e-40"), tiny("1e-20");
  std::size_t checked = 0;
  auto compare = [&](const real100& fd, const real100& an, const std::string& what) {
    const real100 rel = abs(fd - an) / std::max(real100(abs(an)), tiny);
    EXPECT_LE(rel, tolerance) << what << ": analytic " << ref::to_double(an) << " fd "
                              << ref::to_double(fd);
    ++checked;
  };
  auto loss = [&] { return loss_of(s, masked_walk(p, s, lengths, nullptr, real100(0))); };
  auto check = [&](std::vector<real100>& v, const std::vector<real100>& analytic,
                   const std::string& name) {
    ASSERT_EQ(v.size(), analytic.size()) << name;
    for (std::size_t k = 0; k < v.size(); ++k) {
      const real100 keep = v[k];
      v[k] = keep + eps;
      const real100 up = loss();
      v[k] = keep - eps;
      const real100 down = loss();
      v[k] = keep;
      compare(real100((up - down) / (2 * eps)), analytic[k], name + "[" + std::to_string(k) + "]");
    }
  };
  for (std::size_t k = 0; k < K; ++k) {
    const std::string block = " of block " + std::to_string(k);
    check(s.w[k].weight_ih, g.parameters[k].weight_ih, "weight_ih" + block);
    check(s.w[k].weight_hh, g.parameters[k].weight_hh, "weight_hh" + block);
    check(s.w[k].bias_ih, g.parameters[k].bias_ih, "bias_ih" + block);
    check(s.w[k].bias_hh, g.parameters[k].bias_hh, "bias_hh" + block);
  }
  check(s.x, g.x, "x");
  check(s.h0, g.h0, "h0");
  if (lstm) check(s.c0, g.c0, "c0");
  // x at a padded step reaches nothing.
  for (std::size_t t = 0; t < T; ++t)
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t i = 0; i < I; ++i)
        if (t >= std::size_t(lengths[b])) {
          EXPECT_EQ(g.x[(t * B + b) * I + i], 0);
        }

  // Per-time dL/dh_t, dL/dc_t of every block: injected in the walk at real steps, exactly zero at
  // padded ones.
  for (bool on_c : {false, true}) {
    if (on_c && !lstm) continue;
    const std::vector<real100>& analytic = on_c ? g.c : g.h;
    ASSERT_EQ(analytic.size(), K * T * S);
    for (std::size_t n = 0; n < analytic.size(); ++n) {
      const injection at{n / (T * S), n / S % T, n % S, on_c};
      const std::size_t b = at.element / H;
      const std::string what = std::string(on_c ? "c" : "h") + "[block " +
                               std::to_string(at.block) + "][t " + std::to_string(at.time) +
                               "][" + std::to_string(at.element) + "]";
      if (at.time >= std::size_t(lengths[b])) {
        EXPECT_EQ(analytic[n], 0) << what << " is a padded step";
        continue;
      }
      auto moved = [&](const real100& amount) {
        return loss_of(s, masked_walk(p, s, lengths, &at, amount));
      };
      compare(real100((moved(eps) - moved(real100(-eps))) / (2 * eps)), analytic[n], what);
    }
  }
  // Every element of every tensor, and every real step's h (and c) of every block.
  std::size_t expected = s.x.size() + s.h0.size() + s.c0.size(), real_steps = 0;
  for (const auto& w : s.w)
    expected += w.weight_ih.size() + w.weight_hh.size() + w.bias_ih.size() + w.bias_hh.size();
  for (std::int64_t len : lengths) real_steps += std::size_t(len);
  expected += K * real_steps * H * (lstm ? 2 : 1);
  EXPECT_EQ(checked, expected);
}

INSTANTIATE_TEST_SUITE_P(
    EveryCell, ReferencePacked,
    ::testing::Combine(::testing::ValuesIn(rnn::all_cells),
                       ::testing::Values(0, 1)),
    [](const auto& info) {
      return std::string(rnn::cell_name(std::get<0>(info.param))) + "_" +
             shapes[std::get<1>(info.param)].shape;
    });

// Lengths all T: the unpacked network's output and final states bit for bit (each row's
// arithmetic is the same), its gradients to 50 digits (the parameter sums add in another order).
TEST(ReferencePackedFull, AllLengthsTIsTheUnpackedNetwork) {
  for (rnn::cell cell : rnn::all_cells) {
    const rnn::problem p = rnn::parse_problem(std::string(rnn::cell_name(cell)) + "_t4_b3_i2_h3_l2_bi_f64");
    SCOPED_TRACE(rnn::format_problem(p));
    const data<real50> s(p);
    const auto packed = ref::packed_forward(p, s.w, s.x, s.h0, s.c0, {4, 4, 4});
    const auto plain = ref::network_forward(p, s.w, s.x, s.h0, s.c0);
    EXPECT_TRUE(packed.padded.output == plain.output);
    EXPECT_TRUE(packed.padded.h_n == plain.h_n);
    EXPECT_TRUE(packed.padded.c_n == plain.c_n);
    const auto a = ref::packed_backward(p, s.w, packed, s.go, s.ghn, s.gcn);
    const auto b = ref::network_backward(p, s.w, plain, s.go, s.ghn, s.gcn);
    auto close = [](const std::vector<real50>& u, const std::vector<real50>& v, const char* what) {
      ASSERT_EQ(u.size(), v.size()) << what;
      for (std::size_t k = 0; k < u.size(); ++k)
        EXPECT_LE(abs(u[k] - v[k]), real50("1e-45") * (abs(v[k]) + 1)) << what << "[" << k << "]";
    };
    for (std::size_t k = 0; k < a.parameters.size(); ++k) {
      close(a.parameters[k].weight_ih, b.parameters[k].weight_ih, "weight_ih");
      close(a.parameters[k].weight_hh, b.parameters[k].weight_hh, "weight_hh");
      close(a.parameters[k].bias_hh, b.parameters[k].bias_hh, "bias_hh");
    }
    close(a.x, b.x, "x");
    close(a.h0, b.h0, "h0");
    close(a.h, b.h, "h");
    close(a.c, b.c, "c");
  }
}

// What the upstream gradient holds at padded steps reaches no gradient at all; the reverse
// direction's last step (t = 0) gets exactly its own upstream plus grad_h_n there, and the forward
// direction's last step is len_b − 1, whatever T is.
TEST(ReferencePackedFull, PaddedUpstreamIsIgnoredAndEachSequenceEndsAtItsLength) {
  const rnn::problem p = rnn::parse_problem("gru_t5_b3_i2_h3_bi_f64");
  const std::vector<std::int64_t> lengths{2, 5, 1};
  const std::size_t B = 3, H = 3, D = 2, S = B * H, T = 5;
  data<real50> s(p);
  const auto run = ref::packed_forward(p, s.w, s.x, s.h0, s.c0, lengths);
  const auto g = ref::packed_backward(p, s.w, run, s.go, s.ghn, s.gcn);
  std::vector<real50> other = s.go;
  for (std::size_t t = 0; t < T; ++t)
    for (std::size_t b = 0; b < B; ++b)
      if (t >= std::size_t(lengths[b]))
        for (std::size_t j = 0; j < D * H; ++j) other[(t * B + b) * D * H + j] *= 1000;
  ASSERT_FALSE(other == s.go);
  const auto moved = ref::packed_backward(p, s.w, run, other, s.ghn, s.gcn);
  EXPECT_TRUE(moved.x == g.x);
  EXPECT_TRUE(moved.h == g.h);
  EXPECT_TRUE(moved.h0 == g.h0);
  for (std::size_t k = 0; k < 2; ++k) EXPECT_TRUE(moved.parameters[k].weight_hh == g.parameters[k].weight_hh);
  for (std::size_t b = 0; b < B; ++b) {
    const std::size_t last = std::size_t(lengths[b]) - 1;
    for (std::size_t j = 0; j < H; ++j) {
      // block 0 (forward) at t = len_b − 1, block 1 (reverse) at t = 0: nothing comes after.
      EXPECT_EQ(g.h[(0 * T + last) * S + b * H + j],
                s.go[(last * B + b) * D * H + j] + s.ghn[0 * S + b * H + j]);
      EXPECT_EQ(g.h[(1 * T + 0) * S + b * H + j], s.go[(0 * B + b) * D * H + H + j] + s.ghn[S + b * H + j]);
      // The reverse direction's output at len_b − 1 is its first step, from h0 alone.
      EXPECT_EQ(run.padded.output[(last * B + b) * D * H + H + j], run.sequences[b].blocks[1].output[j]);
    }
  }
}

TEST(ReferencePackedFull, BadLengthsAreRefused) {
  const rnn::problem p = rnn::parse_problem("elman_tanh_t3_b2_i2_h2_f64");
  const data<double> s(p);
  EXPECT_THROW(ref::packed_forward(p, s.w, s.x, s.h0, s.c0, {1}), rnn::error);
  EXPECT_THROW(ref::packed_forward(p, s.w, s.x, s.h0, s.c0, {0, 3}), rnn::error);
  EXPECT_THROW(ref::packed_forward(p, s.w, s.x, s.h0, s.c0, {1, 4}), rnn::error);
}

// reference::mse_loss against lib's rnn::mse_loss, both losses, without and with lengths (a
// single layer and a bidirectional network): in double the same operations in the same order,
// so the same bits; in real50 within double's rounding. Lengths all T are no lengths.
TEST(ReferencePackedLoss, AgreesWithLibWithAndWithoutLengths) {
  for (const char* d : {"lstm_t6_b4_i2_h3_lenx_f64", "gru_t5_b3_i2_h2_l2_bi_lenx_f64"}) {
    const rnn::problem p = rnn::parse_problem(d);
    const std::size_t n = rnn::network_sizes_of(p).output;
    const std::vector<double> output = values(n, 1, 1), target = values(n, 2, 0.5);
    for (const std::vector<std::int64_t>& lengths :
         {std::vector<std::int64_t>{}, rnn::make_lengths(p),
          std::vector<std::int64_t>(std::size_t(p.B), p.T)})
      for (rnn::loss_kind kind : {rnn::loss_kind::last, rnn::loss_kind::all}) {
        SCOPED_TRACE(std::string(d) + " " + std::string(rnn::loss_name(kind)) + " lengths " +
                     std::to_string(lengths.size()));
        std::vector<double> lib_grad(n);
        const double lib = rnn::mse_loss<double>(p, kind, output, target, lib_grad, lengths);
        const auto twin = ref::mse_loss(p, kind, output, target, lengths);
        EXPECT_EQ(twin.first, lib);
        EXPECT_EQ(twin.second, lib_grad);
        const auto fifty = ref::mse_loss(p, kind, real<real50>(output), real<real50>(target),
                                         lengths);
        EXPECT_NEAR(ref::to_double(fifty.first), lib, 1e-15 * lib);
        for (std::size_t k = 0; k < n; ++k)
          EXPECT_NEAR(ref::to_double(fifty.second[k]), lib_grad[k], 1e-15 * std::abs(lib_grad[k]));
        // Only `last` with lengths shorter than T differs from no lengths: `all` reads every
        // element, padded ones too.
        const bool ragged = !lengths.empty() && lengths.front() != p.T;
        const auto plain = ref::mse_loss(p, kind, output, target);
        EXPECT_EQ(twin.second == plain.second, !(ragged && kind == rnn::loss_kind::last));
      }
    std::vector<std::int64_t> zero(std::size_t(p.B), 1);
    zero[1] = 0;
    EXPECT_THROW(ref::mse_loss(p, rnn::loss_kind::last, output, target, zero), rnn::error);
  }
}

}  // namespace
