// Which problems a profile runs: every regime family crossed with a pairwise design over the
// axes an implementation's paths hang on (docs/verification.md, "Problems"). A Cartesian product
// of twelve axes would be thousands of problems; a covering array where every pair of levels of
// any two axes (the cell among them) meets in at least one problem needs a few dozen, and a bug
// that shows only when two conditions meet (an odd batch split among threads, truncation with
// a chunk boundary inside the window) still meets them.
#include <array>
#include <cstdint>
#include <optional>

#include "regime_families.hpp"
#include "rnnsuite/verify/problem_design.hpp"

namespace rnnsuite::verify {

namespace {

using detail::family_spec;

// T for a length level: 1; the middle length; long, beyond lib's automatic chunk at that batch
// (256 steps at batch 1, 86 at batch 3, 16 at batch 17). Exploding families stop at 50, where
// |dL/dh_0| passes 1e8 (beyond it no format holds the answer to a digit).
std::int64_t length_of(profile which, int length, std::int64_t B, bool exploding) {
  if (length == 0) return 1;
  if (which == profile::quick) {
    if (length == 1) return 24;
    const std::int64_t longest = B == 1 ? 300 : B < 16 ? 100 : 40;
    return exploding ? std::min<std::int64_t>(longest, 50) : longest;
  }
  if (length == 1) return exploding ? 24 : 100;
  return exploding ? 50 : 1000;
}

}  // namespace

design_row::design_row() { levels.fill(0); }

const std::array<int, axis_count>& axis_levels() {
  static const std::array<int, axis_count> counts = {5, 3, 5, 3, 2, 2, 3, 2, 2, 2, 2, 2};
  return counts;
}

const char* axis_name(int axis) {
  static const char* names[axis_count] = {"cell",  "batch", "sizes",    "length",
                                          "biases", "threads", "backward", "loss",
                                          "final", "chunk", "cache",    "outputs"};
  return names[axis];
}

bool feasible(profile which, std::size_t family, const design_row& r) {
  const family_spec& f = detail::families().at(family);
  const auto& l = r.levels;
  if (l[cell_axis] != static_cast<int>(f.cell)) return false;
  if (l[sizes_axis] == 4 && l[length_axis] != 0) return false;  // H = 223 runs one step
  if (l[length_axis] == 0) {  // one step: nothing to truncate, chunk or saturate
    if (l[backward_axis] != 0 || l[chunk_axis] != 0 || f.saturating) return false;
  }
  // The streaming schedule takes no gradient on the final states (rnn/tbptt.hpp).
  if (l[backward_axis] == 2 && l[final_axis] == 1) return false;
  // The full profile's long sequences (T = 1000) run at batch 1: the reference's cost.
  if (which == profile::full && l[length_axis] == 2 && (l[batch_axis] != 0 || l[sizes_axis] == 3))
    return false;
  return true;
}

regime realize(profile which, std::size_t family, const design_row& r, rnn::precision p,
               int threads, std::uint64_t seed) {
  const family_spec& f = detail::families().at(family);
  const auto& l = r.levels;
  static constexpr std::int64_t batches[3] = {1, 3, 17};
  // Powers of two, then odd sizes whose vector tails are longer than half a vector: H = 13 leaves
  // 13 of 16 float lanes (AVX-512) and 5 of 8 (AVX2, and double on AVX-512); H = 23 leaves 7 of 8
  // (AVX2 float, AVX-512 double) and 3 of 4 (SSE2 float, AVX2 double); I = 3 and 7 likewise.
  // H = 63 leaves 15 of 16, 7 of 8 and 3 of 4, and makes W_hh larger than 32 KiB in float for
  // LSTM and GRU (lib's batch-1 matvec prefetches there) and every W_hh and W_ih larger than half
  // a 4 KiB L2.
  // H = 223 (one step only: the reference's cost) makes the packed W_hhᵀ of LSTM and GRU larger
  // than 512 KiB, where lib's GEMM streams its panels with a next-panel prefetch.
  static constexpr std::int64_t quick_sizes[5][2] = {{4, 8}, {7, 13}, {3, 23}, {5, 63}, {5, 223}};
  static constexpr std::int64_t full_sizes[5][2] = {{8, 16}, {7, 13}, {3, 23}, {5, 63}, {5, 223}};
  const auto& sizes = which == profile::quick ? quick_sizes : full_sizes;
  const std::int64_t B = batches[l[batch_axis]];
  const std::int64_t T = length_of(which, l[length_axis], B, f.exploding);
  const rnn::problem problem{f.cell, T, B, sizes[l[sizes_axis]][0], sizes[l[sizes_axis]][1], p};
  execution run;
  run.realistic_biases = l[biases_axis] == 1;
  run.threads = l[threads_axis] == 1 ? threads : 1;
  if (l[backward_axis] == 1) run.truncation = 2 * T / 3 + 1;
  // Windows overlap (k2 < 2·k1 < T), so a step gets gradient from two of them.
  if (l[backward_axis] == 2) run.streaming = {5, 9};
  run.loss = l[loss_axis] == 1 ? rnn::loss_kind::all : rnn::loss_kind::last;
  run.final_state_loss = l[final_axis] == 1;
  // 7 divides no T used, so the last chunk is always partial.
  run.chunk_steps = l[chunk_axis] == 1 ? 7 : 0;
  // A 4 KiB L2 sends these small problems down lib's large-problem paths (recurrent product
  // split by columns among threads, L2-sized sweeps and chunks).
  run.l2_bytes = l[cache_axis] == 1 ? 4096 : 0;
  run.parameter_gradients_only = l[outputs_axis] == 1;
  return detail::make_regime(f, problem, seed, run);
}

namespace {

// Work of one problem in multiply-adds of the reference (its cost): T·B·G·H·(I+H), twice for
// the streaming schedule's overlapping windows.
double cost(profile which, std::size_t family, const design_row& r) {
  const regime g = realize(which, family, r, rnn::precision::f64, 2, 0);
  const rnn::problem& p = g.problem;
  return static_cast<double>(p.T * p.B * p.G() * p.H * (p.I + p.H)) *
         (g.run.streaming.k1 > 0 ? 2.0 : 1.0);
}

// Every pair of levels of two axes as one index: axes a < b, their levels (at most 5 each).
constexpr std::size_t pair_count = axis_count * axis_count * 5 * 5;
std::size_t pair_index(int a, int b, int la, int lb) {
  return ((static_cast<std::size_t>(a) * axis_count + b) * 5 + la) * 5 + lb;
}

template <class F>
void for_each_pair(const design_row& r, F&& visit) {
  for (int a = 0; a < axis_count; ++a)
    for (int b = a + 1; b < axis_count; ++b) visit(pair_index(a, b, r.levels[a], r.levels[b]));
}

std::vector<design_row> every_row() {
  std::vector<design_row> rows(1);
  for (int a = 0; a < axis_count; ++a) {
    std::vector<design_row> next;
    for (const design_row& r : rows)
      for (int level = 0; level < axis_levels()[a]; ++level) {
        design_row n = r;
        n.levels[a] = level;
        next.push_back(n);
      }
    rows.swap(next);
  }
  return rows;
}

}  // namespace

std::vector<combination> required_combinations() {
  std::vector<combination> out;
  for (int cell = 0; cell < axis_levels()[cell_axis]; ++cell)
    out.push_back({{{cell_axis, cell}, {threads_axis, 1}, {batch_axis, 2}}});
  for (int batch : {1, 2})
    out.push_back({{{threads_axis, 1}, {batch_axis, batch}, {cache_axis, 1}, {sizes_axis, 3}}});
  for (rnn::cell cell : {rnn::cell::lstm, rnn::cell::gru}) {
    const int c = static_cast<int>(cell);
    out.push_back({{cell_axis, c}, {sizes_axis, 3}, {batch_axis, 0}});  // matvec past L1
    out.push_back({{cell_axis, c}, {sizes_axis, 4}, {batch_axis, 2}});  // streamed GEMM panels
  }
  return out;
}

bool matches(const combination& c, const design_row& r) {
  for (const auto& [axis, level] : c)
    if (r.levels[axis] != level) return false;
  return true;
}

std::vector<design_entry> problem_design(profile which) {
  const std::vector<design_row> candidates = every_row();
  const std::size_t family_count = detail::families().size();
  std::vector<bool> wanted(pair_count), covered(pair_count);
  std::size_t wanted_count = 0, covered_count = 0;
  std::vector<std::vector<const design_row*>> options(family_count);
  for (std::size_t f = 0; f < family_count; ++f)
    for (const design_row& r : candidates)
      if (feasible(which, f, r)) {
        options[f].push_back(&r);
        for_each_pair(r, [&](std::size_t k) {
          if (!wanted[k]) wanted[k] = true, ++wanted_count;
        });
      }
  const std::vector<combination> combinations = required_combinations();
  std::vector<bool> combination_wanted(combinations.size()), combination_covered(combinations.size());
  for (std::size_t c = 0; c < combinations.size(); ++c)
    for (std::size_t f = 0; f < family_count && !combination_wanted[c]; ++f)
      for (const design_row* r : options[f])
        if (matches(combinations[c], *r)) {
          combination_wanted[c] = true, ++wanted_count;
          break;
        }
  std::vector<design_entry> design;
  // The candidate for family f covering the most pairs not yet covered, the cheapest among equals;
  // slot 0 at batch 1, slot 1 above (every family at both), later slots anywhere.
  auto best_for = [&](std::size_t f, int slot) -> std::optional<design_row> {
    std::optional<design_row> best;
    std::size_t best_new = 0;
    double best_cost = 0;
    for (const design_row* option : options[f]) {
      const design_row& r = *option;
      // The first two rows show the family's regime: several steps, batch 1 and above, and
      // the second with biases (every regime is checked with nonzero biases).
      if (slot < 2 && r.levels[length_axis] == 0) continue;
      if (slot == 0 && r.levels[batch_axis] != 0) continue;
      if (slot == 1 && (r.levels[batch_axis] == 0 || r.levels[biases_axis] == 0)) continue;
      std::size_t fresh = 0;
      for_each_pair(r, [&](std::size_t k) { fresh += !covered[k]; });
      for (std::size_t c = 0; c < combinations.size(); ++c)
        fresh += combination_wanted[c] && !combination_covered[c] && matches(combinations[c], r);
      if (best && fresh < best_new) continue;
      const double c = cost(which, f, r);
      if (!best || fresh > best_new || c < best_cost) best = r, best_new = fresh, best_cost = c;
    }
    if (slot >= 2 && best_new == 0) return std::nullopt;
    return best;
  };
  auto take = [&](std::size_t f, const design_row& r) {
    for_each_pair(r, [&](std::size_t k) {
      if (!covered[k]) covered[k] = true, ++covered_count;
    });
    for (std::size_t c = 0; c < combinations.size(); ++c)
      if (combination_wanted[c] && !combination_covered[c] && matches(combinations[c], r))
        combination_covered[c] = true, ++covered_count;
    design.push_back({f, r});
  };
  for (int slot = 0; slot < 2; ++slot)
    for (std::size_t f = 0; f < family_count; ++f) take(f, *best_for(f, slot));
  // More rows, family by family, until every feasible pair is covered.
  for (int slot = 2; covered_count < wanted_count; ++slot) {
    bool added = false;
    for (std::size_t f = 0; f < family_count && covered_count < wanted_count; ++f)
      if (const auto r = best_for(f, slot)) take(f, *r), added = true;
    if (!added) break;
  }
  return design;
}

std::vector<regime> regimes(profile which, rnn::precision p, int threads) {
  static const std::vector<design_entry> quick = problem_design(profile::quick);
  static const std::vector<design_entry> full = problem_design(profile::full);
  const std::vector<design_entry>& design = which == profile::quick ? quick : full;
  std::vector<regime> out;
  std::uint64_t seed = which == profile::quick ? 1 : 101;
  // Grouped by family, in the families' order, for a readable report.
  for (std::size_t f = 0; f < detail::families().size(); ++f)
    for (const design_entry& e : design)
      if (e.family == f) out.push_back(realize(which, f, e.row, p, threads, seed++));
  for (regime& r : network_regimes(which, p, threads)) out.push_back(std::move(r));
  for (regime& r : packed_regimes(which, p, threads)) out.push_back(std::move(r));
  for (regime& r : checkpoint_regimes(which, p, threads)) out.push_back(std::move(r));
  return out;
}

}  // namespace rnnsuite::verify
