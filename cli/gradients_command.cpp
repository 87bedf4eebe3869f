// `rnnsuite gradients`: the gradient-flow explorer (docs/gradient-flow.md). The computation is
// verify's (trace_gradient_flow); this file parses, writes the CSV and hands plots to gnuplot.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "gnuplot.hpp"
#include "rnn/error.hpp"
#include "rnn/problem.hpp"
#include "rnnsuite/verify/gradient_flow.hpp"
#include "rnnsuite/verify/seeds.hpp"

namespace rnnsuite::cli {

namespace {

namespace v = rnnsuite::verify;

struct gradients_settings {
  std::string problem;
  std::optional<double> gain;
  std::string regime;
  std::uint64_t seed = 1;
  std::string csv;
  std::string plot;
  bool seeds = false;
};

// The seeds' worked examples as a markdown table: each number the articles (in seeds/) print,
// as printed, beside the exact value rounded to the same digits and to 16, and whether the
// article rounded it correctly (verify/tests/test_seeds.cpp checks every row).
void print_seed_table() {
  std::printf(
      "| quantity | article (seeds/) | the article prints | exact, to the printed digits "
      "| exact, 16 digits | check |\n");
  std::printf("|---|---|---|---|---|---|\n");
  for (const v::seed_row& row : v::seed_table())
    std::printf("| %s | %s | %s | %s | %s | %s |\n", row.quantity.c_str(), row.article.c_str(),
                row.quote.c_str(), row.exact_as_printed.c_str(), row.exact_16.c_str(),
                row.check.c_str());
}

// Writes `text` to `path` whole or not at all: a partial CSV is never left behind.
void write_file(const std::string& path, const std::string& text, const char* option) {
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary);
    if (!out) throw rnn::error(fmt::format("{}: cannot write '{}'", option, path));
    out << text;
    if (!out.flush()) throw rnn::error(fmt::format("{}: cannot write '{}'", option, path));
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) {
    std::filesystem::remove(partial, error);
    throw rnn::error(fmt::format("{}: cannot write '{}'", option, path));
  }
}

void check_writable(const std::string& path, const char* option) {
  const auto parent = std::filesystem::absolute(path).parent_path();
  std::error_code error;
  if (!std::filesystem::is_directory(parent, error))
    throw rnn::error(fmt::format("{}: the folder of '{}' does not exist", option, path));
}

void run_gradients(const gradients_settings& s) {
  if (s.seeds) {
    print_seed_table();
    return;
  }
  if (s.problem.empty()) throw rnn::error("--problem is required (or --seeds)");
  v::flow_request request;
  request.problem = rnn::parse_problem(s.problem);
  rnn::require_single_layer(request.problem, "gradients --problem");
  if (!s.regime.empty()) request.regime_family = s.regime;
  if (s.gain) request.gain = *s.gain;
  request.seed = s.seed;
  std::optional<plot_format> format;
  if (!s.plot.empty()) format = plot_format_of(s.plot);  // before the work: bad names fail fast
  if (!s.csv.empty()) check_writable(s.csv, "--csv");
  if (!s.plot.empty()) check_writable(s.plot, "--plot");
  v::flow_regime(request);  // validates regime, cell and gain before the 50-digit run

  const v::gradient_flow flow = v::trace_gradient_flow(request);
  const std::string csv = v::to_csv(flow);
  if (!s.csv.empty()) write_file(s.csv, csv, "--csv");
  else if (s.plot.empty()) std::fputs(csv.c_str(), stdout);
  if (format) {
    // gnuplot reads the CSV from a file: the --csv one, or one beside the plot.
    const std::string data = s.csv.empty() ? s.plot + ".csv" : s.csv;
    if (s.csv.empty()) write_file(data, csv, "--plot");
    plot_gradient_flow(data, s.plot, *format, flow.setup.name(), !flow.exact_dc.empty(),
                       !flow.pascanu_bound.empty());
    if (s.csv.empty()) std::filesystem::remove(data);
  }
  // With the CSV on standard output the classification goes to stderr, so the CSV stays clean.
  std::fprintf(s.csv.empty() && s.plot.empty() ? stderr : stdout, "%s\n", v::describe(flow).c_str());
}

}  // namespace

void add_gradients_command(CLI::App& app) {
  auto s = std::make_shared<gradients_settings>();
  CLI::App* cmd = app.add_subcommand(
      "gradients", "Trace |dL/dh_t| back through time: exact (50 digits), float64, float32");
  cmd->add_option("--problem", s->problem, "descriptor, e.g. elman_tanh_t200_b1_i8_h16_f32");
  auto* gain = cmd->add_option("--gain", s->gain, "orthogonal W_hh scaled by g (default 1)");
  auto* regime = cmd->add_option("--regime", s->regime,
                                 "a verify regime family, e.g. lstm_forget_1 (its gain and bias)");
  gain->excludes(regime);
  cmd->add_option("--seed", s->seed, "seed of the parameters (inputs: seed + 1000); default 1");
  cmd->add_option("--csv", s->csv, "write the CSV to FILE (default: standard output)");
  cmd->add_option("--plot", s->plot, "draw FILE.png or FILE.svg with gnuplot");
  cmd->add_flag("--seeds", s->seeds, "print the seeds' worked examples, recomputed, and exit");
  cmd->callback([s] { run_gradients(*s); });
}

}  // namespace rnnsuite::cli
