#pragma once
// One cell of the mutant × problem matrix: the active mutant's fast path on every problem of
// `rnnsuite verify --profile quick` (both precisions), judged by rnnsuite's leg a on every
// instruction set the CPU has (verify/src/leg_fast.cpp: per timestep, per gate block, against the
// 50-digit reference, conditioning-scaled tolerance), and on the f64 problems run with full BPTT
// by the gradcheck-style baseline (total gradients against double central differences).
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "mutant_names.hpp"
#include "rnn/isa.hpp"
#include "rnnsuite/verify/gradcheck.hpp"
#include "rnnsuite/verify/legs.hpp"
#include "rnnsuite/verify/regimes.hpp"

namespace rnnsuite::mutants {

// A problem of the matrix: a regime as `rnnsuite verify` builds it, in one precision.
struct problem {
  verify::regime named;
  std::string name() const { return named.name(); }
};

// Every regime of verify::regimes(profile::quick, p), f32 first, then f64: exactly the problems
// `rnnsuite verify --profile quick` runs (at its default --threads).
std::vector<problem> matrix_problems();

// Where the gradcheck baseline runs: f64 problems run with full BPTT and no loss term on the final
// states (gradcheck differentiates the MSE of the outputs, on the last step or all, through lib's
// layer with its default options), unless its central differences cost more than
// baseline_budget multiply-adds.
enum class baseline_use { runs, not_applicable, too_costly };
inline constexpr double baseline_budget = 1e9;
baseline_use baseline_for(const problem& pr);
// Multiply-adds of the baseline's forward passes: two per gradient element checked.
double baseline_cost(const problem& pr);
verify::gradcheck_result run_baseline(const problem& pr);

// Leg a of one run (one mutant, one instruction set), and that run's change of the clean fast
// path on the same instruction set.
struct leg_outcome {
  rnn::isa isa = rnn::isa::sse2;
  bool reached = true;  // the mutant's hooks ran (else the run is the clean one, not rerun)
  verify::verdict outcome = verify::verdict::pass;
  bool caught = false;   // FAIL or MISTRUSTED: what `rnnsuite verify` exits 1 for
  double worst = 0;      // the leg's worst error / tolerance
  std::string where;     // its block and step
  bool changes = false;  // some gradient's bits differ from the clean run's
  // Where leg a did not catch a change: the largest change over the checks the clean run PASSed,
  // over that check's tolerance (≤ 1: a change no check can be asked to see), and that check.
  double effect = 0;
  std::string effect_where;
};

// Judges `mutated` (a run of `check` on `isa`, with its gradients) against the clean run of the
// same check and instruction set; the change is measured only where leg a did not catch it.
leg_outcome judge(const verify::fast_path_check& check, rnn::isa isa,
                  const verify::leg_result& clean, const verify::fast_gradients& clean_grads,
                  const verify::leg_result& mutated, const verify::fast_gradients& grads);

// max_t ‖dL/dh_t‖ / ‖dL/dh_T‖ (t = 0 .. T, 0 the initial state) from a clean run's gradients, or
// 0 when the run has no per-step dL/dh_t (parameter gradients only).
double adjoint_spread(const verify::fast_gradients& clean, const rnn::problem& p);

// "block step t" or "block".
std::string block_name(const std::string& block, std::int64_t step);

// One mutant on one problem: leg a on every instruction set, and the baseline where it runs.
struct cell {
  std::vector<leg_outcome> legs;
  std::optional<verify::gradcheck_result> baseline;

  bool reached() const;  // on some instruction set
  bool caught() const;
  bool changes() const;
  double effect() const;  // the largest over the instruction sets
  // The caught leg with the largest finite error / tolerance (an infinite one, a block whose
  // truth is exactly 0, only if no other), or null.
  const leg_outcome* strongest() const;
};

// Everything one problem gives: a cell per mutant (in the order run_problems was given), κ, the
// wrong verdicts found there, and the seconds it took.
struct problem_outcome {
  std::vector<cell> cells;
  double spread = 0;
  std::vector<std::string> failures;
  double seconds = 0;
};

struct run_options {
  std::vector<mutant_info> mutants;  // none first
  std::vector<rnn::isa> isas;
  bool baseline = true;
};

// Runs problems[j] for every j of `mine`, in order, the reference of the next computed on another
// thread while the mutants of one run; progress on standard error.
std::vector<problem_outcome> run_problems(const std::vector<problem>& problems,
                                          const std::vector<std::size_t>& mine,
                                          const run_options& o);

// A worker process hands its outcomes to the driver through a file, as text (doubles exact).
void write_outcomes(std::FILE* out, const std::vector<std::size_t>& mine,
                    const std::vector<problem_outcome>& outcomes);
// (problem index, outcome) pairs; throws rnn::error on a malformed file.
std::vector<std::pair<std::size_t, problem_outcome>> read_outcomes(std::FILE* in);

}  // namespace rnnsuite::mutants
