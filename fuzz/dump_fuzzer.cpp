// libFuzzer target: rnnsuite::verify::parse_dump, the loader of `rnnsuite check DIR`, on a set of
// .npy files built from one byte string. Any input must either give a dump whose vectors have
// exactly the sizes its inferred problem implies, with every input finite, or throw rnn::error;
// nothing else (a crash, another exception, a sanitizer report) is acceptable.
//
// A lengths.npy must give the `_lenf` problem and B lengths in [1, T].
//
// Framing (fuzz/make_dump_corpus.py writes seeds in it):
//   byte 0        the --cell option: value % 6 = 0 none, 1 elman_tanh, 2 elman_sigmoid,
//                 3 elman_relu, 4 lstm, 5 gru (rnn::all_cells order)
//   then records, until the input ends:
//     1 byte      the file's name: value % 96 indexes kNames below (a single layer's names, names
//                 refused or skipped, a network's up to l2 and _reverse, and near-misses); value
//                 255 instead takes a free-form name: 1 byte n, then n bytes (a name on disk)
//     2 bytes     n, little-endian
//     n bytes     the file's .npy content (fewer if the input ends first: the rest is taken)
//   A name given twice keeps its last record (a folder holds one file per name).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "rnn/cell.hpp"
#include "rnn/error.hpp"
#include "rnn/npy.hpp"
#include "rnn/problem.hpp"
#include "rnnsuite/verify/dump.hpp"

