#pragma once
// Named, reproducible problems that place a recurrence in a known gradient-flow regime
// (docs/verification.md, "Regimes" and "Problems"): for every Elman activation vanishing
// (γ·σ_max = 0.5), edge (γ·σ_max = 1), exploding (γ·σ_max = 1.5) and, for tanh and the sigmoid,
// saturated; LSTM with the forget gate near 1 (the constant error carousel), near 0.5, near 0, and
// saturated (|c| in the tens); GRU with the update gate near 1, near 0, and saturated.
// A regime is the descriptor + seeds + orthogonal gain + bias shifts on gate blocks, plus how the
// problem is run (biases, threads, chunking, truncation, loss): the paths an implementation has
// beyond the regime's own axis. The same regime builds the same bits on every machine.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rnn/init.hpp"
#include "rnn/loss.hpp"
#include "rnn/problem.hpp"
#include "rnn/tbptt.hpp"

namespace rnnsuite::verify {

enum class profile { quick, full };
profile parse_profile(std::string_view name);  // throws rnn::error

struct bias_shift {
  int gate;      // gate block (0-based, PyTorch order) whose bias_ih is shifted
  double shift;  // added to every bias_ih entry of that block
};

// How a problem runs beyond its descriptor. Defaults are the plain case: zero biases, one thread,
// full BPTT of the loss on the last step, no gradient on the final states.
struct execution {
  // b_ih and b_hh drawn as PyTorch's default, U(-1/√H, 1/√H), in every gate, before the shifts.
  bool realistic_biases = false;
  rnn::loss_kind loss = rnn::loss_kind::last;
  // L also has ⟨a, h_n⟩ (+ ⟨b, c_n⟩ for LSTM), seeded a and b: backward is given grad_h_n, grad_c_n.
  bool final_state_loss = false;
  int threads = 1;               // passed to any implementation that takes a thread count
  std::int64_t chunk_steps = 0;  // lib's steps per chunk (0: its automatic choice)
  std::size_t l2_bytes = 0;      // the L2 size lib's blocking follows (0: the machine's)
  // lib's backward under a memory budget (layer_options.memory_budget_bytes, a hint): the budget
  // that keeps this many states besides one chunk's activations (rnn::checkpoint_sizes::budget_for,
  // with chunk_steps and l2_bytes above); 0: full storage.
  std::int64_t checkpoint_slots = 0;
  std::int64_t truncation = 0;   // backward through the last `truncation` steps (0: all T)
  rnn::tbptt_schedule streaming{0, 0};  // k1 > 0: the streaming k1/k2 schedule (rnn/tbptt.hpp)
  // Ask only for the parameter gradients and dh0, dc0 (dx_t, dL/dh_t and dL/dc_t not wanted):
  // an implementation's path that skips what it is not asked for.
  bool parameter_gradients_only = false;

  bool truncated() const { return truncation > 0 || streaming.k1 > 0; }
  // "" for the plain case, else "+"-joined tags, e.g. "+bias+loss_all+final+threads3+chunk5".
  std::string tags() const;
};

struct regime {
  std::string family;     // e.g. "elman_tanh_vanishing", "lstm_forget_1"
  rnn::problem problem;   // precision as given to regimes(); the leg sets it
  rnn::init_options init; // orthogonal, seed, gain (γ·gain is the per-step bound's σ factor)
  std::uint64_t input_seed = 0;
  std::vector<bias_shift> shifts;
  execution run;
  bool exploding = false; // non-finite results here are OVERFLOW findings, not failures
  bool saturating = false; // states driven into the nonlinearities' tails
  std::string shows;      // one line: what this regime demonstrates

  // "<family>/<descriptor>" plus the execution's tags, e.g.
  // "lstm_forget_1/lstm_t24_b17_i7_h13_f32+bias+threads3"; unique within a profile.
  std::string name() const;
};

// Every regime of a profile, in precision p: the regime families crossed with a pairwise
// (covering-array) design over the axes of `execution`, sizes, batch and T (problem_design.cpp),
// then stacked and bidirectional networks of every cell (network_regimes), then batches of
// sequences of different lengths of every cell (packed_regimes), then backward under a memory
// budget for every cell (checkpoint_regimes).
// threads: the count of the design's multi-threaded problems (--threads).
// The design's thread count when none is given: more than the three row groups lib splits a batch
// of 17 into, so one thread gets none. `rnnsuite verify --threads` and the mutation matrix both
// default to it, so the matrix grades the problems verify runs.
inline constexpr int default_threads = 4;
std::vector<regime> regimes(profile which, rnn::precision p, int threads = default_threads);
// The stacked and bidirectional networks' regimes, which regimes() appends
// (src/network_regimes.cpp).
std::vector<regime> network_regimes(profile which, rnn::precision p, int threads = default_threads);
// Batches whose sequences differ in length (rnn/lengths.hpp), which regimes() appends
// (src/packed_regimes.cpp).
std::vector<regime> packed_regimes(profile which, rnn::precision p, int threads = default_threads);
// Backward under a memory budget (checkpointed BPTT) of every cell, which regimes() appends
// (src/checkpoint_regimes.cpp).
std::vector<regime> checkpoint_regimes(profile which, rnn::precision p, int threads = default_threads);

// The families of regimes() (each regime's `family`), for --regime's help and validation.
std::vector<std::string> regime_families();

// One family's settings (gain, bias shifts) on any problem of its cell, with parameters seeded by
// `seed` and inputs by seed + 1000, run plainly: the gradient-flow explorer's --regime and
// verify's --problem. With sequence lengths the loss on the last step is on each sequence's own
// (rnn/loss.hpp). Throws rnn::error naming the family when it is unknown or belongs to another
// cell.
regime regime_for(std::string_view family, const rnn::problem& p, std::uint64_t seed);

// The families of a cell, in regime_families() order.
std::vector<std::string> families_of(rnn::cell cell);

// The regime's parameters and inputs in Real (float or double): lib's seeded initializers,
// rounded once to Real, then the bias shifts (added in Real; exact for the shifts used).
template <class Real>
rnn::parameters<Real> regime_parameters(const regime& r);
template <class Real>
rnn::inputs<Real> regime_inputs(const regime& r);
// A network regime's parameters (rnn/network.hpp's flat layout): every block is the single
// layer's regime_parameters on layer_problem(p, l), block k > 0 from a seed of its own; a single
// layer's are regime_parameters flattened.
template <class Real>
rnn::aligned_vector<Real> regime_network_parameters(const regime& r);

// The gradients on the final states the regime's loss puts there: a (B×H) and, for LSTM, b (B×H),
// seeded, rounded once to Real; both empty without final_state_loss (and b empty unless LSTM).
template <class Real>
struct final_state_weights {
  std::vector<Real> h, c;
};
template <class Real>
final_state_weights<Real> regime_final_state_weights(const regime& r);

}  // namespace rnnsuite::verify
