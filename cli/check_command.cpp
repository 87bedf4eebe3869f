// `rnnsuite check DIR`: grade the forward and the gradients a framework dumped (DESIGN.md, "Dump
// format") against the 50-digit reference run on the dump's own inputs and weights, per step and
// per gate block, as `rnnsuite verify` grades an implementation; when something FAILs, say which
// known convention variant the dump matches (verify/diagnosis.hpp). docs/verifying-pytorch.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "leg_report.hpp"
#include "rnn/error.hpp"
#include "rnn/lengths.hpp"
#include "rnnsuite/verify/diagnosis.hpp"
#include "rnnsuite/verify/dump.hpp"

namespace rnnsuite::cli {
namespace {

namespace v = rnnsuite::verify;

struct check_args {
  std::string folder, cell, json, junit;
  int show = 10;
  bool diagnose = true;
};

// The checks that did not pass, worst first, at most `show` of them.
void print_failures(const v::leg_result& r, int show) {
  std::vector<const v::block_check*> bad;
  for (const v::block_check& c : r.checks)
    if (!v::acceptable(c.outcome)) bad.push_back(&c);
  std::stable_sort(bad.begin(), bad.end(), [](const v::block_check* a, const v::block_check* b) {
    auto ratio = [](const v::block_check* c) {
      return c->tolerance > 0 ? c->error / c->tolerance : c->error > 0 ? 1e300 : 0;
    };
    return ratio(a) > ratio(b);
  });
  for (std::size_t k = 0; k < bad.size() && k < static_cast<std::size_t>(show); ++k) {
    const v::block_check& c = *bad[k];
    const std::string at = c.step < 0 ? c.block : fmt::format("{} at t = {}", c.block, c.step);
    std::printf("  %-10s %-22s error %.3g, tolerance %.3g (%.3g×), |reference| %.3g\n",
                std::string(v::verdict_name(c.outcome)).c_str(), at.c_str(), c.error,
                c.tolerance, c.tolerance > 0 ? c.error / c.tolerance : 0.0, c.reference_norm);
  }
  if (bad.size() > static_cast<std::size_t>(show))
    std::printf("  ... and %zu more (--show N, or --json)\n", bad.size() - show);
}

void print_result(const char* what, const v::leg_result& r, int show) {
  std::map<v::verdict, int> tally;
  for (const v::block_check& c : r.checks) tally[c.outcome]++;
  std::string counts;
  for (const auto& [verdict, count] : tally)
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", count, v::verdict_name(verdict));
  std::printf("%-9s %-10s worst error/tolerance %.3g at %s (%zu checks: %s)\n", what,
              std::string(v::verdict_name(r.outcome)).c_str(), r.worst_ratio, where(r).c_str(),
              r.checks.size(), counts.c_str());
  print_failures(r, show);
}

int run_check(const check_args& a) {
  const auto start = std::chrono::steady_clock::now();
  std::optional<rnn::cell> cell;
  if (!a.cell.empty()) cell = rnn::parse_cell(a.cell);
  if (a.show < 0) throw rnn::error(fmt::format("--show must be >= 0, got {}", a.show));
  const v::dump d = v::parse_dump(v::read_dump_folder(a.folder), a.folder, cell);
  const std::string descriptor = rnn::format_problem(d.data.problem);
  std::printf("dump      %s\nproblem   %s\n", a.folder.c_str(), descriptor.c_str());
  for (const std::string& line : d.inferred) std::printf("  inferred: %s\n", line.c_str());
  for (const std::string& line : d.notes) std::printf("  note: %s\n", line.c_str());
  // The truth costs forward and backward in 50 and 100 digits plus the conditioning sums: about
  // 0.6 µs per multiply-add of the problem on this project's Zen 5 guest (lstm_t50_b8_i32_h32:
  // 3.3e6 multiply-adds, 1.9 s). Say so before a long wait.
  const rnn::problem& p = d.data.problem;
  const double multiply_adds = rnn::forward_flops(p, d.data.lengths) / 2;
  if (multiply_adds * 6e-7 > 30)
    std::printf("  note: the reference runs %.3g multiply-adds in 50 and 100 digits: about %.0f s\n",
                multiply_adds, multiply_adds * 6e-7);
  std::fflush(stdout);
  const v::fast_path_check check(d.data, "dump");
  std::vector<v::leg_result> results;
  const bool has_forward = !d.forward.output.empty() || !d.forward.h_n.empty() ||
                           !d.forward.c_n.empty();
  if (has_forward) results.push_back(check.grade_forward(d.forward, "dump"));
  const v::fast_gradients& g = d.gradients;
  const auto members = g.members();
  const bool has_gradients = std::any_of(members.begin(), members.end(),
                                         [](const std::vector<double>* v) { return !v->empty(); });
  if (has_gradients) results.push_back(check.grade(g, "dump"));
  if (!has_forward)
    std::printf("  note: no output.npy, h_n.npy or c_n.npy: the forward is not checked, and the "
                "gradients are graded on the reference's own forward\n");
  for (const v::leg_result& r : results)
    print_result(r.leg == "forward" ? "forward" : "backward", r, a.show);
  bool ok = true;
  for (const v::leg_result& r : results) ok = ok && v::acceptable(r.outcome);
  nlohmann::json diagnosis = nlohmann::json::array();
  // The convention variants are single-layer conventions (diagnosis.hpp).
  if (!ok && a.diagnose && rnn::is_network(d.data.problem))
    std::printf("diagnosis: not tried on a network (the convention variants are checked on single "
                "layers)\n");
  if (!ok && a.diagnose && !rnn::is_network(d.data.problem)) {
    const std::vector<v::variant_match> matches = v::diagnose(d);
    if (matches.empty())
      std::printf("diagnosis: no known convention variant explains the dump (tried: %s)\n",
                  v::variants_tried(d.data.problem).c_str());
    for (const v::variant_match& m : matches) {
      std::printf("diagnosis: the dump matches %s\n", m.explanation.c_str());
      diagnosis.push_back({{"variant", m.name}, {"explanation", m.explanation},
                           {"forward", to_json(m.forward)}, {"backward", to_json(m.backward)}});
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %s in %.1f s\n", descriptor.c_str(), ok ? "PASS" : "FAIL", secs);
  if (!a.json.empty()) {
    nlohmann::json j = {{"dump", a.folder}, {"problem", descriptor}, {"inferred", d.inferred},
                        {"notes", d.notes}, {"seconds", secs}, {"passed", ok},
                        {"results", nlohmann::json::array()}, {"diagnosis", diagnosis}};
    for (const v::leg_result& r : results) j["results"].push_back(to_json(r));
    std::ofstream out(a.json);
    if (!out) throw rnn::error("--json: cannot write '" + a.json + "'");
    out << j.dump(1) << "\n";
  }
  if (!a.junit.empty()) write_junit(a.junit, "rnnsuite check " + a.folder, results, secs);
  return ok ? exit_ok : exit_failed;
}

}  // namespace

void add_check_command(CLI::App& app) {
  auto args = std::make_shared<check_args>();
  auto* cmd = app.add_subcommand(
      "check", "Grade a dump's forward and gradients (a folder of .npy files any framework "
               "wrote) per timestep against the 50-digit reference");
  cmd->add_option("DIR", args->folder, "the dump folder (DESIGN.md's dump format)")->required();
  cmd->add_option("--cell", args->cell,
                  "elman_tanh | elman_sigmoid | elman_relu (needed only where the shapes cannot "
                  "tell); lstm and gru are read off the shapes");
  cmd->add_option("--json", args->json, "write the results as JSON to FILE");
  cmd->add_option("--junit", args->junit, "write a JUnit XML report to FILE");
  cmd->add_option("--show", args->show, "failed checks printed per result (default 10)");
  cmd->add_flag("!--no-diagnosis", args->diagnose,
                "on a FAIL, do not try the known convention variants");
  cmd->callback([args] { exit_unless_ok(run_check(*args)); });
}

}  // namespace rnnsuite::cli