namespace {

constexpr std::size_t kNameCount = 96;
constexpr const char* kNames[kNameCount] = {
    // A single layer's names (verify/src/dump_read.cpp, known_names()).
    "x", "h0", "c0", "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "grad_output",
    "grad_h_n", "grad_c_n", "output", "h_n", "c_n", "grad_x", "grad_h0", "grad_c0",
    "grad_weight_ih_l0", "grad_weight_hh_l0", "grad_bias_ih_l0", "grad_bias_hh_l0", "grad_h",
    "grad_c", "target",
    // lengths.npy (23), not read (28-31), or (24-27) a network's.
    "lengths", "weight_ih_l1", "weight_hh_l0_reverse", "grad_bias_hh_l12", "weight_ih_l01",
    "junk", "x_l", "", "grad_x_l0",
    // 32-81: a network's (parse_block_name) up to three layers in two directions.
    "grad_h_l0", "grad_c_l0",
    "weight_ih_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
    "grad_weight_ih_l0_reverse", "grad_weight_hh_l0_reverse", "grad_bias_ih_l0_reverse",
    "grad_bias_hh_l0_reverse", "grad_h_l0_reverse", "grad_c_l0_reverse",
    "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "grad_weight_ih_l1", "grad_weight_hh_l1",
    "grad_bias_ih_l1", "grad_bias_hh_l1", "grad_h_l1", "grad_c_l1",
    "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse",
    "grad_weight_ih_l1_reverse", "grad_weight_hh_l1_reverse", "grad_bias_ih_l1_reverse",
    "grad_bias_hh_l1_reverse", "grad_h_l1_reverse", "grad_c_l1_reverse",
    "weight_ih_l2", "weight_hh_l2", "bias_ih_l2", "bias_hh_l2", "grad_weight_ih_l2",
    "grad_weight_hh_l2", "grad_bias_ih_l2", "grad_bias_hh_l2", "grad_h_l2", "grad_c_l2",
    "weight_ih_l2_reverse", "weight_hh_l2_reverse", "bias_ih_l2_reverse", "bias_hh_l2_reverse",
    "grad_weight_ih_l2_reverse", "grad_weight_hh_l2_reverse", "grad_bias_ih_l2_reverse",
    "grad_bias_hh_l2_reverse", "grad_h_l2_reverse", "grad_c_l2_reverse",
    // 82-95: a layer beyond, numbers too large or with a leading zero, near-misses.
    "weight_ih_l3", "weight_hh_l3", "weight_ih_l3_reverse", "grad_h_l3", "weight_ih_l99999999999",
    "bias_ih_l00", "weight_hh_l1_reverse_x", "h0_reverse", "grad_h_l", "weight_ih_l",
    "weight_ih_l1_reverse_reverse", "grad_x_reverse", "output_l1", "weight_ih_l4294967296"};

// The bug this fuzzer exists to find: a dump accepted that does not fit its own problem.
void require(bool ok) {
  if (!ok) std::abort();
}

bool empty_or(const std::vector<double>& v, std::size_t n) { return v.empty() || v.size() == n; }

template <class Vector>
bool all_finite(const Vector& v) {
  for (double e : v)
    if (!std::isfinite(e)) return false;
  return true;
}

// Every value of an f32 dump is a float widened to double (NaN included).
template <class Vector>
bool all_floats(const Vector& v) {
  for (double e : v)
    if (!std::isnan(e) && static_cast<double>(static_cast<float>(e)) != e) return false;
  return true;
}

// A single layer's dump: rnn::parameters and the single-layer sizes, nothing in the network
// members.
void check_layer(const rnnsuite::verify::dump& d, std::size_t input_size) {
  const rnn::problem& p = d.data.problem;
  const rnn::tensor_sizes n = rnn::sizes_of(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  // The given data: exactly the problem's sizes; absent ones filled with zeros.
  const rnnsuite::verify::given_data& g = d.data;
  require(g.x.size() == n.x);
  require(g.params.weight_ih.size() == n.weight_ih && g.params.weight_hh.size() == n.weight_hh);
  require(g.params.bias_ih.size() == n.bias && g.params.bias_hh.size() == n.bias);
  require(g.h0.size() == n.state);
  require(g.c0.size() == (lstm ? n.state : 0));
  require(g.grad_output.size() == n.sequence);
  require(empty_or(g.grad_h_n, n.state));
  require(lstm ? empty_or(g.grad_c_n, n.state) : g.grad_c_n.empty());
  // Forward results and gradients: empty where absent, else the problem's size.
  require(empty_or(d.forward.output, n.sequence) && empty_or(d.forward.h_n, n.state));
  require(lstm ? empty_or(d.forward.c_n, n.state) : d.forward.c_n.empty());
  const rnnsuite::verify::fast_gradients& q = d.gradients;
  require(g.network_parameters.empty() && q.parameters.empty());
  require(empty_or(q.weight_ih, n.weight_ih) && empty_or(q.weight_hh, n.weight_hh));
  require(empty_or(q.bias_ih, n.bias) && empty_or(q.bias_hh, n.bias));
  require(empty_or(q.x, n.x) && empty_or(q.h0, n.state) && empty_or(q.h, n.sequence));
  require(lstm ? empty_or(q.c0, n.state) && empty_or(q.c, n.sequence)
               : q.c0.empty() && q.c.empty());
  // Something to grade.
  const bool graded = !d.forward.output.empty() || !d.forward.h_n.empty() ||
                      !d.forward.c_n.empty() || !q.weight_ih.empty() || !q.weight_hh.empty() ||
                      !q.bias_ih.empty() || !q.bias_hh.empty() || !q.x.empty() ||
                      !q.h0.empty() || !q.c0.empty() || !q.h.empty() || !q.c.empty();
  require(graded);
  // Every input finite (a non-finite forward result or gradient is graded, not refused).
  require(all_finite(g.x) && all_finite(g.params.weight_ih) && all_finite(g.params.weight_hh) &&
          all_finite(g.params.bias_ih) && all_finite(g.params.bias_hh) && all_finite(g.h0) &&
          all_finite(g.c0) && all_finite(g.grad_output) && all_finite(g.grad_h_n) &&
          all_finite(g.grad_c_n));
  if (p.precision == rnn::precision::f32)
    for (const std::vector<double>* v :
         {&g.x, &g.h0, &g.grad_output, &d.forward.output, &q.weight_ih, &q.x, &q.h})
      require(all_floats(*v));
  // The size guard: x, weight_ih and weight_hh are read from the input (>= 4 bytes a value), so
  // T·B·I, G·H·I and G·H·H are bounded by it; everything else is a product of those (T·B·H <=
  // x·weight_hh). No accepted dump can make the harness allocate more than that.
  const std::size_t values = input_size / 4;
  require(n.x <= values && n.weight_ih <= values && n.weight_hh <= values);
}

// A network's: rnn/network.hpp's layouts (the parameters flat, states (L·D)×B×H, output
// T×B×(D·H), per-block sequences (L·D)×T×B×H), nothing in the single layer's members.
void check_network(const rnnsuite::verify::dump& d, const rnnsuite::verify::dump_files& files,
                   std::size_t input_size) {
  const rnn::problem& p = d.data.problem;
  const rnn::network_sizes n = rnn::network_sizes_of(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  const rnnsuite::verify::given_data& g = d.data;
  require(g.x.size() == n.x);
  require(g.params.weight_ih.empty() && g.params.weight_hh.empty() && g.params.bias_ih.empty() &&
          g.params.bias_hh.empty());
  require(g.network_parameters.size() == n.parameters);
  require(g.h0.size() == n.state);
  require(g.c0.size() == (lstm ? n.state : 0));
  require(g.grad_output.size() == n.output);
  require(empty_or(g.grad_h_n, n.state));
  require(lstm ? empty_or(g.grad_c_n, n.state) : g.grad_c_n.empty());
  require(empty_or(d.forward.output, n.output) && empty_or(d.forward.h_n, n.state));
  require(lstm ? empty_or(d.forward.c_n, n.state) : d.forward.c_n.empty());
  const rnnsuite::verify::fast_gradients& q = d.gradients;
  require(q.weight_ih.empty() && q.weight_hh.empty() && q.bias_ih.empty() && q.bias_hh.empty());
  require(empty_or(q.parameters, n.parameters));
  require(empty_or(q.x, n.x) && empty_or(q.h0, n.state) && empty_or(q.h, n.sequences));
  require(lstm ? empty_or(q.c0, n.state) && empty_or(q.c, n.sequences)
               : q.c0.empty() && q.c.empty());
  const bool graded = !d.forward.output.empty() || !d.forward.h_n.empty() ||
                      !d.forward.c_n.empty() || !q.parameters.empty() || !q.x.empty() ||
                      !q.h0.empty() || !q.c0.empty() || !q.h.empty() || !q.c.empty();
  require(graded);
  require(all_finite(g.x) && all_finite(g.network_parameters) && all_finite(g.h0) &&
          all_finite(g.c0) && all_finite(g.grad_output) && all_finite(g.grad_h_n) &&
          all_finite(g.grad_c_n));
  if (p.precision == rnn::precision::f32)
    for (const std::vector<double>* v : {&g.x, &g.network_parameters, &g.h0, &g.grad_output,
                                         &d.forward.output, &q.parameters, &q.x, &q.h})
      require(all_floats(*v));
  // The size guard: every block's weight_ih and weight_hh is read from the input (>= 4 bytes a
  // value, distinct files), and a block's biases (G·H each, zero when absent) are no more than
  // its weight_hh (G·H·H): the flat parameters are at most 3× the values of the input.
  const std::size_t values = input_size / 4;
  const std::size_t G = static_cast<std::size_t>(p.G()), H = static_cast<std::size_t>(p.H),
                    blocks = static_cast<std::size_t>(p.layers * p.directions);
  require(n.x <= values && n.parameters <= 3 * values && blocks * G * H * H <= values);
  // The layout: block k = l·D + d's weight_ih, weight_hh, bias_ih, bias_hh, after block k - 1
  // (rnn::parameter_offsets_of's), each holding its file's values (zeros for an absent bias).
  std::size_t at = 0;
  for (std::size_t k = 0; k < blocks; ++k) {
    const auto D = static_cast<std::size_t>(p.directions);
    const rnn::tensor_sizes b = rnn::sizes_of(rnn::layer_problem(p, std::int64_t(k / D)));
    const std::string suffix = "_l" + std::to_string(k / D) + (k % D == 1 ? "_reverse" : "");
    const std::pair<const char*, std::size_t> tensors[] = {
        {"weight_ih", b.weight_ih}, {"weight_hh", b.weight_hh}, {"bias_ih", b.bias},
        {"bias_hh", b.bias}};
    for (const auto& [kind, size] : tensors) {
      const auto file = files.find(kind + suffix);
      require(file != files.end() || kind[0] == 'b');
      const std::vector<double> values =
          file != files.end() ? rnn::parse_npy(file->second, "fuzz").values
                              : std::vector<double>(size, 0.0);
      require(values.size() == size);
      for (std::size_t i = 0; i < size; ++i)
        require(std::memcmp(&values[i], &g.network_parameters[at + i], sizeof(double)) == 0);
      at += size;
    }
  }
  require(at == n.parameters);
}

void check(const rnnsuite::verify::dump& d, const rnnsuite::verify::dump_files& files,
           std::optional<rnn::cell> told, std::size_t input_size) {
  const rnn::problem& p = d.data.problem;
  rnn::validate(p);  // an rnn::error here escapes the caller's catch: see below
  // The cell: --cell's when given (a contradiction is an error), else what the shapes tell,
  // which is never an Elman RNN (its activation is not in the shapes).
  require(told ? p.cell == *told : (p.cell == rnn::cell::lstm || p.cell == rnn::cell::gru));
  require(p.layers >= 1 && (p.directions == 1 || p.directions == 2));
  // lengths.npy: the problem is `_lenf`, with B lengths in [1, T]; without it, no lengths.
  const std::vector<std::int64_t>& lengths = d.data.lengths;
  if (files.count("lengths")) {
    require(p.lengths == rnn::lengths_rule::file);
    require(lengths.size() == static_cast<std::size_t>(p.B));
    for (std::int64_t len : lengths) require(len >= 1 && len <= p.T);
  } else {
    require(p.lengths == rnn::lengths_rule::full && lengths.empty());
  }
  if (rnn::is_network(p))
    check_network(d, files, input_size);
  else
    check_layer(d, input_size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned cell_byte = data[0] % 6u;
  const std::optional<rnn::cell> cell =
      cell_byte == 0 ? std::nullopt : std::optional<rnn::cell>(rnn::all_cells[cell_byte - 1]);
  rnnsuite::verify::dump_files files;
  std::size_t at = 1;
  while (at < size) {
    const std::uint8_t pick = data[at++];
    std::string name;
    if (pick == 255) {
      const std::size_t n = at < size ? data[at++] : 0;
      const std::size_t take = n < size - at ? n : size - at;
      name.assign(reinterpret_cast<const char*>(data + at), take);
      at += take;
    } else {
      name = kNames[pick % kNameCount];
    }
    std::size_t n = 0;
    if (at < size) n = data[at++];
    if (at < size) n |= static_cast<std::size_t>(data[at++]) << 8;
    const std::size_t take = n < size - at ? n : size - at;
    files[name].assign(data + at, data + at + take);
    at += take;
  }
  std::optional<rnnsuite::verify::dump> d;
  try {
    d = rnnsuite::verify::parse_dump(files, "fuzz", cell);
  } catch (const rnn::error&) {
    return 0;
  }
  // Outside the try: a dump accepted must pass, so an rnn::error here (an invalid problem) is
  // uncaught and reported like any other crash.
  check(*d, files, cell, size);
  return 0;
}
