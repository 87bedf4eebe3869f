#pragma once
// The conditioning a tolerance needs, measured on the reference (tolerance.hpp), and the
// block-by-block comparison of a checked set of gradients with the truth, shared by legs a and c.
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "compare.hpp"
#include "rnnsuite/verify/tolerance.hpp"

namespace rnnsuite::verify::detail {

struct conditioning {
  double growth = 1;               // Γ
  double dot_length = 1;           // n
  std::vector<double> rho_x;       // per step: ‖|W_ih|ᵀ|δ_t|‖ / ‖dx_t‖ (cancellation in dx_t)
  // Per parameter block (weight_ih, weight_hh, bias_ih, bias_hh) and gate: ‖Σ_t |term_t|‖ /
  // ‖Σ_t term_t‖, the componentwise condition number of the sum over time.
  std::vector<double> rho_params[4];
  // Backward steps reaching each step and each parameter sum (tolerance_model); empty: full BPTT.
  std::vector<double> depth;
  double sum_depth = 0;
};

template <class Real>
double norm_of(const Real* v, std::size_t n) {
  Real s = 0;
  for (std::size_t k = 0; k < n; ++k) s += v[k] * v[k];
  using std::sqrt;
  return reference::to_double(Real(sqrt(s)));
}

template <class Real>
conditioning conditioning_of(const rnn::problem& p, const reference::weights<Real>& w,
                             const reference::trajectory<Real>& run,
                             const reference::gradients<Real>& g) {
  const reference::dims d(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  const std::size_t S = d.B * d.H, X = d.B * d.I;
  conditioning c;
  c.dot_length = static_cast<double>(d.I + d.H + d.G * d.H + 8);
  auto adjoint = [&](std::int64_t t) {  // ‖(dL/dh_t, dL/dc_t)‖, t = -1 for h0
    const Real* h = t < 0 ? g.h0.data() : &g.h[static_cast<std::size_t>(t) * S];
    double n = norm_of(h, S);
    if (lstm) {
      const double nc = norm_of(t < 0 ? g.c0.data() : &g.c[static_cast<std::size_t>(t) * S], S);
      n = std::sqrt(n * n + nc * nc);
    }
    return n;
  };
  // What enters step t's arithmetic: its state and input (relative forward errors scale so).
  auto magnitude = [&](std::int64_t t) {
    if (t < 0)
      return norm_of(run.h0.data(), S) + (lstm ? norm_of(run.c0.data(), S) : 0) +
             std::sqrt(static_cast<double>(d.B));
    const std::size_t k = static_cast<std::size_t>(t);
    return norm_of(&run.output[k * S], S) + (lstm ? norm_of(&run.c[k * S], S) : 0) +
           norm_of(&run.x[k * X], X) + std::sqrt(static_cast<double>(d.B));
  };
  std::vector<double> norms, weighted;
  for (std::int64_t t = -1; t < p.T; ++t) {
    norms.push_back(adjoint(t));
    weighted.push_back(norms.back() * magnitude(t));
  }
  c.growth = adjoint_growth(weighted);
  // |δ| in double: magnitudes only (a δ below double's range is negligible here).
  const std::size_t GH = d.G * d.H;
  std::vector<double> ax(g.delta_x.size()), ah(g.delta_h.size());
  for (std::size_t k = 0; k < ax.size(); ++k) {
    ax[k] = std::fabs(reference::to_double(g.delta_x[k]));
    ah[k] = std::fabs(reference::to_double(g.delta_h[k]));
  }
  // Magnitudes in double, converted once (the loops below visit each many times).
  auto magnitudes = [](const std::vector<Real>& v) {
    std::vector<double> out(v.size());
    for (std::size_t k = 0; k < v.size(); ++k) out[k] = std::fabs(reference::to_double(v[k]));
    return out;
  };
  const std::vector<double> abs_w_ih = magnitudes(w.weight_ih), abs_x = magnitudes(run.x),
                            abs_h0 = magnitudes(run.h0), abs_h = magnitudes(run.output);
  for (std::size_t t = 0; t < d.T; ++t) {
    double abs2 = 0;
    for (std::size_t b = 0; b < d.B; ++b)
      for (std::size_t i = 0; i < d.I; ++i) {
        double s2 = 0;
        for (std::size_t r = 0; r < GH; ++r) s2 += abs_w_ih[r * d.I + i] * ax[(t * d.B + b) * GH + r];
        abs2 += s2 * s2;
      }
    const double dx = norm_of(&g.x[t * X], X);
    c.rho_x.push_back(dx > 0 ? std::max(1.0, std::sqrt(abs2) / dx) : 1.0);
  }
  // Σ over t, b of |δ_r|·|input_i| for every element of each block, then per gate.
  auto input_of = [&](int which, std::size_t row, std::size_t i) -> double {
    if (which == 0) return abs_x[row * d.I + i];
    const std::size_t t = row / d.B, b = row % d.B;
    return t == 0 ? abs_h0[b * d.H + i] : abs_h[((t - 1) * d.B + b) * d.H + i];
  };
  for (int which = 0; which < 4; ++which) {
    const std::size_t cols = which == 0 ? d.I : which == 1 ? d.H : 1;
    const std::vector<double>& delta = (which == 0 || which == 2) ? ax : ah;
    const std::vector<Real>& total = which == 0   ? g.weight_ih
                                     : which == 1 ? g.weight_hh
                                     : which == 2 ? g.bias_ih
                                                  : g.bias_hh;
    for (std::size_t k = 0; k < d.G; ++k) {
      double abs2 = 0;
      for (std::size_t r = k * d.H; r < (k + 1) * d.H; ++r)
        for (std::size_t i = 0; i < cols; ++i) {
          double s2 = 0;
          for (std::size_t row = 0; row < d.T * d.B; ++row)
            s2 += delta[row * GH + r] * (which >= 2 ? 1.0 : input_of(which, row, i));
          abs2 += s2 * s2;
        }
      const double block = norm_of(&total[k * d.H * cols], d.H * cols);
      c.rho_params[which].push_back(block > 0 ? std::max(1.0, std::sqrt(abs2) / block) : 1.0);
    }
  }
  return c;
}

// The measured conditioning of blocks (measured_conditioning below), by block name and step.
using measured_blocks = std::map<std::pair<std::string, std::int64_t>, double>;

// Every block of `checked` against `truth`: per step dh, dc, dx, then dh0, dc0 and every
// parameter block split per gate, each only where `checked` has it (an implementation asked for
// the parameter gradients alone gives no dx; a dump may hold any subset). u: the checked format's
// unit roundoff; u_truth: the truth's. measured: when given, a block's tolerance is at least
// C·u·n times its measured conditioning.
template <class Real>
std::vector<block_check> compare_all(const rnn::problem& p,
                                     const reference::gradients<Real>& checked,
                                     const reference::gradients<Real>& truth,
                                     const conditioning& c, double u, double u_truth,
                                     const format_range& range, bool exploding,
                                     const measured_blocks* measured = nullptr) {
  const reference::dims d(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  const std::size_t S = d.B * d.H, X = d.B * d.I;
  const std::vector<double>* depth = c.depth.empty() ? nullptr : &c.depth;
  const tolerance_model model{u, c.dot_length, c.growth, p.T, depth, c.sum_depth};
  const tolerance_model truth_model{u_truth, c.dot_length, c.growth, p.T, depth, c.sum_depth};
  std::vector<block_check> out;
  // tol = u·n·max(κ_model, κ_measured) when a measurement of the block is given.
  auto raise = [&](double tol, const std::string& block, std::int64_t step) {
    if (!measured) return tol;
    const auto found = measured->find({block, step});
    if (found == measured->end()) return tol;
    return std::max(tol, tolerance_constant * u * c.dot_length * found->second);
  };
  auto slice = [](const std::vector<Real>& v, std::size_t at, std::size_t n) {
    return std::span<const Real>(v).subspan(at, n);
  };
  for (std::size_t t = 0; t < d.T; ++t) {
    const auto step = static_cast<std::int64_t>(t);
    const double tol = model.at_step(step), floor = truth_model.at_step(step);
    if (!checked.h.empty())
      out.push_back(judge<Real>("dh", step, slice(checked.h, t * S, S), slice(truth.h, t * S, S),
                                raise(tol, "dh", step), floor, range, exploding));
    if (lstm && !checked.c.empty())
      out.push_back(judge<Real>("dc", step, slice(checked.c, t * S, S),
                                slice(truth.c, t * S, S), raise(tol, "dc", step), floor, range,
                                exploding));
    if (!checked.x.empty())
      out.push_back(judge<Real>("dx", step, slice(checked.x, t * X, X), slice(truth.x, t * X, X),
                                raise(tol * c.rho_x[t], "dx", step), floor * c.rho_x[t], range,
                                exploding));
  }
  if (!checked.h0.empty())
    out.push_back(judge<Real>("dh0", -1, checked.h0, truth.h0, raise(model.at_step(-1), "dh0", -1),
                              truth_model.at_step(-1), range, exploding));
  if (lstm && !checked.c0.empty())
    out.push_back(judge<Real>("dc0", -1, checked.c0, truth.c0, raise(model.at_step(-1), "dc0", -1),
                              truth_model.at_step(-1), range, exploding));
  const std::string gates = gate_names(p.cell);
  auto per_gate = [&](int which, const char* name, const std::vector<Real>& a,
                      const std::vector<Real>& b, std::size_t per_row) {
    if (a.empty()) return;
    const std::size_t n = d.H * per_row;
    for (std::size_t k = 0; k < d.G; ++k) {
      const double rho = c.rho_params[which][k];
      const std::string block = std::string(name) + "." + gates[k];
      out.push_back(judge<Real>(block, -1, slice(a, k * n, n), slice(b, k * n, n),
                                raise(model.for_sum(rho), block, -1), truth_model.for_sum(rho),
                                range, exploding));
    }
  };
  per_gate(0, "weight_ih", checked.weight_ih, truth.weight_ih, d.I);
  per_gate(1, "weight_hh", checked.weight_hh, truth.weight_hh, d.H);
  per_gate(2, "bias_ih", checked.bias_ih, truth.bias_ih, 1);
  per_gate(3, "bias_hh", checked.bias_hh, truth.bias_hh, 1);
  return out;
}

// The measured conditioning of every block, in compare_all's order: the relative error of the
// same computation in 50 digits against 100, over u50. It is the actual amplification of rounding
// errors along this trajectory, where the model's Γ (a norm ratio of the adjoint) can miss growth
// in directions the adjoint does not take.
inline measured_blocks measured_conditioning(const std::vector<block_check>& fifty_vs_hundred,
                                            double u50) {
  measured_blocks kappa;
  for (const block_check& c : fifty_vs_hundred) kappa[{c.block, c.step}] = c.error / u50;
  return kappa;
}

}  // namespace rnnsuite::verify::detail
