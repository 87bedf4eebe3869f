// `rnnsuite verify`: the verification matrix (docs/verification.md). For every selected regime
// and precision: leg a on every instruction set this CPU runs, then legs b and c once per regime
// shape. One table row per leg result; exit 0 only if nothing FAILed or was MISTRUSTED.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "in_order_on_threads.hpp"
#include "leg_report.hpp"
#include "rnn/error.hpp"
#include "rnn/isa.hpp"
#include "rnnsuite/impl/registry.hpp"
#include "rnnsuite/verify/legs.hpp"
#include "rnnsuite/verify/mutants.hpp"
#include "rnnsuite/verify/thread_caches.hpp"

namespace rnnsuite::cli {
namespace {

namespace v = rnnsuite::verify;

struct verify_args {
  std::string profile = "quick";
  std::vector<std::string> cells, precisions{"f32", "f64"}, regimes, problems;
  std::string json, junit, shard;
  std::string implementation = "lib";
  double timeout_seconds = 300;
  int threads = v::default_threads;
  bool threads_given = false;
  int jobs = 0;
  bool list = false;
};

std::vector<std::string> split_all(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    std::stringstream in(item);
    for (std::string part; std::getline(in, part, ',');)
      if (!part.empty()) out.push_back(part);
  }
  return out;
}

// "i/n" with 0 <= i < n; absent: GTEST_SHARD_INDEX / GTEST_TOTAL_SHARDS; neither: 0/1.
std::pair<long, long> parse_shard(const std::string& text) {
  std::string spec = text;
  if (spec.empty()) {
    const char* index = std::getenv("GTEST_SHARD_INDEX");
    const char* total = std::getenv("GTEST_TOTAL_SHARDS");
    if (!index || !total) return {0, 1};
    spec = std::string(index) + "/" + total;
  }
  long i = -1, n = 0;
  char slash = 0, extra = 0;
  std::istringstream in(spec);
  if (!(in >> i >> slash >> n) || slash != '/' || (in >> extra) || n < 1 || i < 0 || i >= n)
    throw rnn::error("--shard must be i/n with 0 <= i < n, got '" + spec + "'");
  return {i, n};
}

// One unit of work: a regime in one precision, and whether it also carries legs b and c.
struct unit {
  v::regime r;
  bool reference_legs;
};

std::vector<unit> plan(const verify_args& a) {
  const v::profile profile = v::parse_profile(a.profile);
  if (a.threads < 1 || a.threads > 1024)
    throw rnn::error("--threads must be in [1, 1024], got " + std::to_string(a.threads));
  std::set<rnn::cell> cells;
  for (const std::string& c : split_all(a.cells)) cells.insert(rnn::parse_cell(c));
  std::vector<rnn::precision> precisions;
  for (const std::string& p : split_all(a.precisions)) {
    if (p == "f32") precisions.push_back(rnn::precision::f32);
    else if (p == "f64") precisions.push_back(rnn::precision::f64);
    else throw rnn::error("--precision takes f32 and/or f64, got '" + p + "'");
  }
  if (precisions.empty()) throw rnn::error("--precision: no precision given");
  const std::vector<std::string> families = v::regime_families();
  std::set<std::string> wanted;
  for (const std::string& name : split_all(a.regimes)) {
    if (std::find(families.begin(), families.end(), name) == families.end()) {
      std::string known;
      for (const std::string& f : families) known += " " + f;
      throw rnn::error("--regime: unknown regime '" + name + "'; known:" + known);
    }
    wanted.insert(name);
  }
  std::vector<unit> units;
  // --problem D: the descriptor (in its own precision) in every regime family of its cell.
  if (!a.problems.empty()) {
    std::uint64_t seed = 1;
    for (const std::string& descriptor : a.problems) {
      const rnn::problem p = rnn::parse_problem(descriptor);
      bool any = false;
      for (const std::string& family : v::families_of(p.cell)) {
        if (!wanted.empty() && !wanted.count(family)) continue;
        v::regime r = v::regime_for(family, p, seed++);
        if (a.threads_given) r.run.threads = a.threads;
        units.push_back({r, true});
        any = true;
      }
      if (!any)
        throw rnn::error("--problem " + descriptor + ": no --regime given is a regime of " +
                         std::string(rnn::cell_name(p.cell)));
    }
    return units;
  }
  for (std::size_t k = 0; k < precisions.size(); ++k)
    for (const v::regime& r : v::regimes(profile, precisions[k], a.threads)) {
      if (!cells.empty() && !cells.count(r.problem.cell)) continue;
      if (!wanted.empty() && !wanted.count(r.family)) continue;
      // Legs b and c do not depend on the precision: once, with the first one asked for.
      units.push_back({r, k == 0});
    }
  return units;
}

// Leg b: finite differences at every step cost O(T²·B) forwards of G·H·(I + H) multiply-adds
// each, and every parameter block a few whole forwards, in 100 digits. It validates the
// reference, not the implementation (whose code does not depend on the sizes), so it runs where
// that stays cheap: T·B <= 100, H <= 32 and T²·B·G·H·(I + H) <= 2e7 (an LSTM at T = 100, I = 8,
// H = 16: 1.5e7), and never on a truncated backward, which is not the loss's derivative.
bool runs_finite_differences(const v::regime& r) {
  const rnn::problem& p = r.problem;
  return p.T * p.B <= 100 && p.H <= 32 && !r.run.truncated() &&
         double(p.T) * double(p.T * p.B) * double(p.G() * p.H * (p.I + p.H)) <= 2e7;
}

// Every leg result of one unit, in report order: once per instruction set the implementation
// lets us choose (lib: every one this CPU runs), else once.
std::vector<v::leg_result> run_unit(const unit& u, const impl::implementation& implementation) {
  std::vector<v::leg_result> out;
  // Declined: no reference is computed for it, nor legs b and c, which would grade nothing here.
  if (const auto why = v::declined_by(implementation, u.r)) {
    out.push_back(v::unsupported_result(implementation, u.r, *why));
    return out;
  }
  const v::fast_path_check check(u.r);
  const std::vector<rnn::isa>& isas = implementation.caps().isas;
  // The default instruction set through the default path (none named), as a user gets it.
  for (rnn::isa isa : isas)
    out.push_back(check.run(implementation, isa == rnn::default_isa()
                                                ? std::nullopt
                                                : std::optional<rnn::isa>(isa)));
  if (isas.empty()) out.push_back(check.run(implementation, std::nullopt));
  if (u.reference_legs) {
    if (runs_finite_differences(u.r))
      out.push_back(v::check_finite_differences(u.r));
    out.push_back(v::check_digits(u.r));
  }
  return out;
}

int run_verify(const verify_args& a) {
  const auto [shard, shards] = parse_shard(a.shard);
  const std::vector<unit> all = plan(a);
  std::vector<unit> mine;
  for (std::size_t k = 0; k < all.size(); ++k)
    if (static_cast<long>(k % static_cast<std::size_t>(shards)) == shard) mine.push_back(all[k]);
  if (a.list) {
    // The problems this selection grades, one name per line, and nothing run.
    for (const unit& u : mine) std::printf("%s\n", u.r.name().c_str());
    return exit_ok;
  }
  if (a.jobs < 0 || a.jobs > 256)
    throw rnn::error("--jobs must be in [1, 256] (0: one per core), got " + std::to_string(a.jobs));
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t jobs = std::min<std::size_t>(a.jobs > 0 ? std::size_t(a.jobs) : cores,
                                                 std::max<std::size_t>(1, mine.size()));
  impl::open_options how_to_open;
  how_to_open.timeout_seconds = a.timeout_seconds;
  if (!(a.timeout_seconds > 0 && a.timeout_seconds <= 86400))
    throw rnn::error(fmt::format("--timeout must be in (0, 86400] seconds, got {}",
                                 a.timeout_seconds));
  const std::unique_ptr<impl::implementation> implementation =
      impl::open_implementation(a.implementation, how_to_open);
  std::fprintf(stdout, "implementation under test: %s\n", implementation->name().c_str());
  const auto start = std::chrono::steady_clock::now();
  std::vector<v::leg_result> results;
  std::fprintf(stdout, "%-72s %-6s %-6s %12s  %-18s %s\n", "problem", "leg", "isa",
               "err/tol", "worst at", "verdict");
  // The progress line lives on stderr. On a terminal it is redrawn in place and wiped before each
  // table row (stdout and stderr share the screen); in a log it is a line of its own.
  const bool progress_in_place = isatty(fileno(stderr)) != 0;
  auto clear_progress = [&] {
    if (progress_in_place) std::fprintf(stderr, "\r\033[K"), std::fflush(stderr);
  };
  auto report = [&](v::leg_result r) {
    clear_progress();
    std::fprintf(stdout, "%-72s %-6s %-6s %12.3g  %-18s %s%s%s\n", r.problem.c_str(),
                 r.leg.c_str(), r.isa.empty() ? "-" : r.isa.c_str(), r.worst_ratio,
                 where(r).c_str(), std::string(v::verdict_name(r.outcome)).c_str(),
                 r.note.empty() ? "" : "  ", r.note.c_str());
    std::fflush(stdout);
    results.push_back(std::move(r));
  };
  // Costliest first (the reference's multiply-adds; leg b's finite differences add T forwards
  // per step), so one long unit does not start last and leave the other cores idle.
  std::vector<double> cost(mine.size());
  for (std::size_t k = 0; k < mine.size(); ++k) {
    const rnn::problem& p = mine[k].r.problem;
    const bool fd = mine[k].reference_legs && runs_finite_differences(mine[k].r);
    cost[k] = double(p.T * p.B * p.G() * p.H * (p.I + p.H)) * (fd ? double(p.T) * 8 : 1);
  }
  std::string failure;
  std::size_t errors = 0;
  in_order_on_threads(
      mine.size(), jobs, cost, [&](std::size_t k) { return run_unit(mine[k], *implementation); },
      [&](std::size_t k, std::vector<v::leg_result>& legs, const std::string& error,
          double seconds) {
        if (!error.empty()) {
          // An implementation's error is not a verdict: name it at once, go on, exit 2 at the end.
          clear_progress();
          std::fprintf(stderr, "rnnsuite verify: %s: %s\n", mine[k].r.name().c_str(),
                       error.c_str());
          if (failure.empty()) failure = mine[k].r.name() + ": " + error;
          ++errors;
        }
        for (v::leg_result& r : legs) report(std::move(r));
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::fprintf(stderr,
                     progress_in_place ? "\r\033[K[%zu/%zu %.0fs] %s (%.1f s)"
                                       : "[%zu/%zu %.0fs] %s (%.1f s)\n",
                     k + 1, mine.size(), elapsed, mine[k].r.name().c_str(), seconds);
        std::fflush(stderr);
      });
  if (errors > 1) failure += fmt::format(" (and {} more errors above)", errors - 1);
  if (!failure.empty()) throw rnn::error(failure);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  clear_progress();
  std::map<v::verdict, int> tally;
  bool ok = true;
  for (const auto& r : results) tally[r.outcome]++, ok = ok && v::acceptable(r.outcome);
  std::string summary;
  for (const auto& [verdict, count] : tally)
    summary += fmt::format(" {} {}", count, v::verdict_name(verdict));
  std::fprintf(stdout, "%zu leg results in %.1f s (shard %ld/%ld):%s\n", results.size(), secs,
               shard, shards, summary.c_str());
  if (a.profile == "full" && a.implementation == "lib") {
    if (const auto driver = v::find_mutant_driver()) {
      const v::mutant_matrix_result m = v::run_mutant_matrix(*driver);
      std::fprintf(stdout, "\nmutant matrix (%s):\n%s", driver->c_str(), m.table.c_str());
      ok = ok && m.exit_status == 0;
    } else {
      // The driver is a test-only build; its absence says nothing about the verdicts above.
      std::fprintf(stdout, "mutant matrix not run: no rnnsuite-mutants driver (scripts/mutants "
                           "builds it, or set RNNSUITE_MUTANTS_DRIVER)\n");
    }
  }
  if (!a.json.empty()) {
    nlohmann::json j = {{"profile", a.profile}, {"shard", fmt::format("{}/{}", shard, shards)},
                        {"implementation", implementation->name()},
                        {"seconds", secs}, {"passed", ok}, {"results", nlohmann::json::array()}};
    for (const auto& r : results) j["results"].push_back(to_json(r));
    std::ofstream out(a.json);
    if (!out) throw rnn::error("--json: cannot write '" + a.json + "'");
    out << j.dump(1) << "\n";
  }
  if (!a.junit.empty()) write_junit(a.junit, "rnnsuite verify", results, secs);
  return ok ? exit_ok : exit_failed;
}

}  // namespace

