// rnnsuite-mutants: every planted mutant × every regime, judged by rnnsuite's leg a and by the
// gradcheck-style baseline; prints the table (Markdown with --markdown FILE) and exits 0 only if
// rnnsuite caught every mutant wherever it changes a gradient beyond tolerance, passed the
// unmutated build everywhere, and flagged no mutant that changes nothing.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "matrix.hpp"
#include "mutant_names.hpp"
#include "rnnsuite/verify/gradcheck.hpp"

namespace {

using namespace rnnsuite::mutants;

struct outcome {
  double effect_over_tolerance = 0;  // the mutant's change of the clean fast path / tolerance
  bool changes = false;              // any gradient changed at all
  leg_a_result rnnsuite;
  rnnsuite::verify::gradcheck_result baseline;
};

// "R/B": caught by rnnsuite (R) / by the baseline (B), "-" missed; "·" nothing changed; "≤tol"
// changed less than rnnsuite's tolerance; the none column: each check's verdict on correct code.
std::string cell_text(const mutant_info& m, const outcome& o) {
  if (m.id == mutant::none) {
    std::ostringstream text;
    text << rnnsuite::verify::verdict_name(o.rnnsuite.outcome) << "/"
         << (o.baseline.passed ? "pass" : "FAIL ") << std::setprecision(2);
    if (!o.baseline.passed) text << o.baseline.worst_ratio << "×";
    return text.str();
  }
  if (!o.changes) return "·";
  const std::string baseline = o.baseline.passed ? "-" : "B";
  // A change within rnnsuite's tolerance is not a bug it can be asked to see.
  if (!o.rnnsuite.caught && o.effect_over_tolerance <= 1) return "≤tol/" + baseline;
  return std::string(o.rnnsuite.caught ? "R" : "-") + "/" + baseline;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rnnsuite-mutants: planted BPTT bugs × regimes, rnnsuite against gradcheck"};
  std::string markdown_file, only_regime, only_mutant;
  app.add_option("--markdown", markdown_file, "write the table as Markdown to FILE");
  app.add_option("--regime", only_regime, "run only regimes whose name contains this");
  app.add_option("--mutant", only_mutant, "run only mutants whose name contains this");
  CLI11_PARSE(app, argc, argv);

  const auto start = std::chrono::steady_clock::now();
  std::vector<regime> regimes;
  for (auto& r : matrix_regimes())
    if (r.name().find(only_regime) != std::string::npos) regimes.push_back(std::move(r));
  std::vector<mutant_info> mutants;
  for (const auto& m : all_mutants)
    if (m.id == mutant::none || m.name.find(only_mutant) != std::string_view::npos)
      mutants.push_back(m);

  std::vector<std::vector<outcome>> table(mutants.size(), std::vector<outcome>(regimes.size()));
  std::vector<double> spread(regimes.size());
  int problems = 0;
  std::ostringstream failures;
  for (std::size_t j = 0; j < regimes.size(); ++j) {
    const regime& r = regimes[j];
    const rnn::problem& p = r.named.problem;
    std::fprintf(stderr, "\r[%zu/%zu] %-60s", j + 1, regimes.size(), r.name().c_str());
    spread[j] = adjoint_spread(r);
    const rnnsuite::verify::fast_path_check check(r.named);  // the reference, once per regime
    rnn::detail::set_planted_mutant(mutant::none);
    const auto clean =
        rnnsuite::verify::run_fast_as<double>(p, r.params, r.in, rnn::loss_kind::last);
    for (std::size_t i = 0; i < mutants.size(); ++i) {
      rnn::detail::set_planted_mutant(mutants[i].id);
      outcome& o = table[i][j];
      const auto mutated =
          rnnsuite::verify::run_fast_as<double>(p, r.params, r.in, rnn::loss_kind::last);
      const double effect = mutant_effect(clean, mutated);
      o.changes = effect != 0;
      o.rnnsuite = run_leg_a(check);
      o.effect_over_tolerance = effect / o.rnnsuite.max_tolerance;
      o.baseline = rnnsuite::verify::gradcheck(p, r.params, r.in);
      // rnnsuite must: pass the clean build; catch what changes a gradient by more than twice
      // the largest tolerance of any of its checks (then the mutant's error exceeds that
      // quantity's tolerance whatever the clean error was); never flag a mutant that changes
      // nothing.
      const bool must_catch = mutants[i].id != mutant::none && o.effect_over_tolerance > 2;
      const bool must_pass = mutants[i].id == mutant::none || !o.changes;
      if ((must_catch && !o.rnnsuite.caught) || (must_pass && o.rnnsuite.caught)) {
        ++problems;
        failures << mutants[i].name << " × " << r.name() << ": rnnsuite "
                 << rnnsuite::verify::verdict_name(o.rnnsuite.outcome) << " (worst "
                 << o.rnnsuite.worst << " × tolerance at " << o.rnnsuite.where << "), effect "
                 << o.effect_over_tolerance << " × tolerance\n";
      }
    }
  }
  rnn::detail::set_planted_mutant(mutant::none);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "\r%-72s\r", "");

  // Legend: one line per mutant; then one row per regime, one column per mutant.
  std::ostringstream md;
  md << "| # | mutant | planted bug |\n|---|---|---|\n";
  for (std::size_t i = 0; i < mutants.size(); ++i)
    md << "| " << static_cast<int>(mutants[i].id) << " | `" << mutants[i].name << "` | "
       << mutants[i].bug << " |\n";
  md << "\n| regime | κ |";
  for (const auto& m : mutants) md << " " << static_cast<int>(m.id) << " |";
  md << "\n|---|---|";
  for (std::size_t i = 0; i < mutants.size(); ++i) md << "---|";
  md << "\n";
  int caught_r = 0, caught_b = 0, effective = 0, beyond = 0, clean_baseline_failures = 0;
  for (std::size_t j = 0; j < regimes.size(); ++j) {
    md << "| " << regimes[j].name() << " | " << std::setprecision(2) << spread[j] << " |";
    for (std::size_t i = 0; i < mutants.size(); ++i) {
      const outcome& o = table[i][j];
      md << " " << cell_text(mutants[i], o) << " |";
      if (mutants[i].id == mutant::none) {
        clean_baseline_failures += !o.baseline.passed;
      } else if (o.changes) {
        ++effective;
        beyond += o.effect_over_tolerance > 1;
        caught_r += o.rnnsuite.caught;
        caught_b += !o.baseline.passed;
      }
    }
    md << "\n";
  }
  md << "\nκ = max_t |dL/dh_t| / |dL/dh_T| from the reference. Cells where a mutant changes some "
        "gradient: "
     << effective << ", by more than rnnsuite's tolerance: " << beyond
     << "; caught by rnnsuite: " << caught_r << ", by the baseline: " << caught_b
     << ". The baseline fails the correct fast path in " << clean_baseline_failures << " of "
     << regimes.size() << " regimes. Matrix time: " << static_cast<int>(seconds + 0.5) << " s.\n";
  std::cout << md.str();
  if (!markdown_file.empty()) {
    std::ofstream out(markdown_file);
    out << md.str();
    if (!out) {
      std::cerr << "rnnsuite-mutants: cannot write --markdown '" << markdown_file << "'\n";
      return 2;
    }
  }
  if (problems) {
    std::cerr << failures.str() << problems << " cell(s) where rnnsuite's verdict is wrong\n";
    return 1;
  }
  return 0;
}
