// The problems the mutant matrix runs, and where the baseline runs (matrix.hpp).
#include "matrix.hpp"

namespace rnnsuite::mutants {

std::vector<problem> matrix_problems() {
  std::vector<problem> out;
  for (const rnn::precision p : {rnn::precision::f32, rnn::precision::f64})
    for (const auto& named : verify::regimes(verify::profile::quick, p)) out.push_back({named});
  return out;
}

double baseline_cost(const problem& pr) {
  const rnn::problem& p = pr.named.problem;
  const rnn::tensor_sizes n = rnn::sizes_of(p);
  const double elements = double(n.weight_ih + n.weight_hh + 2 * n.bias + n.x) +
                          double(n.state) * (rnn::has_cell_state(p.cell) ? 2 : 1);
  return 2 * elements * double(p.T * p.B * p.G() * p.H * (p.I + p.H));
}

baseline_use baseline_for(const problem& pr) {
  const verify::regime& r = pr.named;
  // The ordinary gradient check (verify/gradcheck.hpp) runs a single layer of full sequences.
  if (r.problem.precision != rnn::precision::f64 || r.run.truncated() || r.run.final_state_loss ||
      rnn::is_network(r.problem) || rnn::has_lengths(r.problem))
    return baseline_use::not_applicable;
  return baseline_cost(pr) <= baseline_budget ? baseline_use::runs : baseline_use::too_costly;
}

verify::gradcheck_result run_baseline(const problem& pr) {
  verify::gradcheck_options o;
  o.loss = pr.named.run.loss;
  return verify::gradcheck(pr.named.problem, verify::regime_parameters<double>(pr.named),
                           verify::regime_inputs<double>(pr.named), o);
}

}  // namespace rnnsuite::mutants
