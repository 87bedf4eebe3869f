// Legs b and c: the reference validated against itself.
// b: every BPTT quantity (dL/dh_t, dL/dc_t, dx_t at every step, dh0, dc0, every parameter block
//    per gate) against a directional central finite difference of the loss in 100-digit
//    arithmetic, step ε = max(1e-30, (u100·|L|/‖g‖)^(1/3)): |FD − <g, d>| / ‖g‖ <= 1e-25
//    (25 matching digits). The difference's own floor (rounding u100·|L|/ε, truncation
//    |FD(2ε) − FD(ε)|/3) must lie far below that, else MISTRUSTED.
// c: the 50-digit reference against the 100-digit one, within a thousandth of double's tolerance.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "conditioning.hpp"
#include "network_check.hpp"
#include "rnnsuite/verify/legs.hpp"
#include "truth.hpp"

namespace rnnsuite::verify {

using reference::real100;
using reference::real50;
using real400 = boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<400>>;

namespace {

constexpr double fd_tolerance = 1e-25;

// ±1 entries, a splitmix64 stream per (block, step): deterministic and cheap.
template <class Real>
std::vector<Real> direction(std::uint64_t block, std::int64_t step, std::size_t n) {
  std::uint64_t z = block * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(step + 7) * 0xBF58476D1CE4E5B9ull;
  std::vector<Real> d;
  for (std::size_t k = 0; k < n; ++k) {
    z += 0x9E3779B97F4A7C15ull;
    std::uint64_t y = z;
    y = (y ^ (y >> 30)) * 0xBF58476D1CE4E5B9ull;
    y = (y ^ (y >> 27)) * 0x94D049BB133111EBull;
    y ^= y >> 31;
    d.emplace_back((y & 1) ? 1 : -1);
  }
  return d;
}

template <class Real>
struct fd_problem {
  rnn::problem p;
  rnn::loss_kind kind;
  reference::weights<Real> w;
  reference::trajectory<Real> run;
  std::vector<Real> target;
  std::size_t S, X;
  std::vector<Real> final_h, final_c;  // the loss's linear terms in h_n, c_n (empty: none)

