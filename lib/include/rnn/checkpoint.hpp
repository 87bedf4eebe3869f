#pragma once
// Checkpointed backpropagation through time: which states to keep and what to recompute.
//
// Gruslys et al., "Memory-Efficient Backpropagation Through Time" (NeurIPS 2016), BPTT-HSM
// (hidden-state memorisation): a sequence of n units (for rnn::layer, chunks of steps) is
// backpropagated with m slots, each holding the state at one unit boundary; slot 0 holds the
// initial state. A unit's activations exist only right after it is forwarded, so each unit is
// forwarded once more just before its backward, from the nearest stored state.
//
// Cost convention, the paper's: C(n, m) counts every unit forwarded, the initial forward pass
// included, and each unit's last forward before its backward included:
//   C(1, m) = 1,   C(n, 1) = n(n+1)/2   (with only the initial state: unit j is forwarded
//                                       j+1 times from the start),
//   C(n, m) = min_{1 <= y < n} [ y + C(n-y, m-1) + C(y, m) ]
// (forward y units and store the state there; backpropagate the last n-y units with the other
// m-1 slots; then the first y with all m). The initial forward of all n units is part of every
// schedule, so the units recomputed are C(n, m) - n: n(n-1)/2 at m = 1, n - 1 at m >= n - 1
// (every unit but the last forwarded twice; only storing the activations themselves, which
// rnn::layer does when the budget allows all of them, recomputes nothing).
//
// The recomputation C(n, m) - n equals Griewank's optimal reversal cost (REVOLVE, 1992) with m
// checkpoints: r·n - binom(m+r, r-1), r the smallest with binom(m+r, r) >= n; the tests check
// the dynamic program against it.
#include <cstdint>
#include <vector>

namespace rnn::checkpoint {

// The fewest slots for which a schedule exists: the initial state's.
constexpr std::int64_t min_slots() { return 1; }

// One operation of a schedule. The executor holds a current state at some unit boundary.
struct operation {
  enum class kind {
    forward,   // units [first, last) from the current state, which is at boundary `first`;
               // the current state ends at `last`, the last unit's activations are kept
    store,     // slot `slot` := the current state (at boundary `first`)
    restore,   // the current state := slot `slot`'s (at boundary `first`)
    backward,  // backpropagate unit `first`: its activations are the kept ones
  };
  kind what;
  std::int64_t first = 0, last = 0, slot = 0;
  bool operator==(const operation&) const = default;
};

class schedule {
 public:
  // n >= 1 units, m >= 1 slots (more than n - 1 are never needed and are not used). Throws
  // rnn::error on bad arguments or if the table would be too large: it has n·(min(m, n-2) - 1)
  // entries (none from m >= n - 1 on), at most 2^26, and filling it takes n/2 steps per entry,
  // at most 2^31 in all (n = 1024 units: any m; n = 4096: m up to about 250, or from 4095 on).
  schedule(std::int64_t units, std::int64_t slots);

  std::int64_t units() const { return n_; }
  std::int64_t slots() const { return m_; }
  // C(n, m) for this schedule's n, m; and for any n' <= n, m' >= 1.
  std::int64_t cost() const { return cost(n_, m_); }
  std::int64_t cost(std::int64_t n, std::int64_t m) const;
  // Units recomputed after the initial forward: C(n, m) - n.
  std::int64_t recomputed() const { return cost() - n_; }
  // The smallest argmin y of the recurrence for n' (2 <= n' <= n) units and m' >= 2 slots.
  std::int64_t split(std::int64_t n, std::int64_t m) const;
  // Slots the plan uses at most (<= slots()).
  std::int64_t slots_used() const;
  // The whole schedule, the initial forward first (everything before the first backward).
  // Slot 0 holds the initial state before it starts. Its forwards sum to cost(); it
  // backpropagates units n-1 .. 0 in that order.
  std::vector<operation> plan() const;

 private:
  void walk(std::vector<operation>& out, std::int64_t a, std::int64_t b, std::int64_t m,
            std::int64_t slot) const;
  std::int64_t n_, m_;  // m_: min(slots, n - 1), at least 1
  std::int64_t table_m_;  // the table covers m' in [2, table_m_]; above, y = 1 (see cost)
  // C(n', m') and the argmin for n' in [0, n], m' in [2, table_m_]: index (m'-2)·(n+1) + n'.
  std::vector<std::int64_t> cost_;
  std::vector<std::int32_t> split_;
};

// C(n, m) - n without the table, for any n >= 1, m >= 1: Griewank's closed form
// r·n - binom(m + r, r - 1), r the smallest with binom(m + r, r) >= n (schedule(n, m).recomputed()
// when a schedule can be built). Throws rnn::error on bad arguments.
std::int64_t recomputed_units(std::int64_t units, std::int64_t slots);

// Chen et al., "Training Deep Nets with Sublinear Memory Cost" (2016), for comparison: keep the
// state every `segment` = ceil(√n) units during the forward pass, then backpropagate the
// segments last first, each recomputed once from its state with all its activations kept.
struct sqrt_rule {
  std::int64_t segment;      // units per segment
  std::int64_t states;       // states kept: ceil(n / segment), the initial one included
  std::int64_t recomputed;   // units forwarded again: n minus the last segment's
};
sqrt_rule sqrt_rule_for(std::int64_t units);

}  // namespace rnn::checkpoint
