// Leg a for networks. Each block (layer l, direction d) is graded as a single layer is: its
// per-step dL/dh_t and dL/dc_t, its dh0 and dc0 rows and its parameter gradients per gate, each
// with the tolerance model of that block's own conditioning (measured on the 50-digit run), plus
// the network's dx per step. Two things are the network's own:
// - depth: a block of layer l receives its upstream gradient through every layer above, each of
//   up to T backward steps, so the rounding of (T - s) + (L-1-l)·T steps reaches its step s;
// - the measured conditioning (50 digits against 100) of every checked slice, which carries any
//   amplification across layers the model's per-block terms miss.
#include "network_check.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>

#include "conditioning.hpp"
#include "reference/network.hpp"
#include "reference/reference.hpp"
#include "fast_leg.hpp"

namespace rnnsuite::verify::detail {

using reference::real100;
using reference::real50;

namespace {

// What a check reads: one of the gradients an implementation returns, in lib's layouts.
enum member : int { params_member, x_member, h0_member, c0_member, h_member, c_member, members };

struct planned_check {
  std::string block;
  std::int64_t step;
  member of;
  std::size_t at, count;  // the slice [at, at + count) of that member
  double tolerance, floor;
  double model_per_u;     // the model's tolerance over the unit roundoff (before measurement)
};

std::array<const std::vector<double>*, members> members_of(const fast_gradients& g) {
  return {&g.parameters, &g.x, &g.h0, &g.c0, &g.h, &g.c};
}

template <class Real>
std::vector<Real> flat_parameters(const reference::network_gradients<Real>& g) {
  std::vector<Real> out;
  for (const auto& b : g.parameters)
    for (const auto* part : {&b.weight_ih, &b.weight_hh, &b.bias_ih, &b.bias_hh})
      out.insert(out.end(), part->begin(), part->end());
  return out;
}

template <class Real>
std::array<std::vector<Real>, members> flatten(const reference::network_gradients<Real>& g) {
  return {flat_parameters(g), g.x, g.h0, g.c0, g.h, g.c};
}

template <class Real, class Values>
std::vector<Real> exactly(const Values& v) {
  return std::vector<Real>(v.begin(), v.end());
}

}  // namespace

struct network_check::state {
  regime r;
  format_range range;
  // The rounded data, held in double (exact for float too), in lib's layouts.
  std::vector<double> params, x, h0, c0, grad_output, grad_h_n, grad_c_n;
  std::array<std::vector<real50>, members> truth;
  std::array<std::vector<real100>, members> truth100;
  std::vector<planned_check> plan;
  // The forward's truth in 50 and 100 digits: output, h_n, c_n.
  std::array<std::vector<real50>, 3> forward;
  std::array<std::vector<real100>, 3> forward100;
  double dot_length = 1;  // the widest layer's n (tolerance.hpp)
};

namespace {

// The checks of run(), in order, with their tolerances: per time step every block's dh (dc),
// then dx; every block's dh0 (dc0); every block's parameters per gate.
template <class F>
std::vector<planned_check> plan_checks(const rnn::problem& p,
                                       const reference::network_weights<real50>& w,
                                       const reference::network_trajectory<real50>& run,
                                       const std::vector<reference::gradients<real50>>& blocks,
                                       const std::array<std::vector<real50>, members>& fifty,
                                       const std::array<std::vector<real100>, members>& hundred) {
  const auto T = static_cast<std::size_t>(p.T), B = static_cast<std::size_t>(p.B),
             H = static_cast<std::size_t>(p.H), I = static_cast<std::size_t>(p.I),
             D = static_cast<std::size_t>(p.directions), L = static_cast<std::size_t>(p.layers);
  const std::size_t S = B * H, X = B * I, K = L * D;
  const bool lstm = rnn::has_cell_state(p.cell);
  const double u = std::numeric_limits<F>::epsilon() / 2;
  const double u50 = std::ldexp(1.0, -std::numeric_limits<real50>::digits);
  struct block_model {
    conditioning cond;
    tolerance_model model, truth_model;
  };
  std::vector<block_model> models(K);
  for (std::size_t k = 0; k < K; ++k) {
    const std::size_t l = k / D;
    conditioning c = conditioning_of(rnn::layer_problem(p, std::int64_t(l)), w[k], run.blocks[k],
                                     blocks[k]);
    c.growth = 1;  // the measured conditioning carries the amplification (as leg a's)
    const double above = double(L - 1 - l) * double(T);
    c.depth.assign(T + 1, 0);
    for (std::size_t s = 0; s <= T; ++s) c.depth[s] = double(T + 1 - s) + above;
    c.sum_depth = double(T + 1) + above;
    models[k].cond = std::move(c);
  }
  for (auto& m : models) {
    m.model = {u, m.cond.dot_length, 1, p.T, &m.cond.depth, m.cond.sum_depth};
    m.truth_model = {u50, m.cond.dot_length, 1, p.T, &m.cond.depth, m.cond.sum_depth};
  }
  std::vector<planned_check> plan;
  auto add = [&](std::string block, std::int64_t step, member of, std::size_t at, std::size_t n,
                 double tolerance, double floor, double dot_length) {
    // Raised to the measured conditioning: the 50-digit slice's error against 100 digits.
    const std::span<const real50> a = std::span<const real50>(fifty[of]).subspan(at, n);
    const std::span<const real100> b = std::span<const real100>(hundred[of]).subspan(at, n);
    real100 diff2 = 0, norm2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const real100 d = real100(a[i]) - b[i];
      diff2 += d * d, norm2 += b[i] * b[i];
    }
    const double model_per_u = tolerance / u;
    if (norm2 > 0) {
      const double kappa = reference::to_double(real100(sqrt(diff2 / norm2))) / u50;
      tolerance = std::max(tolerance, tolerance_constant * u * dot_length * kappa);
    }
    plan.push_back({std::move(block), step, of, at, n, tolerance, floor, model_per_u});
  };
  auto step_of = [&](std::size_t d, std::size_t t) { return std::int64_t(d == 0 ? t : T - 1 - t); };
  for (std::size_t t = 0; t < T; ++t) {
    for (std::size_t k = 0; k < K; ++k) {
      const std::string suffix = rnn::block_suffix(p, std::int64_t(k));
      const std::int64_t s = step_of(k % D, t);
      const block_model& m = models[k];
      add("dh" + suffix, std::int64_t(t), h_member, (k * T + t) * S, S, m.model.at_step(s),
          m.truth_model.at_step(s), m.cond.dot_length);
      if (lstm)
        add("dc" + suffix, std::int64_t(t), c_member, (k * T + t) * S, S, m.model.at_step(s),
            m.truth_model.at_step(s), m.cond.dot_length);
    }
    // dx sums layer 0's directions: the larger of their tolerances.
    double tolerance = 0, floor = 0;
    for (std::size_t d = 0; d < D; ++d) {
      const block_model& m = models[d];
      const std::int64_t s = step_of(d, t);
      const double rho = m.cond.rho_x[std::size_t(s)];
      tolerance = std::max(tolerance, m.model.at_step(s) * rho);
      floor = std::max(floor, m.truth_model.at_step(s) * rho);
    }
    add("dx", std::int64_t(t), x_member, t * X, X, tolerance, floor, models[0].cond.dot_length);
  }
  for (std::size_t k = 0; k < K; ++k) {
    const std::string suffix = rnn::block_suffix(p, std::int64_t(k));
    const block_model& m = models[k];
    add("dh0" + suffix, -1, h0_member, k * S, S, m.model.at_step(-1), m.truth_model.at_step(-1),
        m.cond.dot_length);
    if (lstm)
      add("dc0" + suffix, -1, c0_member, k * S, S, m.model.at_step(-1), m.truth_model.at_step(-1),
          m.cond.dot_length);
  }
  const std::string gates = gate_names(p.cell);
  const std::size_t G = gates.size();
  for (std::size_t k = 0; k < K; ++k) {
    const std::string suffix = rnn::block_suffix(p, std::int64_t(k));
    const rnn::parameter_offsets o = rnn::parameter_offsets_of(p, std::int64_t(k));
    const block_model& m = models[k];
    const std::size_t input = (o.weight_hh - o.weight_ih) / (G * H);
    const std::pair<const char*, std::pair<std::size_t, std::size_t>> tensors[] = {
        {"weight_ih", {o.weight_ih, input}},
        {"weight_hh", {o.weight_hh, H}},
        {"bias_ih", {o.bias_ih, 1}},
        {"bias_hh", {o.bias_hh, 1}}};
    for (int which = 0; which < 4; ++which) {
      const auto& [name, where] = tensors[which];
      const std::size_t n = H * where.second;
      for (std::size_t g = 0; g < G; ++g) {
        const double rho = m.cond.rho_params[which][g];
        add(std::string(name) + suffix + "." + gates[g], -1, params_member, where.first + g * n, n,
            m.model.for_sum(rho), m.truth_model.for_sum(rho), m.cond.dot_length);
      }
    }
  }
  return plan;
}

// The truth of the data in `s` (rounded to F, held in double) and the plan of checks. run50: the
// 50-digit forward of that data when the caller has run it already.
template <class F>
void derive_truth(network_check::state& s,
                  std::optional<reference::network_trajectory<real50>> run50 = std::nullopt) {
  const rnn::problem& p = s.r.problem;
  s.range = range_of<F>();
  const std::span<const double> flat(s.params);
  const auto w50 = reference::network_to_weights<real50, double>(p, flat);
  if (!run50)
    run50 = reference::network_forward(p, w50, exactly<real50>(s.x), exactly<real50>(s.h0),
                                       exactly<real50>(s.c0));
  std::vector<reference::gradients<real50>> blocks;
  const auto g50 = reference::network_backward(
      p, w50, *run50, exactly<real50>(s.grad_output), exactly<real50>(s.grad_h_n),
      exactly<real50>(s.grad_c_n), &blocks);
  const auto w100 = reference::network_to_weights<real100, double>(p, flat);
  const auto run100 = reference::network_forward(p, w100, exactly<real100>(s.x),
                                                 exactly<real100>(s.h0), exactly<real100>(s.c0));
  const auto g100 = reference::network_backward(p, w100, run100, exactly<real100>(s.grad_output),
                                                exactly<real100>(s.grad_h_n),
                                                exactly<real100>(s.grad_c_n));
  s.truth = flatten(g50);
  s.truth100 = flatten(g100);
  s.plan = plan_checks<F>(p, w50, *run50, blocks, s.truth, s.truth100);
  s.forward = {run50->output, run50->h_n, run50->c_n};
  s.forward100 = {run100.output, run100.h_n, run100.c_n};
  s.dot_length = 0;
  for (std::int64_t l = 0; l < p.layers; ++l) {
    const rnn::problem one = rnn::layer_problem(p, l);
    s.dot_length = std::max(s.dot_length, double(one.I + one.H + one.G() * one.H + 8));
  }
}

template <class F>
void prepare(network_check::state& s) {
  const rnn::problem& p = s.r.problem;
  if (s.r.run.truncated())
    throw rnn::error("network regime " + s.r.name() +
                     ": the network reference runs full BPTT only (no truncation or streaming)");
  const rnn::aligned_vector<F> w = regime_network_parameters<F>(s.r);
  const rnn::inputs<F> in = regime_inputs<F>(s.r);
  const final_state_weights<F> final_state = regime_final_state_weights<F>(s.r);
  s.params.assign(w.begin(), w.end());
  s.x.assign(in.x.begin(), in.x.end());
  s.h0.assign(in.h0.begin(), in.h0.end());
  s.c0.assign(in.c0.begin(), in.c0.end());
  s.grad_h_n.assign(final_state.h.begin(), final_state.h.end());
  s.grad_c_n.assign(final_state.c.begin(), final_state.c.end());
  // The 50-digit forward serves the loss here and the truth after: it runs once.
  auto run50 = reference::network_forward(
      p, reference::network_to_weights<real50, double>(p, std::span<const double>(s.params)),
      exactly<real50>(s.x), exactly<real50>(s.h0), exactly<real50>(s.c0));
  // The upstream gradient of the regime's loss, rounded once to F: both sides start from it.
  const auto loss = reference::mse_loss(p, s.r.run.loss, run50.output,
                                        reference::convert<real50, F>(in.target));
  for (const real50& v : loss.second)
    s.grad_output.push_back(static_cast<F>(reference::to_double(v)));
  derive_truth<F>(s, std::move(run50));
}

}  // namespace