void add_verify_command(CLI::App& app) {
  auto args = std::make_shared<verify_args>();
  auto* cmd = app.add_subcommand(
      "verify", "Check every BPTT gradient, per timestep, against a 50/100-digit reference");
  cmd->add_option("--profile", args->profile, "quick (CI, moderate T) or full (T up to 1000, mutants)")
      ->check(CLI::IsMember({"quick", "full"}));
  cmd->add_option("--cells", args->cells, "cells to check (comma list; default all)");
  cmd->add_option("--precision", args->precisions, "f32,f64 (default both)");
  cmd->add_option("--regime", args->regimes, "regime families (comma list; default all)");
  cmd->add_option("--problem", args->problems,
                  "run descriptor D (repeatable) in every regime of its cell instead of the "
                  "profile's problems");
  cmd->add_option("--threads", args->threads,
                  "threads of the multi-threaded problems (default 4, more than B = 17's three "
                  "row groups, so one thread gets none; with --problem, its "
                  "thread count)")
      ->each([args](const std::string&) { args->threads_given = true; });
  cmd->add_option("--impl", args->implementation,
                  "implementation under test: lib (default), onednn, or a plugin's path "
                  "(./libmine.so, docs/plugins.md); a plugin runs each problem in a child process");
  cmd->add_option("--timeout", args->timeout_seconds,
                  "a plugin's longest call in seconds before its problem FAILs (default 300)");
  cmd->add_option("--jobs", args->jobs, "problems checked at once (default: one per core)");
  cmd->add_option("--json", args->json, "write the results as JSON to FILE");
  cmd->add_option("--junit", args->junit, "write a JUnit XML report to FILE");
  cmd->add_flag("--list", args->list, "print the selected problems' names, one per line, and exit");
  cmd->add_option("--shard", args->shard,
                  "run shard i of n (i/n); default GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS");
  cmd->callback([args] { exit_unless_ok(run_verify(*args)); });
}

}  // namespace rnnsuite::cli
