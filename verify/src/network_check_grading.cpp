// network_check's grading of given results against the planned checks (network_check.cpp plans
// them): an implementation's or a dump's gradients, a forward's results, the 50-digit reference
// itself (leg c), and the change between two sets of gradients (the mutation matrix).
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>

#include "network_check_state.hpp"
#include "rnn/network.hpp"
#include "rnnsuite/verify/tolerance.hpp"

namespace rnnsuite::verify::detail {

using reference::real100;
using reference::real50;

namespace {

std::array<const std::vector<double>*, members> members_of(const fast_gradients& g) {
  return {&g.parameters, &g.x, &g.h0, &g.c0, &g.h, &g.c};
}

}  // namespace

std::vector<block_check> grade(const network_check::state& s, const fast_gradients& given_any) {
  const fast_gradients given = in_network_layout(given_any);
  const auto values = members_of(given);
  std::vector<block_check> out;
  for (const planned_check& c : s.plan) {
    const std::vector<double>& v = *values[c.of];
    if (v.empty()) continue;
    if (v.size() != s.truth[c.of].size())
      throw rnn::error("network check of " + s.r.name() + ": " + c.block + " has " +
                       std::to_string(v.size()) + " values, expected " +
                       std::to_string(s.truth[c.of].size()));
    const std::vector<double> mine = picked(c, v);
    const std::vector<real50> checked(mine.begin(), mine.end()), truth = picked(c, s.truth[c.of]);
    out.push_back(judge<real50>(c.block, c.step, checked, truth, c.tolerance, c.floor, s.range,
                                s.r.exploding));
  }
  return out;
}

leg_result network_check::grade(const fast_gradients& given,
                                const std::string& implementation) const {
  leg_result r;
  r.leg = "fast", r.problem = state_->r.name(), r.implementation = implementation;
  r.checks = detail::grade(*state_, given);
  summarize(r);
  return r;
}

leg_result network_check::grade_forward(const forward_values& given,
                                        const std::string& implementation) const {
  const state& s = *state_;
  const rnn::problem& p = s.r.problem;
  const auto T = static_cast<std::size_t>(p.T), B = static_cast<std::size_t>(p.B),
             H = static_cast<std::size_t>(p.H), D = static_cast<std::size_t>(p.directions);
  const double u = s.range.unit_roundoff;
  const double u50 = std::ldexp(1.0, -std::numeric_limits<real50>::digits);
  leg_result r;
  r.leg = "forward", r.problem = s.r.name(), r.implementation = implementation;
  // A forward value gathers the rounding of every step that reaches it: through L layers, each of
  // up to T steps in either direction (at most L·T), raised to its measured amplification.
  const double steps = double(p.layers) * double(T);
  const double model = tolerance_constant * u * s.dot_length * std::sqrt(steps);
  const double floor = tolerance_constant * u50 * s.dot_length * std::sqrt(steps);
  const std::array<const std::vector<double>*, 3> values{&given.output, &given.h_n, &given.c_n};
  auto judge_slice = [&](const std::string& block, std::int64_t step, int which, std::size_t at,
                         std::size_t count, std::vector<std::size_t> positions = {}) {
    const std::vector<double>& v = *values[which];
    if (v.empty()) return;
    if (v.size() != s.forward[which].size())
      throw rnn::error("grade_forward: " + block + " has " + std::to_string(v.size()) +
                       " values, " + rnn::format_problem(p) + " needs " +
                       std::to_string(s.forward[which].size()));
    const planned_check c{block, step, params_member, at, count, 0, 0, 0, std::move(positions)};
    const std::vector<real50> truth = picked(c, s.forward[which]);
    const std::vector<real100> truth100 = picked(c, s.forward100[which]);
    real100 diff2 = 0, norm2 = 0;
    for (std::size_t i = 0; i < truth.size(); ++i) {
      const real100 d = real100(truth[i]) - truth100[i];
      diff2 += d * d, norm2 += truth100[i] * truth100[i];
    }
    double tolerance = model;
    if (norm2 > 0)
      tolerance = std::max(tolerance, tolerance_constant * u * s.dot_length *
                                          reference::to_double(real100(sqrt(diff2 / norm2))) / u50);
    const std::vector<double> mine = picked(c, v);
    const std::vector<real50> checked(mine.begin(), mine.end());
    r.checks.push_back(judge<real50>(block, step, checked, truth, tolerance, floor, s.range,
                                     s.r.exploding));
  };
  for (std::size_t t = 0; t < T; ++t)
    if (any_real_step(s.lengths, t))
      judge_slice("output", std::int64_t(t), 0, t * B * D * H, B * D * H);
  // The output at padded steps is exactly zero (PyTorch's pad_packed_sequence pads with zeros).
  if (std::vector<std::size_t> padded = padded_output(p, s.lengths); !padded.empty())
    judge_slice("output_padded", -1, 0, 0, 0, std::move(padded));
  for (std::size_t k = 0; k < std::size_t(p.layers * p.directions); ++k) {
    judge_slice("h_n" + suffix_of(p, k), -1, 1, k * B * H, B * H);
    if (rnn::has_cell_state(p.cell))
      judge_slice("c_n" + suffix_of(p, k), -1, 2, k * B * H, B * H);
  }
  summarize(r);
  return r;
}

leg_result network_check::digits() const {
  const state& s = *state_;
  // As leg c of a single layer: 50 digits suffice when they stay a thousand times inside the
  // tightest tolerance leg a uses (double's), by the same model.
  const double demanded = 1e-3 * std::numeric_limits<double>::epsilon() / 2;
  const double u100 = std::ldexp(1.0, -std::numeric_limits<real100>::digits);
  const format_range unbounded{0, 0, std::numeric_limits<double>::infinity(), demanded};
  leg_result res;
  res.leg = "digits", res.problem = s.r.name();
  for (const planned_check& c : s.plan) {
    const std::vector<real50> low = picked(c, s.truth[c.of]);
    const std::vector<real100> fifty(low.begin(), low.end()), truth = picked(c, s.truth100[c.of]);
    res.checks.push_back(judge<real100>(c.block, c.step, fifty, truth, c.model_per_u * demanded,
                                        c.model_per_u * u100, unbounded, s.r.exploding));
  }
  summarize(res);
  return res;
}

std::vector<double> network_check::changes(const fast_gradients& from_any,
                                           const fast_gradients& to_any) const {
  const state& s = *state_;
  const fast_gradients from = in_network_layout(from_any), to = in_network_layout(to_any);
  const auto a = members_of(from), b = members_of(to);
  std::vector<double> out;
  for (const planned_check& c : s.plan) {
    const std::vector<double>& before = *a[c.of];
    const std::vector<double>& after = *b[c.of];
    if (after.empty()) continue;
    if (before.size() != after.size() || after.size() != s.truth[c.of].size())
      throw rnn::error("network_check::changes: gradients of another problem or run");
    const std::vector<double> x = picked(c, before), y = picked(c, after);
    const std::vector<real50> truth = picked(c, s.truth[c.of]);
    real50 diff2 = 0, norm2 = 0;
    bool finite = true;
    for (std::size_t i = 0; i < y.size(); ++i) {
      norm2 += truth[i] * truth[i];
      if (std::bit_cast<std::uint64_t>(x[i]) == std::bit_cast<std::uint64_t>(y[i])) continue;
      if (!std::isfinite(y[i])) finite = false;
      else diff2 += (real50(y[i]) - real50(x[i])) * (real50(y[i]) - real50(x[i]));
    }
    if (!finite) {
      out.push_back(std::numeric_limits<double>::infinity());
      continue;
    }
    const real50 diff = sqrt(diff2), norm = sqrt(norm2);
    out.push_back(reference::to_double(real50(norm > 0 ? diff / norm : diff)));
  }
  return out;
}

}  // namespace rnnsuite::verify::detail