std::vector<block_check> grade(const network_check::state& s, const fast_gradients& given) {
  const auto values = members_of(given);
  std::vector<block_check> out;
  for (const planned_check& c : s.plan) {
    const std::vector<double>& v = *values[c.of];
    if (v.empty()) continue;
    if (v.size() != s.truth[c.of].size())
      throw rnn::error("network check of " + s.r.name() + ": " + c.block + " has " +
                       std::to_string(v.size()) + " values, expected " +
                       std::to_string(s.truth[c.of].size()));
    const std::vector<real50> checked(v.begin() + std::ptrdiff_t(c.at),
                                      v.begin() + std::ptrdiff_t(c.at + c.count));
    out.push_back(judge<real50>(c.block, c.step, checked,
                                std::span<const real50>(s.truth[c.of]).subspan(c.at, c.count),
                                c.tolerance, c.floor, s.range, s.r.exploding));
  }
  return out;
}

namespace {

template <class F>
leg_result run_as(const network_check::state& s, const impl::implementation& implementation,
                  std::optional<rnn::isa> isa, fast_gradients* judged) {
  const rnn::problem& p = s.r.problem;
  leg_result r = start_fast_leg(s.r, implementation, isa);
  if (r.outcome == verdict::unsupported) return r;
  const rnn::network_sizes n = rnn::network_sizes_of(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  auto narrow = [](const std::vector<double>& v) { return rnn::aligned_vector<F>(v.begin(), v.end()); };
  const auto params = narrow(s.params), x = narrow(s.x), h0 = narrow(s.h0), c0 = narrow(s.c0);
  const auto grad_output = narrow(s.grad_output), grad_h_n = narrow(s.grad_h_n),
             grad_c_n = narrow(s.grad_c_n);
  const execution& how = s.r.run;
  const bool all = !how.parameter_gradients_only;
  const bool per_step = all && implementation.caps().per_step_gradients;
  rnn::aligned_vector<F> d_params(n.parameters), d_x(all ? n.x : 0), d_h0(n.state),
      d_c0(lstm ? n.state : 0), d_h(per_step ? n.sequences : 0),
      d_c(lstm && per_step ? n.sequences : 0);
  if (!ran(r, [&] {
        const auto run = implementation.prepare_network(p, std::span<const F>(params),
                                                        run_options_of(how, isa));
        rnn::aligned_vector<F> output(n.output), h_n(n.state), c_n(lstm ? n.state : 0);
        run->forward({x, h0, c0}, {output, h_n, c_n});
        run->backward({grad_output, grad_h_n, grad_c_n}, {d_params, d_x, d_h0, d_c0, d_h, d_c},
                      how.truncation);
      }))
    return r;
  auto wide = [](const rnn::aligned_vector<F>& v) { return std::vector<double>(v.begin(), v.end()); };
  fast_gradients given;
  given.parameters = wide(d_params), given.x = wide(d_x), given.h0 = wide(d_h0);
  given.c0 = wide(d_c0), given.h = wide(d_h), given.c = wide(d_c);
  r.checks = grade(s, given);
  summarize(r);
  if (judged) *judged = std::move(given);
  return r;
}

}  // namespace

network_check::network_check(const regime& r) : state_(std::make_unique<state>()) {
  state_->r = r;
  if (!rnn::is_network(r.problem))
    throw rnn::error("network_check: " + r.name() + " is a single layer");
  if (r.problem.precision == rnn::precision::f32)
    prepare<float>(*state_);
  else
    prepare<double>(*state_);
}
network_check::network_check(const given_data& data, const std::string& name)
    : state_(std::make_unique<state>()) {
  state& s = *state_;
  const rnn::problem& p = data.problem;
  if (!rnn::is_network(p))
    throw rnn::error("network_check: " + rnn::format_problem(p) + " of " + name +
                     " is a single layer");
  const rnn::network_sizes n = rnn::network_sizes_of(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  auto expect = [&](const char* what, std::size_t got, std::size_t want, bool optional) {
    if (got != want && !(optional && got == 0))
      throw rnn::error(std::string("network_check: ") + what + " of " + name + " has " +
                       std::to_string(got) + " values, " + rnn::format_problem(p) + " needs " +
                       std::to_string(want));
  };
  expect("the parameters", data.network_parameters.size(), n.parameters, false);
  expect("x", data.x.size(), n.x, false);
  expect("h0", data.h0.size(), n.state, false);
  expect("c0", data.c0.size(), lstm ? n.state : 0, false);
  expect("grad_output", data.grad_output.size(), n.output, false);
  expect("grad_h_n", data.grad_h_n.size(), n.state, true);
  expect("grad_c_n", data.grad_c_n.size(), lstm ? n.state : 0, true);
  s.r.family = name;
  s.r.problem = p;
  s.params = data.network_parameters;
  s.x = data.x, s.h0 = data.h0, s.c0 = data.c0;
  s.grad_output = data.grad_output, s.grad_h_n = data.grad_h_n, s.grad_c_n = data.grad_c_n;
  if (p.precision == rnn::precision::f32)
    derive_truth<float>(s);
  else
    derive_truth<double>(s);
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
                         std::size_t count) {
    const std::vector<double>& v = *values[which];
    if (v.empty()) return;
    if (v.size() != s.forward[which].size())
      throw rnn::error("grade_forward: " + block + " has " + std::to_string(v.size()) +
                       " values, " + rnn::format_problem(p) + " needs " +
                       std::to_string(s.forward[which].size()));
    real100 diff2 = 0, norm2 = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      const real100 d = real100(s.forward[which][i]) - s.forward100[which][i];
      diff2 += d * d, norm2 += s.forward100[which][i] * s.forward100[which][i];
    }
    double tolerance = model;
    if (norm2 > 0)
      tolerance = std::max(tolerance, tolerance_constant * u * s.dot_length *
                                          reference::to_double(real100(sqrt(diff2 / norm2))) / u50);
    const std::vector<real50> checked(v.begin() + std::ptrdiff_t(at),
                                      v.begin() + std::ptrdiff_t(at + count));
    r.checks.push_back(judge<real50>(block, step, checked,
                                     std::span<const real50>(s.forward[which]).subspan(at, count),
                                     tolerance, floor, s.range, s.r.exploding));
  };
  for (std::size_t t = 0; t < T; ++t) judge_slice("output", std::int64_t(t), 0, t * B * D * H, B * D * H);
  for (std::int64_t k = 0; k < p.layers * p.directions; ++k) {
    judge_slice("h_n" + rnn::block_suffix(p, k), -1, 1, std::size_t(k) * B * H, B * H);
    if (rnn::has_cell_state(p.cell))
      judge_slice("c_n" + rnn::block_suffix(p, k), -1, 2, std::size_t(k) * B * H, B * H);
  }
  summarize(r);
  return r;
}

