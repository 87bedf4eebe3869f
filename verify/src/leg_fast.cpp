// Leg a: lib's fast path against the 50-digit reference, fed the same rounded inputs (the
// regime's parameters, inputs and upstream gradient rounded once to the checked format and
// converted exactly to the reference's Real), so the comparison measures only the fast path's
// arithmetic.
#include "conditioning.hpp"
#include "rnn/layer.hpp"
#include "rnn/tbptt.hpp"
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
  const reference::gradients<real100> fifty{
      up(s.truth.weight_ih), up(s.truth.weight_hh), up(s.truth.bias_ih), up(s.truth.bias_hh),
      up(s.truth.x),         up(s.truth.h0),        up(s.truth.c0),      up(s.truth.h),
      up(s.truth.c),         {},                    {}};
  const double u50 = std::ldexp(1.0, -std::numeric_limits<real50>::digits);
  const detail::format_range unbounded{0, 0, std::numeric_limits<double>::infinity(), u50};
  s.measured = detail::measured_conditioning<real100>(
      detail::compare_all<real100>(p, fifty, truth100, s.cond, u50, u50 * 1e-50, unbounded, false),
      u50);
}

template <class F>
leg_result run_as(const auto& s, rnn::isa isa) {
  const rnn::problem& p = s.r.problem;
  const rnn::tensor_sizes n = rnn::sizes_of(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  const auto w_ih = narrow<F>(s.params.weight_ih), w_hh = narrow<F>(s.params.weight_hh);
  const auto b_ih = narrow<F>(s.params.bias_ih), b_hh = narrow<F>(s.params.bias_hh);
  const auto x = narrow<F>(s.x), h0 = narrow<F>(s.h0), c0 = narrow<F>(s.c0);
  const auto grad_output = narrow<F>(s.grad_output);
  const auto grad_h_n = narrow<F>(s.grad_h_n), grad_c_n = narrow<F>(s.grad_c_n);
  const rnn::parameters_view<F> view{w_ih, w_hh, b_ih, b_hh};
  const execution& how = s.r.run;
  rnn::layer_options options;
  options.isa = isa;
  options.threads = how.threads;
  options.chunk_steps = how.chunk_steps;
  options.l2_bytes = how.l2_bytes;
  rnn::aligned_vector<F> d_ih(n.weight_ih), d_hh(n.weight_hh), d_bih(n.bias), d_bhh(n.bias),
      d_x(n.x), d_h0(n.state), d_c0(lstm ? n.state : 0), d_h(n.sequence),
      d_c(lstm ? n.sequence : 0);
  const rnn::gradients_view<F> grads{d_ih, d_hh, d_bih, d_bhh, d_x, d_h0, d_c0, d_h, d_c};
  if (how.streaming.k1 > 0) {
    rnn::streaming_tbptt<F>(p, view, how.streaming, x, h0, c0, grad_output, grads, options);
  } else {
    rnn::layer<F> layer(p, view, options);
    rnn::aligned_vector<F> output(n.sequence), h_n(n.state), c_n(lstm ? n.state : 0);
    layer.forward(x, h0, c0, output, h_n, c_n);
    layer.backward(grad_output, grad_h_n, grad_c_n, grads, how.truncation);
  }
  auto exact = [](const rnn::aligned_vector<F>& v) {
    return reference::convert<real50, F>(std::span<const F>(v));
  };
  const reference::gradients<real50> fast{exact(d_ih), exact(d_hh), exact(d_bih), exact(d_bhh),
                                          exact(d_x),  exact(d_h0), exact(d_c0),  exact(d_h),
                                          exact(d_c),  {},          {}};
  leg_result r;
  r.leg = "fast", r.problem = s.r.name(), r.isa = std::string(rnn::isa_name(isa));
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

leg_result fast_path_check::run(rnn::isa isa) const {
  if (state_->r.problem.precision == rnn::precision::f32) return run_as<float>(*state_, isa);
  return run_as<double>(*state_, isa);
}

}  // namespace rnnsuite::verify
