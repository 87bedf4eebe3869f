#pragma once
// The gradcheck-style baseline that docs/verification.md sets rnnsuite against: what PyTorch's
// gradcheck does, on lib's double fast path. Every element of every total gradient (W_ih, W_hh,
// b_ih, b_hh, x, h0, c0) from backward is compared with a central difference of the loss, step
// 1e-6, and passes when |a − n| <= 1e-5 + 1e-3·|n|. No per-timestep view, an absolute floor, and
// a finite difference in the same precision as the code checked: the habits VERIFICATION.md
// shows going blind.
#include <cstddef>
#include <string>

#include "rnn/init.hpp"
#include "rnn/loss.hpp"
#include "rnn/problem.hpp"

namespace rnnsuite::verify {

struct gradcheck_options {
  double step = 1e-6;
  double atol = 1e-5;
  double rtol = 1e-3;
  rnn::loss_kind loss = rnn::loss_kind::last;
};

struct gradcheck_result {
  bool passed = true;
  std::size_t checked = 0;  // elements compared
  std::size_t failed = 0;   // elements outside atol + rtol·|n|
  // The worst element: |a − n| / (atol + rtol·|n|) (> 1 fails), its block and index.
  double worst_ratio = 0;
  std::string worst_block;
  std::size_t worst_index = 0;
  double worst_analytic = 0, worst_numeric = 0;
};

// p must be an f64 problem (rnn::error otherwise). The analytic gradient is whatever lib's
// backward returns (in the mutant build, the planted bug's); the central differences use only
// forward, which no mutant touches.
gradcheck_result gradcheck(const rnn::problem& p, const rnn::parameters<double>& params,
                           const rnn::inputs<double>& in, const gradcheck_options& options = {});

}  // namespace rnnsuite::verify
