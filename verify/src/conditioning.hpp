#pragma once
// The conditioning a tolerance needs, measured on the reference (tolerance.hpp), and the
// block-by-block comparison of a checked set of gradients with the truth, shared by legs a and c.
#include <cmath>
#include <string>
#include <vector>

#include "compare.hpp"
#include "rnnsuite/verify/tolerance.hpp"

namespace rnnsuite::verify::detail {

struct conditioning {
  double growth = 1;               // Γ
  double dot_length = 1;           // n
  std::vector<double> rho_x;       // per step: cancellation in dx_t = W_ihᵀ δ_t
  std::vector<double> step_scale;  // per step: ‖g_t‖·(‖x_t‖ + ‖h_{t-1}‖ + ‖c_{t-1}‖ + √B)
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
  std::vector<double> norms;
  for (std::int64_t t = -1; t < p.T; ++t) norms.push_back(adjoint(t));
  c.growth = adjoint_growth(norms);
  const double w_ih = norm_of(w.weight_ih.data(), w.weight_ih.size());
  for (std::size_t t = 0; t < d.T; ++t) {
    const double gt = norms[t + 1];
    const double dx = norm_of(&g.x[t * X], X);
    c.rho_x.push_back(dx > 0 ? std::max(1.0, w_ih * gt / dx) : 1.0);
    const double xt = norm_of(&run.x[t * X], X);
    const double hp = t == 0 ? norm_of(run.h0.data(), S) : norm_of(&run.output[(t - 1) * S], S);
    const double cp = !lstm ? 0 : t == 0 ? norm_of(run.c0.data(), S) : norm_of(&run.c[(t - 1) * S], S);
    c.step_scale.push_back(gt * (xt + hp + cp + std::sqrt(static_cast<double>(d.B))));
  }
  return c;
}

// Every block of `checked` against `truth`: per step dh, dc, dx; dh0, dc0; every parameter
// block split per gate. u: the checked format's unit roundoff; u_truth: the truth's.
template <class Real>
std::vector<block_check> compare_all(const rnn::problem& p,
                                     const reference::gradients<Real>& checked,
                                     const reference::gradients<Real>& truth,
                                     const conditioning& c, double u, double u_truth,
                                     const format_range& range, bool exploding) {
  const reference::dims d(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  const std::size_t S = d.B * d.H, X = d.B * d.I;
  const tolerance_model model{u, c.dot_length, c.growth, p.T};
  const tolerance_model truth_model{u_truth, c.dot_length, c.growth, p.T};
  std::vector<block_check> out;
  auto slice = [](const std::vector<Real>& v, std::size_t at, std::size_t n) {
    return std::span<const Real>(v).subspan(at, n);
  };
  for (std::size_t t = 0; t < d.T; ++t) {
    const auto step = static_cast<std::int64_t>(t);
    const double tol = model.at_step(step), floor = truth_model.at_step(step);
    out.push_back(judge<Real>("dh", step, slice(checked.h, t * S, S), slice(truth.h, t * S, S),
                              tol, floor, range, exploding));
    if (lstm)
      out.push_back(judge<Real>("dc", step, slice(checked.c, t * S, S),
                                slice(truth.c, t * S, S), tol, floor, range, exploding));
    out.push_back(judge<Real>("dx", step, slice(checked.x, t * X, X), slice(truth.x, t * X, X),
                              tol * c.rho_x[t], floor * c.rho_x[t], range, exploding));
  }
  out.push_back(judge<Real>("dh0", -1, checked.h0, truth.h0, model.at_step(-1),
                            truth_model.at_step(-1), range, exploding));
  if (lstm)
    out.push_back(judge<Real>("dc0", -1, checked.c0, truth.c0, model.at_step(-1),
                              truth_model.at_step(-1), range, exploding));
  double scale_sum = 0;
  for (double s : c.step_scale) scale_sum += s;
  const std::string gates = gate_names(p.cell);
  auto per_gate = [&](const char* name, const std::vector<Real>& a, const std::vector<Real>& b,
                      std::size_t per_row) {
    const std::size_t n = d.H * per_row;
    for (std::size_t k = 0; k < d.G; ++k) {
      const double block_norm = norm_of(&b[k * n], n);
      const double rho = block_norm > 0 ? scale_sum / block_norm : 1.0;
      out.push_back(judge<Real>(std::string(name) + "." + gates[k], -1, slice(a, k * n, n),
                                slice(b, k * n, n), model.for_sum(rho),
                                truth_model.for_sum(rho), range, exploding));
    }
  };
  per_gate("weight_ih", checked.weight_ih, truth.weight_ih, d.I);
  per_gate("weight_hh", checked.weight_hh, truth.weight_hh, d.H);
  per_gate("bias_ih", checked.bias_ih, truth.bias_ih, 1);
  per_gate("bias_hh", checked.bias_hh, truth.bias_hh, 1);
  return out;
}

}  // namespace rnnsuite::verify::detail
