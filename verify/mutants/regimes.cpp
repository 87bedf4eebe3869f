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
    if (named.exploding && named.problem.T == 50) add(named);  // κ up to 3e5 (ReLU at γ·σ = 2)
  return out;
}

}  // namespace rnnsuite::mutants
