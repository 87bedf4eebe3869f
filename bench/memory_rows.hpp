#pragma once
// The memory grids (issue 27): rnnsuite's layer forward+backward under memory budgets, from the
// smallest lib takes to full storage, timed beside each other. rnn::layer directly: oneDNN has no
// checkpointing. Named `<descriptor>/fwdbwd/rnnsuite_budget_<budget>`, with the counters
// activation_bytes (the peak), budget_bytes, full_storage_bytes, chunks, chunk_steps, chunk_bytes
// (one chunk's activations), state_bytes (one stored state), recomputed_chunks (lib's, per
// backward), and for comparison hsm_states and hsm_recomputed (Gruslys et al.'s hidden-state
// schedule with the whole budget but one chunk in stored states: m and C(n, m) - n, from
// rnn::checkpoint::schedule) and sqrt_rule_recomputed (Chen et al.'s), beside steps_per_second,
// GFLOPs and pct_peak.
#include <string>
#include <string_view>
#include <vector>

#include "registration.hpp"
#include "rnn/problem.hpp"

namespace bench {

// A budget named by how it is made from the layer's chunk (activations of one chunk) and state
// (h, and c for LSTM, at one chunk boundary):
//   min       one chunk and one state, lib's smallest (Gruslys's m = 1: quadratic recomputation)
//   <k>states one chunk and k states (m = k)
//   <f>min    f times min
//   sqrt      Chen et al.'s √n rule: ceil(n / k) states and k chunks, k = ceil(√n)
//   <f>sqrt   f times sqrt
//   full      full storage's bytes (nothing recomputed)
struct memory_case {
  rnn::problem problem;
  std::string budget;
};

// "memory": LSTM T = 4096, B = 16, I = H = 256, f32 across min, 4states, 2min, sqrt, 4sqrt,
// 8sqrt and full; GRU and elman_tanh at sqrt and full (a few minutes with repetitions).
// "memory_smoke": the same budgets on tiny problems of 32 chunks (the ctest, a second).
bool is_memory_grid(std::string_view name);
std::vector<memory_case> memory_grid(std::string_view name);

// Throws rnn::error for a budget name the list above does not have.
void register_memory_benchmarks(const std::vector<memory_case>& cases, const run_settings& s);

// True once any memory benchmark has reported an error (a budget lib refused, say).
bool any_memory_benchmark_failed();

}  // namespace bench
