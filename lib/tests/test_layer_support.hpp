#pragma once
// Shared by the layer tests: a seeded problem, a plain scalar forward written to be obviously
// right (long double, one loop per equation of DESIGN.md), and a runner for rnn::layer.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "rnn/layer.hpp"

namespace rnn::test {

using vec = std::vector<double>;

// Deterministic U(-scale, scale) from a splitmix64 stream (the test must not depend on init.cpp).
inline vec uniform(std::size_t n, std::uint64_t seed, double scale) {
  vec out(n);
  std::uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
  for (auto& v : out) {
    s += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    v = scale * (2.0 * static_cast<double>(z >> 11) / 9007199254740992.0 - 1.0);
  }
  return out;
}

// A problem and its data, all in double (each test rounds to its Real).
struct case_data {
  problem p;
  vec weight_ih, weight_hh, bias_ih, bias_hh;  // (G·H)×I, (G·H)×H, G·H, G·H
  vec x, h0, c0;                               // T×B×I, B×H, B×H (LSTM) or empty
  vec grad_output, grad_h_n, grad_c_n;         // T×B×H, B×H, B×H (LSTM) or empty
};

inline case_data make_case(cell c, std::int64_t T, std::int64_t B, std::int64_t I,
                           std::int64_t H, std::uint64_t seed, double weight_scale = 0.5) {
  case_data d;
  d.p = problem{c, T, B, I, H, precision::f64};
  const std::size_t GH = gate_count(c) * H, state = B * H;
  // Wide layers get smaller weights so pre-activations stay O(1) (well-conditioned problems).
  d.weight_ih = uniform(GH * I, seed + 1, weight_scale * std::min(1.0, 3 / std::sqrt(double(I))));
  d.weight_hh = uniform(GH * H, seed + 2, weight_scale * std::min(1.0, 3 / std::sqrt(double(H))));
  d.bias_ih = uniform(GH, seed + 3, 0.3);
  d.bias_hh = uniform(GH, seed + 4, 0.3);
  d.x = uniform(T * B * I, seed + 5, 1.0);
  d.h0 = uniform(state, seed + 6, 0.5);
  d.c0 = has_cell_state(c) ? uniform(state, seed + 7, 0.5) : vec{};
  d.grad_output = uniform(T * state, seed + 8, 1.0);
  d.grad_h_n = uniform(state, seed + 9, 1.0);
  d.grad_c_n = has_cell_state(c) ? uniform(state, seed + 10, 1.0) : vec{};
  return d;
}

using real_ref = long double;

inline real_ref sigmoid_ref(real_ref v) { return 1 / (1 + std::exp(-v)); }

// Scalar forward from step t_begin with state (h, c) (B×H each); returns h_t for t_begin..T-1
// (and c_t in c_seq, LSTM's output gate in o_seq), each (T−t_begin)×B×H. Straight from the equations, one element at a time.
inline void reference_forward(const case_data& d, std::int64_t t_begin, vec h, vec c,
                              vec& h_seq, vec& c_seq, vec* o_seq = nullptr) {
  const auto& p = d.p;
  const std::int64_t B = p.B, I = p.I, H = p.H, G = p.G();
  h_seq.assign((p.T - t_begin) * B * H, 0);
  c_seq.assign(has_cell_state(p.cell) ? h_seq.size() : 0, 0);
  if (o_seq) o_seq->assign(c_seq.size(), 0);
  for (std::int64_t t = t_begin; t < p.T; ++t) {
    vec h_new(B * H), c_new(c.size());
    for (std::int64_t b = 0; b < B; ++b) {
      // pre[q·H + j]: x side and h side kept apart (GRU needs the h side of n alone)
      std::vector<real_ref> px(G * H), ph(G * H);
      for (std::int64_t r = 0; r < G * H; ++r) {
        real_ref sx = d.bias_ih[r], sh = d.bias_hh[r];
        for (std::int64_t i = 0; i < I; ++i) sx += real_ref(d.weight_ih[r * I + i]) * d.x[(t * B + b) * I + i];
        for (std::int64_t k = 0; k < H; ++k) sh += real_ref(d.weight_hh[r * H + k]) * h[b * H + k];
        px[r] = sx, ph[r] = sh;
      }
      for (std::int64_t j = 0; j < H; ++j) {
        const std::int64_t s = b * H + j;
        real_ref out = 0;
        switch (p.cell) {
          case cell::elman_tanh: out = std::tanh(px[j] + ph[j]); break;
          case cell::elman_sigmoid: out = sigmoid_ref(px[j] + ph[j]); break;
          case cell::elman_relu: out = std::max<real_ref>(0, px[j] + ph[j]); break;
          case cell::lstm: {
            real_ref i = sigmoid_ref(px[j] + ph[j]), f = sigmoid_ref(px[H + j] + ph[H + j]);
            real_ref g = std::tanh(px[2 * H + j] + ph[2 * H + j]);
            real_ref o = sigmoid_ref(px[3 * H + j] + ph[3 * H + j]);
            real_ref cc = f * c[s] + i * g;
            c_new[s] = static_cast<double>(cc);
            if (o_seq) (*o_seq)[(t - t_begin) * B * H + s] = static_cast<double>(o);
            out = o * std::tanh(cc);
            break;
          }
          case cell::gru: {
            real_ref r = sigmoid_ref(px[j] + ph[j]), z = sigmoid_ref(px[H + j] + ph[H + j]);
            real_ref n = std::tanh(px[2 * H + j] + r * ph[2 * H + j]);
            out = (1 - z) * n + z * h[s];
            break;
          }
        }
        h_new[s] = static_cast<double>(out);
      }
    }
    h = h_new, c = c_new;
    std::copy(h.begin(), h.end(), h_seq.begin() + (t - t_begin) * B * H);
    if (!c.empty()) std::copy(c.begin(), c.end(), c_seq.begin() + (t - t_begin) * B * H);
  }
}

// Everything one forward + backward of rnn::layer produces, widened to double.
struct layer_result {
  vec output, h_n, c_n;
  vec weight_ih, weight_hh, bias_ih, bias_hh, x, h0, c0, h, c;  // gradients
};

template <class Real>
std::vector<Real> to(const vec& v) { return std::vector<Real>(v.begin(), v.end()); }
template <class Real>
vec widen(const std::vector<Real>& v) { return vec(v.begin(), v.end()); }

template <class Real>
layer_result run_layer(const case_data& d, rnn::isa isa, std::int64_t steps = 0,
                       bool with_final_grads = true, int threads = 1,
                       std::int64_t chunk_steps = 0, std::size_t l2_bytes = 0) {
  problem p = d.p;
  p.precision = sizeof(Real) == 4 ? precision::f32 : precision::f64;
  const auto w_ih = to<Real>(d.weight_ih), w_hh = to<Real>(d.weight_hh);
  const auto b_ih = to<Real>(d.bias_ih), b_hh = to<Real>(d.bias_hh);
  layer<Real> L(p, parameters_view<Real>{w_ih, w_hh, b_ih, b_hh},
                layer_options{isa, threads, chunk_steps, l2_bytes});
  const std::size_t state = p.B * p.H, seq = p.T * state;
  const bool lstm = has_cell_state(p.cell);
  const auto x = to<Real>(d.x), h0 = to<Real>(d.h0), c0 = to<Real>(d.c0);
  std::vector<Real> out(seq), h_n(state), c_n(lstm ? state : 0);
  L.forward(x, h0, c0, out, h_n, c_n);
  const auto g_out = to<Real>(d.grad_output);
  const auto g_h = with_final_grads ? to<Real>(d.grad_h_n) : std::vector<Real>{};
  const auto g_c = with_final_grads ? to<Real>(d.grad_c_n) : std::vector<Real>{};
  std::vector<Real> dw_ih(w_ih.size()), dw_hh(w_hh.size()), db_ih(b_ih.size()), db_hh(b_hh.size());
  std::vector<Real> dx(x.size()), dh0(state), dc0(lstm ? state : 0), dh(seq), dc(lstm ? seq : 0);
  L.backward(g_out, g_h, g_c, gradients_view<Real>{dw_ih, dw_hh, db_ih, db_hh, dx, dh0, dc0, dh, dc},
             steps);
  return {widen(out), widen(h_n), widen(c_n), widen(dw_ih), widen(dw_hh), widen(db_ih),
          widen(db_hh), widen(dx), widen(dh0), widen(dc0), widen(dh), widen(dc)};
}

// Every output and gradient bit for bit (the paths that must not change a single bit).
inline void expect_identical(const layer_result& a, const layer_result& b,
                             const std::string& what) {
  EXPECT_EQ(a.output, b.output) << what;
  EXPECT_EQ(a.c_n, b.c_n) << what;
  EXPECT_EQ(a.weight_ih, b.weight_ih) << what;
  EXPECT_EQ(a.weight_hh, b.weight_hh) << what;
  EXPECT_EQ(a.bias_ih, b.bias_ih) << what;
  EXPECT_EQ(a.bias_hh, b.bias_hh) << what;
  EXPECT_EQ(a.x, b.x) << what;
  EXPECT_EQ(a.h0, b.h0) << what;
  EXPECT_EQ(a.c0, b.c0) << what;
  EXPECT_EQ(a.h, b.h) << what;
}

// Largest |a_i − b_i| / (1 + |b_i|): relative for large values, absolute near zero.
inline double max_difference(const vec& a, const vec& b) {
  if (a.size() != b.size()) return INFINITY;
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = std::abs(a[i] - b[i]) / (1 + std::abs(b[i]));
    if (std::isnan(d)) return INFINITY;  // a NaN must fail a comparison, not vanish in max()
    worst = std::max(worst, d);
  }
  return worst;
}

inline std::string isa_label(rnn::isa i) { return std::string(isa_name(i)); }

// Every (instruction set, cell) pair, and the test name "<isa>_<cell>" GoogleTest gives each.
inline auto every_isa_and_cell() {
  return ::testing::Combine(::testing::ValuesIn(available_isas()), ::testing::ValuesIn(all_cells));
}
struct isa_and_cell_name {
  template <class Info>
  std::string operator()(const Info& info) const {
    return isa_label(std::get<0>(info.param)) + "_" +
           std::string(cell_name(std::get<1>(info.param)));
  }
};

}  // namespace rnn::test
