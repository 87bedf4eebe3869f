// Leg a: lib's fast path against the 50-digit reference, fed the same rounded inputs (the
// regime's parameters, inputs and upstream gradient rounded once to the checked format and
// converted exactly to the reference's Real), so the comparison measures only the fast path's
// arithmetic.
#include <bit>
#include <cstdint>
#include <optional>

#include "conditioning.hpp"
#include "rnn/layer.hpp"
#include "rnnsuite/impl/lib_implementation.hpp"
#include "reference/gru_forms.hpp"
#include "network_check.hpp"
#include "fast_leg.hpp"
#include "truth.hpp"
#include "rnnsuite/verify/legs.hpp"

namespace rnnsuite::verify {

using reference::real50;

struct fast_path_check::state {
  // A network regime, or any with sequences of different lengths: everything goes there.
  std::optional<detail::network_check> network;
  regime r;  // given data: family "dump", the problem, a plain execution
  reference::gru_form form = reference::gru_form::pytorch;
  detail::format_range range;
  // The rounded data, held in double (exact for float too).
  rnn::parameters<double> params;
  std::vector<double> x, h0, c0, grad_output, grad_h_n, grad_c_n;
  reference::gradients<real50> truth;
  std::vector<real50> output, h_n, c_n;  // the forward's truth
  detail::conditioning cond;
  detail::measured_blocks measured;          // backward blocks: the 50-digit run's error over u50
  detail::measured_blocks measured_forward;  // output per step, h_n, c_n: the same
};

namespace {

template <class F>
rnn::aligned_vector<double> widen(const rnn::aligned_vector<F>& v) {
  return rnn::aligned_vector<double>(v.begin(), v.end());
}

template <class F, class Vector>
rnn::aligned_vector<F> narrow(const Vector& v) {
  return rnn::aligned_vector<F>(v.begin(), v.end());  // exact: v holds F values
}

// Values of a float or double format, exactly in Real.
template <class Real, class Values>
std::vector<Real> exactly(const Values& v) {
  return std::vector<Real>(v.begin(), v.end());
}

template <class Real>
reference::weights<Real> weights_of(const rnn::parameters<double>& w) {
  return {exactly<Real>(w.weight_ih), exactly<Real>(w.weight_hh), exactly<Real>(w.bias_ih),
          exactly<Real>(w.bias_hh)};
}

template <class Real>
reference::trajectory<Real> forward_in(const auto& s, const reference::weights<Real>& w) {
  const rnn::problem& p = s.r.problem;
  if (p.cell == rnn::cell::gru && s.form != reference::gru_form::pytorch)
    return reference::gru_form_forward(p, w, exactly<Real>(s.x), exactly<Real>(s.h0), s.form);
  return reference::forward(p, w, exactly<Real>(s.x), exactly<Real>(s.h0), exactly<Real>(s.c0));
}

template <class Real>
reference::gradients<Real> backward_in(const auto& s, const reference::weights<Real>& w,
                                       const reference::trajectory<Real>& run) {
  const rnn::problem& p = s.r.problem;
  if (p.cell == rnn::cell::gru && s.form != reference::gru_form::pytorch)
    return reference::gru_form_backward(p, w, run, exactly<Real>(s.grad_output),
                                        exactly<Real>(s.grad_h_n), s.form);
  return detail::exact_gradients(s.r, w, run, exactly<Real>(s.grad_output),
                                 exactly<Real>(s.grad_h_n), exactly<Real>(s.grad_c_n));
}

// The truth and conditioning of the data in `s` (rounded to F, held in double): the 50-digit
// forward and backward, and the same in 100 digits, which measures how much this trajectory
// amplifies rounding errors. known: the 50-digit forward of the same data, when the caller has
// already run it.
template <class F>
void derive_truth(auto& s, std::optional<reference::trajectory<real50>> known = std::nullopt) {
  const rnn::problem& p = s.r.problem;
  s.range = detail::range_of<F>();
  const auto w = weights_of<real50>(s.params);
  const auto run = known ? std::move(*known) : forward_in<real50>(s, w);
  s.output = run.output, s.h_n = run.h_n, s.c_n = run.c_n;
  s.truth = backward_in<real50>(s, w, run);
  s.cond = detail::conditioning_of(p, w, run, s.truth);
  const detail::backward_depth depth = detail::depth_of(s.r);
  s.cond.depth = depth.depth, s.cond.sum_depth = depth.sum_depth;
  using reference::real100;
  const auto w100 = weights_of<real100>(s.params);
  const auto run100 = forward_in<real100>(s, w100);
  const auto truth100 = backward_in<real100>(s, w100, run100);
  auto up = [](const std::vector<real50>& v) { return std::vector<real100>(v.begin(), v.end()); };
  const reference::gradients<real100> fifty{
      up(s.truth.weight_ih), up(s.truth.weight_hh), up(s.truth.bias_ih), up(s.truth.bias_hh),
      up(s.truth.x), up(s.truth.h0), up(s.truth.c0), up(s.truth.h), up(s.truth.c), {}, {}};
  const double u50 = std::ldexp(1.0, -std::numeric_limits<real50>::digits);
  const detail::format_range unbounded{0, 0, std::numeric_limits<double>::infinity(), u50};
  s.measured = detail::measured_conditioning(
      detail::compare_all<real100>(p, fifty, truth100, s.cond, u50, u50 * 1e-50, unbounded, false),
      u50);
  const reference::dims d(p);
  const std::size_t S = d.B * d.H;
  std::vector<block_check> forward_changes;
  auto compare = [&](const char* block, std::int64_t step, const std::vector<real50>& a,
                     const std::vector<real100>& b, std::size_t at) {
    if (a.empty()) return;
    const std::vector<real100> a100(a.begin() + static_cast<std::ptrdiff_t>(at),
                                    a.begin() + static_cast<std::ptrdiff_t>(at + S));
    forward_changes.push_back(detail::judge<real100>(
        block, step, a100, std::span<const real100>(b).subspan(at, S), 1, 0, unbounded, false));
  };
  for (std::size_t t = 0; t < d.T; ++t)
    compare("output", static_cast<std::int64_t>(t), s.output, run100.output, t * S);
  compare("h_n", -1, s.h_n, run100.h_n, 0);
  compare("c_n", -1, s.c_n, run100.c_n, 0);
  s.measured_forward = detail::measured_conditioning(forward_changes, u50);
}

template <class F>
void prepare(auto& s) {
  const rnn::parameters<F> w = regime_parameters<F>(s.r);
  const rnn::inputs<F> in = regime_inputs<F>(s.r);
  const final_state_weights<F> final_state = regime_final_state_weights<F>(s.r);
  s.params = {widen(w.weight_ih), widen(w.weight_hh), widen(w.bias_ih), widen(w.bias_hh)};
  s.x.assign(in.x.begin(), in.x.end());
  s.h0.assign(in.h0.begin(), in.h0.end());
  s.c0.assign(in.c0.begin(), in.c0.end());
  s.grad_h_n.assign(final_state.h.begin(), final_state.h.end());
  s.grad_c_n.assign(final_state.c.begin(), final_state.c.end());
  // The upstream gradient of the regime's loss, rounded once to F: both sides start from the
  // same bits.
  // The 50-digit forward serves the loss here and the truth below: it is run once.
  auto run = forward_in<real50>(s, weights_of<real50>(s.params));
  const auto target = reference::convert<real50, F>(in.target);
  const auto loss = reference::mse_loss(s.r.problem, s.r.run.loss, run.output, target);
  for (const real50& v : loss.second)
    s.grad_output.push_back(static_cast<F>(reference::to_double(v)));
  derive_truth<F>(s, std::move(run));
}

}  // namespace

std::optional<std::string> declined_by(const impl::implementation& implementation,
                                       const regime& r) {
  const impl::capabilities& caps = implementation.caps();
  if (r.run.truncation > 0 && !caps.truncation) return "no truncated backward";
  if (r.run.streaming.k1 > 0 && !caps.streaming) return "no streaming k1/k2 schedule";
  // The implementation's own reason first (oneDNN's, the plugin ABI's), else the capability's:
  // lengths are never run as a padded batch by one that does not take them.
  if (auto why = implementation.unsupported(r.problem, detail::run_options_of(r.run, r.problem, std::nullopt)))
    return why;
  if (rnn::has_lengths(r.problem) && !caps.lengths)
    return implementation.name() + " takes no sequence lengths (capabilities::lengths)";
  return std::nullopt;
}

leg_result unsupported_result(const impl::implementation& implementation, const regime& r,
                              const std::string& why) {
  leg_result out;
  out.leg = "fast", out.problem = r.name(), out.implementation = implementation.name();
  out.outcome = verdict::unsupported, out.note = why;
  return out;
}

namespace {

// Every block of `given` (values of the problem's precision, held in double) against the truth.
std::vector<block_check> grade_blocks(const auto& s, const fast_gradients& given) {
  auto exact = [](const std::vector<double>& v) { return exactly<real50>(v); };
  const reference::gradients<real50> checked{
      exact(given.weight_ih), exact(given.weight_hh), exact(given.bias_ih), exact(given.bias_hh),
      exact(given.x),         exact(given.h0),        exact(given.c0),      exact(given.h),
      exact(given.c),         {},                     {}};
  const double u50 = std::ldexp(1.0, -std::numeric_limits<real50>::digits);
  // Γ, a ratio of adjoint norms, mistakes a dip of ‖dL/dh_t‖ (the adjoint turning through small
  // values, measured at T = 1000 in lstm_forget_1) for forward growth; here the measured
  // conditioning carries the amplification instead, the model only the accumulation over steps.
  detail::conditioning cond = s.cond;
  cond.growth = 1;
  return detail::compare_all<real50>(s.r.problem, checked, s.truth, cond, s.range.unit_roundoff,
                                     u50, s.range, s.r.exploding, &s.measured);
}

template <class F>
leg_result run_as(const auto& s, const impl::implementation& implementation,
                  std::optional<rnn::isa> isa, fast_gradients* judged) {
  const rnn::problem& p = s.r.problem;
  leg_result r = detail::start_fast_leg(s.r, implementation, isa);
  if (r.outcome == verdict::unsupported) return r;
  const execution& how = s.r.run;
  const impl::run_options options = detail::run_options_of(how, p, isa);
  const rnn::tensor_sizes n = rnn::sizes_of(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  const auto w_ih = narrow<F>(s.params.weight_ih), w_hh = narrow<F>(s.params.weight_hh);
  const auto b_ih = narrow<F>(s.params.bias_ih), b_hh = narrow<F>(s.params.bias_hh);
  const auto x = narrow<F>(s.x), h0 = narrow<F>(s.h0), c0 = narrow<F>(s.c0);
  const auto grad_output = narrow<F>(s.grad_output);
  const auto grad_h_n = narrow<F>(s.grad_h_n), grad_c_n = narrow<F>(s.grad_c_n);
  const bool all = !how.parameter_gradients_only;
  const bool per_step = all && implementation.caps().per_step_gradients;
  rnn::aligned_vector<F> d_ih(n.weight_ih), d_hh(n.weight_hh), d_bih(n.bias), d_bhh(n.bias),
      d_x(all ? n.x : 0), d_h0(n.state), d_c0(lstm ? n.state : 0), d_h(per_step ? n.sequence : 0),
      d_c(lstm && per_step ? n.sequence : 0);
  const rnn::gradients_view<F> grads{d_ih, d_hh, d_bih, d_bhh, d_x, d_h0, d_c0, d_h, d_c};
  if (!detail::ran(r, [&] {
        const auto run = implementation.prepare(
            p, rnn::parameters_view<F>{w_ih, w_hh, b_ih, b_hh}, options);
        rnn::aligned_vector<F> output(n.sequence), h_n(n.state), c_n(lstm ? n.state : 0);
        // A single layer of full sequences (lengths go to network_check): no lengths.
        run->forward({x, h0, c0, {}}, {output, h_n, c_n});
        run->backward({grad_output, grad_h_n, grad_c_n}, grads, how.truncation);
      }))
    return r;
  auto wide = [](const rnn::aligned_vector<F>& v) { return std::vector<double>(v.begin(), v.end()); };
  fast_gradients given{wide(d_ih), wide(d_hh), wide(d_bih), wide(d_bhh), wide(d_x),
                       wide(d_h0), wide(d_c0), wide(d_h),   wide(d_c), {}};
  r.checks = grade_blocks(s, given);
  detail::summarize(r);
  if (judged) *judged = std::move(given);
  return r;
}

}  // namespace

fast_path_check::fast_path_check(const regime& r) : state_(std::make_unique<state>()) {
  state_->r = r;
  if (rnn::is_network(r.problem) || rnn::has_lengths(r.problem)) {
    state_->network.emplace(r);
    return;
  }
  if (r.problem.precision == rnn::precision::f32)
    prepare<float>(*state_);
  else
    prepare<double>(*state_);
}

fast_path_check::fast_path_check(const given_data& data, const std::string& name)
    : fast_path_check(data, name, reference::gru_form::pytorch) {}

fast_path_check::fast_path_check(const given_data& data, const std::string& name,
                                 reference::gru_form form)
    : state_(std::make_unique<state>()) {
  state& s = *state_;
  if (rnn::is_network(data.problem) || rnn::has_lengths(data.problem) || !data.lengths.empty()) {
    if (form != reference::gru_form::pytorch)
      throw rnn::error("fast_path_check: other GRU forms are checked on single layers of full "
                       "sequences only");
    s.network.emplace(data, name);
    return;
  }
  const rnn::tensor_sizes n = rnn::sizes_of(data.problem);
  const bool lstm = rnn::has_cell_state(data.problem.cell);
  auto expect = [&](const char* what, std::size_t got, std::size_t want, bool optional) {
    if (got != want && !(optional && got == 0))
      throw rnn::error(std::string("fast_path_check: ") + what + " of " + name + " has " +
                       std::to_string(got) + " values, " + rnn::format_problem(data.problem) +
                       " needs " + std::to_string(want));
  };
  expect("weight_ih", data.params.weight_ih.size(), n.weight_ih, false);
  expect("weight_hh", data.params.weight_hh.size(), n.weight_hh, false);
  expect("bias_ih", data.params.bias_ih.size(), n.bias, false);
  expect("bias_hh", data.params.bias_hh.size(), n.bias, false);
  expect("x", data.x.size(), n.x, false);
  expect("h0", data.h0.size(), n.state, false);
  expect("c0", data.c0.size(), lstm ? n.state : 0, false);
  expect("grad_output", data.grad_output.size(), n.sequence, false);
  expect("grad_h_n", data.grad_h_n.size(), n.state, true);
  expect("grad_c_n", data.grad_c_n.size(), lstm ? n.state : 0, true);
  s.r.family = name;
  s.r.problem = data.problem;
  s.form = form;
  s.params = data.params;
  s.x = data.x, s.h0 = data.h0, s.c0 = data.c0;
  s.grad_output = data.grad_output, s.grad_h_n = data.grad_h_n, s.grad_c_n = data.grad_c_n;
  if (data.problem.precision == rnn::precision::f32)
    derive_truth<float>(s);
  else
    derive_truth<double>(s);
}
fast_path_check::~fast_path_check() = default;
fast_path_check::fast_path_check(fast_path_check&&) noexcept = default;
fast_path_check& fast_path_check::operator=(fast_path_check&&) noexcept = default;

leg_result fast_path_check::run(const impl::implementation& implementation,
                                std::optional<rnn::isa> isa, fast_gradients* judged) const {
  if (state_->network) return state_->network->run(implementation, isa, judged);
  if (state_->r.problem.precision == rnn::precision::f32)
    return run_as<float>(*state_, implementation, isa, judged);
  return run_as<double>(*state_, implementation, isa, judged);
}

// The default instruction set through the default path (no isa asked for), as a user who names
// none gets it.
static std::optional<rnn::isa> as_asked(rnn::isa isa) {
  return isa == rnn::default_isa() ? std::nullopt : std::optional<rnn::isa>(isa);
}

leg_result fast_path_check::run(rnn::isa isa) const {
  return run(*impl::make_lib_implementation(), as_asked(isa));
}

leg_result fast_path_check::run(rnn::isa isa, fast_gradients& judged) const {
  return run(*impl::make_lib_implementation(), as_asked(isa), &judged);
}

leg_result fast_path_check::grade(const fast_gradients& given,
                                  const std::string& implementation) const {
  if (state_->network) return state_->network->grade(given, implementation);
  leg_result r;
  r.leg = "fast", r.problem = state_->r.name(), r.implementation = implementation;
  r.checks = grade_blocks(*state_, given);
  detail::summarize(r);
  return r;
}

leg_result fast_path_check::grade_forward(const forward_values& given,
                                          const std::string& implementation) const {
  if (state_->network) return state_->network->grade_forward(given, implementation);
  const state& s = *state_;
  const rnn::problem& p = s.r.problem;
  const reference::dims d(p);
  const std::size_t S = d.B * d.H;
  leg_result r;
  r.leg = "forward", r.problem = s.r.name(), r.implementation = implementation;
  // A forward's error at step t gathers the rounding of t + 1 steps (the model's depth), each
  // amplified as the measured conditioning of that step's output shows.
  std::vector<double> depth(d.T + 1);
  for (std::size_t t = 0; t <= d.T; ++t) depth[t] = static_cast<double>(t);
  depth[0] = 1;
  const tolerance_model model{s.range.unit_roundoff, s.cond.dot_length, 1, p.T, &depth, 0};
  const double u50 = std::ldexp(1.0, -std::numeric_limits<real50>::digits);
  const tolerance_model truth_model{u50, s.cond.dot_length, 1, p.T, &depth, 0};
  auto raised = [&](double tol, const char* block, std::int64_t step) {
    const auto found = s.measured_forward.find({block, step});
    return found == s.measured_forward.end()
               ? tol
               : std::max(tol, tolerance_constant * s.range.unit_roundoff * s.cond.dot_length *
                                   found->second);
  };
  auto judge = [&](const char* block, std::int64_t step, const std::vector<double>& values,
                   const std::vector<real50>& truth, std::size_t at, std::int64_t steps) {
    if (values.empty()) return;
    if (values.size() < at + S || truth.size() < at + S)
      throw rnn::error(std::string("grade_forward: ") + block + " has " +
                       std::to_string(values.size()) + " values, " + rnn::format_problem(p) +
                       " needs " + std::to_string(truth.size()));
    const std::vector<real50> checked(values.begin() + static_cast<std::ptrdiff_t>(at),
                                      values.begin() + static_cast<std::ptrdiff_t>(at + S));
    r.checks.push_back(detail::judge<real50>(
        block, step, checked, std::span<const real50>(truth).subspan(at, S),
        raised(model.at_step(steps - 1), block, step), truth_model.at_step(steps - 1), s.range,
        s.r.exploding));
  };
  if (!given.output.empty() && given.output.size() != s.output.size())
    throw rnn::error("grade_forward: output has " + std::to_string(given.output.size()) +
                     " values, " + rnn::format_problem(p) + " needs " +
                     std::to_string(s.output.size()));
  for (std::size_t t = 0; t < d.T; ++t)
    judge("output", static_cast<std::int64_t>(t), given.output, s.output, t * S,
          static_cast<std::int64_t>(t + 1));
  judge("h_n", -1, given.h_n, s.h_n, 0, p.T);
  judge("c_n", -1, given.c_n, s.c_n, 0, p.T);
  detail::summarize(r);
  return r;
}

std::vector<double> fast_path_check::changes(const fast_gradients& from,
                                             const fast_gradients& to) const {
  if (state_->network) return state_->network->changes(from, to);
  const state& s = *state_;
  // The truth moved by to − from where their bits differ: compare_all then measures
  // ‖to − from‖ / ‖truth‖ over leg a's own blocks, in its order (a non-finite `to` is +inf).
  auto moved = [](const std::vector<real50>& truth, const std::vector<double>& a,
                  const std::vector<double>& b) {
    std::vector<real50> out;
    if (b.empty()) return out;
    if (a.size() != b.size() || b.size() != truth.size())
      throw rnn::error("fast_path_check::changes: gradients of another problem or run");
    out = truth;
    for (std::size_t k = 0; k < b.size(); ++k)
      if (std::bit_cast<std::uint64_t>(a[k]) != std::bit_cast<std::uint64_t>(b[k]))
        out[k] += real50(b[k]) - real50(a[k]);
    return out;
  };
  const reference::gradients<real50>& g = s.truth;
  const reference::gradients<real50> shifted{moved(g.weight_ih, from.weight_ih, to.weight_ih),
                                             moved(g.weight_hh, from.weight_hh, to.weight_hh),
                                             moved(g.bias_ih, from.bias_ih, to.bias_ih),
                                             moved(g.bias_hh, from.bias_hh, to.bias_hh),
                                             moved(g.x, from.x, to.x),
                                             moved(g.h0, from.h0, to.h0),
                                             moved(g.c0, from.c0, to.c0),
                                             moved(g.h, from.h, to.h),
                                             moved(g.c, from.c, to.c),
                                             {},
                                             {}};
  // No format limits: every block's difference is measured, none set aside as under- or
  // overflow (the tolerances and verdicts of this comparison are not used).
  const double u50 = std::ldexp(1.0, -std::numeric_limits<real50>::digits);
  const detail::format_range unbounded{0, 0, std::numeric_limits<double>::infinity(), u50};
  std::vector<double> out;
  for (const block_check& c : detail::compare_all<real50>(s.r.problem, shifted, s.truth, s.cond,
                                                          u50, u50, unbounded, false))
    out.push_back(c.error);
  return out;
}

}  // namespace rnnsuite::verify
