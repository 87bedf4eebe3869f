// The regimes the mutant matrix runs (matrix.hpp).
#include "rnnsuite/verify/regimes.hpp"

#include "matrix.hpp"

namespace rnnsuite::mutants {

namespace {

// Elman, W_hh = s·Q with γ·s = gamma_gain, batch 1, I = 4, H = 8.
regime elman(rnn::cell cell, const char* label, double gamma_gain, std::int64_t T) {
  const double gamma = cell == rnn::cell::elman_sigmoid ? 0.25 : 1.0;
  const rnn::problem p{cell, T, 1, 4, 8, rnn::precision::f64};
  regime r{
      std::string(rnn::cell_name(cell)) + "_" + label + "/" + rnn::format_problem(p), p, {}, {}};
  r.params =
      rnn::make_parameters<double>(p, {rnn::init_scheme::orthogonal, 17, gamma_gain / gamma});
  r.in = rnn::make_inputs<double>(p, 29);
  if (gamma_gain > 1) {
    // Exploding needs the trajectory where |f'| is at its largest (γ), or saturation stops the
    // growth: inputs and the start 1e-10 away from the point where f' = γ (0 for tanh and
    // ReLU; h = 0.5 for the sigmoid, held there by b_hh = −W_hh·0.5), so the deviations grow
    // by γ·s = 1.5 a step and |dL/dh_0| / |dL/dh_T| passes 1e8 within T = 50.
    for (double& x : r.in.x) x *= 1e-10;
    for (double& h : r.in.h0) h *= 1e-10;
    if (cell == rnn::cell::elman_sigmoid) {
      for (std::int64_t row = 0; row < p.H; ++row) {
        double sum = 0;
        for (std::int64_t k = 0; k < p.H; ++k) sum += r.params.weight_hh[row * p.H + k];
        r.params.bias_hh[row] = -0.5 * sum;
      }
      for (double& h : r.in.h0) h += 0.5;
    }
  }
  return r;
}

}  // namespace

std::vector<regime> matrix_regimes() {
  std::vector<regime> out;
  // rnnsuite's named regimes (verify/src/regimes.cpp), the quick profile: T = 24, B = 1 and 3.
  for (const auto& named : verify::regimes(verify::profile::quick, rnn::precision::f64))
    out.push_back({named.name(), named.problem, verify::regime_parameters<double>(named),
                   verify::regime_inputs<double>(named)});
  // Theirs saturate before the gradient explodes far; these reach |dL/dh_0| > 1e8, where the
  // baseline fails the correct BPTT (VERIFICATION.md).
  for (rnn::cell cell : {rnn::cell::elman_tanh, rnn::cell::elman_sigmoid, rnn::cell::elman_relu})
    out.push_back(elman(cell, "exploding_1e8", 1.5, 50));
  return out;
}

}  // namespace rnnsuite::mutants
