#pragma once
// Diagnosis of a dump that FAILs: the convention mistakes frameworks make, each tried as a whole
// (the dump's forward and gradients graded against the reference run in that convention), and
// the ones that explain the dump. The variants:
//   gate orders other than PyTorch's (every permutation of the gate blocks; named where a
//     framework uses it: ONNX's LSTM i,o,f,c, TensorFlow's i,c(g),f,o, Keras's and ONNX's GRU
//     z,r,n);
//   a GRU in Cho's form (reset before the product, reference/gru_forms.hpp) or with b_hn outside
//     the reset;
//   one bias instead of two (bias_hh, or bias_ih, ignored);
//   transposed square weights (shapes already tell a non-square one: dump.hpp refuses it);
//   gradients a constant factor off the reference's, such as a loss summed over N outputs where
//     grad_output is the mean's.
// A candidate is screened in double first (a relative error under 1e-2 on everything the dump
// holds), then graded in full, so a diagnosis costs about one `check` per plausible variant.
#include <string>
#include <vector>

#include "rnnsuite/verify/dump.hpp"
#include "rnnsuite/verify/legs.hpp"

namespace rnnsuite::verify {

struct variant_match {
  std::string name;         // e.g. "lstm_gate_order_iofc", "gru_reset_before_product"
  std::string explanation;  // e.g. "an LSTM with ONNX's gate order i,o,f,c (PyTorch's: i,f,g,o)"
  leg_result forward, backward;  // the dump graded in that convention (checks named PyTorch's way)
};

// The variants whose forward and gradients are all acceptable against the dump, best first.
std::vector<variant_match> diagnose(const dump& d);

// The variants diagnose() tries on a problem of this cell, as one line.
std::string variants_tried(const rnn::problem& p);

}  // namespace rnnsuite::verify
