// The regimes the mutant matrix runs (matrix.hpp).
#include <algorithm>

#include "matrix.hpp"

namespace rnnsuite::mutants {

namespace {

regime elman(rnn::cell cell, const char* label, double gamma_gain, std::int64_t T, bool quick) {
  const double gamma = cell == rnn::cell::elman_sigmoid ? 0.25 : 1.0;
  const rnn::problem p{
      cell, quick ? std::min<std::int64_t>(T, 24) : T, 1, 4, 8, rnn::precision::f64};
  regime r{std::string(rnn::cell_name(cell)) + "_" + label, p, {}, {}};
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

// Gate block `gate` biased by `bias` (so σ(gate) sits near σ(bias)) on PyTorch's init.
regime gated(rnn::cell cell, const char* label, int gate, double bias, std::int64_t T, bool quick) {
  const rnn::problem p{
      cell, quick ? std::min<std::int64_t>(T, 24) : T, 2, 4, 8, rnn::precision::f64};
  regime r{std::string(rnn::cell_name(cell)) + "_" + label, p, {}, {}};
  r.params = rnn::make_parameters<double>(p, {rnn::init_scheme::pytorch, 31, 1.0});
  for (std::int64_t row = gate * p.H; row < (gate + 1) * p.H; ++row) r.params.bias_ih[row] += bias;
  r.in = rnn::make_inputs<double>(p, 37);
  return r;
}

}  // namespace

std::vector<regime> matrix_regimes(bool quick) {
  std::vector<regime> out;
  for (rnn::cell cell : {rnn::cell::elman_tanh, rnn::cell::elman_sigmoid, rnn::cell::elman_relu}) {
    out.push_back(elman(cell, "vanishing", 0.5, 60, quick));
    out.push_back(elman(cell, "edge", 1.0, 60, quick));
    out.push_back(elman(cell, "exploding", 1.5, 50, quick));
  }
  out.push_back(gated(rnn::cell::lstm, "forget_near_1", 1, 6.0, 60, quick));
  out.push_back(gated(rnn::cell::lstm, "forget_near_half", 1, 0.0, 60, quick));
  out.push_back(gated(rnn::cell::lstm, "forget_near_0", 1, -6.0, 60, quick));
  out.push_back(gated(rnn::cell::gru, "update_near_1", 1, 6.0, 60, quick));
  out.push_back(gated(rnn::cell::gru, "update_near_0", 1, -6.0, 60, quick));
  return out;
}

}  // namespace rnnsuite::mutants
