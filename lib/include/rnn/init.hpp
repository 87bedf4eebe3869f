#pragma once
// Seeded initializers, deterministic across runs, compilers and instruction sets: values are drawn
// in double from rnnsuite's own generator (not std:: distributions, whose output is
// implementation-defined) and rounded once to Real. Real need not match p.precision: the f64
// parameters of an f32 problem are the same draws, unrounded (the verifier relies on this).
#include <cstdint>

#include "rnn/aligned.hpp"
#include "rnn/layer.hpp"
#include "rnn/problem.hpp"

namespace rnn {

enum class init_scheme {
  pytorch,     // every parameter U(-1/sqrt(H), 1/sqrt(H)), PyTorch's default
  xavier,      // Glorot uniform per gate block, biases zero
  orthogonal,  // W_ih Xavier; each H×H gate block of W_hh orthogonal × gain; biases zero
};

struct init_options {
  init_scheme scheme = init_scheme::pytorch;
  std::uint64_t seed = 0;
  // For orthogonal: the largest (and every) singular value of each W_hh gate block. This places
  // a problem in the vanishing (γ·gain < 1), edge (≈ 1) or exploding regime.
  double gain = 1.0;
};

template <class Real>
struct parameters {
  aligned_vector<Real> weight_ih;  // (G·H)×I
  aligned_vector<Real> weight_hh;  // (G·H)×H
  aligned_vector<Real> bias_ih;    // G·H
  aligned_vector<Real> bias_hh;    // G·H
  parameters_view<Real> view() const { return {weight_ih, weight_hh, bias_ih, bias_hh}; }
};

template <class Real>
parameters<Real> make_parameters(const problem& p, const init_options& options);

// Seeded inputs: x ~ U(-1, 1) (T×B×I), h0 and c0 ~ U(-0.5, 0.5) (B×H; c0 empty unless LSTM),
// target ~ U(-1, 1) (T×B×H) for the built-in losses. For a network (rnn/network.hpp), h0 and c0
// are (L·D)×B×H and target T×B×(D·H); the first B×H of h0 are the single layer's.
template <class Real>
struct inputs {
  aligned_vector<Real> x;       // T×B×I
  aligned_vector<Real> h0;      // (L·D)×B×H
  aligned_vector<Real> c0;      // (L·D)×B×H, LSTM only
  aligned_vector<Real> target;  // T×B×(D·H)
};

template <class Real>
inputs<Real> make_inputs(const problem& p, std::uint64_t seed);

}  // namespace rnn
