#pragma once
// A layer's batch of sequences of different lengths, laid out as PyTorch's PackedSequence: the
// rows sorted longest first, so that the rows a step works on are always a prefix [0, B_t), and
// the steps' rows stored one after the other (time-major, B_t rows for step t). Every product
// over a run of steps (the input projection, dx, dW) then covers contiguous rows, and the work
// is Σ len_b rows instead of T·B.
//
// The state buffer (h, and c for LSTM) holds, for each step t, the B_t states entering it at
// rows first_row[t]..; step t writes its new state of row r into step t+1's slot while the
// sequence goes on (r < B_{t+1}) and into the final area (B rows from first_row[T]) at the step
// it ends. With every length T this is the unpacked layout exactly: step t at row t·B, the final
// states at T·B.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/table.hpp"

namespace rnn::detail {

struct packed_batch {
  using index = kernels::index;
  index T = 0, B = 0;
  // Lengths given and not all T: the caller's rows are gathered into and scattered out of the
  // packed order. False keeps the unpacked path (no copies beyond today's).
  bool packed = false;
  std::vector<index> order;      // B: sorted row r -> the caller's row b; longest first
  std::vector<index> length;     // B: the caller's length of sorted row r
  std::vector<index> active;     // T+1: B_t, rows stepped at step t (a prefix); active[T] = 0
  std::vector<index> first_row;  // T+1: Σ_{s<t} B_s; first_row[T] is the final states' first row
  index steps = 0;               // steps with a row to step: the longest length

  // Sized once (the layer's constructor), so that assign() does not allocate.
  void resize(index steps_total, index batch_size) {
    T = steps_total, B = batch_size;
    order.resize(std::size_t(B));
    length.resize(std::size_t(B));
    active.resize(std::size_t(T) + 1);
    first_row.resize(std::size_t(T) + 1);
    assign({}, false);
  }

  // lengths: B values in [1, T] (checked by the caller) or empty. keep_stepping steps every row
  // through all T steps whatever its length (a planted mutant's bug); outputs and upstream
  // gradients still follow the real lengths.
  void assign(std::span<const std::int64_t> lengths, bool keep_stepping) {
    packed = std::any_of(lengths.begin(), lengths.end(), [&](std::int64_t n) { return n != T; });
    for (index r = 0; r < B; ++r) order[r] = r, length[r] = packed ? lengths[r] : T;
    if (packed) {
      // A total order (ties by the caller's row), so the layout never depends on the sort.
      // std::sort, not std::stable_sort, which may allocate.
      std::sort(order.begin(), order.end(), [&](index a, index b) {
        return lengths[a] != lengths[b] ? lengths[a] > lengths[b] : a < b;
      });
      for (index r = 0; r < B; ++r) length[r] = lengths[order[r]];
    }
    // length is descending: B_t = the rows whose (stepped) length exceeds t.
    index stepped = B;
    first_row[0] = 0;
    for (index t = 0; t <= T; ++t) {
      if (!keep_stepping)
        while (stepped > 0 && length[stepped - 1] <= t) --stepped;
      active[t] = t == T ? 0 : stepped;
      if (t < T) first_row[t + 1] = first_row[t] + active[t];
    }
    steps = keep_stepping ? T : length.empty() ? 0 : length[0];
  }

  index rows() const { return first_row[T]; }  // Σ_t B_t, the packed rows

  // Step t's new states of rows [b0, b1): f(e0, e1, dest) for each run [e0, e1) whose row e
  // goes to row dest + e of the state buffer (at most two runs: going on, ending here).
  template <class F>
  void split_at_end(index t, index b0, index b1, F&& f) const {
    const index going_on = std::clamp(active[t + 1], b0, b1);
    if (b0 < going_on) f(b0, going_on, first_row[t + 1]);
    if (going_on < b1) f(going_on, b1, first_row[T]);
  }
  // The state-buffer row of step t's new state of sorted row r (r < B_t).
  index next_state_row(index t, index r) const {
    return (r < active[t + 1] ? first_row[t + 1] : first_row[T]) + r;
  }

  // f(t, r, q) for the packed rows q in [q0, q1): step t, sorted row r.
  template <class F>
  void for_packed_rows(index q0, index q1, F&& f) const {
    if (q0 >= q1) return;
    index t = index(std::upper_bound(first_row.begin(), first_row.begin() + steps + 1, q0) -
                    first_row.begin()) - 1;
    for (index q = q0; q < q1; ++q) {
      while (q >= first_row[t + 1]) ++t;
      f(t, q - first_row[t], q);
    }
  }
  // A B×width array between the caller's order of rows and the packed (sorted) one.
  template <class Real>
  void gather_rows(Real* packed_rows, const Real* caller_rows, index width) const {
    for (index r = 0; r < B; ++r)
      std::copy_n(caller_rows + order[r] * width, width, packed_rows + r * width);
  }
  template <class Real>
  void scatter_rows(Real* caller_rows, const Real* packed_rows, index width) const {
    for (index r = 0; r < B; ++r)
      std::copy_n(packed_rows + r * width, width, caller_rows + order[r] * width);
  }
  // Whether the caller's position (t, order[r]) is inside its sequence.
  bool inside(index t, index r) const { return t < length[r]; }
};

}  // namespace rnn::detail
