#pragma once
// One cell of the mutant × regime matrix: the active mutant's fast path (f64) judged by
// rnnsuite's leg a (verify/src/leg_fast.cpp: per timestep, per gate block, against the 50-digit
// reference, conditioning-scaled tolerance) and by the gradcheck-style baseline (total
// gradients against double central differences).
#include <string>
#include <vector>

#include "rnn/init.hpp"
#include "rnnsuite/verify/legs.hpp"
#include "rnnsuite/verify/regimes.hpp"
#include "rnnsuite/verify/theory.hpp"

namespace rnnsuite::mutants {

// A named rnnsuite regime (f64) with its parameters and inputs.
struct regime {
  verify::regime named;
  rnn::parameters<double> params;
  rnn::inputs<double> in;
  std::string name() const { return named.name(); }
};

// rnnsuite's named regimes of the quick profile (every Elman activation vanishing / edge /
// exploding, LSTM forget gate near 1, 0.5, 0, GRU update gate near 1, 0; T = 24, B = 1 and 3)
// and the full profile's exploding ones at T = 50, where the adjoint grows furthest.
std::vector<regime> matrix_regimes();

// rnnsuite's verdict on the active mutant: caught when leg a says FAIL or MISTRUSTED.
struct leg_a_result {
  bool caught = false;
  verify::verdict outcome = verify::verdict::pass;
  double worst = 0;          // worst error / tolerance over every timestep and block
  std::string where;         // its block and step
  double max_tolerance = 0;  // the largest tolerance of any check (for the mutant's effect)
};
leg_a_result run_leg_a(const verify::fast_path_check& check);

// How much the active mutant changes the clean fast path: the largest normwise relative change
// over every timestep of dL/dh_t (dL/dc_t, dx_t), of dL/dh_0 (dL/dc_0) and every parameter
// block. 0: bit-identical gradients.
double mutant_effect(const verify::fast_pass& clean, const verify::fast_pass& mutated);

// max_t |dL/dh_t| / |dL/dh_T| on the 50-digit reference (loss on the last step).
double adjoint_spread(const regime& r);

}  // namespace rnnsuite::mutants
