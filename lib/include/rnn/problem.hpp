#pragma once
// The problem descriptor `<cell>_t<T>_b<B>_i<I>_h<H>[_l<L>][_bi][_len<rule>]_<f32|f64>` names a
// test case, a benchmark, a baseline key and a report row. This is its one parser and formatter.
// The optional fields name a network: L stacked layers (`_l<L>`, L >= 2; absent means one), in
// both directions (`_bi`; absent means forward only), with PyTorch's nn.RNN/LSTM/GRU semantics;
// and how long each of the B sequences is (`_len<rule>`, rnn/lengths.hpp; absent means all T).
// A single layer's name is unchanged, and every problem has exactly one name.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rnn/cell.hpp"

namespace rnn {

enum class precision { f32, f64 };

std::string_view precision_name(precision p);  // "f32" | "f64"

// How a problem's B sequence lengths are chosen (PyTorch's packed sequences, rnn/lengths.hpp).
enum class lengths_rule {
  full,      // no field: every sequence is T steps long
  uniform,   // `_lenu<S>`: each length uniform in [1, T], drawn with seed S (0 <= S < 2^64)
  extremes,  // `_lenx`: 1, T, ceil(T/2), 1, T, ...: the shortest and longest in one batch
  file,      // `_lenf`: given with the data (rnnsuite run --lengths FILE, a dump's lengths.npy)
};

struct problem {
  rnn::cell cell = rnn::cell::lstm;
  std::int64_t T = 1;  // sequence length
  std::int64_t B = 1;  // batch
  std::int64_t I = 1;  // input size
  std::int64_t H = 1;  // hidden size
  rnn::precision precision = rnn::precision::f32;
  std::int64_t layers = 1;      // L: stacked layers; layer l > 0 reads layer l-1's output
  std::int64_t directions = 1;  // D: 1, or 2 for bidirectional (outputs concatenated, D·H wide)
  rnn::lengths_rule lengths = rnn::lengths_rule::full;  // the sequences' lengths
  std::uint64_t lengths_seed = 0;                       // lengths_rule::uniform's seed

  int G() const { return gate_count(cell); }
  bool operator==(const problem&) const = default;
};

// A network: more than one layer, or bidirectional.
inline bool is_network(const problem& p) { return p.layers != 1 || p.directions != 1; }
// Sequences of different lengths: any rule but full (rnn/lengths.hpp).
inline bool has_lengths(const problem& p) { return p.lengths != lengths_rule::full; }
// Layer l of a network as a single-layer problem: its input is I wide for l = 0, D·H above.
// Throws rnn::error if l is not in [0, L).
problem layer_problem(const problem& p, std::int64_t l);
// Throws rnn::error "<where>: problem <descriptor> is a network (L layers, bidirectional);
// <where> takes a single layer in one direction" when is_network(p).
void require_single_layer(const problem& p, std::string_view where);

// Throws rnn::error ("problem descriptor 'lstm_t0_b1...': T must be >= 1, got 0").
problem parse_problem(std::string_view descriptor);
std::string format_problem(const problem& p);

// Element counts of every tensor of a single-layer problem. validate() guarantees none of them,
// nor their byte sizes, overflows size_t. sizes_of refuses a network (require_single_layer): its
// layers have sizes_of(layer_problem(p, l)), the whole network network_sizes_of(p).
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

// Element counts of a network's own tensors (for a single layer: x, state and sequence agree with
// sizes_of). Parameters of layer l, direction d are block k = l·D + d, PyTorch's order.
struct network_sizes {
  std::size_t x;           // T×B×I
  std::size_t state;       // (L·D)×B×H (h0, c0, h_n, c_n)
  std::size_t output;      // T×B×(D·H) (output, grad_output)
  std::size_t sequences;   // (L·D)×T×B×H (every layer and direction's grad_h, grad_c)
  std::size_t parameters;  // all blocks' weight_ih, weight_hh, bias_ih, bias_hh
};
network_sizes network_sizes_of(const problem& p);  // validates first

// FLOP rule of benchdnn: forward = 2·T·B·G·H·(I+H) per layer and direction, with layer l's own
// input width; backward = 2× forward. T·B counts every step of a padded batch; the steps of
// sequences of different lengths are counted by forward_flops(p, lengths) (rnn/lengths.hpp).
double forward_flops(const problem& p);
inline double forward_backward_flops(const problem& p) { return 3.0 * forward_flops(p); }

}  // namespace rnn
