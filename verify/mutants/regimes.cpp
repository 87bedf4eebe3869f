// The regimes the mutant matrix runs (matrix.hpp).
#include "matrix.hpp"

namespace rnnsuite::mutants {

std::vector<regime> matrix_regimes() {
  std::vector<regime> out;
  auto add = [&](const verify::regime& named) {
    out.push_back(
        {named, verify::regime_parameters<double>(named), verify::regime_inputs<double>(named)});
  };
  for (const auto& named : verify::regimes(verify::profile::quick, rnn::precision::f64)) add(named);
  for (const auto& named : verify::regimes(verify::profile::full, rnn::precision::f64))
    if (named.exploding && named.problem.T == 50) add(named);
  // tanh and the sigmoid saturate before their adjoint grows far; ReLU does not. With γ·σ = 1.6
  // its adjoint spread grows towards VERIFICATION.md's exploding case (κ in the docs table),
  // where the baseline fails the correct BPTT.
  verify::regime relu;
  relu.family = "elman_relu_exploding_gain1.6";
  relu.problem = {rnn::cell::elman_relu, 50, 4, 8, 16, rnn::precision::f64};
  relu.init = {rnn::init_scheme::orthogonal, 101, 1.6};
  relu.input_seed = 1101;
  relu.exploding = true;
  relu.shows = "ReLU, γ·σ = 1.6: the adjoint grows about 1e7 over 50 steps";
  add(relu);
  return out;
}

}  // namespace rnnsuite::mutants
