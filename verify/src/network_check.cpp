// Leg a for networks. Each block (layer l, direction d) is graded as a single layer is: its
// per-step dL/dh_t and dL/dc_t, its dh0 and dc0 rows and its parameter gradients per gate, each
// with the tolerance model of that block's own conditioning (measured on the 50-digit run), plus
// the network's dx per step. Two things are the network's own:
// - depth: a block of layer l receives its upstream gradient through every layer above, each of
//   up to T backward steps, so the rounding of (T - s) + (L-1-l)·T steps reaches its step s;
// - the measured conditioning (50 digits against 100) of every checked slice, which carries any
//   amplification across layers the model's per-block terms miss.
// Sequences of different lengths (rnn/lengths.hpp) are graded here too, a single layer's as a
// one-block network: the truth is the packed reference's (reference/packed.hpp), and the padded
// steps are checked to be exactly zero (packed_checks.cpp). The depth model keeps the padded
// batch's bound, T − s backward steps at step s, an upper bound for every sequence (a sequence of
// length len_b has len_b − s there, its reverse direction t + 1 at time t), rather than a bound
// per sequence: it only enters √depth, and the measured conditioning raises every slice's
// tolerance to its own amplification anyway. The cancellation factors ρ are exact per natural
// time: the padded layout puts every sequence's step at the same row (reference/packed.hpp).
#include "network_check.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>

#include "conditioning.hpp"
#include "fast_leg.hpp"
#include "network_check_state.hpp"
#include "reference/packed.hpp"
#include "reference/reference.hpp"
#include "rnn/lengths.hpp"

