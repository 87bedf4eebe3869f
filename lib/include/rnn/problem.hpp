#pragma once
// The problem descriptor `<cell>_t<T>_b<B>_i<I>_h<H>_<f32|f64>` names a test case, a benchmark, a
// baseline key and a report row. This is its one parser and formatter.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rnn/cell.hpp"

namespace rnn {

enum class precision { f32, f64 };

std::string_view precision_name(precision p);  // "f32" | "f64"

struct problem {
  rnn::cell cell = rnn::cell::lstm;
  std::int64_t T = 1;  // sequence length
  std::int64_t B = 1;  // batch
  std::int64_t I = 1;  // input size
  std::int64_t H = 1;  // hidden size
  rnn::precision precision = rnn::precision::f32;

  int G() const { return gate_count(cell); }
  bool operator==(const problem&) const = default;
};

// Throws rnn::error ("problem descriptor 'lstm_t0_b1...': T must be >= 1, got 0").
problem parse_problem(std::string_view descriptor);
std::string format_problem(const problem& p);

// Element counts of every tensor of a problem. validate() guarantees none of them, nor their
// byte sizes, overflows size_t.
struct tensor_sizes {
  std::size_t x;          // T×B×I
  std::size_t state;      // B×H (h0, c0, h_n, c_n)
  std::size_t sequence;   // T×B×H (output, grad_output, grad_h, grad_c)
  std::size_t weight_ih;  // (G·H)×I
  std::size_t weight_hh;  // (G·H)×H
  std::size_t bias;       // G·H (b_ih and b_hh each)
};

// Checks every size is >= 1 and every element and byte count fits; throws rnn::error naming the
// offending field and value.
void validate(const problem& p);
tensor_sizes sizes_of(const problem& p);  // validates first

// FLOP rule of benchdnn: forward = 2·T·B·G·H·(I+H); backward = 2× forward.
double forward_flops(const problem& p);
inline double forward_backward_flops(const problem& p) { return 3.0 * forward_flops(p); }

}  // namespace rnn
