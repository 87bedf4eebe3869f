// rnn::layer under a memory budget: checkpointed BPTT (layer_options::memory_budget_bytes).
// Forward keeps the states at the chunk boundaries the schedule chooses (rnn/checkpoint.hpp) and
// the last chunk's activations; backward runs the rest of the schedule, recomputing each chunk
// from a stored state just before layer_backward.cpp backpropagates it.
//
// Why the gradients are bit-identical to full storage's:
// - The units are the chunks full-storage backward walks ([T-chunk, T), [T-2·chunk, T-chunk), ...,
//   the first one shorter when chunk does not divide T), backpropagated by the same code in the
//   same order, so dW and db sum the same rows in the same order.
// - A chunk forwarded again gives the activations of the first forward bit for bit: the input
//   projection is computed row by row independently of how rows are grouped into GEMM calls and
//   threads (the kernels' contract, see detail::parallel_for), which also makes this forward's
//   chunks (aligned on T's end) agree with full storage's (aligned on 0); each step's recurrent
//   product and pointwise work are the same calls on the same rows; the batch-1 matvec's sweep
//   order follows the absolute step t. States are copied between the buffers and the slots,
//   which is exact.
#include <algorithm>

#include "layer_impl.hpp"

namespace rnn {

template <class Real>
kernels::index layer<Real>::impl::unit_start(kernels::index j) const {
  return std::max<kernels::index>(0, T - (units - j) * chunk);
}

namespace detail {

// Elements: gates chunk×B×GH, h and c (chunk+1)×B×H, hidden_n chunk×B×H (GRU); a slot B×H×(1 or 2).
checkpoint_costs checkpoint_costs_of(const problem& p, kernels::index chunk, std::size_t real_bytes) {
  const bool lstm = p.cell == cell::lstm, gru = p.cell == cell::gru;
  const std::size_t rows = std::size_t(chunk) * std::size_t(p.B), state = std::size_t(p.B * p.H);
  checkpoint_costs c{};
  c.gates = rows * std::size_t(p.G() * p.H);
  c.states = rows * std::size_t(p.H) + state;
  c.hidden_n = gru ? rows * std::size_t(p.H) : 0;
  c.chunk_bytes = (c.gates + c.states * (lstm ? 2 : 1) + c.hidden_n) * real_bytes;
  c.slot = state * (lstm ? 2 : 1);
  c.slot_bytes = c.slot * real_bytes;
  return c;
}

}  // namespace detail

// Sizes the buffers for the budget (elements, as detail::checkpoint_costs_of) and makes the
// schedule. The budget buys k chunks of kept activations (k >= 1: the chunk being forwarded or
// backpropagated) and m stored states. Keeping the last k chunks from the first forward spares
// their recomputation, so the schedule covers the other units - k chunks and the kept ones as one
// last unit; the k with the fewest chunks recomputed wins (then the smallest k): with few slots
// they buy states, with plenty (the √T budget keeps ~√n chunks' worth) they buy kept chunks.
template <class Real>
typename layer<Real>::impl::budget_sizes layer<Real>::impl::plan_checkpoints(std::size_t budget) {
  const detail::checkpoint_costs costs = detail::checkpoint_costs_of(p, chunk, sizeof(Real));
  const std::size_t chunk_bytes = costs.chunk_bytes, slot = costs.slot, slot_bytes = costs.slot_bytes;
  const std::size_t minimum = chunk_bytes + slot_bytes;
  if (budget < minimum)
    throw error("layer_options.memory_budget_bytes = " + std::to_string(budget) +
                " is below the minimum for " + format_problem(p) + " with " +
                std::to_string(chunk) + " steps per chunk: " + std::to_string(minimum) +
                " bytes (one stored state of " + std::to_string(slot_bytes) +
                " bytes and one chunk's activations of " + std::to_string(chunk_bytes) + ")");
  units = (T + chunk - 1) / chunk;
  // k chunks share the state rows between them: k·chunk_bytes − (k−1)·slot_bytes.
  auto kept_bytes = [&](kernels::index k) {
    return std::size_t(k) * (chunk_bytes - slot_bytes) + slot_bytes;
  };
  struct choice {
    std::int64_t recomputed;
    kernels::index k;
    std::int64_t slots;
  };
  std::vector<choice> choices;
  for (kernels::index k = 1; k <= units && kept_bytes(k) + slot_bytes <= budget; ++k) {
    const std::int64_t n = units - k + 1;
    // More than n - 1 slots are never used (checkpoint::schedule).
    const std::int64_t m = std::int64_t(std::min<std::size_t>(
        (budget - kept_bytes(k)) / slot_bytes, std::size_t(std::max<std::int64_t>(1, n - 1))));
    choices.push_back({checkpoint::recomputed_units(n, m), k, m});
  }
  std::stable_sort(choices.begin(), choices.end(), [](const choice& a, const choice& b) {
    return a.recomputed < b.recomputed;
  });
  // The best whose table is small enough (checkpoint::schedule's limits); a few tries at most.
  std::string refused;
  for (std::size_t i = 0; i < choices.size() && i < 16 && plan.empty(); ++i) {
    try {
      const checkpoint::schedule schedule(units - choices[i].k + 1, choices[i].slots);
      plan = schedule.plan();
      recomputed = schedule.recomputed();
      kept = choices[i].k;
    } catch (const error& e) {
      if (refused.empty()) refused = e.what();
    }
  }
  if (plan.empty())
    throw error("layer_options.memory_budget_bytes = " + std::to_string(budget) + " for " +
                format_problem(p) + ": " + refused + "; a budget of " +
                std::to_string(chunk_bytes + std::size_t(std::max<kernels::index>(1, units - 1)) *
                                                     slot_bytes) +
                " bytes keeps every chunk boundary and needs no table");
  first_backward = std::size_t(
      std::find_if(plan.begin(), plan.end(), [](const checkpoint::operation& op) {
        return op.what == checkpoint::operation::kind::backward;
      }) - plan.begin());
  std::int64_t used = 1;
  for (const auto& op : plan)
    if (op.what == checkpoint::operation::kind::store) used = std::max(used, op.slot + 1);
  const std::size_t rows = std::size_t(kept) * std::size_t(chunk) * std::size_t(B);
  budget_sizes s{};
  s.gates = rows * std::size_t(GH);
  s.states = (rows + std::size_t(B)) * std::size_t(H);
  s.hidden_n = costs.hidden_n == 0 ? 0 : rows * std::size_t(H);
  s.slots = std::size_t(used) * slot;
  checkpointed = true;
  return s;
}

// Forwards chunk j from the current state into the activation buffers; writes its outputs to
// `output` (T×B×H) unless null. A kept chunk after the first goes on in place, after the one
// before it.
template <class Real>
void layer<Real>::impl::forward_unit(kernels::index j, Real* output) {
  const bool lstm = p.cell == cell::lstm;
  const kernels::index t0 = unit_start(j), t1 = unit_start(j + 1);
  const std::size_t state = std::size_t(B) * H;
  const bool in_place = j > units - kept;
  if (state_at_end && !in_place) {  // the last chunk's final state becomes this chunk's first
    const std::size_t last = std::size_t(packing.first_row[t0] - row_base) * H;
    std::copy_n(h.data() + last, state, h.data());
    if (lstm) std::copy_n(c.data() + last, state, c.data());
  }
  if (!in_place) row_base = packing.first_row[t0];
  const kernels::index first = packing.first_row[t0] - row_base;
  const kernels::index rows = packing.first_row[t1] - packing.first_row[t0];
  // The chunk's input projection x·W_ihᵀ + b_ih, from the caller's x.
  detail::parallel_for(*pool, rows, 8, 16, [&](kernels::index r0, kernels::index r1) {
    k.gemm_packed_onto_row(gates.data() + (first + r0) * GH, GH,
                           x_rows + (packing.first_row[t0] + r0) * I, I, 1, packed_ih_t.data(),
                           bias_ih.data(), r1 - r0, GH, I);
  });
  for (kernels::index t = t0; t < t1; ++t) forward_step(t);
  if (output)
    detail::parallel_for(*pool, rows, 8, 16, [&](kernels::index r0, kernels::index r1) {
      std::copy(h.data() + (B + first + r0) * H, h.data() + (B + first + r1) * H,
                output + (packing.first_row[t0] + r0) * H);
    });
  state_at_end = true;
}

// Runs plan[from, to): forwards, stores and restores; backward operations call backprop(t0, t1).
template <class Real>
void layer<Real>::impl::run_plan(std::size_t from, std::size_t to, Real* output,
                                 const std::function<void(kernels::index, kernels::index)>& backprop) {
  using kind = checkpoint::operation::kind;
  const bool lstm = p.cell == cell::lstm;
  const std::size_t state = std::size_t(B) * H, slot = state * (lstm ? 2 : 1);
  for (std::size_t i = from; i < to; ++i) {
    const checkpoint::operation& op = plan[i];
    switch (op.what) {
      case kind::forward:
        for (kernels::index j = schedule_chunk(op.first); j < schedule_chunk(op.last); ++j)
          forward_unit(j, output);
        break;
      case kind::store: {  // the last forwarded chunk's final state
        const std::size_t end =
            std::size_t(packing.first_row[unit_start(schedule_chunk(op.first))] - row_base) * H;
        Real* to_slot = slots.data() + std::size_t(op.slot) * slot;
        std::copy_n(h.data() + end, state, to_slot);
        if (lstm) std::copy_n(c.data() + end, state, to_slot + state);
        break;
      }
      case kind::restore: {
        const std::int64_t read = op.slot > 0 && RNNSUITE_PLANTED(checkpoint_restore_older_slot)
                                      ? op.slot - 1
                                      : op.slot;
        const Real* from_slot = slots.data() + std::size_t(read) * slot;
        std::copy_n(from_slot, state, h.data());
        if (lstm) std::copy_n(from_slot + state, state, c.data());
        state_at_end = false;
        break;
      }
      case kind::backward:  // a schedule unit of several chunks: the kept ones, last first
        for (kernels::index j = schedule_chunk(op.first + 1); j-- > schedule_chunk(op.first);)
          backprop(unit_start(j), unit_start(j + 1));
        break;
    }
  }
}

template <class Real>
void layer<Real>::impl::checkpointed_forward(std::span<const Real> x, std::span<const Real> h0,
                                             std::span<const Real> c0, std::span<Real> output,
                                             std::span<Real> h_n, std::span<Real> c_n) {
  const bool lstm = p.cell == cell::lstm;
  x_rows = x.data();
  plan_prefix_done = false;
  // Slot 0: the initial state, which the plan never overwrites; it is also the current state.
  std::copy(h0.begin(), h0.end(), slots.begin());
  std::copy(h0.begin(), h0.end(), h.begin());
  if (lstm) {
    std::copy(c0.begin(), c0.end(), slots.begin() + h0.size());
    std::copy(c0.begin(), c0.end(), c.begin());
  }
  state_at_end = false;
  // The plan up to its first backward forwards every unit once, the last one last.
  run_plan(0, first_backward, output.data(), {});
  const std::size_t end = std::size_t(packing.first_row[T] - row_base) * H;
  std::copy_n(h.data() + end, h_n.size(), h_n.begin());
  if (lstm) std::copy_n(c.data() + end, c_n.size(), c_n.begin());
  plan_prefix_done = true;
}

template <class Real>
void layer<Real>::impl::checkpointed_backward(
    const std::function<void(kernels::index, kernels::index)>& backprop) {
  // After a backward the slots and the kept chunk are no longer the prefix's: start over from
  // slot 0 (the initial state), forwarding without writing outputs.
  const std::size_t from = plan_prefix_done ? first_backward : 0;
  if (from == 0) {
    const bool lstm = p.cell == cell::lstm;
    const std::size_t state = std::size_t(B) * H;
    std::copy_n(slots.data(), state, h.data());
    if (lstm) std::copy_n(slots.data() + state, state, c.data());
    state_at_end = false;
  }
  plan_prefix_done = false;
  run_plan(from, plan.size(), nullptr, backprop);
}

template struct layer<float>::impl;
template struct layer<double>::impl;

}  // namespace rnn
