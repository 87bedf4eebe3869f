#pragma once
// Named, reproducible problem sets that place a recurrence in a known gradient-flow regime
// (docs/verification.md, "Regimes"): for every Elman activation vanishing (γ·σ_max = 0.5), edge
// (γ·σ_max = 1) and exploding (γ·σ_max = 1.5); LSTM with the forget gate near 1 (the constant
// error carousel), near 0.5 and near 0; GRU with the update gate near 1 and near 0.
// A regime is the descriptor + seeds + orthogonal gain + a bias shift on one gate block; the
// same regime builds the same bits on every machine.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rnn/init.hpp"
#include "rnn/loss.hpp"
#include "rnn/problem.hpp"

namespace rnnsuite::verify {

enum class profile { quick, full };
profile parse_profile(std::string_view name);  // throws rnn::error

struct regime {
  std::string family;     // e.g. "elman_tanh_vanishing", "lstm_forget_1"
  rnn::problem problem;   // precision as given to regimes(); the leg sets it
  rnn::init_options init; // orthogonal, seed, gain (γ·gain is the per-step bound's σ factor)
  std::uint64_t input_seed = 0;
  int bias_gate = -1;     // gate block (0-based, PyTorch order) whose bias_ih is shifted; -1 none
  double bias_shift = 0;  // added to every bias_ih entry of that block
  rnn::loss_kind loss = rnn::loss_kind::last;
  bool exploding = false; // non-finite results here are OVERFLOW findings, not failures
  std::string shows;      // one line: what this regime demonstrates

  // "<family>/<descriptor>", e.g. "elman_tanh_edge/elman_tanh_t32_b3_i4_h8_f64"; unique.
  std::string name() const;
};

// Every regime of a profile, in precision p. quick: T = 24, batch 1 and 3 (the CI matrix); full:
// T in {1, 100, 1000}, batch 1 and 4; exploding families T in {1, 24, 50}, up to where
// |dL/dh_0| passes 1e8.
std::vector<regime> regimes(profile which, rnn::precision p);

// The families of regimes() (each regime's `family`), for --regime's help and validation.
std::vector<std::string> regime_families();

// One family's settings (gain, bias shift) on any problem of its cell, with parameters seeded by
// `seed` and inputs by seed + 1000: the gradient-flow explorer's --regime. Throws rnn::error
// naming the family when it is unknown or belongs to another cell.
regime regime_for(std::string_view family, const rnn::problem& p, std::uint64_t seed);

// The regime's parameters and inputs in Real (float or double): lib's seeded initializers,
// rounded once to Real, then the bias shift (added in Real; exact for the shifts used).
template <class Real>
rnn::parameters<Real> regime_parameters(const regime& r);
template <class Real>
rnn::inputs<Real> regime_inputs(const regime& r);

}  // namespace rnnsuite::verify
