// Gruslys et al.'s BPTT-HSM dynamic program and the plan it gives (rnn/checkpoint.hpp).
#include "rnn/checkpoint.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "rnn/error.hpp"

namespace rnn::checkpoint {

namespace {
// The table's limits: entries (12 bytes each, 768 MiB at most) and the work to fill it, about
// n/2 additions per entry. Above n - 2 slots the split is always 1 and no table is needed
// (n = 4096 units with 4096 slots); n = 1024 with 500 slots takes 2^19 entries and 2^28 steps.
constexpr std::int64_t max_table_entries = std::int64_t(1) << 26;
constexpr std::int64_t max_table_work = std::int64_t(1) << 31;
}  // namespace

schedule::schedule(std::int64_t units, std::int64_t slots) {
  if (units < 1) throw error("checkpoint::schedule: units must be >= 1, got " + std::to_string(units));
  if (slots < min_slots())
    throw error("checkpoint::schedule: slots must be >= 1, got " + std::to_string(slots));
  n_ = units;
  m_ = std::max<std::int64_t>(1, std::min(slots, units - 1));
  // With m' >= n' - 1 slots the best is y = 1 and C(n', m') = 2n' - 1 (every unit stored once and
  // forwarded again), and every subproblem of such an (n, m) has m' >= n' - 1 too: the table is
  // needed only for m <= n - 2.
  table_m_ = m_ >= n_ - 1 ? 0 : m_;
  if (table_m_ < 2) return;
  const std::int64_t rows = n_ + 1, entries = (table_m_ - 1) * rows;
  // Filling the table takes about n/2 steps per entry: n·entries/2 <= 2^31 is a second or two.
  if (entries > max_table_entries || double(n_) * double(entries) / 2 > double(max_table_work))
    throw error("checkpoint::schedule: " + std::to_string(units) + " units with " +
                std::to_string(slots) + " slots needs a table of " + std::to_string(entries) +
                " entries (at most " + std::to_string(max_table_entries) + ", and n·entries/2 at most " +
                std::to_string(max_table_work) + "); use longer units, fewer slots, or at least " +
                std::to_string(units - 1) + " slots (which need no table)");
  cost_.assign(std::size_t(entries), 0);
  split_.assign(std::size_t(entries), 0);
  std::vector<std::int64_t> one_slot(static_cast<std::size_t>(rows));  // C(n', 1)
  for (std::int64_t n = 0; n <= n_; ++n) one_slot[std::size_t(n)] = n * (n + 1) / 2;
  for (std::int64_t m = 2; m <= table_m_; ++m) {
    std::int64_t* c = cost_.data() + (m - 2) * rows;
    std::int32_t* s = split_.data() + (m - 2) * rows;
    const std::int64_t* fewer = m == 2 ? one_slot.data() : c - rows;  // C(·, m - 1)
    for (std::int64_t n = 1; n <= n_; ++n) {
      if (n <= m + 1) {  // enough slots: y = 1 (n = 1: a single unit, no split)
        c[n] = 2 * n - 1, s[n] = n == 1 ? 0 : 1;
        continue;
      }
      std::int64_t best = std::numeric_limits<std::int64_t>::max(), best_y = 0;
      for (std::int64_t y = 1; y < n; ++y) {
        const std::int64_t v = y + fewer[n - y] + c[y];
        if (v < best) best = v, best_y = y;
      }
      c[n] = best, s[n] = std::int32_t(best_y);
    }
  }
}

std::int64_t schedule::cost(std::int64_t n, std::int64_t m) const {
  if (n < 0 || n > n_ || m < 1)
    throw error("checkpoint::schedule::cost: n = " + std::to_string(n) + " must be in [0, " +
                std::to_string(n_) + "] and m = " + std::to_string(m) + " >= 1");
  if (n == 0) return 0;
  if (m == 1) return n * (n + 1) / 2;
  if (m >= n - 1) return 2 * n - 1;
  if (m > table_m_)  // only reached for m' > the schedule's own slots
    throw error("checkpoint::schedule::cost: m = " + std::to_string(m) + " is above the table's " +
                std::to_string(table_m_));
  return cost_[std::size_t((m - 2) * (n_ + 1) + n)];
}

std::int64_t schedule::split(std::int64_t n, std::int64_t m) const {
  if (n < 2 || n > n_ || m < 2)
    throw error("checkpoint::schedule::split: needs 2 <= n <= " + std::to_string(n_) +
                " and m >= 2, got n = " + std::to_string(n) + ", m = " + std::to_string(m));
  if (m >= n - 1) return 1;
  if (m > table_m_)
    throw error("checkpoint::schedule::split: m = " + std::to_string(m) + " is above the table's " +
                std::to_string(table_m_));
  return split_[std::size_t((m - 2) * (n_ + 1) + n)];
}

// Backpropagates units [a, b), whose first state is current and in `slot`, with m slots from
// `slot` on (the recurrence's three terms, in its order).
void schedule::walk(std::vector<operation>& out, std::int64_t a, std::int64_t b, std::int64_t m,
                    std::int64_t slot) const {
  using k = operation::kind;
  if (b - a == 1) {
    out.push_back({k::forward, a, b, 0});
    out.push_back({k::backward, a, a + 1, 0});
    return;
  }
  if (m == 1) {  // unit j from the segment's start, last first: C(n, 1) = n(n+1)/2
    for (std::int64_t j = b - 1; j >= a; --j) {
      if (j < b - 1) out.push_back({k::restore, a, a, slot});
      out.push_back({k::forward, a, j + 1, 0});
      out.push_back({k::backward, j, j + 1, 0});
    }
    return;
  }
  const std::int64_t y = split(b - a, m);
  out.push_back({k::forward, a, a + y, 0});
  out.push_back({k::store, a + y, a + y, slot + 1});
  walk(out, a + y, b, m - 1, slot + 1);
  out.push_back({k::restore, a, a, slot});
  walk(out, a, a + y, m, slot);
}

std::vector<operation> schedule::plan() const {
  std::vector<operation> out;
  walk(out, 0, n_, m_, 0);
  return out;
}

std::int64_t schedule::slots_used() const {
  std::int64_t used = 1;
  for (const operation& op : plan())
    if (op.what == operation::kind::store) used = std::max(used, op.slot + 1);
  return used;
}

std::int64_t recomputed_units(std::int64_t units, std::int64_t slots) {
  if (units < 1 || slots < 1)
    throw error("checkpoint::recomputed_units: units and slots must be >= 1, got " +
                std::to_string(units) + " and " + std::to_string(slots));
  const std::int64_t m = std::min(slots, std::max<std::int64_t>(1, units - 1));
  // binom(m + r, r) for r = 0, 1, ...: exact in 128 bits until it reaches units (< 2^63), since
  // binom(m + r, r) <= units·(m + r) then.
  __int128 b = 1;
  std::int64_t r = 0;
  while (b < units) {
    ++r;
    b = b * (m + r) / r;
  }
  if (r == 0) return 0;  // one unit: nothing recomputed
  const __int128 before = b * r / (m + 1);  // binom(m + r, r - 1)
  return std::int64_t(__int128(r) * units - before);
}

sqrt_rule sqrt_rule_for(std::int64_t units) {
  if (units < 1) throw error("checkpoint::sqrt_rule_for: units must be >= 1, got " + std::to_string(units));
  std::int64_t segment = std::int64_t(std::ceil(std::sqrt(double(units))));
  while (segment > 1 && (segment - 1) * (segment - 1) >= units) --segment;  // exact ceil(√n)
  while (segment * segment < units) ++segment;
  const std::int64_t states = (units + segment - 1) / segment;
  const std::int64_t last = units - (states - 1) * segment;
  return {segment, states, units - last};
}

}  // namespace rnn::checkpoint
