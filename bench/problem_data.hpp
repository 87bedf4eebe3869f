#pragma once
// Seeded data for one benchmark problem: parameters, inputs and upstream gradients in PyTorch's
// layout (DESIGN.md). Both implementations are fed these same arrays.
#include <vector>

#include "rnn/problem.hpp"

namespace bench {

template <class Real>
struct problem_data {
  rnn::problem p;
  std::vector<Real> weight_ih;    // (G·H)×I, U(-1/sqrt(H), 1/sqrt(H)) as PyTorch initializes
  std::vector<Real> weight_hh;    // (G·H)×H
  std::vector<Real> bias_ih;      // G·H
  std::vector<Real> bias_hh;      // G·H
  std::vector<Real> x;            // T×B×I, U(-1, 1)
  std::vector<Real> h0;           // B×H, U(-0.5, 0.5)
  std::vector<Real> c0;           // B×H for LSTM, empty otherwise
  std::vector<Real> grad_output;  // T×B×H upstream dL/dh_t, U(-1, 1)
  std::vector<Real> grad_h_n;     // B×H
  std::vector<Real> grad_c_n;     // B×H for LSTM, empty otherwise
};

// Deterministic for a given problem (validates it first: throws rnn::error).
template <class Real>
problem_data<Real> make_problem_data(const rnn::problem& p);

}  // namespace bench
