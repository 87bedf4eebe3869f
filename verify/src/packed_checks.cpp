// What grading sequences of different lengths adds (rnn/lengths.hpp): the padded steps, where
// the truth is exactly zero (dL/dh_t, dL/dc_t, dx_t, the output at t >= len_b), are checked as
// such, so any nonzero value there is a FAIL however small; it would otherwise hide inside the
// normwise error of the step's real rows.
#include <algorithm>

#include "network_check_state.hpp"
#include "rnn/network.hpp"

namespace rnnsuite::verify::detail {

std::string suffix_of(const rnn::problem& p, std::size_t k) {
  return rnn::is_network(p) ? rnn::block_suffix(p, std::int64_t(k)) : std::string();
}

fast_gradients in_network_layout(const fast_gradients& given) {
  if (!given.parameters.empty() || given.weight_ih.empty()) return given;
  fast_gradients out = given;
  for (const auto* part : {&given.weight_ih, &given.weight_hh, &given.bias_ih, &given.bias_hh})
    out.parameters.insert(out.parameters.end(), part->begin(), part->end());
  out.weight_ih.clear(), out.weight_hh.clear(), out.bias_ih.clear(), out.bias_hh.clear();
  return out;
}

bool any_real_step(const std::vector<std::int64_t>& lengths, std::size_t t) {
  return lengths.empty() ||
         std::any_of(lengths.begin(), lengths.end(), [&](std::int64_t len) { return t < std::size_t(len); });
}

namespace {

// Elements (t·B + b)·width + j of a T×B×width tensor at t >= len_b, offset by `base`.
std::vector<std::size_t> padded_rows(const std::vector<std::int64_t>& lengths, std::size_t T,
                                     std::size_t width, std::size_t base) {
  const std::size_t B = lengths.size();
  std::vector<std::size_t> out;
  for (std::size_t t = 0; t < T; ++t)
    for (std::size_t b = 0; b < B; ++b)
      if (t >= std::size_t(lengths[b]))
        for (std::size_t j = 0; j < width; ++j) out.push_back(base + (t * B + b) * width + j);
  return out;
}

}  // namespace

std::vector<std::size_t> padded_output(const rnn::problem& p,
                                       const std::vector<std::int64_t>& lengths) {
  if (lengths.empty()) return {};
  return padded_rows(lengths, std::size_t(p.T), std::size_t(p.directions * p.H), 0);
}

std::vector<planned_check> padded_checks(const rnn::problem& p,
                                         const std::vector<std::int64_t>& lengths) {
  std::vector<planned_check> out;
  if (lengths.empty()) return out;
  const std::size_t T = std::size_t(p.T), B = std::size_t(p.B), H = std::size_t(p.H);
  const std::size_t K = std::size_t(p.layers * p.directions);
  // A zero truth is judged exactly (compare.hpp): the tolerance plays no part.
  auto add = [&](std::string block, member of, std::vector<std::size_t> positions) {
    if (positions.empty()) return;  // every sequence T steps long
    out.push_back({std::move(block), -1, of, 0, 0, 0, 0, 0, std::move(positions)});
  };
  for (std::size_t k = 0; k < K; ++k) {
    add("dh" + suffix_of(p, k) + "_padded", h_member, padded_rows(lengths, T, H, k * T * B * H));
    if (rnn::has_cell_state(p.cell))
      add("dc" + suffix_of(p, k) + "_padded", c_member, padded_rows(lengths, T, H, k * T * B * H));
  }
  add("dx_padded", x_member, padded_rows(lengths, T, std::size_t(p.I), 0));
  return out;
}

}  // namespace rnnsuite::verify::detail
