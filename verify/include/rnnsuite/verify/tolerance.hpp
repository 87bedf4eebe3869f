#pragma once
// The tolerance of a backward pass computed in a format with unit roundoff u
// (docs/verification.md, "Tolerance"): error_t <= C · u · n · κ_t, where
//   n   = I + H + G·H + 8: the longest dot products of one step (forward pre-activation I + H,
//         backward W_hhᵀδ over G·H) plus the pointwise operations of a cell, Higham's γ_n;
//   κ_t = √(T − t) · Γ: rounding errors of T − t steps reach step t (independent errors add in
//         quadrature, Higham & Mary's probabilistic analysis), each amplified at most by
//         Γ = max(1, max_{r <= s} ‖g_r‖ / ‖g_s‖), the largest growth of the adjoint g_t = dL/dh_t
//         (with dL/dc_t for LSTM) between any two steps, measured on the reference: the same
//         Jacobian products carry forward-state errors, so Γ bounds both;
//   C   = 1.
// Sums over time (the parameter gradients) add a cancellation factor ρ >= 1. Leg a then takes
// the larger of this model and the measured conditioning (the 50-digit reference's error
// against the 100-digit one, over u50; src/conditioning.hpp), since Γ can miss growth in
// directions the adjoint does not take.
#include <cstddef>
#include <cmath>
#include <cstdint>
#include <vector>

namespace rnnsuite::verify {

inline constexpr double tolerance_constant = 1.0;

// step_norms: ‖g_t‖ for t = -1 (the gradient at h0) .. T-1, i.e. T + 1 entries.
double adjoint_growth(const std::vector<double>& step_norms);

struct tolerance_model {
  double unit_roundoff;   // u of the format checked
  double dot_length;      // n
  double growth;          // Γ
  std::int64_t T;
  // The backward steps whose rounding reaches step t, depth[t + 1] for t = -1 .. T-1, and those a
  // parameter sum adds; when absent, full BPTT's T − t and T + 1. The streaming truncated
  // schedule reaches a step from several overlapping windows (src/truth.hpp).
  const std::vector<double>* depth = nullptr;
  double sum_depth = 0;
  // Tolerance for a per-step quantity at 0-based step t (t = -1: h0, c0).
  double at_step(std::int64_t t) const {
    const double steps = depth ? (*depth)[static_cast<std::size_t>(t + 1)]
                               : static_cast<double>(T - t);
    return tolerance_constant * unit_roundoff * dot_length * std::sqrt(steps) * growth;
  }
  // Tolerance for a sum over all steps with cancellation factor rho >= 1.
  double for_sum(double rho) const {
    const double steps = sum_depth > 0 ? sum_depth : static_cast<double>(T + 1);
    return tolerance_constant * unit_roundoff * dot_length * std::sqrt(steps) * growth *
           (rho > 1 ? rho : 1);
  }
};

}  // namespace rnnsuite::verify
