#include "rnnsuite/verify/gradient_flow.hpp"

#include <cmath>
#include <limits>
#include <span>

#include <fmt/format.h>

#include "rnn/error.hpp"
#include "rnnsuite/verify/seeds.hpp"
#include "rnnsuite/verify/theory.hpp"

namespace rnnsuite::verify {

namespace {

// The 50-digit reference's cost per multiply-add of forward + BPTT: elman_tanh_t64_b1_i32_h32 in
// 27.9 ms for 3·T·B·G·H·(I+H) = 393k of them (docs/verification.md, "Cost of the truth").
constexpr double reference_seconds_per_mac = 71e-9;
constexpr double longest_reference_seconds = 300;

// ‖block_t‖₂ for t = 0..T of a T×B×H sequence whose step 0 (the initial state) is kept apart.
template <class Real>
std::vector<Real> step_norms(const std::vector<Real>& initial, const std::vector<Real>& sequence,
                             std::size_t T) {
  using std::sqrt;
  const std::size_t state = initial.size();
  std::vector<Real> norms(T + 1);
  for (std::size_t t = 0; t <= T; ++t) {
    const Real* block = t == 0 ? initial.data() : sequence.data() + (t - 1) * state;
    Real sum = 0;
    for (std::size_t k = 0; k < state; ++k) sum += block[k] * block[k];
    norms[t] = sqrt(sum);
  }
  return norms;
}

// σ_max(W) of an H×H row-major W by power iteration on WᵀW in long double. An orthogonal W·s has
// every singular value s and converges at once; others converge at the rate of their gap.
double largest_singular_value(std::span<const double> w, std::size_t H) {
  std::vector<long double> v(H, 1.0L / std::sqrt(static_cast<long double>(H))), wv(H), next(H);
  long double lambda = 0;
  for (int iteration = 0; iteration < 1000; ++iteration) {
    for (std::size_t i = 0; i < H; ++i) {
      long double s = 0;
      for (std::size_t j = 0; j < H; ++j) s += w[i * H + j] * v[j];
      wv[i] = s;
    }
    long double norm2 = 0;
    for (std::size_t j = 0; j < H; ++j) {
      long double s = 0;
      for (std::size_t i = 0; i < H; ++i) s += w[i * H + j] * wv[i];
      next[j] = s, norm2 += s * s;
    }
    const long double norm = std::sqrt(norm2);
    if (norm == 0) return 0;
    for (std::size_t j = 0; j < H; ++j) v[j] = next[j] / norm;
    if (std::fabs(norm - lambda) <= 1e-18L * norm) {
      lambda = norm;
      break;
    }
    lambda = norm;
  }
  return static_cast<double>(std::sqrt(lambda));
}

flow_summary summarize(const gradient_flow& flow) {
  flow_summary s;
  // Least squares of ln|dL/dh_t| = a + b·t; one step back multiplies by e^(−b).
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t t = 0; t < flow.exact_dh.size(); ++t) {
    if (flow.exact_dh[t] == 0) continue;
    const double x = static_cast<double>(t), y = static_cast<double>(log(flow.exact_dh[t]));
    n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  const double spread = n * sxx - sx * sx;
  s.rate = n >= 2 && spread > 0 ? std::exp(-(n * sxy - sx * sy) / spread) : 1.0;
  s.kind = s.rate < 1 - stable_band   ? flow_kind::vanishing
           : s.rate > 1 + stable_band ? flow_kind::exploding
                                      : flow_kind::stable;
  const real50 float_max(std::numeric_limits<float>::max());
  const real50 float_least(std::numeric_limits<float>::denorm_min() / 2);
  for (std::size_t t = flow.exact_dh.size(); t-- > 0;) {
    const double f = flow.f32_dh[t];
    const real50& exact = flow.exact_dh[t];
    if ((f == 0 && exact != 0) || !std::isfinite(f)) {
      s.float_lost_at = static_cast<std::int64_t>(t);
      s.float_nonfinite = !std::isfinite(f);
      s.exact_fits_float = exact >= float_least && exact <= float_max;
      break;
    }
  }
  return s;
}

std::string decimal(const real50& v) { return decimal_string(v, 17); }
std::string decimal(double v) {
  if (std::isnan(v)) return "nan";  // one spelling for gnuplot and readers, whatever the sign bit
  return fmt::format("{:.17g}", v);
}
std::string short_decimal(const real50& v) { return decimal_string(v, 3); }

}  // namespace

std::string_view flow_kind_name(flow_kind k) {
  switch (k) {
    case flow_kind::vanishing: return "vanishing";
    case flow_kind::stable: return "stable";
    case flow_kind::exploding: return "exploding";
  }
  return "?";
}

regime flow_regime(const flow_request& request) {
  rnn::validate(request.problem);
  if (request.regime_family) return regime_for(*request.regime_family, request.problem, request.seed);
  if (!(request.gain > 0) || !std::isfinite(request.gain))
    throw rnn::error("--gain must be a finite number > 0, got " + fmt::format("{}", request.gain));
  regime r;
  r.family = fmt::format("gain{}", request.gain);
  r.problem = request.problem;
  r.init = {rnn::init_scheme::orthogonal, request.seed, request.gain};
  r.input_seed = request.seed + 1000;
  r.shows = "orthogonal W_hh scaled by the gain";
  return r;
}

gradient_flow trace_gradient_flow(const flow_request& request) {
  gradient_flow flow;
  flow.setup = flow_regime(request);
  const rnn::problem& p = flow.setup.problem;
  // The trace follows one sequence length; lengths would be silently run as a padded batch.
  if (rnn::has_lengths(p))
    throw rnn::error("--problem " + rnn::format_problem(p) +
                     ": the gradient flow is traced over full sequences; drop the _len field");
  const double macs = 3.0 * double(p.T) * double(p.B) * double(p.G()) * double(p.H) *
                      double(p.I + p.H);
  if (macs * reference_seconds_per_mac > longest_reference_seconds)
    throw rnn::error(fmt::format(
        "--problem {}: the 50-digit reference would run about {:.0f} minutes (limit {:.0f}); "
        "use a smaller T, B, I or H",
        rnn::format_problem(p), macs * reference_seconds_per_mac / 60,
        longest_reference_seconds / 60));
  flow.source = request.regime_family ? "regime " + *request.regime_family
                                      : fmt::format("orthogonal W_hh, gain {}", request.gain);
  const auto params = regime_parameters<double>(flow.setup);
  const auto in = regime_inputs<double>(flow.setup);
  const rnn::loss_kind loss = rnn::loss_kind::last;
  const auto exact = run_reference<real50>(p, to_reference<real50>(params), in, loss);
  const fast_pass f64 = run_fast_as<double>(p, params, in, loss);
  const fast_pass f32 = run_fast_as<float>(p, params, in, loss);
  const std::size_t T = static_cast<std::size_t>(p.T);
  flow.exact_dh = step_norms(exact.grads.h0, exact.grads.h, T);
  flow.f64_dh = step_norms(f64.grad_h0, f64.grad_h, T);
  flow.f32_dh = step_norms(f32.grad_h0, f32.grad_h, T);
  if (rnn::has_cell_state(p.cell)) {
    flow.exact_dc = step_norms(exact.grads.c0, exact.grads.c, T);
    flow.f64_dc = step_norms(f64.grad_c0, f64.grad_c, T);
    flow.f32_dc = step_norms(f32.grad_c0, f32.grad_c, T);
  }
  if (p.G() == 1) {
    const double gamma = p.cell == rnn::cell::elman_sigmoid ? 0.25 : 1.0;
    flow.gamma_sigma = gamma * largest_singular_value(params.weight_hh, static_cast<std::size_t>(p.H));
    flow.pascanu_bound.resize(T + 1);
    for (std::size_t t = 0; t <= T; ++t)
      flow.pascanu_bound[t] = pow(real50(flow.gamma_sigma), static_cast<long>(T - t)) * flow.exact_dh[T];
  }
  flow.summary = summarize(flow);
  return flow;
}

std::string describe(const gradient_flow& flow) {
  const flow_summary& s = flow.summary;
  std::string line = fmt::format("{} ({}): {}", flow.setup.name(), flow.source,
                                 flow_kind_name(s.kind));
  line += s.kind == flow_kind::stable ? fmt::format(" (rate {:.4g} per step)", s.rate)
                                      : fmt::format(" at rate {:.4g} per step", s.rate);
  if (flow.gamma_sigma > 0) line += fmt::format(", gamma*sigma_max = {:.4g}", flow.gamma_sigma);
  const std::size_t T = flow.exact_dh.size() - 1;
  line += fmt::format("; |dL/dh_T| = {}, |dL/dh_0| = {} exact", short_decimal(flow.exact_dh[T]),
                      short_decimal(flow.exact_dh[0]));
  if (s.float_lost_at < 0) {
    line += "; float32 keeps it at every step";
  } else {
    line += fmt::format("; float32 {} at t = {} where the exact value is {} ({} float's range)",
                        s.float_nonfinite ? "overflows (inf/NaN)" : "reaches 0", s.float_lost_at,
                        short_decimal(flow.exact_dh[static_cast<std::size_t>(s.float_lost_at)]),
                        s.exact_fits_float ? "within" : "beyond");
  }
  return line;
}

std::string to_csv(const gradient_flow& flow) {
  const bool lstm = !flow.exact_dc.empty();
  std::string out = "t,exact_dh,f64_dh,f32_dh";
  if (lstm) out += ",exact_dc,f64_dc,f32_dc";
  out += ",pascanu_bound,ratio\n";
  for (std::size_t t = 0; t < flow.exact_dh.size(); ++t) {
    out += fmt::format("{},{},{},{}", t, decimal(flow.exact_dh[t]), decimal(flow.f64_dh[t]),
                       decimal(flow.f32_dh[t]));
    if (lstm)
      out += fmt::format(",{},{},{}", decimal(flow.exact_dc[t]), decimal(flow.f64_dc[t]),
                         decimal(flow.f32_dc[t]));
    out += "," + (flow.pascanu_bound.empty() ? std::string() : decimal(flow.pascanu_bound[t]));
    // |dL/dh_{t-1}| / |dL/dh_t|: what one step back multiplies by; none at t = 0 or from zero.
    out += "," + (t == 0 || flow.exact_dh[t] == 0
                      ? std::string()
                      : decimal(real50(flow.exact_dh[t - 1] / flow.exact_dh[t])));
    out += "\n";
  }
  return out;
}

}  // namespace rnnsuite::verify
