#pragma once
// The gradient-flow explorer (docs/gradient-flow.md): how |dL/dh_t| travels back through time in
// one problem, exactly (the 50-digit reference) and as lib's fast path computes it in float and
// double, beside Pascanu's bound, with a one-line classification.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reference/types.hpp"
#include "rnnsuite/verify/regimes.hpp"

namespace rnnsuite::verify {

using reference::real50;

// What to run: the problem, and either a named regime family or an orthogonal W_hh with a gain.
struct flow_request {
  rnn::problem problem;
  std::optional<std::string> regime_family;  // e.g. "lstm_forget_1"; else orthogonal × gain
  double gain = 1.0;
  std::uint64_t seed = 1;
};

enum class flow_kind { vanishing, stable, exploding };

// A per-step rate r inside [1 − stable_band, 1 + stable_band] is "stable": over 100 steps, the
// horizon of a typical truncated BPTT, such a gradient changes by less than e^±1.
inline constexpr double stable_band = 0.01;

struct flow_summary {
  flow_kind kind = flow_kind::stable;
  // Geometric rate per step backwards: |dL/dh_{t-1}| ≈ rate·|dL/dh_t|, least squares of
  // ln|dL/dh_t| against t over the steps where the exact value is not zero.
  double rate = 1;
  // float32 against exact: the latest step (counting back from T) where float32's |dL/dh_t| is 0
  // while the exact one is not, or is not finite; -1 if float32 keeps it everywhere.
  std::int64_t float_lost_at = -1;
  bool float_nonfinite = false;     // inf or NaN there (else 0)
  bool exact_fits_float = false;    // the exact value there is within float's range: a loss
                                    // float32's arithmetic made, not one its format forced
};

struct gradient_flow {
  regime setup;                // what ran (its name() is the problem's full name)
  std::string source;          // "regime lstm_forget_1" or "orthogonal W_hh, gain 0.5"
  // Index t = 0..T: |dL/dh_t| (Frobenius over the B×H block); t = 0 is dL/dh_0.
  std::vector<real50> exact_dh;
  std::vector<double> f64_dh, f32_dh;
  std::vector<real50> exact_dc;        // LSTM only: |dL/dc_t|, same indexing
  std::vector<double> f64_dc, f32_dc;  // LSTM only
  // Elman only: Pascanu, Mikolov & Bengio's (γ·σ_max(W_hh))^(T−t)·|dL/dh_T|; empty for gated
  // cells, whose Jacobian has no such one-factor bound.
  std::vector<real50> pascanu_bound;
  double gamma_sigma = 0;  // γ·σ_max(W_hh), Elman only (γ = sup|f'|)
  flow_summary summary;
};

// The regime the request names (validated: cell, gain finite and > 0). Throws rnn::error.
regime flow_regime(const flow_request& request);

// Runs the reference in 50 digits and lib in float and double on the same parameters (drawn in
// double; float rounds them once). MSE loss on the last step. Throws rnn::error for a problem
// whose 50-digit reference would run for minutes (the message gives the estimate).
gradient_flow trace_gradient_flow(const flow_request& request);

// The classification as one line, e.g. "elman_tanh_vanishing/elman_tanh_t200_b1_i8_h16_f32
// (regime elman_tanh_vanishing): vanishing at rate 0.48 per step; |dL/dh_0| = 3.1e-64 exact;
// float32 reaches 0 at t = 42 where the exact value is 1.2e-46".
std::string describe(const gradient_flow& flow);

// The CSV: header, then one row per t = 0..T (columns in docs/gradient-flow.md).
std::string to_csv(const gradient_flow& flow);

std::string_view flow_kind_name(flow_kind k);

}  // namespace rnnsuite::verify
