// Leg a: lib's fast path against the 50-digit reference, fed the same rounded inputs (the
// regime's parameters, inputs and upstream gradient rounded once to the checked format and
// converted exactly to the reference's Real), so the comparison measures only the fast path's
// arithmetic.
#include <bit>
#include <cstdint>

#include "conditioning.hpp"
#include "rnn/layer.hpp"
#include "rnnsuite/impl/lib_implementation.hpp"
#include "truth.hpp"
#include "rnnsuite/verify/legs.hpp"

namespace rnnsuite::verify {

using reference::real50;

struct fast_path_check::state {
  regime r;
  detail::format_range range;
  // The rounded data, held in double (exact for float too).
  rnn::parameters<double> params;
  std::vector<double> x, h0, c0, grad_output, grad_h_n, grad_c_n;
  reference::gradients<real50> truth;
  detail::conditioning cond;
  std::vector<double> measured;  // per block: the 50-digit run's error over u50
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

template <class F>
void prepare(fast_path_check& owner, auto& s) {
  (void)owner;
  const rnn::problem& p = s.r.problem;
  const rnn::parameters<F> w = regime_parameters<F>(s.r);
  const rnn::inputs<F> in = regime_inputs<F>(s.r);
  const final_state_weights<F> final_state = regime_final_state_weights<F>(s.r);
  s.range = detail::range_of<F>();
  s.params = {widen(w.weight_ih), widen(w.weight_hh), widen(w.bias_ih), widen(w.bias_hh)};
  s.x.assign(in.x.begin(), in.x.end());
  s.h0.assign(in.h0.begin(), in.h0.end());
  s.c0.assign(in.c0.begin(), in.c0.end());
  s.grad_h_n.assign(final_state.h.begin(), final_state.h.end());
  s.grad_c_n.assign(final_state.c.begin(), final_state.c.end());
  const auto wr = reference::to_weights<real50, F>(w);
  const auto run = reference::forward(p, wr, reference::convert<real50, F>(in.x),
                                      reference::convert<real50, F>(in.h0),
                                      reference::convert<real50, F>(in.c0));
  const auto target = reference::convert<real50, F>(in.target);
  const auto loss = reference::mse_loss(p, s.r.run.loss, run.output, target);
  // The upstream gradient, rounded once to F: both sides start from the same bits.
  std::vector<real50> grad_output;
  for (const real50& v : loss.second) {
    const F rounded = static_cast<F>(reference::to_double(v));
    s.grad_output.push_back(rounded);
    grad_output.emplace_back(rounded);
  }
  auto exact = [](const std::vector<double>& v, auto zero) {
    return std::vector<decltype(zero)>(v.begin(), v.end());
  };
  s.truth = detail::exact_gradients(s.r, wr, run, grad_output, exact(s.grad_h_n, real50()),
                                    exact(s.grad_c_n, real50()));
  s.cond = detail::conditioning_of(p, wr, run, s.truth);
  const detail::backward_depth depth = detail::depth_of(s.r);
  s.cond.depth = depth.depth, s.cond.sum_depth = depth.sum_depth;
  // The same in 100 digits measures how much this trajectory amplifies rounding errors.
  using reference::real100;
  const auto w100 = reference::to_weights<real100, F>(w);
  const auto run100 = reference::forward(p, w100, reference::convert<real100, F>(in.x),
                                         reference::convert<real100, F>(in.h0),
                                         reference::convert<real100, F>(in.c0));
  const std::vector<real100> grad_output100(grad_output.begin(), grad_output.end());
  const auto truth100 =
      detail::exact_gradients(s.r, w100, run100, grad_output100, exact(s.grad_h_n, real100()),
                              exact(s.grad_c_n, real100()));
  auto up = [](const std::vector<real50>& v) { return std::vector<real100>(v.begin(), v.end()); };
  // The blocks the fast path will be asked for, in the order compare_all judges them there.
  const bool all = !s.r.run.parameter_gradients_only;
  const std::vector<real50> none;
  const reference::gradients<real100> fifty{
      up(s.truth.weight_ih), up(s.truth.weight_hh), up(s.truth.bias_ih), up(s.truth.bias_hh),
      up(all ? s.truth.x : none), up(s.truth.h0), up(s.truth.c0), up(all ? s.truth.h : none),
      up(all ? s.truth.c : none), {}, {}};
  const double u50 = std::ldexp(1.0, -std::numeric_limits<real50>::digits);
  const detail::format_range unbounded{0, 0, std::numeric_limits<double>::infinity(), u50};
  s.measured = detail::measured_conditioning<real100>(
      detail::compare_all<real100>(p, fifty, truth100, s.cond, u50, u50 * 1e-50, unbounded, false),
      u50);
}

// The regime's execution as the implementation under test is asked to run it.
impl::run_options options_of(const execution& how, std::optional<rnn::isa> isa) {
  impl::run_options o;
  o.threads = how.threads;
  o.streaming = how.streaming;
  o.isa = isa;
  o.chunk_steps = how.chunk_steps;
  o.l2_bytes = how.l2_bytes;
  return o;
}

}  // namespace

std::optional<std::string> declined_by(const impl::implementation& implementation,
                                       const regime& r) {
  const impl::capabilities& caps = implementation.caps();
  if (r.run.truncation > 0 && !caps.truncation) return "no truncated backward";
  if (r.run.streaming.k1 > 0 && !caps.streaming) return "no streaming k1/k2 schedule";
  return implementation.unsupported(r.problem, options_of(r.run, std::nullopt));
}

leg_result unsupported_result(const impl::implementation& implementation, const regime& r,
                              const std::string& why) {
  leg_result out;
  out.leg = "fast", out.problem = r.name(), out.implementation = implementation.name();
  out.outcome = verdict::unsupported, out.note = why;
  return out;
}

namespace {

template <class F>
leg_result run_as(const auto& s, const impl::implementation& implementation,
                  std::optional<rnn::isa> isa, fast_gradients* judged) {
  const rnn::problem& p = s.r.problem;
  leg_result r;
  r.leg = "fast", r.problem = s.r.name(), r.implementation = implementation.name();
  if (isa || !implementation.caps().isas.empty())
    r.isa = std::string(rnn::isa_name(isa.value_or(rnn::default_isa())));
  const execution& how = s.r.run;
  const impl::run_options options = options_of(how, isa);
  if (const auto why = declined_by(implementation, s.r)) {
    r.outcome = verdict::unsupported, r.note = *why;
    return r;
  }
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
  try {
    const auto run = implementation.prepare(p, rnn::parameters_view<F>{w_ih, w_hh, b_ih, b_hh},
                                            options);
    rnn::aligned_vector<F> output(n.sequence), h_n(n.state), c_n(lstm ? n.state : 0);
    run->forward({x, h0, c0}, {output, h_n, c_n});
    run->backward({grad_output, grad_h_n, grad_c_n}, grads, how.truncation);
  } catch (const impl::failure& e) {
    if (e.which() == impl::failure::kind::error) throw;
    r.outcome = e.which() == impl::failure::kind::unsupported ? verdict::unsupported
                                                               : verdict::fail;
    r.note = e.what();
    return r;
  }
  if (judged) {
    auto wide = [](const rnn::aligned_vector<F>& v) {
      return std::vector<double>(v.begin(), v.end());
    };
    *judged = {wide(d_ih), wide(d_hh), wide(d_bih), wide(d_bhh), wide(d_x),
               wide(d_h0), wide(d_c0), wide(d_h),   wide(d_c)};
  }
  auto exact = [](const rnn::aligned_vector<F>& v) {
    return reference::convert<real50, F>(std::span<const F>(v));
  };
  const reference::gradients<real50> fast{exact(d_ih), exact(d_hh), exact(d_bih), exact(d_bhh),
                                          exact(d_x),  exact(d_h0), exact(d_c0),  exact(d_h),
                                          exact(d_c),  {},          {}};
  const double u50 = std::ldexp(1.0, -std::numeric_limits<real50>::digits);
  // Γ, a ratio of adjoint norms, mistakes a dip of ‖dL/dh_t‖ (the adjoint turning through small
  // values, measured at T = 1000 in lstm_forget_1) for forward growth; here the measured
  // conditioning carries the amplification instead, the model only the accumulation over steps.
  detail::conditioning cond = s.cond;
  cond.growth = 1;
  r.checks = detail::compare_all<real50>(p, fast, s.truth, cond, s.range.unit_roundoff, u50,
                                         s.range, s.r.exploding, &s.measured);
  detail::summarize(r);
  return r;
}

}  // namespace

fast_path_check::fast_path_check(const regime& r) : state_(std::make_unique<state>()) {
  state_->r = r;
  if (r.problem.precision == rnn::precision::f32)
    prepare<float>(*this, *state_);
  else
    prepare<double>(*this, *state_);
}
fast_path_check::~fast_path_check() = default;
fast_path_check::fast_path_check(fast_path_check&&) noexcept = default;
fast_path_check& fast_path_check::operator=(fast_path_check&&) noexcept = default;

leg_result fast_path_check::run(const impl::implementation& implementation,
                                std::optional<rnn::isa> isa, fast_gradients* judged) const {
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

std::vector<double> fast_path_check::changes(const fast_gradients& from,
                                             const fast_gradients& to) const {
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
