// rnn/checkpoint.hpp: the BPTT-HSM dynamic program against an exhaustive search, the closed
// forms, and its plans simulated.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <tuple>
#include <vector>

#include "rnn/checkpoint.hpp"
#include "rnn/error.hpp"

namespace {

using rnn::checkpoint::operation;
using rnn::checkpoint::schedule;
using rnn::checkpoint::recomputed_units;
using kind = operation::kind;

// The fewest unit forwards (the initial pass included) that backpropagate n units with m slots,
// by a 0-1 breadth-first search over every execution: the current state's boundary p, the set
// of stored boundaries (at most m, the initial one stored at the start), the next unit k to
// backpropagate, and whether unit p-1's activations are the kept ones. Independent of the
// recurrence: it tries every store, drop, restore and forward.
std::int64_t exhaustive_cost(int n, int m) {
  using state = std::tuple<int, unsigned, int, bool>;  // p, stored (bit q: boundary q), k, fresh
  std::map<state, std::int64_t> best;
  std::deque<std::pair<state, std::int64_t>> queue{{{0, 1u, n - 1, false}, 0}};
  while (!queue.empty()) {
    auto [s, d] = queue.front();
    queue.pop_front();
    if (auto it = best.find(s); it != best.end() && it->second <= d) continue;
    best[s] = d;
    auto [p, stored, k, fresh] = s;
    if (k < 0) return d;
    auto push = [&](state next, int cost) {
      if (cost == 0)
        queue.push_front({next, d});
      else
        queue.push_back({next, d + 1});
    };
    if (fresh && p == k + 1) {  // backpropagate unit k; boundaries above k are of no more use
      const unsigned keep = (2u << k) - 1;
      push({p, stored & keep, k - 1, false}, 0);
    }
    if (p <= k) push({p + 1, stored, k, true}, 1);  // forward unit p (beyond k+1 is useless)
    if (!(stored >> p & 1) && std::popcount(stored) < m) push({p, stored | 1u << p, k, fresh}, 0);
    for (int q = 0; q <= n; ++q)
      if (stored >> q & 1) {
        push({q, stored, k, false}, 0);                 // restore
        push({p, stored & ~(1u << q), k, fresh}, 0);   // drop
      }
  }
  return -1;
}

std::int64_t binomial(std::int64_t a, std::int64_t b) {
  if (b < 0 || b > a) return 0;
  std::int64_t r = 1;
  for (std::int64_t i = 1; i <= b; ++i) r = r * (a - b + i) / i;
  return r;
}

// Griewank's optimal reversal cost with m checkpoints (REVOLVE): the units recomputed.
std::int64_t griewank_recomputed(std::int64_t n, std::int64_t m) {
  std::int64_t r = 0;
  while (binomial(m + r, r) < n) ++r;
  return r * n - binomial(m + r, r - 1);
}

// Runs a plan on boundaries only and checks it: every forward starts at the current boundary,
// every backward follows the forward that produced its unit, units go n-1 .. 0, restores read
// what was stored, at most m slots. Returns the units forwarded.
std::int64_t simulate(const std::vector<operation>& plan, std::int64_t n, std::int64_t m) {
  std::vector<std::int64_t> slot(std::size_t(m), -1);
  slot[0] = 0;
  std::int64_t current = 0, next_backward = n - 1, forwarded = 0, fresh = -1;
  for (const operation& op : plan) {
    switch (op.what) {
      case kind::forward:
        EXPECT_EQ(op.first, current);
        EXPECT_LT(op.first, op.last);
        forwarded += op.last - op.first;
        current = op.last, fresh = op.last - 1;
        break;
      case kind::store:
        EXPECT_GE(op.slot, 1);
        EXPECT_LT(op.slot, m);
        EXPECT_EQ(op.first, current);
        slot[std::size_t(op.slot)] = current;
        break;
      case kind::restore:
        EXPECT_EQ(slot[std::size_t(op.slot)], op.first);
        current = op.first, fresh = -1;
        break;
      case kind::backward:
        EXPECT_EQ(op.first, next_backward);
        EXPECT_EQ(fresh, op.first);
        --next_backward;
        break;
    }
  }
  EXPECT_EQ(next_backward, -1);
  return forwarded;
}

TEST(Checkpoint, MatchesExhaustiveSearch) {
  for (int n = 1; n <= 7; ++n)
    for (int m = 1; m <= 5; ++m) {
      SCOPED_TRACE("n=" + std::to_string(n) + " m=" + std::to_string(m));
      const schedule s(n, m);
      EXPECT_EQ(s.cost(), exhaustive_cost(n, m));
      EXPECT_EQ(simulate(s.plan(), n, m), s.cost());
    }
}

TEST(Checkpoint, ClosedForms) {
  for (std::int64_t n = 1; n <= 200; n += 7) {
    EXPECT_EQ(schedule(n, 1).cost(), n * (n + 1) / 2);
    EXPECT_EQ(schedule(n, 1).recomputed(), n * (n - 1) / 2);
    // m >= n - 1 slots: every unit forwarded twice but the last.
    for (std::int64_t m : {n - 1, n, n + 5})
      if (m >= 1) {
        EXPECT_EQ(schedule(n, m).recomputed(), n - 1) << n << " " << m;
      }
  }
  // Enough slots need no table, however many units (T = 10^6 steps in 512-step chunks is 1954).
  EXPECT_EQ(schedule(100000, 99999).recomputed(), 99999);
  // Griewank's binomial closed form for every m, and lib's own closed form (which the layer uses
  // to choose how many chunks to keep) against the program for every m up to n.
  for (std::int64_t n = 1; n <= 300; n += 13)
    for (std::int64_t m = 1; m <= 12; ++m)
      EXPECT_EQ(schedule(n, m).recomputed(), griewank_recomputed(n, m)) << n << " " << m;
  for (std::int64_t n = 1; n <= 120; n += 7)
    for (std::int64_t m = 1; m <= n + 1; ++m)
      EXPECT_EQ(recomputed_units(n, m), schedule(n, m).recomputed()) << n << " " << m;
  EXPECT_EQ(recomputed_units(1000000, 1), std::int64_t(1000000) * 999999 / 2);
  EXPECT_EQ(recomputed_units(1000000, 999999), 999999);
  EXPECT_THROW(recomputed_units(0, 1), rnn::error);
  EXPECT_THROW(recomputed_units(5, 0), rnn::error);
}

TEST(Checkpoint, PlansAreValidAndCostWhatTheProgramSays) {
  for (std::int64_t n : {1, 2, 3, 10, 64, 257, 1024})
    for (std::int64_t m : {1, 2, 3, 5, 32, 2000}) {
      SCOPED_TRACE("n=" + std::to_string(n) + " m=" + std::to_string(m));
      const schedule s(n, m);
      const auto plan = s.plan();
      EXPECT_EQ(simulate(plan, n, std::max<std::int64_t>(s.slots(), 1)), s.cost());
      EXPECT_LE(s.slots_used(), std::min(m, std::max<std::int64_t>(n - 1, 1)));
      // The initial forward: everything before the first backward covers [0, n) once.
      std::int64_t initial = 0;
      for (const operation& op : plan) {
        if (op.what == kind::backward) break;
        if (op.what == kind::forward) initial += op.last - op.first;
      }
      EXPECT_EQ(initial, n);
      // More slots never cost more.
      if (m > 1) {
        EXPECT_LE(s.cost(), schedule(n, m - 1).cost());
      }
    }
}

TEST(Checkpoint, SqrtRule) {
  EXPECT_EQ(rnn::checkpoint::sqrt_rule_for(1).segment, 1);
  EXPECT_EQ(rnn::checkpoint::sqrt_rule_for(1).recomputed, 0);
  const auto r = rnn::checkpoint::sqrt_rule_for(1024);
  EXPECT_EQ(r.segment, 32);
  EXPECT_EQ(r.states, 32);
  EXPECT_EQ(r.recomputed, 1024 - 32);
  const auto q = rnn::checkpoint::sqrt_rule_for(10);
  EXPECT_EQ(q.segment, 4);
  EXPECT_EQ(q.states, 3);
  EXPECT_EQ(q.recomputed, 8);
}

TEST(Checkpoint, Errors) {
  EXPECT_THROW(schedule(0, 1), rnn::error);
  EXPECT_THROW(schedule(5, 0), rnn::error);
  EXPECT_EQ(rnn::checkpoint::min_slots(), 1);
  const schedule s(10, 3);
  EXPECT_THROW((void)s.cost(11, 2), rnn::error);
  EXPECT_THROW((void)s.split(1, 2), rnn::error);
}

}  // namespace
