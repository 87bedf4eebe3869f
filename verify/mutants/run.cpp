// Running the matrix's problems, and handing their outcomes between processes (matrix.hpp).
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <future>
#include <memory>
#include <sstream>

#include "matrix.hpp"
#include "rnn/error.hpp"

namespace rnnsuite::mutants {

namespace v = rnnsuite::verify;

namespace {

// A mutant's change of a gradient beyond this many tolerances of the check that sees it must be
// caught: the mutant's error there is at least the change minus the clean run's error, which the
// clean run's PASS keeps within one tolerance.
constexpr double must_catch_above = 2;

std::string ratio_text(double r) {
  std::ostringstream s;
  s.precision(2);
  s << r;
  return s.str();
}

bool bit(std::uint64_t mask, mutant m) {
  return (mask >> static_cast<int>(m) & 1) != 0;
}

// The mutants of one problem against its reference.
problem_outcome run_problem(const problem& pr, const v::fast_path_check& check,
                            const run_options& o) {
  problem_outcome out;
  const std::vector<rnn::isa>& isas = o.isas;
  // The clean runs, and the mutants whose hooks each one reaches: a mutant none of whose hooks a
  // run reaches would run exactly as it did (mutation.hpp), so it is not run there.
  rnn::detail::set_planted_mutant(mutant::none);
  std::vector<v::leg_result> clean(isas.size());
  std::vector<v::fast_gradients> clean_grads(isas.size());
  std::vector<std::uint64_t> reached(isas.size());
  for (std::size_t a = 0; a < isas.size(); ++a) {
    rnn::detail::take_reached_hooks();
    clean[a] = check.run(isas[a], clean_grads[a]);
    reached[a] = rnn::detail::take_reached_hooks();
  }
  out.spread = adjoint_spread(clean_grads.front(), pr.named.problem);
  std::optional<v::gradcheck_result> clean_baseline;
  std::uint64_t baseline_reached = 0;
  if (o.baseline && baseline_for(pr) == baseline_use::runs) {
    rnn::detail::take_reached_hooks();
    clean_baseline = run_baseline(pr);
    baseline_reached = rnn::detail::take_reached_hooks();
  }
  for (const mutant_info& m : o.mutants) {
    rnn::detail::set_planted_mutant(m.id);
    cell& c = out.cells.emplace_back();
    for (std::size_t a = 0; a < isas.size(); ++a) {
      const bool runs = m.id != mutant::none && bit(reached[a], m.id);
      v::fast_gradients grads;
      const v::leg_result leg = runs ? check.run(isas[a], grads) : clean[a];
      c.legs.push_back(
          judge(check, isas[a], clean[a], clean_grads[a], leg, runs ? grads : clean_grads[a]));
      c.legs.back().reached = runs;
      const leg_outcome& l = c.legs.back();
      const std::string at = std::string(m.name) + " × " + pr.name() + " (" +
                             std::string(rnn::isa_name(isas[a])) + "): ";
      if (m.id == mutant::none) {
        if (l.caught)
          out.failures.push_back(at + "rnnsuite fails the correct fast path: " +
                                 std::string(v::verdict_name(l.outcome)) + ", " +
                                 ratio_text(l.worst) + " × tolerance at " + l.where);
      } else if (l.effect > must_catch_above && !l.caught) {
        out.failures.push_back(at + "missed: changes " + l.effect_where + " by " +
                               ratio_text(l.effect) + " × its tolerance, rnnsuite " +
                               std::string(v::verdict_name(l.outcome)) + " (worst " +
                               ratio_text(l.worst) + " × at " + l.where + ")");
      } else if (!l.changes && l.caught) {
        out.failures.push_back(
            at + "flagged though every gradient is bit-identical to the correct fast path's");
      }
    }
    if (clean_baseline)
      c.baseline =
          m.id != mutant::none && bit(baseline_reached, m.id) ? run_baseline(pr) : *clean_baseline;
  }
  rnn::detail::set_planted_mutant(mutant::none);
  return out;
}

// Text fields are the rest of a line; a '\t' or '\n' in one would break the file.
std::string field(std::string s) {
  for (char& ch : s)
    if (ch == '\t' || ch == '\n') ch = ' ';
  return s;
}

}  // namespace

bool cell::reached() const {
  for (const auto& l : legs)
    if (l.reached) return true;
  return false;
}
bool cell::caught() const {
  for (const auto& l : legs)
    if (l.caught) return true;
  return false;
}
bool cell::changes() const {
  for (const auto& l : legs)
    if (l.changes) return true;
  return false;
}
double cell::effect() const {
  double e = 0;
  for (const auto& l : legs) e = std::max(e, l.effect);
  return e;
}
const leg_outcome* cell::strongest() const {
  const leg_outcome* best = nullptr;
  auto rank = [](const leg_outcome& l) { return std::isfinite(l.worst) ? l.worst : -1.0; };
  for (const auto& l : legs)
    if (l.caught && (!best || rank(l) > rank(*best))) best = &l;
  return best;
}

std::vector<problem_outcome> run_problems(const std::vector<problem>& problems,
                                          const std::vector<std::size_t>& mine,
                                          const run_options& o) {
  std::vector<problem_outcome> out;
  // The reference calls no lib code with a hook (lib's seeded initializers only), so it can be
  // computed while a mutant runs.
  auto reference_of = [&](std::size_t j) {
    return std::async(std::launch::async,
                      [&, j] { return std::make_unique<v::fast_path_check>(problems[j].named); });
  };
  std::future<std::unique_ptr<v::fast_path_check>> next;
  if (!mine.empty()) next = reference_of(mine.front());
  for (std::size_t k = 0; k < mine.size(); ++k) {
    const auto start = std::chrono::steady_clock::now();
    const std::unique_ptr<v::fast_path_check> check = next.get();
    if (k + 1 < mine.size()) next = reference_of(mine[k + 1]);
    const problem& pr = problems[mine[k]];
    out.push_back(run_problem(pr, *check, o));
    out.back().seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "[%zu/%zu] %s: %.1f s\n", mine[k] + 1, problems.size(), pr.name().c_str(),
                 out.back().seconds);
  }
  return out;
}

