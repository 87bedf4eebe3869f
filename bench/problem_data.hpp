#pragma once
// Seeded data for one benchmark problem, a single layer or a network: parameters, inputs and
// upstream gradients in PyTorch's layout (DESIGN.md, docs/networks.md). Every implementation is
// fed these same arrays.
#include <cstdint>
#include <vector>

#include "rnn/problem.hpp"

namespace bench {

template <class Real>
struct problem_data {
  rnn::problem p;
  // A single layer's parameters (empty for a network), U(-1/sqrt(H), 1/sqrt(H)) as PyTorch
  // initializes them.
  std::vector<Real> weight_ih;    // (G·H)×I
  std::vector<Real> weight_hh;    // (G·H)×H
  std::vector<Real> bias_ih;      // G·H
  std::vector<Real> bias_hh;      // G·H
  // A network's parameters, flat in PyTorch's order (rnn::parameter_offsets_of), the same
  // distribution; empty for a single layer.
  std::vector<Real> parameters;
  std::vector<Real> x;            // T×B×I, U(-1, 1)
  std::vector<Real> h0;           // (L·D)×B×H, U(-0.5, 0.5)
  std::vector<Real> c0;           // (L·D)×B×H for LSTM, empty otherwise
  std::vector<Real> grad_output;  // T×B×(D·H) upstream dL/d(output), U(-1, 1)
  std::vector<Real> grad_h_n;     // (L·D)×B×H
  std::vector<Real> grad_c_n;     // (L·D)×B×H for LSTM, empty otherwise
  // B sequence lengths, rnn::make_lengths(p), when the problem names them (`_lenu<S>`, `_lenx`);
  // empty: every sequence T steps. The other arrays do not depend on them: a problem and its
  // padded twin (the same descriptor without the field) get the same values.
  std::vector<std::int64_t> lengths;
};

// Deterministic for a given problem (validates it first: throws rnn::error, also for `_lenf`,
// whose lengths a benchmark has no file for). A single layer's data is what it was before
// networks existed (the same seeds and sizes).
template <class Real>
problem_data<Real> make_problem_data(const rnn::problem& p);

}  // namespace bench
