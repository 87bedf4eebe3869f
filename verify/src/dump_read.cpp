// Reading a dump a framework wrote (dump.hpp). Order of checks: every file parses (rnn::parse_npy
// on its bytes), one float dtype throughout, the shapes fit one problem (a single layer, or a
// network of L layers in D directions: its layers and directions from the files' names), the
// integer lengths.npy fits its T and B (dump_lengths.cpp), the inputs are finite. Each failure is
// one line that names the file.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <numeric>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "rnn/error.hpp"
#include "rnn/npy.hpp"
#include "rnn/problem.hpp"
#include "dump_network.hpp"
#include "dump_shapes.hpp"
#include "rnnsuite/verify/dump.hpp"

namespace rnnsuite::verify {

using namespace dump_detail;

namespace {

// The names a single-layer, one-direction dump may hold, and what each is. A network's per-block
// names (<kind>_l<l>[_reverse]) are parse_block_name's.
enum class role { input, forward, gradient, ignored };
const std::map<std::string, role>& known_names() {
  static const std::map<std::string, role> names = {
      {"x", role::input},
      {"h0", role::input},
      {"c0", role::input},
      {"weight_ih_l0", role::input},
      {"weight_hh_l0", role::input},
      {"bias_ih_l0", role::input},
      {"bias_hh_l0", role::input},
      {"grad_output", role::input},
      {"grad_h_n", role::input},
      {"grad_c_n", role::input},
      {"output", role::forward},
      {"h_n", role::forward},
      {"c_n", role::forward},
      {"grad_x", role::gradient},
      {"grad_h0", role::gradient},
      {"grad_c0", role::gradient},
      {"grad_weight_ih_l0", role::gradient},
      {"grad_weight_hh_l0", role::gradient},
      {"grad_bias_ih_l0", role::gradient},
      {"grad_bias_hh_l0", role::gradient},
      {"grad_h", role::gradient},
      {"grad_c", role::gradient},
      {"target", role::ignored},  // rnnsuite run's loss target: grad_output already carries it
  };
  return names;
}

// A state (h0, c0, h_n, c_n and their gradients): 1×B×H as PyTorch writes it, or B×H.
void expect_state(const shapes& s, const std::string& name, std::size_t B, std::size_t H) {
  if (!s.has(name)) return;
  const auto& shape = s.shape(name);
  const bool fits = (shape.size() == 3 && shape[0] == 1 && shape[1] == B && shape[2] == H) ||
                    (shape.size() == 2 && shape[0] == B && shape[1] == H);
  if (!fits) wrong_shape(s, name, fmt::format("1×{}×{} (num_layers × B × H)", B, H));
}

void expect_exact(const shapes& s, const std::string& name, std::vector<std::size_t> want,
                  const std::string& meaning) {
  if (!s.has(name)) return;
  if (s.shape(name) != want)
    wrong_shape(s, name, fmt::format("{} ({})", shape_text(want), meaning));
}

// A block's weight_ih, (G·H)×I_l (`width` names I_l: "I", or "(D·H)" above layer 0); one stored
// transposed is named as such.
void expect_weight_ih(const shapes& s, const std::string& name, std::size_t GH, std::size_t in,
                      const char* width, const std::string& meaning) {
  if (!s.has(name)) return;
  const auto& w = s.shape(name);
  if (w.size() == 2 && w[0] == in && w[1] == GH && in != GH)
    throw rnn::error(fmt::format("{}: shape {} is (G·H)×{} transposed: store {} as PyTorch does, "
                                 "(G·H)×{} = {}×{}",
                                 s.file(name), shape_text(w), width, name, width, GH, in));
  expect_exact(s, name, {GH, in}, meaning);
}

// A network block's weight_hh other than weight_hh_l0 (which gave G and H): (G·H)×H.
void expect_weight_hh(const shapes& s, const std::string& name, std::size_t GH, std::size_t H) {
  if (!s.has(name)) return;
  const auto& w = s.shape(name);
  if (w.size() == 2 && w[0] == H && w[1] == GH && H != GH)
    throw rnn::error(fmt::format("{}: shape {} is (G·H)×H transposed: store {} as PyTorch does, "
                                 "(G·H)×H = {}×{}",
                                 s.file(name), shape_text(w), name, GH, H));
  expect_exact(s, name, {GH, H}, "(G·H)×H, as weight_hh_l0");
}

// The cell and H from weight_hh_l0, (G·H)×H: G = 4 is an LSTM, 3 a GRU, 1 an Elman RNN (whose
// activation the shapes cannot tell).
rnn::cell infer_cell(const shapes& s, std::optional<rnn::cell> told, std::size_t& H,
                     std::vector<std::string>& inferred) {
  const auto& w = s.shape("weight_hh_l0");
  if (w.size() != 2)
    throw rnn::error(fmt::format("{}: shape {} fits no problem: weight_hh_l0 is (G·H)×H, 2-D",
                                 s.file("weight_hh_l0"), shape_text(w)));
  const std::size_t rows = w[0], cols = w[1];
  auto gates_of = [](std::size_t r, std::size_t c) -> std::size_t {
    if (c == 0 || r % c != 0) return 0;
    const std::size_t g = r / c;
    return g == 1 || g == 3 || g == 4 ? g : 0;
  };
  const std::size_t G = gates_of(rows, cols);
  if (G == 0) {
    if (gates_of(cols, rows) != 0)
      throw rnn::error(fmt::format(
          "{}: shape {} is (G·H)×H transposed (G = {}, H = {}): store weight_hh_l0 as PyTorch "
          "does, (G·H)×H = {}×{}",
          s.file("weight_hh_l0"), shape_text(w), cols / rows, rows, cols, rows));
    throw rnn::error(fmt::format(
        "{}: shape {} fits no cell: weight_hh_l0 is (G·H)×H with G = 1 (Elman), 3 (GRU) or 4 "
        "(LSTM) and H >= 1",
        s.file("weight_hh_l0"), shape_text(w)));
  }
  H = cols;
  const rnn::cell from_shapes = G == 4 ? rnn::cell::lstm : G == 3 ? rnn::cell::gru
                                                                  : rnn::cell::elman_tanh;
  if (told) {
    if (rnn::gate_count(*told) != static_cast<int>(G))
      throw rnn::error(fmt::format(
          "--cell {}: {} has shape {}: {} gate block(s), which is {}, not {}",
          rnn::cell_name(*told), s.file("weight_hh_l0"), shape_text(w), G,
          G == 4 ? "an LSTM" : G == 3 ? "a GRU" : "an Elman RNN", rnn::cell_name(*told)));
    inferred.push_back(fmt::format("cell {} (--cell; weight_hh_l0 {} has G = {})",
                                   rnn::cell_name(*told), shape_text(w), G));
    return *told;
  }
  if (G == 1)
    throw rnn::error(fmt::format(
        "{}: shape {} is an Elman RNN (G = 1), whose activation the shapes cannot tell: "
        "say --cell elman_tanh, elman_sigmoid or elman_relu",
        s.file("weight_hh_l0"), shape_text(w)));
  inferred.push_back(fmt::format("cell {} (weight_hh_l0 {}: G = {}, H = {})",
                                 rnn::cell_name(from_shapes), shape_text(w), G, H));
  return from_shapes;
}

// The first non-finite value of an input, as one line.
void expect_finite(const shapes& s, const std::string& name) {
  if (!s.has(name)) return;
  const rnn::npy_array& a = s.at(name);
  for (std::size_t k = 0; k < a.values.size(); ++k) {
    if (std::isfinite(a.values[k])) continue;
    std::vector<std::size_t> index(a.shape.size());
    std::size_t rest = k;
    for (std::size_t d = a.shape.size(); d-- > 0;) index[d] = rest % a.shape[d], rest /= a.shape[d];
    throw rnn::error(fmt::format("{}: element [{}] is {}: an input must be finite (a non-finite "
                                 "value in a gradient is graded, not refused)",
                                 s.file(name), fmt::join(index, ", "), a.values[k]));
  }
}




}  // namespace

dump_files read_dump_folder(const std::filesystem::path& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw rnn::error(folder.string() + ": " +
                     (fs::exists(folder, ec) ? "not a folder" : "no such folder") +
                     " (rnnsuite check DIR takes a folder of .npy files)");
  dump_files files;
  fs::directory_iterator it(folder, ec), end;
  if (ec) throw rnn::error(folder.string() + ": cannot list the folder: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw rnn::error(folder.string() + ": cannot list the folder: " + ec.message());
    const fs::path& path = it->path();
    if (path.extension() != ".npy" || !it->is_regular_file(ec)) continue;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw rnn::error(path.string() + ": cannot open for reading");
    std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    if (in.bad()) throw rnn::error(path.string() + ": read error");
    files[path.stem().string()] = std::move(bytes);
  }
  if (files.empty())
    throw rnn::error(folder.string() + ": no .npy file (a dump holds x.npy, weight_ih_l0.npy, "
                     "weight_hh_l0.npy, an upstream gradient and the gradients to grade)");
  return files;
}

dump parse_dump(const dump_files& files, const std::string& folder,
                std::optional<rnn::cell> cell) {
  dump out;
  out.folder = folder;
  shapes s{folder, {}};
  std::map<std::string, role> roles;  // of every file read
  std::optional<rnn::npy_array> lengths;  // integers: apart from the arrays of x's dtype
  for (const auto& [name, bytes] : files) {
    if (name == "lengths") {
      lengths = rnn::parse_npy(bytes, s.file(name));
      continue;
    }
    role r = role::ignored;
    const auto found = known_names().find(name);
    if (found != known_names().end()) {
      r = found->second;
    } else if (const std::optional<block_file> b = parse_block_name(name)) {
      if (b->digits.size() > 1 && b->digits[0] == '0') {
        const std::size_t first = b->digits.find_first_not_of('0');
        throw rnn::error(fmt::format(
            "{}: layer number {} has a leading zero (PyTorch writes {}_l{}{})", s.file(name),
            b->digits, b->kind, first == std::string::npos ? "0" : b->digits.substr(first),
            b->reverse ? "_reverse" : ""));
      }
      r = b->kind.rfind("grad_", 0) == 0 ? role::gradient : role::input;
    } else {
      out.notes.push_back(name + ".npy not read (not a name of the dump format)");
      continue;
    }
    if (r == role::ignored) {
      out.notes.push_back(name + ".npy not read (grad_output carries the loss)");
      continue;
    }
    s.arrays.emplace(name, rnn::parse_npy(bytes, s.file(name)));
    roles.emplace(name, r);
  }
  for (const char* required : {"x", "weight_ih_l0", "weight_hh_l0"})
    if (!s.has(required))
      throw rnn::error(fmt::format("{}/{}.npy: missing (a dump needs x, weight_ih_l0, "
                                   "weight_hh_l0, an upstream gradient and something to grade)",
                                   folder, required));
  if (!s.has("grad_output") && !s.has("grad_h_n") && !s.has("grad_c_n"))
    throw rnn::error(folder + "/grad_output.npy: missing, and no grad_h_n.npy or grad_c_n.npy: "
                     "no upstream gradient to run backward on");
  // One precision throughout: x's.
  const std::string dtype = s.at("x").dtype;
  if (s.at("x").is_integer())
    throw rnn::error(fmt::format("{}: dtype {}: a dump's arrays are float32 or float64 (only "
                                 "lengths.npy holds integers)",
                                 s.file("x"), dtype));
  for (const auto& [name, a] : s.arrays)
    if (a.dtype != dtype)
      throw rnn::error(fmt::format("{}: dtype {} but x.npy is {} (a dump has one precision)",
                                   s.file(name), a.dtype, dtype));
  const auto& xs = s.shape("x");
  if (xs.size() != 3)
    throw rnn::error(fmt::format("{}: shape {} fits no problem: x is T×B×I (time-major, 3-D)",
                                 s.file("x"), shape_text(xs)));
  std::size_t H = 0;
  rnn::problem p;
  p.cell = infer_cell(s, cell, H, out.inferred);
  const std::size_t T = xs[0], B = xs[1], I = xs[2], G = static_cast<std::size_t>(rnn::gate_count(p.cell));
  const std::size_t GH = G * H;
  expect_weight_ih(s, "weight_ih_l0", GH, I, "I", "(G·H)×I, I from x.npy");
  p.T = static_cast<std::int64_t>(T), p.B = static_cast<std::int64_t>(B);
  p.I = static_cast<std::int64_t>(I), p.H = static_cast<std::int64_t>(H);
  p.precision = dtype == "<f4" ? rnn::precision::f32 : rnn::precision::f64;
  try {
    rnn::validate(p);
  } catch (const rnn::error& e) {
    throw rnn::error(fmt::format("{}: shape {} gives no valid problem: {}", s.file("x"),
                                 shape_text(xs), e.what()));
  }
  out.inferred.push_back(fmt::format("T = {}, B = {}, I = {} (x {}); precision {} ({})", T, B, I,
                                     shape_text(xs), rnn::precision_name(p.precision), dtype));
  std::vector<std::int64_t> sequence_lengths;
  if (lengths) {
    sequence_lengths = lengths_from_npy(*lengths, p, s.file("lengths"), false);
    p.lengths = rnn::lengths_rule::file;
    const auto [shortest, longest] =
        std::minmax_element(sequence_lengths.begin(), sequence_lengths.end());
    out.inferred.push_back(fmt::format(
        "lengths from lengths.npy: Σ len = {} of T·B = {}, min {}, max {} (packed sequences)",
        std::accumulate(sequence_lengths.begin(), sequence_lengths.end(), std::int64_t(0)),
        T * B, *shortest, *longest));
  }

  // A network (rnn/network.hpp): L layers from weight_ih_l0 .. weight_ih_l{L-1}, numbered from 0
  // without a gap; D = 2 when any file is a reverse direction's, and then every layer has one.
  std::vector<std::pair<std::string, block_file>> blocks;  // every block's file, by name
  for (const auto& [name, a] : s.arrays)
    if (const std::optional<block_file> b = parse_block_name(name)) blocks.emplace_back(name, *b);
  const auto layers_and_directions = infer_layers_and_directions(s, blocks);
  const std::size_t L = layers_and_directions.first, D = layers_and_directions.second;
  const std::size_t K = L * D;  // blocks k = l·D + d
  auto block_name = [D](const char* kind, std::size_t k) {
    return std::string(kind) + suffix_of(k / D, k % D);
  };
  p.layers = static_cast<std::int64_t>(L), p.directions = static_cast<std::int64_t>(D);
  const bool network = rnn::is_network(p);
  if (network) {
    try {
      rnn::validate(p);
    } catch (const rnn::error& e) {
      throw rnn::error(fmt::format("{}/{}.npy: L = {} layers, D = {} directions give no valid "
                                   "problem: {}",
                                   folder, block_name("weight_ih", K - 1), L, D, e.what()));
    }
    out.inferred.push_back(fmt::format(
        "L = {} (weight_ih_l0{}), D = {} ({})", L,
        L == 1 ? std::string() : fmt::format(" .. weight_ih_l{}", L - 1), D,
        D == 2 ? "bidirectional: weight_ih_l<l>_reverse.npy for every layer"
               : "forward only: no *_reverse.npy"));
  }
  // dL/dh_t and dL/dc_t: grad_h, grad_c for a single layer, per block for a network.
  for (const char* name : {"grad_h", "grad_c"})
    if (network && s.has(name))
      throw rnn::error(fmt::format("{}: a single layer's name, but the dump is a network ({}): "
                                   "each layer's and direction's is {}_l<l>[_reverse].npy",
                                   s.file(name), rnn::format_problem(p), name));
  for (const auto& [name, b] : blocks)
    if (!network && (b.kind == "grad_h" || b.kind == "grad_c"))
      throw rnn::error(fmt::format("{}: a network's name, but the dump is a single layer: its "
                                   "dL/d{}_t is {}.npy",
                                   s.file(name), b.kind.substr(5), b.kind));

  const bool lstm = rnn::has_cell_state(p.cell);
  for (const char* name : {"c0", "c_n", "grad_c_n", "grad_c0", "grad_c"})
    if (!lstm && s.has(name))
      throw rnn::error(fmt::format("{}: a cell state, but the cell is {}, which has none",
                                   s.file(name), rnn::cell_name(p.cell)));
  for (const auto& [name, b] : blocks)
    if (!lstm && b.kind == "grad_c")
      throw rnn::error(fmt::format("{}: a cell state, but the cell is {}, which has none",
                                   s.file(name), rnn::cell_name(p.cell)));
  const std::string sequence = "T×B×H";
  for (const char* name : {"h0", "c0", "h_n", "c_n", "grad_h_n", "grad_c_n", "grad_h0", "grad_c0"})
    if (network)
      expect_exact(s, name, {K, B, H}, fmt::format("(L·D)×B×H, L = {}, D = {}", L, D));
    else
      expect_state(s, name, B, H);
  for (std::size_t k = 0; k < K; ++k) {
    const std::size_t l = k / D, in = l == 0 ? I : D * H;
    for (const char* kind : {"bias_ih", "bias_hh", "grad_bias_ih", "grad_bias_hh"})
      expect_exact(s, block_name(kind, k), {GH}, "G·H");
    const std::string weight_ih = block_name("weight_ih", k);
    if (k > 0) {
      if (l == 0)
        expect_weight_ih(s, weight_ih, GH, in, "I", "(G·H)×I, I from x.npy");
      else
        expect_weight_ih(s, weight_ih, GH, in, "(D·H)",
                         fmt::format("(G·H)×(D·H): layer {} reads layer {}'s output, D·H wide", l,
                                     l - 1));
      expect_weight_hh(s, block_name("weight_hh", k), GH, H);
    } else {
      expect_exact(s, "weight_hh_l0", {GH, H}, "(G·H)×H");
    }
    expect_exact(s, block_name("grad_weight_ih", k), {GH, in},
                 fmt::format("{}, as {}", l == 0 ? "(G·H)×I" : "(G·H)×(D·H)", weight_ih));
    expect_exact(s, block_name("grad_weight_hh", k), {GH, H},
                 fmt::format("(G·H)×H, as {}", block_name("weight_hh", k)));
  }
  if (network) {
    for (const char* name : {"output", "grad_output"})
      expect_exact(s, name, {T, B, D * H}, "T×B×(D·H)");
    for (std::size_t k = 0; k < K; ++k)
      for (const char* kind : {"grad_h", "grad_c"})
        expect_exact(s, block_name(kind, k), {T, B, H}, sequence);
  } else {
    for (const char* name : {"output", "grad_output", "grad_h", "grad_c"})
      expect_exact(s, name, {T, B, H}, sequence);
  }
  expect_exact(s, "grad_x", {T, B, I}, "T×B×I, as x");
  for (const auto& [name, r] : roles)
    if (r == role::input) expect_finite(s, name);

  given_data& d = out.data;
  d.problem = p;
  d.lengths = std::move(sequence_lengths);
  d.x = s.at("x").values;
  if (network) {
    fill_network(s, out, K, D);
  } else {
    const rnn::tensor_sizes n = rnn::sizes_of(p);
    d.params.weight_ih.assign(s.at("weight_ih_l0").values.begin(), s.at("weight_ih_l0").values.end());
    d.params.weight_hh.assign(s.at("weight_hh_l0").values.begin(), s.at("weight_hh_l0").values.end());
    auto into = [](rnn::aligned_vector<double>& to, const std::vector<double>& from) {
      to.assign(from.begin(), from.end());
    };
    into(d.params.bias_ih, values_or_zero(s, "bias_ih_l0", n.bias, out.notes, "bias=False"));
    into(d.params.bias_hh, values_or_zero(s, "bias_hh_l0", n.bias, out.notes, "bias=False"));
    d.h0 = values_or_zero(s, "h0", n.state, out.notes, "PyTorch's default initial state");
    if (lstm) d.c0 = values_or_zero(s, "c0", n.state, out.notes, "PyTorch's default initial state");
    d.grad_output = values_or_zero(s, "grad_output", n.sequence, out.notes,
                                   "the loss has no term on the outputs");
    d.grad_h_n = values_or_empty(s, "grad_h_n");
    if (lstm) d.grad_c_n = values_or_empty(s, "grad_c_n");
    out.forward = {values_or_empty(s, "output"), values_or_empty(s, "h_n"),
                   values_or_empty(s, "c_n")};
    out.gradients = {values_or_empty(s, "grad_weight_ih_l0"), values_or_empty(s, "grad_weight_hh_l0"),
                     values_or_empty(s, "grad_bias_ih_l0"),   values_or_empty(s, "grad_bias_hh_l0"),
                     values_or_empty(s, "grad_x"),            values_or_empty(s, "grad_h0"),
                     values_or_empty(s, "grad_c0"),           values_or_empty(s, "grad_h"),
                     values_or_empty(s, "grad_c"), {}};
  }
  const auto members = out.gradients.members();
  const bool graded =
      !out.forward.output.empty() || !out.forward.h_n.empty() || !out.forward.c_n.empty() ||
      std::any_of(members.begin(), members.end(), [](const std::vector<double>* v) { return !v->empty(); });
  if (!graded)
    throw rnn::error(folder + ": nothing to grade (no output.npy, h_n.npy or grad_*.npy beside "
                     "the inputs)");
  return out;
}

}  // namespace rnnsuite::verify