// problem <index> <spread> <seconds>
// failure <text>
// cell <baseline: 0 | 1 passed worst_ratio>
// leg <isa> <reached> <verdict> <caught> <worst> <changes> <effect> <where>\t<effect_where>
// Doubles in hexadecimal (%a): exact.
void write_outcomes(std::FILE* out, const std::vector<std::size_t>& mine,
                    const std::vector<problem_outcome>& outcomes) {
  for (std::size_t k = 0; k < outcomes.size(); ++k) {
    const problem_outcome& p = outcomes[k];
    std::fprintf(out, "problem %zu %a %a\n", mine[k], p.spread, p.seconds);
    for (const std::string& f : p.failures) std::fprintf(out, "failure %s\n", field(f).c_str());
    for (const cell& c : p.cells) {
      if (c.baseline)
        std::fprintf(out, "cell 1 %d %a\n", c.baseline->passed ? 1 : 0, c.baseline->worst_ratio);
      else
        std::fprintf(out, "cell 0\n");
      for (const leg_outcome& l : c.legs)
        std::fprintf(out, "leg %d %d %d %d %a %d %a %s\t%s\n", static_cast<int>(l.isa),
                     l.reached ? 1 : 0, static_cast<int>(l.outcome), l.caught ? 1 : 0, l.worst,
                     l.changes ? 1 : 0, l.effect, field(l.where).c_str(),
                     field(l.effect_where).c_str());
    }
  }
}

std::vector<std::pair<std::size_t, problem_outcome>> read_outcomes(std::FILE* in) {
  std::vector<std::pair<std::size_t, problem_outcome>> out;
  std::string line;
  auto bad = [&] {
    throw rnn::error("rnnsuite-mutants: a worker's outcome line is malformed: " + line);
  };
  for (int ch; (ch = std::fgetc(in)) != EOF;) {
    if (ch != '\n') {
      line += static_cast<char>(ch);
      continue;
    }
    std::istringstream s(line);
    std::string kind;
    s >> kind;
    auto real = [&] {
      std::string word;
      if (!(s >> word)) bad();
      return std::strtod(word.c_str(), nullptr);
    };
    auto integer = [&] {
      long n = 0;
      if (!(s >> n)) bad();
      return n;
    };
    if (kind == "problem") {
      const std::size_t j = static_cast<std::size_t>(integer());
      problem_outcome p;
      p.spread = real(), p.seconds = real();
      out.emplace_back(j, std::move(p));
    } else if (out.empty()) {
      bad();
    } else if (kind == "failure") {
      out.back().second.failures.push_back(line.substr(std::string("failure ").size()));
    } else if (kind == "cell") {
      cell& c = out.back().second.cells.emplace_back();
      if (integer()) {
        v::gradcheck_result b;
        b.passed = integer() != 0;
        b.worst_ratio = real();
        c.baseline = b;
      }
    } else if (kind == "leg" && !out.back().second.cells.empty()) {
      leg_outcome l;
      l.isa = static_cast<rnn::isa>(integer());
      l.reached = integer() != 0;
      l.outcome = static_cast<v::verdict>(integer());
      l.caught = integer() != 0;
      l.worst = real();
      l.changes = integer() != 0;
      l.effect = real();
      std::string rest;
      if (s.get() != ' ') bad();
      std::getline(s, rest);
      const std::size_t tab = rest.find('\t');
      if (tab == std::string::npos) bad();
      l.where = rest.substr(0, tab), l.effect_where = rest.substr(tab + 1);
      out.back().second.cells.back().legs.push_back(std::move(l));
    } else {
      bad();
    }
    line.clear();
  }
  return out;
}

}  // namespace rnnsuite::mutants