network_check::~network_check() = default;
network_check::network_check(network_check&&) noexcept = default;
network_check& network_check::operator=(network_check&&) noexcept = default;

leg_result network_check::run(const impl::implementation& implementation,
                              std::optional<rnn::isa> isa, fast_gradients* judged) const {
  if (state_->r.problem.precision == rnn::precision::f32)
    return run_as<float>(*state_, implementation, isa, judged);
  return run_as<double>(*state_, implementation, isa, judged);
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
    const std::vector<real100> fifty(s.truth[c.of].begin() + std::ptrdiff_t(c.at),
                                     s.truth[c.of].begin() + std::ptrdiff_t(c.at + c.count));
    res.checks.push_back(judge<real100>(
        c.block, c.step, fifty, std::span<const real100>(s.truth100[c.of]).subspan(c.at, c.count),
        c.model_per_u * demanded, c.model_per_u * u100, unbounded, s.r.exploding));
  }
  summarize(res);
  return res;
}

std::vector<double> network_check::changes(const fast_gradients& from,
                                           const fast_gradients& to) const {
  const state& s = *state_;
  const auto a = members_of(from), b = members_of(to);
  std::vector<double> out;
  for (const planned_check& c : s.plan) {
    const std::vector<double>& before = *a[c.of];
    const std::vector<double>& after = *b[c.of];
    if (after.empty()) continue;
    if (before.size() != after.size() || after.size() != s.truth[c.of].size())
      throw rnn::error("network_check::changes: gradients of another problem or run");
    real50 diff2 = 0, norm2 = 0;
    bool finite = true;
    for (std::size_t i = c.at; i < c.at + c.count; ++i) {
      norm2 += s.truth[c.of][i] * s.truth[c.of][i];
      if (std::bit_cast<std::uint64_t>(before[i]) == std::bit_cast<std::uint64_t>(after[i])) continue;
      if (!std::isfinite(after[i])) finite = false;
      else diff2 += (real50(after[i]) - real50(before[i])) * (real50(after[i]) - real50(before[i]));
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
