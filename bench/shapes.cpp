#include "shapes.hpp"

#include <algorithm>
#include <string>
#include <tuple>

#include "rnn/cell.hpp"
#include "rnn/error.hpp"

namespace bench {
namespace {

using rnn::cell;
using rnn::precision;
constexpr std::int64_t sweep_T[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096};

rnn::problem make(cell c, std::int64_t T, std::int64_t B, std::int64_t H,
                  precision pr = precision::f32, std::int64_t I = 0) {
  return rnn::problem{c, T, B, I == 0 ? H : I, H, pr};
}

// L stacked layers (L >= 2 or bidirectional), D = 2 when bidirectional; float32 unless given.
rnn::problem make_network(cell c, std::int64_t T, std::int64_t B, std::int64_t I, std::int64_t H,
                          std::int64_t L, bool bidirectional, precision pr = precision::f32) {
  return rnn::problem{c, T, B, I, H, pr, L, bidirectional ? 2 : 1};
}

void add_both(std::vector<benchmark_case>& out, const rnn::problem& p) {
  out.push_back({p, direction::fwd});
  out.push_back({p, direction::fwdbwd});
}

// DeepBench LSTM (H=256 B=16 T=150, H=512 B=16 T=25), benchdnn's GNMT encoder LSTM (H=512 T=30,
// B=1 and 64) and DeepSpeech2's vanilla ReLU RNN (H=1760 T=50, B=1 and 64).
void add_named(std::vector<benchmark_case>& out) {
  add_both(out, make(cell::lstm, 150, 16, 256));
  add_both(out, make(cell::lstm, 25, 16, 512));
  add_both(out, make(cell::lstm, 30, 1, 512));
  add_both(out, make(cell::lstm, 30, 64, 512));
  add_both(out, make(cell::elman_relu, 50, 1, 1760));
  add_both(out, make(cell::elman_relu, 50, 64, 1760));
}

// PERFORMANCE.md's table: LSTM, I = H, the shapes oneDNN and PyTorch were measured at.
void add_table(std::vector<benchmark_case>& out) {
  for (const auto& [H, B, T] : {std::tuple{128, 1, 128}, {128, 16, 128}, {128, 64, 1024},
                                {512, 1, 128}, {512, 1, 1024}, {512, 16, 128}, {512, 64, 1024}})
    add_both(out, make(cell::lstm, T, B, H));
}

// Issue 25's shapes, float32, forward+backward, each beside oneDNN's own stacked and bidirectional
// primitives: a GNMT-like encoder (bidirectional LSTM layers, H = 512 where GNMT has 1024, batch
// 32: about 0.7 s per forward+backward on one core); a four-layer forward stack at B = 16 (one
// oneDNN primitive); a bidirectional GRU pair at B = 32; and batch 1, where a step reads every
// block's weights for B rows only: LSTM and GRU, bidirectional and forward-only.
void add_networks(std::vector<benchmark_case>& out) {
  for (const rnn::problem& p :
       {make_network(cell::lstm, 64, 32, 512, 512, 2, true),
        make_network(cell::lstm, 128, 16, 512, 512, 4, false),
        make_network(cell::gru, 64, 32, 512, 512, 2, true),
        make_network(cell::lstm, 128, 1, 512, 512, 2, true),
        make_network(cell::gru, 128, 1, 512, 512, 2, true),
        make_network(cell::lstm, 128, 1, 512, 512, 2, false)})
    out.push_back({p, direction::fwdbwd});
}

// Issue 26's comparison: B = 64 sequences of lengths uniform in [1, 512] (`_lenu1`: Σ len is
// about half of B·T) against the same batch padded to T = 512 (the same descriptor without the
// field: the same data), forward+backward. oneDNN has no lengths: it runs the padded twin only,
// which is what its users do.
void add_lengths(std::vector<benchmark_case>& out) {
  for (cell c : {cell::lstm, cell::gru, cell::elman_tanh}) {
    rnn::problem packed = make(c, 512, 64, 256);
    packed.lengths = rnn::lengths_rule::uniform;
    packed.lengths_seed = 1;
    out.push_back({packed, direction::fwdbwd});
    out.push_back({make(c, 512, 64, 256), direction::fwdbwd});
  }
}

}  // namespace

std::string_view direction_name(direction d) { return d == direction::fwd ? "fwd" : "fwdbwd"; }

std::vector<benchmark_case> grid(std::string_view name) {
  std::vector<benchmark_case> out;
  if (name == "smoke") {
    // Odd sizes exercise the kernels' remainders; B = 1 takes the matrix-vector path.
    for (cell c : rnn::all_cells) {
      add_both(out, make(c, 5, 3, 7, precision::f32, 6));
      out.push_back({make(c, 4, 1, 9, precision::f32, 5), direction::fwdbwd});
    }
    out.push_back({make(cell::lstm, 5, 3, 7, precision::f64, 6), direction::fwdbwd});
    // Networks, one per mapping onto oneDNN's primitives (implementations/src/onednn_network.hpp):
    // one bidirectional primitive per layer, one two-layer primitive (I = H), layer 0 apart
    // (I != H) at batch 1; and one in float64 (rnnsuite alone).
    out.push_back({make_network(cell::lstm, 5, 3, 6, 7, 2, true), direction::fwdbwd});
    out.push_back({make_network(cell::gru, 4, 2, 5, 5, 2, false), direction::fwdbwd});
    out.push_back({make_network(cell::elman_tanh, 4, 1, 6, 5, 2, false), direction::fwdbwd});
    out.push_back(
        {make_network(cell::gru, 4, 2, 3, 5, 2, true, precision::f64), direction::fwdbwd});
    // Sequences of different lengths (rnnsuite alone: oneDNN declines them).
    rnn::problem packed = make(cell::gru, 5, 4, 7, precision::f32, 6);
    packed.lengths = rnn::lengths_rule::extremes;
    out.push_back({packed, direction::fwdbwd});
    packed = make_network(cell::lstm, 5, 3, 6, 7, 2, true);
    packed.lengths = rnn::lengths_rule::uniform;
    out.push_back({packed, direction::fwdbwd});
  } else if (name == "networks") {
    add_networks(out);
  } else if (name == "lengths") {
    add_lengths(out);
  } else if (name == "short") {
    add_both(out, make(cell::lstm, 128, 1, 128));
    add_both(out, make(cell::lstm, 128, 16, 128));
    out.push_back({make(cell::lstm, 128, 16, 512), direction::fwdbwd});
    for (std::int64_t T : {1, 4, 16, 64, 256, 1024})
      out.push_back({make(cell::gru, T, 1, 128), direction::fwdbwd});
  } else if (name == "table") {
    // PERFORMANCE.md's shapes and the other cells at T = 128, H = 512: the targets, e.g. with
    // two threads, in minutes.
    add_table(out);
    for (cell c : rnn::all_cells)
      if (c != cell::lstm)
        for (std::int64_t B : {1, 64}) out.push_back({make(c, 128, B, 512), direction::fwdbwd});
  } else if (name == "default") {
    add_table(out);
    for (cell c : rnn::all_cells)
      if (c != cell::lstm)
        for (std::int64_t B : {1, 64}) out.push_back({make(c, 128, B, 512), direction::fwdbwd});
    add_named(out);
    // T sweep per cell at B=1, H=128: overheads at small T, cost growth to T=4096 (report's fit).
    for (cell c : rnn::all_cells)
      for (std::int64_t T : sweep_T) out.push_back({make(c, T, 1, 128), direction::fwdbwd});
    for (std::int64_t T : sweep_T) out.push_back({make(cell::lstm, T, 16, 128), direction::fwdbwd});
    for (std::int64_t B : {1, 64})
      out.push_back({make(cell::lstm, 128, B, 512, precision::f64), direction::fwdbwd});
  } else if (name == "full") {
    for (cell c : rnn::all_cells)
      for (precision pr : {precision::f32, precision::f64})
        for (std::int64_t H : {128, 512})
          for (std::int64_t B : {1, 16, 64})
            for (std::int64_t T : sweep_T) add_both(out, make(c, T, B, H, pr));
    add_named(out);
  } else {
    throw rnn::error("--grid: unknown grid '" + std::string(name) +
                     "' (known: smoke, short, table, networks, lengths, default, full, memory, "
                     "memory_smoke)");
  }
  // The sweeps cross the table's shapes: keep each (problem, direction) once, the first time.
  return without_repeats(out);
}

std::vector<benchmark_case> without_repeats(const std::vector<benchmark_case>& cases) {
  std::vector<benchmark_case> unique;
  for (const benchmark_case& c : cases)
    if (std::none_of(unique.begin(), unique.end(), [&](const benchmark_case& u) {
          return u.problem == c.problem && u.direction == c.direction;
        }))
      unique.push_back(c);
  return unique;
}

std::vector<benchmark_case> problem_cases(std::string_view descriptor) {
  rnn::problem p;
  try {
    p = rnn::parse_problem(descriptor);
    rnn::validate(p);  // sizes whose tensors would not fit are refused here, not mid-run
  } catch (const rnn::error& e) {
    throw rnn::error("--problem: '" + std::string(descriptor) + "': " + e.what());
  }
  if (p.lengths == rnn::lengths_rule::file)
    throw rnn::error("--problem: '" + std::string(descriptor) +
                     "': '_lenf' takes its lengths from a file, which a benchmark does not read; "
                     "name them with '_lenu<seed>' (uniform in [1, T]) or '_lenx'");
  std::vector<benchmark_case> out;
  add_both(out, p);
  return out;
}

}  // namespace bench
