// rnnsuite-mutants: every planted mutant × every problem of `rnnsuite verify --profile quick`
// (both precisions), judged by rnnsuite's leg a on every instruction set this CPU has and, on the
// f64 problems run with full BPTT, by the gradcheck-style baseline. Prints the tables (Markdown
// with --markdown FILE) and exits 0 only if rnnsuite passed the unmutated build everywhere,
// caught every mutant wherever it changes a gradient beyond tolerance, flagged no mutant that
// changes nothing, and caught every mutant in at least one problem.
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "matrix.hpp"
#include "mutant_names.hpp"
#include "rnn/error.hpp"

namespace {

using namespace rnnsuite::mutants;
namespace v = rnnsuite::verify;

std::string ratio_text(double r) {
  if (std::isinf(r)) return "∞";
  std::ostringstream s;
  s << std::setprecision(2) << r;
  return s.str();
}

// "R" caught by rnnsuite (some instruction set's leg a FAILs or is MISTRUSTED), "-" missed, "·"
// nothing changed, "≤tol" changed by at most a tolerance and not caught; then "/B" or "/-" for the
// baseline where it runs. The none column: rnnsuite's verdict and the baseline's.
std::string cell_text(const mutant_info& m, const cell& c) {
  std::string baseline;
  if (c.baseline) baseline = c.baseline->passed ? "/-" : "/B";
  if (m.id == mutant::none) {
    v::verdict worst = v::verdict::pass;
    for (const auto& l : c.legs) worst = v::worse(worst, l.outcome);
    std::string text(v::verdict_name(worst));
    if (c.baseline)
      text += c.baseline->passed ? "/pass" : "/FAIL " + ratio_text(c.baseline->worst_ratio) + "×";
    return text;
  }
  if (!c.changes()) return "·";
  if (!c.caught() && c.effect() <= 1) return "≤tol" + baseline;
  return std::string(c.caught() ? "R" : "-") + baseline;
}

std::string baseline_text(const problem& pr) {
  switch (baseline_for(pr)) {
    case baseline_use::runs:
      return "yes";
    case baseline_use::too_costly:
      return "n/a (cost)";
    default:
      return "n/a";
  }
}

// Runs every problem on `jobs` processes (the planted mutant is one per process): process k takes
// problems k, k + jobs, ...; the others hand their outcomes back through a file each.
std::vector<problem_outcome> run_all(const std::vector<problem>& problems, const run_options& o,
                                     std::size_t jobs) {
  jobs = std::max<std::size_t>(1, std::min(jobs, problems.size()));
  auto share = [&](std::size_t k) {
    std::vector<std::size_t> mine;
    for (std::size_t j = k; j < problems.size(); j += jobs) mine.push_back(j);
    return mine;
  };
  // Fork before any thread exists (the reference's, a layer's pool): the workers start clean.
  std::vector<std::pair<pid_t, std::FILE*>> workers;
  for (std::size_t k = 1; k < jobs; ++k) {
    std::FILE* file = std::tmpfile();
    if (!file) throw rnn::error("rnnsuite-mutants: cannot create a worker's file");
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw rnn::error("rnnsuite-mutants: cannot fork a worker");
    if (pid == 0) {
      int status = 0;
      try {
        const std::vector<std::size_t> mine = share(k);
        write_outcomes(file, mine, run_problems(problems, mine, o));
        if (std::fflush(file) != 0) status = 3;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "rnnsuite-mutants worker %zu: %s\n", k, e.what());
        status = 3;
      }
      std::_Exit(status);
    }
    workers.emplace_back(pid, file);
  }
  std::vector<problem_outcome> out(problems.size());
  const std::vector<std::size_t> mine = share(0);
  std::vector<problem_outcome> own = run_problems(problems, mine, o);
  for (std::size_t k = 0; k < mine.size(); ++k) out[mine[k]] = std::move(own[k]);
  std::string error;
  for (auto& [pid, file] : workers) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      error = "rnnsuite-mutants: a worker process failed (status " + std::to_string(status) + ")";
    } else {
      std::rewind(file);
      for (auto& [j, outcome] : read_outcomes(file)) out.at(j) = std::move(outcome);
    }
    std::fclose(file);
  }
  if (!error.empty()) throw rnn::error(error);
  return out;
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"rnnsuite-mutants: planted bugs × the problems of rnnsuite verify --profile quick"};
  std::string markdown_file, only_regime, only_mutant;
  bool list = false, no_baseline = false;
  int jobs = 0;
  app.add_option("--markdown", markdown_file, "write the tables as Markdown to FILE");
  app.add_option("--regime", only_regime,
                 "run only problems whose name contains this (no mutant then needs a catch)");
  app.add_option("--mutant", only_mutant, "run only mutants whose name contains this");
  app.add_option("--jobs", jobs, "processes (default: one per core)")->check(CLI::Range(0, 64));
  app.add_flag("--list", list, "list the problems (and where the baseline runs) and exit");
  app.add_flag("--no-baseline", no_baseline, "skip the gradcheck baseline (faster; not for docs)");
  CLI11_PARSE(app, argc, argv);

  const auto start = std::chrono::steady_clock::now();
  std::vector<problem> problems;
  for (auto& pr : matrix_problems())
    if (pr.name().find(only_regime) != std::string::npos) problems.push_back(std::move(pr));
  if (list) {
    for (const auto& pr : problems)
      std::cout << pr.name() << "  baseline: " << baseline_text(pr) << " (" << std::setprecision(2)
                << baseline_cost(pr) << " multiply-adds)\n";
    return 0;
  }
  run_options options;
  for (const auto& m : all_mutants)
    if (m.id == mutant::none || m.name.find(only_mutant) != std::string_view::npos)
      options.mutants.push_back(m);
  options.isas = rnn::available_isas();
  options.baseline = !no_baseline;
  const std::vector<mutant_info>& mutants = options.mutants;
  const std::vector<rnn::isa>& isas = options.isas;
  const std::size_t processes =
      jobs > 0 ? std::size_t(jobs) : std::max(1u, std::thread::hardware_concurrency());
  const std::vector<problem_outcome> outcomes = run_all(problems, options, processes);
  auto at = [&](std::size_t i, std::size_t j) -> const cell& { return outcomes[j].cells[i]; };

  std::vector<std::string> failures;
  for (const problem_outcome& o : outcomes)
    failures.insert(failures.end(), o.failures.begin(), o.failures.end());
  // Every mutant must be caught by some problem of verify quick (when all of them ran).
  for (std::size_t i = 0; i < mutants.size(); ++i) {
    if (mutants[i].id == mutant::none || !only_regime.empty()) continue;
    bool caught = false;
    for (std::size_t j = 0; j < problems.size(); ++j) caught = caught || at(i, j).caught();
    if (!caught)
      failures.push_back(std::string(mutants[i].name) +
                         ": caught by no problem of rnnsuite verify --profile quick");
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::ostringstream md;
  // The mutants: what each plants, and where verify quick catches it.
  md << "| # | mutant | class | planted bug (hook in lib/src/) | problems reached / changed / "
        "caught | caught in | strongest catch: problem, ISA, block, error/tolerance |\n"
        "|---|---|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < mutants.size(); ++i) {
    const mutant_info& m = mutants[i];
    md << "| " << static_cast<int>(m.id) << " | `" << m.name << "` | " << m.kind << " | " << m.bug
       << " (" << m.where << ") | ";
    if (m.id == mutant::none) {
      md << "– | – | – |\n";
      continue;
    }
    int reached = 0, changed = 0, caught = 0;
    std::vector<std::string> families;  // where it is caught, in problem order
    const leg_outcome* best = nullptr;
    std::size_t best_j = 0;
    auto rank = [](const leg_outcome& l) { return std::isfinite(l.worst) ? l.worst : -1.0; };
    for (std::size_t j = 0; j < problems.size(); ++j) {
      const cell& c = at(i, j);
      reached += c.reached(), changed += c.changes(), caught += c.caught();
      const leg_outcome* s = c.strongest();
      if (!s) continue;
      if (std::find(families.begin(), families.end(), problems[j].named.family) == families.end())
        families.push_back(problems[j].named.family);
      if (!best || rank(*s) > rank(*best)) best = s, best_j = j;
    }
    md << reached << " / " << changed << " / " << caught << " | ";
    if (families.size() <= 3) {
      for (std::size_t k = 0; k < families.size(); ++k) md << (k ? ", " : "") << families[k];
    } else {
      md << families.size() << " families";
    }
    md << " | ";
    if (best)
      md << problems[best_j].name() << ", " << rnn::isa_name(best->isa) << ", " << best->where
         << ", " << ratio_text(best->worst) << " |\n";
    else
      md << "**not caught** |\n";
  }
  // The matrix: one row per problem, one column per mutant.
  md << "\n| problem | κ | B |";
  for (const auto& m : mutants) md << " " << static_cast<int>(m.id) << " |";
  md << "\n|---|---|---|";
  for (std::size_t i = 0; i < mutants.size(); ++i) md << "---|";
  md << "\n";
  int reached_cells = 0, changed_cells = 0, caught_r = 0, within = 0, missed = 0;
  int baseline_cells = 0, caught_b = 0, baseline_problems = 0, clean_baseline_failures = 0;
  for (std::size_t j = 0; j < problems.size(); ++j) {
    const bool has_baseline = !mutants.empty() && at(0, j).baseline.has_value();
    baseline_problems += has_baseline;
    md << "| " << problems[j].name() << " | "
       << (outcomes[j].spread > 0 ? ratio_text(outcomes[j].spread) : std::string("–")) << " | "
       << (no_baseline ? std::string("off") : baseline_text(problems[j])) << " |";
    for (std::size_t i = 0; i < mutants.size(); ++i) {
      const cell& c = at(i, j);
      md << " " << cell_text(mutants[i], c) << " |";
      if (mutants[i].id == mutant::none) {
        clean_baseline_failures += c.baseline && !c.baseline->passed;
        continue;
      }
      reached_cells += c.reached();
      if (!c.changes()) continue;
      ++changed_cells;
      caught_r += c.caught();
      within += !c.caught() && c.effect() <= 1;
      missed += !c.caught() && c.effect() > 1;
      if (c.baseline) ++baseline_cells, caught_b += !c.baseline->passed;
    }
    md << "\n";
  }
  md << "\nProblems: " << problems.size() << " (rnnsuite verify --profile quick's, f32 and f64), "
     << "leg a on " << isas.size() << " instruction sets (";
  for (std::size_t a = 0; a < isas.size(); ++a) md << (a ? ", " : "") << rnn::isa_name(isas[a]);
  md << "). Mutant × problem cells where a hook runs: " << reached_cells
     << "; where a gradient changes: " << changed_cells << ", caught by rnnsuite: " << caught_r
     << ", changed within tolerance: " << within << ", missed: " << missed << ". Of the "
     << baseline_cells << " changed cells where the baseline runs, it catches " << caught_b
     << "; it fails the correct fast path in " << clean_baseline_failures << " of its "
     << baseline_problems << " problems. Matrix time: " << static_cast<int>(seconds + 0.5)
     << " s on " << processes << " processes.\n";
  std::cout << md.str();
  if (!markdown_file.empty()) {
    std::ofstream out(markdown_file);
    out << md.str();
    if (!out) {
      std::cerr << "rnnsuite-mutants: cannot write --markdown '" << markdown_file << "'\n";
      return 2;
    }
  }
  if (!failures.empty()) {
    for (const std::string& f : failures) std::cerr << f << "\n";
    std::cerr << failures.size() << " wrong verdict(s) or uncaught mutant(s)\n";
    return 1;
  }
  return 0;
} catch (const std::exception& e) {
  std::cerr << e.what() << "\n";
  return 2;
}