  // L with the kept outputs of steps [0, kept), then `extra` as the output of step `kept` (if
  // not empty), then a fresh forward from state (h, c) over steps [from, T) with inputs x; when
  // from = T, (h, c) is the final state.
  Real loss(std::size_t kept, const std::vector<Real>& extra, std::size_t from,
               const std::vector<Real>& h, const std::vector<Real>& c,
               const std::vector<Real>& x, const reference::weights<Real>& weights) const {
    std::vector<Real> out(run.output.begin(), run.output.begin() + static_cast<std::ptrdiff_t>(kept * S));
    out.insert(out.end(), extra.begin(), extra.end());
    std::vector<Real> h_n = h, c_n = c;
    if (from < static_cast<std::size_t>(p.T)) {
      rnn::problem rest = p;
      rest.T = p.T - static_cast<std::int64_t>(from);
      const std::vector<Real> x_rest(x.begin() + static_cast<std::ptrdiff_t>(from * X), x.end());
      const auto r = reference::forward(rest, weights, x_rest, h, c);
      out.insert(out.end(), r.output.begin(), r.output.end());
      h_n = r.h_n, c_n = r.c_n;
    }
    Real L = reference::mse_loss(p, kind, out, target).first;
    for (std::size_t k = 0; k < final_h.size(); ++k) L += final_h[k] * h_n[k];
    for (std::size_t k = 0; k < final_c.size(); ++k) L += final_c[k] * c_n[k];
    return L;
  }
};

// One directional check: `perturbed(e)` is L with the checked quantity moved by e·d.
template <class Real, class Perturbed>
block_check directional(std::string block, std::int64_t step, const std::vector<Real>& g,
                        const std::vector<Real>& d, const Real& loss_scale,
                        Perturbed perturbed) {
  Real analytic = 0, g2 = 0;
  for (std::size_t k = 0; k < g.size(); ++k) analytic += g[k] * d[k], g2 += g[k] * g[k];
  using boost::multiprecision::abs;
  using boost::multiprecision::cbrt;
  using boost::multiprecision::sqrt;
  const Real u = std::numeric_limits<Real>::epsilon() / 2;
  // ε = 1e-30, or larger where g is tiny: the rounding floor u|L|/ε must stay far below ‖g‖,
  // and a tiny ‖g‖ (a vanished chain) scales every derivative along d alike, truncation too.
  Real eps("1e-30");
  if (g2 > 0) {
    const Real balanced = cbrt(Real(u * abs(loss_scale) / sqrt(g2)));
    if (balanced > eps) eps = balanced;
  }
  const Real fd1 = (perturbed(eps) - perturbed(Real(-eps))) / (2 * eps);
  const Real fd2 = (perturbed(Real(2 * eps)) - perturbed(Real(-2 * eps))) / (4 * eps);
  const Real floor = 8 * u * abs(loss_scale) / eps + abs(fd2 - fd1) / 3;
  block_check c;
  c.block = std::move(block), c.step = step;
  const Real norm = sqrt(g2);
  c.reference_norm = reference::to_double(norm);
  c.tolerance = fd_tolerance;
  if (norm == 0) {  // no gradient: the difference must vanish to its floor
    c.error = reference::to_double(Real(abs(fd1)));
    c.outcome = abs(fd1) <= floor ? verdict::pass : verdict::fail;
    return c;
  }
  c.error = reference::to_double(Real(abs(fd1 - analytic) / norm));
  const double floor_rel = reference::to_double(Real(floor / norm));
  if (!(floor_rel < 1e-3 * fd_tolerance))
    c.outcome = verdict::mistrusted;
  else
    c.outcome = c.error <= fd_tolerance ? verdict::pass : verdict::fail;
  return c;
}

template <class Real>
std::vector<Real> axpy(const std::vector<Real>& v, const Real& e,
                          const std::vector<Real>& d, std::size_t at = 0) {
  std::vector<Real> out = v;
  for (std::size_t k = 0; k < d.size(); ++k) out[at + k] += e * d[k];
  return out;
}

// only: which checks to compute, by their order (null: all); the others are skipped.
template <class Real>
leg_result finite_differences_in(const regime& r, const std::vector<bool>* only = nullptr) {
  std::size_t next = 0;
  auto wanted = [&] { return !only || (*only)[next++]; };
  rnn::problem p = r.problem;
  p.precision = rnn::precision::f64;
  const reference::dims dm(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  const rnn::parameters<double> params = regime_parameters<double>(r);
  const rnn::inputs<double> in = regime_inputs<double>(r);
  using reference::convert;
  const final_state_weights<double> final_state = regime_final_state_weights<double>(r);
  fd_problem<Real> f{p, r.run.loss, reference::to_weights<Real, double>(params), {},
               convert<Real, double>(in.target), dm.B * dm.H, dm.B * dm.I,
               convert<Real, double>(final_state.h), convert<Real, double>(final_state.c)};
  const auto x = convert<Real, double>(in.x), h0 = convert<Real, double>(in.h0);
  const auto c0 = convert<Real, double>(in.c0);
  f.run = reference::forward(p, f.w, x, h0, c0);
  const auto [mse, grad_output] = reference::mse_loss(p, r.run.loss, f.run.output, f.target);
  Real loss = mse;  // the loss's scale, for the difference's rounding floor
  for (std::size_t k = 0; k < f.final_h.size(); ++k) loss += f.final_h[k] * f.run.h_n[k];
  for (std::size_t k = 0; k < f.final_c.size(); ++k) loss += f.final_c[k] * f.run.c_n[k];
  const auto g = reference::backward(p, f.w, f.run, grad_output, f.final_h, f.final_c);
  const std::size_t S = f.S, X = f.X, H = dm.H;
  auto slice = [](const std::vector<Real>& v, std::size_t at, std::size_t n) {
    return std::vector<Real>(v.begin() + static_cast<std::ptrdiff_t>(at),
                                v.begin() + static_cast<std::ptrdiff_t>(at + n));
  };
  auto state_before = [&](const std::vector<Real>& seq, const std::vector<Real>& initial,
                          std::size_t t) { return t == 0 ? initial : slice(seq, (t - 1) * S, S); };
  leg_result res;
  res.leg = "fd", res.problem = r.name();
  for (std::size_t t = 0; t < dm.T; ++t) {
    const auto step = static_cast<std::int64_t>(t);
    const auto h_t = slice(f.run.output, t * S, S);
    const auto c_t = lstm ? slice(f.run.c, t * S, S) : std::vector<Real>{};
    const auto dh = direction<Real>(1, step, S);
    if (wanted()) res.checks.push_back(directional("dh", step, slice(g.h, t * S, S), dh, loss, [&](const Real& e) {
      const auto moved = axpy(h_t, e, dh);
      return f.loss(t, moved, t + 1, moved, c_t, x, f.w);
    }));
    if (lstm) {
      const auto dc = direction<Real>(2, step, S);
      if (wanted()) res.checks.push_back(directional("dc", step, slice(g.c, t * S, S), dc, loss, [&](const Real& e) {
        const auto moved = axpy(c_t, e, dc);
        std::vector<Real> h(S);  // h_t = o ⊙ tanh(c_t) follows c_t
        for (std::size_t b = 0; b < dm.B; ++b)
          for (std::size_t k = 0; k < H; ++k) {
            using std::tanh;
            const Real& o = f.run.gates[(t * dm.B + b) * 4 * H + 3 * H + k];
            h[b * H + k] = o * tanh(moved[b * H + k]);
          }
        return f.loss(t, h, t + 1, h, moved, x, f.w);
      }));
    }
    const auto dx = direction<Real>(3, step, X);
    const auto h_prev = state_before(f.run.output, h0, t);
    const auto c_prev = lstm ? state_before(f.run.c, c0, t) : std::vector<Real>{};
    if (wanted()) res.checks.push_back(directional("dx", step, slice(g.x, t * X, X), dx, loss, [&](const Real& e) {
      return f.loss(t, {}, t, h_prev, c_prev, axpy(x, e, dx, t * X), f.w);
    }));
  }
  const auto d_h0 = direction<Real>(4, -1, S);
  if (wanted()) res.checks.push_back(directional("dh0", -1, g.h0, d_h0, loss, [&](const Real& e) {
    return f.loss(0, {}, 0, axpy(h0, e, d_h0), c0, x, f.w);
  }));
  if (lstm) {
    const auto d_c0 = direction<Real>(5, -1, S);
    if (wanted()) res.checks.push_back(directional("dc0", -1, g.c0, d_c0, loss, [&](const Real& e) {
      return f.loss(0, {}, 0, h0, axpy(c0, e, d_c0), x, f.w);
    }));
  }
  const std::string gates = detail::gate_names(p.cell);
  std::uint64_t id = 10;
  auto per_gate = [&](const char* name, std::vector<Real> reference::weights<Real>::*member,
                      const std::vector<Real>& grad, std::size_t per_row) {
    const std::size_t n = H * per_row;
    for (std::size_t k = 0; k < dm.G; ++k) {
      const auto d = direction<Real>(id++, -1, n);
      if (wanted()) res.checks.push_back(directional(std::string(name) + "." + gates[k], -1,
                                       slice(grad, k * n, n), d, loss, [&](const Real& e) {
        reference::weights<Real> moved = f.w;
        moved.*member = axpy(f.w.*member, e, d, k * n);
        return f.loss(0, {}, 0, h0, c0, x, moved);
      }));
    }
  };
  per_gate("weight_ih", &reference::weights<Real>::weight_ih, g.weight_ih, dm.I);
  per_gate("weight_hh", &reference::weights<Real>::weight_hh, g.weight_hh, dm.H);
  per_gate("bias_ih", &reference::weights<Real>::bias_ih, g.bias_ih, 1);
  per_gate("bias_hh", &reference::weights<Real>::bias_hh, g.bias_hh, 1);
  detail::summarize(res);
  return res;
}

}  // namespace

leg_result check_finite_differences(const regime& r) {
  // Sequences of different lengths: the packed reference, which the network path runs.
  if (rnn::is_network(r.problem) || rnn::has_lengths(r.problem))
    return detail::network_finite_differences(r);
  leg_result res = finite_differences_in<real100>(r);
  // A gradient that vanished below what 100 digits resolve (|g| far under u100·|L|): those checks
  // again in 400 digits, where the floor is far below it, rather than a verdict of MISTRUSTED.
  std::vector<bool> undecided;
  for (const block_check& c : res.checks) undecided.push_back(c.outcome == verdict::mistrusted);
  if (std::find(undecided.begin(), undecided.end(), true) == undecided.end()) return res;
  const leg_result deeper = finite_differences_in<real400>(r, &undecided);
  for (std::size_t k = 0, j = 0; k < res.checks.size(); ++k)
    if (undecided[k]) res.checks[k] = deeper.checks[j++];
  res.leg = "fd400";
  res.worst_block.clear(), res.worst_step = -1;
  detail::summarize(res);
  return res;
}

leg_result check_digits(const regime& r) {
  if (rnn::is_network(r.problem) || rnn::has_lengths(r.problem))
    return detail::network_check(r).digits();
  rnn::problem p = r.problem;
  p.precision = rnn::precision::f64;
  const rnn::parameters<double> params = regime_parameters<double>(r);
  const rnn::inputs<double> in = regime_inputs<double>(r);
  auto gradients_in = [&](auto zero) {
    using Real = decltype(zero);
    using reference::convert;
    const auto w = reference::to_weights<Real, double>(params);
    const auto run = reference::forward(p, w, convert<Real, double>(in.x),
                                        convert<Real, double>(in.h0), convert<Real, double>(in.c0));
    const auto loss = reference::mse_loss(p, r.run.loss, run.output, convert<Real, double>(in.target));
    const final_state_weights<double> final_state = regime_final_state_weights<double>(r);
    return std::make_tuple(w, run, detail::exact_gradients(r, w, run, loss.second,
                                                           convert<Real, double>(final_state.h),
                                                           convert<Real, double>(final_state.c)));
  };
  const auto [w100, run100, truth] = gradients_in(real100(0));
  const auto low = std::get<2>(gradients_in(real50(0)));
  auto up = [](const std::vector<real50>& v) {
    return std::vector<real100>(v.begin(), v.end());  // exact
  };
  const reference::gradients<real100> checked{up(low.weight_ih), up(low.weight_hh),
                                              up(low.bias_ih),   up(low.bias_hh),
                                              up(low.x),         up(low.h0),
                                              up(low.c0),        up(low.h),
                                              up(low.c),         {},
                                              {}};
  // 50 digits suffice when they stay a thousand times inside the tightest tolerance leg a uses
  // (double's): the reference's own error can then never decide a verdict.
  const double demanded = 1e-3 * std::numeric_limits<double>::epsilon() / 2;
  const double u100 = std::ldexp(1.0, -std::numeric_limits<real100>::digits);
  const detail::format_range unbounded{0, 0, std::numeric_limits<double>::infinity(), demanded};
  leg_result res;
  res.leg = "digits", res.problem = r.name();
  detail::conditioning cond = detail::conditioning_of(p, w100, run100, truth);
  const detail::backward_depth depth = detail::depth_of(r);
  cond.depth = depth.depth, cond.sum_depth = depth.sum_depth;
  res.checks = detail::compare_all<real100>(p, checked, truth, cond, demanded, u100, unbounded,
                                            r.exploding);
  detail::summarize(res);
  return res;
}

}  // namespace rnnsuite::verify
