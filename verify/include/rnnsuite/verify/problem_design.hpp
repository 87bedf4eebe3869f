#pragma once
// The problems a profile runs: every regime family crossed with a pairwise covering design
// (src/problem_design.cpp). Exposed for the tests that check the design covers what it claims.
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "rnnsuite/verify/regimes.hpp"

namespace rnnsuite::verify {

// The axes and their levels:
//   cell      the five cells (rnn::cell's order)
//   batch     1 | 3 | 17 (odd, and at 17 every thread split of batch rows runs)
//   sizes     I, H powers of two | 7, 13 | 3, 23 | 5, 63 | 5, 223 (vector tails longer than
//             half a vector; 63 with weights past lib's matvec prefetch and small-weight limits;
//             223, at T = 1, with a packed W_hhᵀ past the 512 KiB where lib's GEMM streams)
//   length    T = 1 | middle | long (beyond lib's automatic chunk)
//   biases    zero | PyTorch-sized in every gate of b_ih and b_hh
//   threads   1 | --threads
//   backward  full BPTT | truncated to about 2T/3 steps | the streaming k1 = 5, k2 = 9 schedule
//   loss      MSE on the last step | on every step
//   final     no gradient on h_n, c_n | a seeded linear term in them
//   chunk     lib's automatic | 7 steps
//   cache     the machine's L2 | 4 KiB (lib's large-problem blocking on small problems)
//   outputs   every gradient asked for | the parameters' and h0's only (dx, dL/dh_t not asked)
enum design_axis : int {
  cell_axis, batch_axis, sizes_axis, length_axis, biases_axis, threads_axis, backward_axis,
  loss_axis, final_axis, chunk_axis, cache_axis, outputs_axis, axis_count
};
const std::array<int, axis_count>& axis_levels();
const char* axis_name(int axis);

struct design_row {
  design_row();
  std::array<int, axis_count> levels;  // one level per axis
};

struct design_entry {
  std::size_t family;  // index into regime_families()
  design_row row;
};

// Whether a family can run a row (one step has nothing to truncate; the streaming schedule takes
// no final-state gradient; the full profile runs T = 1000 at batch 1 only; ...).
bool feasible(profile which, std::size_t family, const design_row& row);

// Combinations of more than two levels that a pairwise design does not guarantee, each a path of
// its own in lib: every cell's pointwise step with its batch rows split among threads (B = 17
// with threads), and the recurrent product split by columns (threads, B > 1, a 4 KiB L2 and
// H = 63, whose W_hh outgrows half of it in every cell), and for LSTM and GRU the batch-1 matvec
// of a W_hh past L1 (H = 63) and the streamed GEMM (H = 223, B = 17). The design holds each that
// some feasible row holds.
using combination = std::vector<std::pair<int, int>>;  // (axis, level) pairs
std::vector<combination> required_combinations();
bool matches(const combination& c, const design_row& row);

// The profile's design: two rows per family that show its regime (T > 1; batch 1, then batch
// above with realistic biases), then rows until every pair of levels that some feasible row holds
// is held by one; each row the one covering most pairs not yet covered, the cheapest among
// equals (greedy, deterministic).
std::vector<design_entry> problem_design(profile which);

// The regime of one row, in precision p, multi-threaded rows with `threads` threads.
regime realize(profile which, std::size_t family, const design_row& row, rnn::precision p,
               int threads, std::uint64_t seed);

}  // namespace rnnsuite::verify
