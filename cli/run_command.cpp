// `rnnsuite run`: one problem (or several, --table), forward + backward on seeded data.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "memory_budget.hpp"
#include "rnn/lengths.hpp"
#include "rnn/rnn.hpp"
#include "rnnsuite/verify/dump.hpp"
#include "rnnsuite/verify/regimes.hpp"

namespace rnnsuite::cli {

namespace {

struct run_settings {
  std::vector<std::string> problems;
  std::uint64_t seed = 0;
  double gain = 0;  // 0: not given
  std::string init = "pytorch";
  std::string regime;  // a regime family: its parameters and inputs (verify/regimes.hpp)
  std::string loss = "last";
  std::string dump;
  std::string lengths_file;  // --lengths: a `_lenf` problem's lengths
  std::string arch;
  int threads = 1;
  int repeat = 5;
  std::optional<memory_budget> budget;  // --memory-budget: checkpointed BPTT
  bool json = false;
  bool table = false;
};

template <class Real>
double norm(std::span<const Real> v) {
  double s = 0;
  for (Real x : v) s += static_cast<double>(x) * static_cast<double>(x);
  return std::sqrt(s);
}

// Everything one run of a problem produces. A single layer runs as the one-block network, which
// rnn::network computes bit for bit as rnn::layer.
template <class Real>
struct run_result {
  rnn::problem p;
  std::vector<std::int64_t> lengths;  // B, packed sequences (rnn/lengths.hpp); empty: all T
  rnn::aligned_vector<Real> params;  // the flat layout of rnn/network.hpp
  rnn::inputs<Real> in;
  rnn::aligned_vector<Real> output, h_n, c_n, grad_output;  // T×B×(D·H), (L·D)×B×H twice, T×B×(D·H)
  rnn::aligned_vector<Real> d_params;                       // as params
  rnn::aligned_vector<Real> d_x, d_h0, d_c0;                // T×B×I, (L·D)×B×H twice
  rnn::aligned_vector<Real> d_h, d_c;                       // (L·D)×T×B×H: every block's dL/dh_t
  double loss = 0;
  std::vector<double> times_ms;  // forward+backward wall time of each repetition
  std::size_t workspace_bytes = 0, activation_bytes = 0;
  std::string isa;
  // With --memory-budget: the bytes asked of lib, its sizes, and the chunks it recomputes.
  std::size_t budget_bytes = 0;
  rnn::network_checkpoint_sizes checkpointing;
  std::int64_t recomputed_chunks = 0;
};

template <class Real>
run_result<Real> run_problem(const rnn::problem& p, const run_settings& s,
                             std::vector<std::int64_t> lengths) {
  run_result<Real> r;
  r.p = p;
  r.lengths = std::move(lengths);
  const rnn::network_sizes n = rnn::network_sizes_of(p);
  rnn::init_options init{rnn::init_scheme::pytorch, s.seed, 1.0};
  if (s.init == "xavier") init.scheme = rnn::init_scheme::xavier;
  else if (s.init == "orthogonal") init.scheme = rnn::init_scheme::orthogonal;
  else if (s.init != "pytorch")
    throw rnn::error("--init: unknown scheme '" + s.init + "' (known: pytorch, xavier, orthogonal)");
  if (s.gain != 0) {
    init.scheme = rnn::init_scheme::orthogonal;
    init.gain = s.gain;
  }
  const rnn::loss_kind loss = rnn::parse_loss(s.loss);
  if (s.regime.empty()) {
    r.params = rnn::make_network_parameters<Real>(p, init);
    r.in = rnn::make_inputs<Real>(p, s.seed);
  } else {
    verify::regime chosen = verify::regime_for(s.regime, p, s.seed);
    // With PyTorch's default biases under the regime's shifts: a dump whose b_hh is zero could
    // not tell one bias from two.
    chosen.run.realistic_biases = true;
    r.params = verify::regime_network_parameters<Real>(chosen);
    r.in = verify::regime_inputs<Real>(chosen);
  }
  rnn::layer_options options;
  if (!s.arch.empty()) options.isa = rnn::parse_isa(s.arch);
  options.threads = s.threads;
  if (s.budget) {
    r.checkpointing = rnn::network_checkpoint_sizes_of(p, options);
    r.budget_bytes = s.budget->sqrt_rule ? r.checkpointing.sqrt_rule_bytes : s.budget->bytes;
    options.memory_budget_bytes = r.budget_bytes;
  }
  // lib names layer_options; the user gave --memory-budget (a budget below the minimum).
  auto build = [&] {
    try {
      return rnn::network<Real>(p, r.params, options);
    } catch (const rnn::error& e) {
      if (!s.budget) throw;
      throw rnn::error("--memory-budget " + s.budget->text + ": " + e.what());
    }
  };
  rnn::network<Real> network = build();
  r.recomputed_chunks = network.recomputed_chunks();
  r.isa = std::string(rnn::isa_name(options.isa ? *options.isa : rnn::default_isa()));
  r.workspace_bytes = network.workspace_bytes();
  r.activation_bytes = network.activation_bytes();
  const bool lstm = rnn::has_cell_state(p.cell);
  r.output.resize(n.output);
  r.h_n.resize(n.state);
  r.c_n.resize(lstm ? n.state : 0);
  r.grad_output.resize(n.output);
  r.d_params.resize(n.parameters);
  r.d_x.resize(n.x);
  r.d_h0.resize(n.state);
  r.d_c0.resize(lstm ? n.state : 0);
  r.d_h.resize(n.sequences);
  r.d_c.resize(lstm ? n.sequences : 0);
  for (int k = 0; k < s.repeat; ++k) {
    const auto start = std::chrono::steady_clock::now();
    network.forward(r.in.x, r.in.h0, r.in.c0, r.output, r.h_n, r.c_n, r.lengths);
    // With lengths, `last` is each sequence's own last step (rnn/loss.hpp).
    r.loss = rnn::mse_loss<Real>(p, loss, r.output, r.in.target, r.grad_output, r.lengths);
    network.backward(r.grad_output, {}, {}, {r.d_params, r.d_x, r.d_h0, r.d_c0, r.d_h, r.d_c});
    r.times_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  return r;
}

std::vector<double> per_step_norms(const rnn::problem& p, const auto& seq) {
  std::vector<double> out;
  if (seq.empty()) return out;
  const std::size_t step = static_cast<std::size_t>(p.B * p.H);
  for (std::int64_t t = 0; t < p.T; ++t) {
    double s = 0;
    for (std::size_t k = 0; k < step; ++k) {
      const double v = static_cast<double>(seq[static_cast<std::size_t>(t) * step + k]);
      s += v * v;
    }
    out.push_back(std::sqrt(s));
  }
  return out;
}

// The norm of one parameter tensor's gradient over every block (weight_ih: all weight_ih_l*).
template <class Real>
double parameter_norm(const run_result<Real>& r, std::size_t rnn::parameter_offsets::*begin,
                      std::size_t rnn::parameter_offsets::*end) {
  double s = 0;
  for (std::int64_t k = 0; k < r.p.layers * r.p.directions; ++k) {
    const rnn::parameter_offsets o = rnn::parameter_offsets_of(r.p, k);
    const double part = norm<Real>(std::span<const Real>(r.d_params).subspan(o.*begin, o.*end - o.*begin));
    s += part * part;
  }
  return std::sqrt(s);
}

template <class Real>
nlohmann::json describe(const run_result<Real>& r) {
  std::vector<double> t = r.times_ms;
  std::sort(t.begin(), t.end());
  const double median = t.empty() ? 0 : t[t.size() / 2];
  using o = rnn::parameter_offsets;
  nlohmann::json j;
  j["problem"] = rnn::format_problem(r.p);
  j["isa"] = r.isa;
  j["loss"] = r.loss;
  j["grad_norms"] = {{"weight_ih", parameter_norm(r, &o::weight_ih, &o::weight_hh)},
                     {"weight_hh", parameter_norm(r, &o::weight_hh, &o::bias_ih)},
                     {"bias_ih", parameter_norm(r, &o::bias_ih, &o::bias_hh)},
                     {"bias_hh", parameter_norm(r, &o::bias_hh, &o::end)},
                     {"x", norm<Real>(r.d_x)},
                     {"h0", norm<Real>(r.d_h0)}};
  if (!r.d_c0.empty()) j["grad_norms"]["c0"] = norm<Real>(r.d_c0);
  // Layer 0's forward direction (block 0): the gradient that travels through every layer.
  const std::size_t seq = static_cast<std::size_t>(r.p.T * r.p.B * r.p.H);
  j["grad_h_per_step"] = per_step_norms(r.p, std::span<const Real>(r.d_h).first(seq));
  if (!r.d_c.empty()) j["grad_c_per_step"] = per_step_norms(r.p, std::span<const Real>(r.d_c).first(seq));
  j["fwdbwd_ms"] = {{"median", median}, {"min", t.empty() ? 0 : t.front()},
                    {"max", t.empty() ? 0 : t.back()}, {"repeat", t.size()}};
  // A packed batch computes Σ len_b steps, not T·B.
  const double steps = double(rnn::total_steps(r.p, r.lengths));
  j["gflops"] = median > 0 ? rnn::forward_backward_flops(r.p) * steps / (double(r.p.T) * double(r.p.B)) /
                                 (median * 1e6)
                           : 0.0;
  if (!r.lengths.empty()) {
    const auto [shortest, longest] = std::minmax_element(r.lengths.begin(), r.lengths.end());
    j["lengths"] = {{"sum", std::int64_t(steps)}, {"min", *shortest}, {"max", *longest},
                    {"padded", r.p.T * r.p.B}};
  }
  j["workspace_bytes"] = r.workspace_bytes;
  j["activation_bytes"] = r.activation_bytes;
  if (r.budget_bytes != 0) {
    const rnn::network_checkpoint_sizes& c = r.checkpointing;
    j["memory"] = {{"budget_bytes", r.budget_bytes},
                   {"peak_activation_bytes", r.activation_bytes},
                   {"full_storage_activation_bytes", c.full_storage_bytes},
                   {"minimum_budget_bytes", c.minimum_bytes},
                   {"sqrt_budget_bytes", c.sqrt_rule_bytes},
                   {"kept_sequence_bytes", c.kept_sequence_bytes},
                   {"chunk_steps", c.layers.front().chunk_steps},
                   {"chunks", c.chunks()},
                   {"recomputed_chunks", r.recomputed_chunks}};
    // The automatic chunk follows the input's width: the upper layers' may differ from layer 0's.
    if (c.layers.size() > 1) j["memory"]["upper_layers_chunk_steps"] = c.layers.back().chunk_steps;
  }
  return j;
}

// The dump folder (DESIGN.md, "Dump format"): PyTorch's names for every layer and direction. A
// network's per-block dL/dh_t and dL/dc_t are grad_h<suffix>, grad_c<suffix>, T×B×H each (a
// single layer's keep the names grad_h, grad_c).
template <class Real>
void write_dump(const run_result<Real>& r, const run_settings& s, const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  const rnn::problem& p = r.p;
  const auto T = static_cast<std::size_t>(p.T), B = static_cast<std::size_t>(p.B),
             I = static_cast<std::size_t>(p.I), H = static_cast<std::size_t>(p.H),
             GH = static_cast<std::size_t>(p.G()) * H,
             D = static_cast<std::size_t>(p.directions),
             blocks = static_cast<std::size_t>(p.layers * p.directions);
  // Written beside the target, renamed into place only when complete: no half-written dump.
  const fs::path tmp = dir.string() + ".partial";
  std::error_code ec;
  fs::remove_all(tmp, ec);
  if (!fs::create_directories(tmp, ec) && ec)
    throw rnn::error("--dump: cannot create '" + tmp.string() + "': " + ec.message());
  auto put = [&](const std::string& name, std::vector<std::size_t> shape, std::span<const Real> data) {
    if (data.empty()) return;
    rnn::write_npy<Real>(tmp / (name + ".npy"), shape, data);
  };
  put("x", {T, B, I}, r.in.x);
  if (!r.lengths.empty())
    rnn::write_npy<std::int64_t>(tmp / "lengths.npy", std::vector<std::size_t>{B},
                                 std::span<const std::int64_t>(r.lengths));
  put("h0", {blocks, B, H}, r.in.h0);
  put("c0", {blocks, B, H}, r.in.c0);
  put("output", {T, B, D * H}, r.output);
  put("h_n", {blocks, B, H}, r.h_n);
  put("c_n", {blocks, B, H}, r.c_n);
  put("target", {T, B, D * H}, r.in.target);
  put("grad_output", {T, B, D * H}, r.grad_output);
  put("grad_x", {T, B, I}, r.d_x);
  put("grad_h0", {blocks, B, H}, r.d_h0);
  put("grad_c0", {blocks, B, H}, r.d_c0);
  const std::size_t seq = T * B * H;
  for (std::size_t k = 0; k < blocks; ++k) {
    const std::string suffix = rnn::block_suffix(p, std::int64_t(k));
    const rnn::parameter_offsets o = rnn::parameter_offsets_of(p, std::int64_t(k));
    const std::size_t input = (o.weight_hh - o.weight_ih) / GH;
    for (const auto& [values, prefix] : {std::pair{&r.params, ""}, std::pair{&r.d_params, "grad_"}}) {
      const std::span<const Real> flat(*values);
      put(prefix + std::string("weight_ih") + suffix, {GH, input}, flat.subspan(o.weight_ih, GH * input));
      put(prefix + std::string("weight_hh") + suffix, {GH, H}, flat.subspan(o.weight_hh, GH * H));
      put(prefix + std::string("bias_ih") + suffix, {GH}, flat.subspan(o.bias_ih, GH));
      put(prefix + std::string("bias_hh") + suffix, {GH}, flat.subspan(o.bias_hh, GH));
    }
    const std::string seq_suffix = rnn::is_network(p) ? suffix : "";
    put("grad_h" + seq_suffix, {T, B, H}, std::span<const Real>(r.d_h).subspan(k * seq, seq));
    if (!r.d_c.empty())
      put("grad_c" + seq_suffix, {T, B, H}, std::span<const Real>(r.d_c).subspan(k * seq, seq));
  }
  nlohmann::json meta = {{"problem", rnn::format_problem(p)}, {"seed", s.seed},
                         {"regime", s.regime},
                         {"gain", s.gain},  {"init", s.gain != 0 ? "orthogonal" : s.init},
                         {"loss", s.loss},  {"loss_value", r.loss}};
  std::ofstream(tmp / "meta.json") << meta.dump(2) << "\n";
  fs::remove_all(dir, ec);
  fs::rename(tmp, dir, ec);
  if (ec) throw rnn::error("--dump: cannot move the dump into '" + dir.string() + "': " + ec.message());
}

// The problem's lengths: from its rule, or from --lengths for `_lenf`; empty for full batches.
std::vector<std::int64_t> lengths_of(const rnn::problem& p, const run_settings& s) {
  if (p.lengths != rnn::lengths_rule::file) {
    if (!s.lengths_file.empty()) {
      rnn::problem named = p;
      named.lengths = rnn::lengths_rule::file;
      throw rnn::error(fmt::format(
          "--lengths {}: problem {} {}; a lengths file goes with '_lenf' ({})", s.lengths_file,
          rnn::format_problem(p),
          rnn::has_lengths(p) ? "draws its lengths from its descriptor" : "has no lengths field",
          rnn::format_problem(named)));
    }
    return rnn::make_lengths(p);
  }
  if (s.lengths_file.empty())
    throw rnn::error(fmt::format("problem {}: '_lenf' takes the lengths from a file: add "
                                 "--lengths FILE.npy (B = {} integers in [1, T = {}])",
                                 rnn::format_problem(p), p.B, p.T));
  return verify::lengths_from_npy(rnn::read_npy(s.lengths_file), p,
                                  "--lengths " + s.lengths_file, true);
}

template <class Real>
nlohmann::json run_one(const rnn::problem& p, const run_settings& s,
                       std::vector<std::int64_t> lengths) {
  const run_result<Real> r = run_problem<Real>(p, s, std::move(lengths));
  if (!s.dump.empty()) write_dump(r, s, s.dump);
  return describe(r);
}

void print_details(const nlohmann::json& j) {
  fmt::print("problem    {}  (isa {})\n", j["problem"].get<std::string>(),
             j["isa"].get<std::string>());
  if (j.contains("lengths"))
    fmt::print("lengths    Σ len {} of T·B = {} ({:.1f}%), min {}, max {}\n",
               j["lengths"]["sum"].get<std::int64_t>(), j["lengths"]["padded"].get<std::int64_t>(),
               100.0 * j["lengths"]["sum"].get<double>() / j["lengths"]["padded"].get<double>(),
               j["lengths"]["min"].get<std::int64_t>(), j["lengths"]["max"].get<std::int64_t>());
  fmt::print("loss       {:.17g}\n", j["loss"].get<double>());
  for (auto& [name, value] : j["grad_norms"].items())
    fmt::print("|d{:<9}| {:.6e}\n", name, value.get<double>());
  for (const char* key : {"grad_h_per_step", "grad_c_per_step"}) {
    if (!j.contains(key)) continue;
    const auto& v = j[key];
    fmt::print("|dL/d{}_t| per step (t = 0..{}):\n", key[5], v.size() - 1);
    for (std::size_t t = 0; t < v.size(); ++t)
      fmt::print("{:>10.3e}{}", v[t].get<double>(), (t % 8 == 7 || t + 1 == v.size()) ? "\n" : " ");
  }
  const auto& ms = j["fwdbwd_ms"];
  fmt::print("fwd+bwd    median {:.3f} ms (min {:.3f}, max {:.3f}, {} runs), {:.1f} GFLOP/s\n",
             ms["median"].get<double>(), ms["min"].get<double>(), ms["max"].get<double>(),
             ms["repeat"].get<std::size_t>(), j["gflops"].get<double>());
  fmt::print("workspace  {} bytes ({} of stored activations)\n",
             j["workspace_bytes"].get<std::size_t>(), j["activation_bytes"].get<std::size_t>());
  if (j.contains("memory")) {
    const auto& m = j["memory"];
    const auto bytes = [&](const char* key) { return m[key].get<std::size_t>(); };
    // A stacked network's upper layers may chunk differently (their input is D·H wide).
    std::string steps = std::to_string(m["chunk_steps"].get<std::int64_t>());
    if (m.contains("upper_layers_chunk_steps") && m["upper_layers_chunk_steps"] != m["chunk_steps"])
      steps += " (layer 0) and " + std::to_string(m["upper_layers_chunk_steps"].get<std::int64_t>());
    fmt::print("memory     budget {} bytes: peak activations {} bytes ({:.1f}% of full storage's {}); "
               "{} of {} chunks of {} steps recomputed per backward (minimum budget {}, sqrt rule {})\n",
               bytes("budget_bytes"), bytes("peak_activation_bytes"),
               100.0 * double(bytes("peak_activation_bytes")) /
                   double(bytes("full_storage_activation_bytes")),
               bytes("full_storage_activation_bytes"), m["recomputed_chunks"].get<std::int64_t>(),
               m["chunks"].get<std::int64_t>(), steps, bytes("minimum_budget_bytes"),
               bytes("sqrt_budget_bytes"));
    if (bytes("kept_sequence_bytes") > 0)
      fmt::print("           of the peak, {} bytes are the layers' outputs kept for backward\n",
                 bytes("kept_sequence_bytes"));
  }
}

void print_table(const std::vector<nlohmann::json>& rows) {
  fmt::print("{:<40} {:>12} {:>11} {:>11} {:>12} {:>9}\n", "problem", "loss", "|dW_hh|", "|dh0|",
             "fwd+bwd ms", "GFLOP/s");
  for (const auto& j : rows)
    fmt::print("{:<40} {:>12.5e} {:>11.4e} {:>11.4e} {:>12.3f} {:>9.1f}\n",
               j["problem"].get<std::string>(), j["loss"].get<double>(),
               j["grad_norms"]["weight_hh"].get<double>(), j["grad_norms"]["h0"].get<double>(),
               j["fwdbwd_ms"]["median"].get<double>(), j["gflops"].get<double>());
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto s = std::make_shared<run_settings>();
  auto* cmd = app.add_subcommand("run", "Forward + backward on seeded data: loss, gradient norms, time");
  cmd->add_option("--problem", s->problems,
                  "Problem descriptor, e.g. lstm_t128_b16_i512_h512_f32, or a network: "
                  "lstm_t128_b16_i512_h512_l2_bi_f32")
      ->required();
  cmd->add_option("--seed", s->seed, "Seed of parameters and data");
  cmd->add_option("--gain", s->gain, "Orthogonal W_hh scaled to this singular value")
      ->check(CLI::Validator(
          [](std::string& v) {
            double g = 0;
            try { g = std::stod(v); } catch (...) {}
            return std::isfinite(g) && g > 0 ? std::string() : "must be a finite number > 0, got " + v;
          },
          "GAIN > 0"));
  cmd->add_option("--regime", s->regime,
                  "a regime family (rnnsuite verify --list): its parameters and inputs, seeded by "
                  "--seed (inputs by seed + 1000), with PyTorch's default biases");
  cmd->add_option("--init", s->init, "pytorch | xavier | orthogonal")
      ->check(CLI::IsMember({"pytorch", "xavier", "orthogonal"}));
  cmd->add_option("--loss", s->loss,
                  "MSE on the last step (each sequence's own, with lengths) or on all steps")
      ->check(CLI::IsMember({"last", "all"}));
  cmd->add_option("--dump", s->dump, "Write the dump folder (.npy files) here (one problem)");
  cmd->add_option("--lengths", s->lengths_file,
                  "A '_lenf' problem's B sequence lengths: an .npy file of integers in [1, T] "
                  "(int64, int32, or whole-valued floats)");
  cmd->add_option("--arch", s->arch, "Force an instruction set: sse2 | avx2 | avx512");
  cmd->add_option("--threads", s->threads, "Worker threads")->check(CLI::Range(1, 1024));
  cmd->add_option("--repeat", s->repeat, "Timed repetitions (median reported)")->check(CLI::Range(1, 100000));
  cmd->add_option_function<std::string>(
         "--memory-budget",
         [s](const std::string& text) { s->budget = parse_memory_budget(text); },
         "Checkpointed BPTT: bytes of activations forward may keep for backward (gradients "
         "bit-identical to full storage; chunks recomputed to fit). A number with an optional "
         "unit, case aside: B, KiB/MiB/GiB/TiB (powers of 1024), kB/MB/GB/TB (powers of 1000), "
         "decimals allowed (1.5GiB); or `sqrt` for Chen et al.'s rule (about sqrt(n) states and "
         "sqrt(n) chunks of the n chunks kept). Single layers of full-length sequences only; "
         "below the problem's minimum the error says it")
      ->type_name("BYTES|sqrt");
  cmd->add_flag("--json", s->json, "Print JSON");
  cmd->add_flag("--table", s->table, "One row per problem");
  cmd->callback([s] {
    if (!s->regime.empty() && (s->gain != 0 || s->init != "pytorch"))
      throw rnn::error("--regime " + s->regime + ": sets the parameters itself; drop --gain and --init");
    if (!s->dump.empty() && s->problems.size() != 1)
      throw rnn::error("--dump: takes exactly one --problem, got " + std::to_string(s->problems.size()));
    // Every problem and its lengths first: a bad one refused before anything runs.
    std::vector<std::pair<rnn::problem, std::vector<std::int64_t>>> runs;
    for (const std::string& d : s->problems) {
      const rnn::problem p = rnn::parse_problem(d);
      if (s->budget) require_budget_applies(p, *s->budget);
      runs.emplace_back(p, lengths_of(p, *s));
    }
    std::vector<nlohmann::json> rows;
    for (auto& [p, lengths] : runs)
      rows.push_back(p.precision == rnn::precision::f32 ? run_one<float>(p, *s, std::move(lengths))
                                                         : run_one<double>(p, *s, std::move(lengths)));
    if (s->json) fmt::print("{}\n", (rows.size() == 1 ? rows[0] : nlohmann::json(rows)).dump(2));
    else if (s->table) print_table(rows);
    else for (const auto& j : rows) print_details(j);
  });
}

}  // namespace rnnsuite::cli
