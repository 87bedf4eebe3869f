#pragma once
// One cell of the mutant × regime matrix: the active mutant's fast path (f64) judged by
// rnnsuite's leg a (per timestep, per block, against the 50-digit reference) and by the
// gradcheck-style baseline (total gradients against double central differences).
#include <string>
#include <vector>

#include "rnn/init.hpp"
#include "rnnsuite/verify/theory.hpp"

namespace rnnsuite::mutants {

using real50 = rnnsuite::reference::real50;

// A named, seeded problem with its parameters and inputs, f64.
struct regime {
  std::string name;
  rnn::problem p;
  rnn::parameters<double> params;
  rnn::inputs<double> in;
};

// rnnsuite's named regimes of the quick profile (rnnsuite/verify/regimes.hpp: every Elman
// activation vanishing / edge / exploding, LSTM forget gate near 1, 0.5, 0, GRU update gate near
// 1, 0; T = 24, B = 1 and 3), plus three Elman regimes that explode past |dL/dh_0| = 1e8.
std::vector<regime> matrix_regimes();

// rnnsuite's verdict on the active mutant's f64 fast path.
struct leg_a_result {
  bool failed = false;
  double worst = 0;  // worst error / tolerance over every timestep and block (> 1 fails)
  double tolerance = 0;
  double kappa = 1;   // the conditioning estimate: max_t |dL/dh_t| / |dL/dh_T|
  std::string where;  // the quantity and step of the worst
};
leg_a_result run_leg_a(const regime& r, const verify::reference_pass<real50>& truth);

// How much the active mutant changes any gradient of the clean fast path: the largest normwise
// relative change over every timestep of dL/dh_t (dL/dc_t) and every block. 0: no effect.
double mutant_effect(const verify::fast_pass& clean, const verify::fast_pass& mutated);

}  // namespace rnnsuite::mutants