namespace rnnsuite::verify::detail {

using reference::real100;
using reference::real50;

namespace {

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

// The checks of run(), in order, with their tolerances: per time step every block's dh (dc),
// then dx; every block's dh0 (dc0); every block's parameters per gate; with lengths, the padded
// steps last. A step where every sequence has ended is only among the padded ones.
template <class F>
std::vector<planned_check> plan_checks(const rnn::problem& p,
                                       const std::vector<std::int64_t>& lengths,
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
    planned_check c{std::move(block), step, of, at, n, tolerance, floor, tolerance / u, {}};
    const std::vector<real50> a = picked(c, fifty[of]);
    const std::vector<real100> b = picked(c, hundred[of]);
    real100 diff2 = 0, norm2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const real100 d = real100(a[i]) - b[i];
      diff2 += d * d, norm2 += b[i] * b[i];
    }
    if (norm2 > 0) {
      const double kappa = reference::to_double(real100(sqrt(diff2 / norm2))) / u50;
      c.tolerance = std::max(c.tolerance, tolerance_constant * u * dot_length * kappa);
    }
    plan.push_back(std::move(c));
  };
  auto step_of = [&](std::size_t d, std::size_t t) { return std::int64_t(d == 0 ? t : T - 1 - t); };
  for (std::size_t t = 0; t < T; ++t) {
    if (!any_real_step(lengths, t)) continue;
    for (std::size_t k = 0; k < K; ++k) {
      const std::string suffix = suffix_of(p, k);
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
    const std::string suffix = suffix_of(p, k);
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
    const std::string suffix = suffix_of(p, k);
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
  for (planned_check& c : padded_checks(p, lengths)) plan.push_back(std::move(c));
  return plan;
}

// The truth of the data in `s` (rounded to F, held in double) and the plan of checks. run50: the
// 50-digit forward of that data when the caller has run it already.
template <class F>
void derive_truth(network_check::state& s,
                  std::optional<reference::packed_trajectory<real50>> run50 = std::nullopt) {
  const rnn::problem& p = s.r.problem;
  s.range = range_of<F>();
  const std::span<const double> flat(s.params);
  const auto w50 = reference::network_to_weights<real50, double>(p, flat);
  if (!run50)
    run50 = reference::packed_forward(p, w50, exactly<real50>(s.x), exactly<real50>(s.h0),
                                      exactly<real50>(s.c0), s.lengths);
  std::vector<reference::gradients<real50>> blocks;
  const auto g50 = reference::packed_backward(
      p, w50, *run50, exactly<real50>(s.grad_output), exactly<real50>(s.grad_h_n),
      exactly<real50>(s.grad_c_n), &blocks);
  const auto w100 = reference::network_to_weights<real100, double>(p, flat);
  const auto run100 = reference::packed_forward(p, w100, exactly<real100>(s.x),
                                                exactly<real100>(s.h0), exactly<real100>(s.c0),
                                                s.lengths);
  const auto g100 = reference::packed_backward(p, w100, run100, exactly<real100>(s.grad_output),
                                               exactly<real100>(s.grad_h_n),
                                               exactly<real100>(s.grad_c_n));
  s.truth = flatten(g50);
  s.truth100 = flatten(g100);
  s.plan = plan_checks<F>(p, s.lengths, w50, run50->padded, blocks, s.truth, s.truth100);
  s.forward = {run50->padded.output, run50->padded.h_n, run50->padded.c_n};
  s.forward100 = {run100.padded.output, run100.padded.h_n, run100.padded.c_n};
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
    throw rnn::error("regime " + s.r.name() +
                     ": the network and packed-sequence reference runs full BPTT only (no "
                     "truncation or streaming)");
  s.lengths = rnn::make_lengths(p);
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
  auto run50 = reference::packed_forward(
      p, reference::network_to_weights<real50, double>(p, std::span<const double>(s.params)),
      exactly<real50>(s.x), exactly<real50>(s.h0), exactly<real50>(s.c0), s.lengths);
  // The upstream gradient of the regime's loss, rounded once to F: both sides start from it. With
  // lengths the output is zero at padded steps, so the loss on every step puts −2·target/N there,
  // nonzero: an implementation that lets it in is caught. The loss on the last step reads each
  // sequence's own (len_b − 1), as lib's does.
  const auto loss = reference::mse_loss(p, s.r.run.loss, run50.padded.output,
                                        reference::convert<real50, F>(in.target), s.lengths);
  for (const real50& v : loss.second)
    s.grad_output.push_back(static_cast<F>(reference::to_double(v)));
  derive_truth<F>(s, std::move(run50));
}

}  // namespace

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
        const impl::run_options options = run_options_of(how, p, isa);
        const impl::sequence_inputs<F> in{x, h0, c0, s.lengths};
        rnn::aligned_vector<F> output(n.output), h_n(n.state), c_n(lstm ? n.state : 0);
        if (rnn::is_network(p)) {
          const auto run = implementation.prepare_network(p, std::span<const F>(params), options);
          run->forward(in, {output, h_n, c_n});
          run->backward({grad_output, grad_h_n, grad_c_n},
                        {d_params, d_x, d_h0, d_c0, d_h, d_c}, how.truncation);
          return;
        }
        // A single layer (with lengths) through the implementation's single-layer path; its
        // parameters and their gradients are the one block's of the flat layout.
        const auto run = implementation.prepare(
            p, rnn::block_parameters<F>(p, std::span<const F>(params), 0), options);
        run->forward(in, {output, h_n, c_n});
        const auto d = rnn::block_gradients<F>(p, std::span<F>(d_params), 0);
        run->backward({grad_output, grad_h_n, grad_c_n},
                      {d.weight_ih, d.weight_hh, d.bias_ih, d.bias_hh, d_x, d_h0, d_c0, d_h, d_c},
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
  if (!rnn::is_network(r.problem) && !rnn::has_lengths(r.problem))
    throw rnn::error("network_check: " + r.name() + " is a single layer of full sequences");
  if (r.problem.precision == rnn::precision::f32)
    prepare<float>(*state_);
  else
    prepare<double>(*state_);
}
network_check::network_check(const given_data& data, const std::string& name)
    : state_(std::make_unique<state>()) {
  state& s = *state_;
  const rnn::problem& p = data.problem;
  // The dump's own lengths (its lengths.npy), else the descriptor's rule.
  rnn::check_lengths(p, data.lengths, "network_check: the lengths of " + name);
  s.lengths = data.lengths.empty() ? rnn::make_lengths(p) : data.lengths;
  if (!rnn::is_network(p) && s.lengths.empty())
    throw rnn::error("network_check: " + rnn::format_problem(p) + " of " + name +
                     " is a single layer of full sequences");
  const rnn::network_sizes n = rnn::network_sizes_of(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  auto expect = [&](const char* what, std::size_t got, std::size_t want, bool optional) {
    if (got != want && !(optional && got == 0))
      throw rnn::error(std::string("network_check: ") + what + " of " + name + " has " +
                       std::to_string(got) + " values, " + rnn::format_problem(p) + " needs " +
                       std::to_string(want));
  };
  // A single layer's come as its four tensors: the one block of the flat layout.
  if (rnn::is_network(p)) {
    s.params = data.network_parameters;
  } else {
    for (const auto* part : {&data.params.weight_ih, &data.params.weight_hh,
                             &data.params.bias_ih, &data.params.bias_hh})
      s.params.insert(s.params.end(), part->begin(), part->end());
  }
  expect("the parameters", s.params.size(), n.parameters, false);
  expect("x", data.x.size(), n.x, false);
  expect("h0", data.h0.size(), n.state, false);
  expect("c0", data.c0.size(), lstm ? n.state : 0, false);
  expect("grad_output", data.grad_output.size(), n.output, false);
  expect("grad_h_n", data.grad_h_n.size(), n.state, true);
  expect("grad_c_n", data.grad_c_n.size(), lstm ? n.state : 0, true);
  s.r.family = name;
  s.r.problem = p;
  s.x = data.x, s.h0 = data.h0, s.c0 = data.c0;
  s.grad_output = data.grad_output, s.grad_h_n = data.grad_h_n, s.grad_c_n = data.grad_c_n;
  if (p.precision == rnn::precision::f32)
    derive_truth<float>(s);
  else
    derive_truth<double>(s);
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

}  // namespace rnnsuite::verify::detail
