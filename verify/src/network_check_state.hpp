#pragma once
// What a network_check holds (network_check.cpp builds it, network_check_grading.cpp and
// packed_checks.cpp read it): the rounded data, the truth in 50 and 100 digits, and the planned
// checks. Private to verify/src.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "compare.hpp"
#include "network_check.hpp"
#include "reference/types.hpp"

namespace rnnsuite::verify::detail {

// What a check reads: one of the gradients an implementation returns, in the network's layouts.
enum member : int { params_member, x_member, h0_member, c0_member, h_member, c_member, members };

struct planned_check {
  std::string block;
  std::int64_t step;
  member of;
  std::size_t at, count;  // the slice [at, at + count) of that member
  double tolerance, floor;
  double model_per_u;     // the model's tolerance over the unit roundoff (before measurement)
  // When not empty, the checked elements instead of the slice (a batch's padded steps).
  std::vector<std::size_t> positions;
};

// The elements of `v` a check reads, in its order.
template <class Vector>
std::vector<typename Vector::value_type> picked(const planned_check& c, const Vector& v) {
  if (c.positions.empty())
    return {v.begin() + std::ptrdiff_t(c.at), v.begin() + std::ptrdiff_t(c.at + c.count)};
  std::vector<typename Vector::value_type> out;
  out.reserve(c.positions.size());
  for (std::size_t i : c.positions) out.push_back(v[i]);
  return out;
}

struct network_check::state {
  regime r;
  format_range range;
  // B lengths in [1, T] (rnn/lengths.hpp), or empty: every sequence T steps.
  std::vector<std::int64_t> lengths;
  // The rounded data, held in double (exact for float too), in the network's layouts (a single
  // layer with lengths is a one-block network: its parameters flat).
  std::vector<double> params, x, h0, c0, grad_output, grad_h_n, grad_c_n;
  std::array<std::vector<reference::real50>, members> truth;
  std::array<std::vector<reference::real100>, members> truth100;
  std::vector<planned_check> plan;
  // The forward's truth in 50 and 100 digits: output, h_n, c_n.
  std::array<std::vector<reference::real50>, 3> forward;
  std::array<std::vector<reference::real100>, 3> forward100;
  double dot_length = 1;  // the widest layer's n (tolerance.hpp)
};

// Block k's name suffix: PyTorch's ("_l0", "_l1_reverse") in a network, none in a single layer
// (graded as a one-block network when its sequences have lengths).
std::string suffix_of(const rnn::problem& p, std::size_t k);

// `given` in the network's layout: a single layer's four parameter gradients joined flat.
fast_gradients in_network_layout(const fast_gradients& given);

// The per-step members' padded elements, one check each that they are exactly zero: every
// block's dL/dh_t (dL/dc_t) and dx at t >= len_b. Nothing without lengths.
std::vector<planned_check> padded_checks(const rnn::problem& p,
                                         const std::vector<std::int64_t>& lengths);
// The output's padded elements (T×B×(D·H) at t >= len_b); empty without lengths.
std::vector<std::size_t> padded_output(const rnn::problem& p,
                                       const std::vector<std::int64_t>& lengths);
// Whether some sequence is still running at time t.
bool any_real_step(const std::vector<std::int64_t>& lengths, std::size_t t);

}  // namespace rnnsuite::verify::detail
