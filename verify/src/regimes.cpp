// The regime sets. Gains follow γ = sup|f'|: 1 for tanh and ReLU, 1/4 for the logistic sigmoid,
// so γ·gain ∈ {0.5, 1, 1.5} needs gain ∈ {0.5, 1, 1.5} resp. {2, 4, 6}.
#include "rnnsuite/verify/regimes.hpp"

#include "rnn/error.hpp"

namespace rnnsuite::verify {

profile parse_profile(std::string_view name) {
  if (name == "quick") return profile::quick;
  if (name == "full") return profile::full;
  throw rnn::error("--profile must be quick or full, got '" + std::string(name) + "'");
}

std::string regime::name() const { return family + "/" + rnn::format_problem(problem); }

namespace {

struct family_spec {
  const char* family;
  rnn::cell cell;
  double gain;
  int bias_gate;
  double bias_shift;
  bool exploding;
  const char* shows;
};

// γ·gain per step for Elman; gate biases of ±4 put σ at 0.982 / 0.018.
constexpr family_spec families[] = {
    {"elman_tanh_vanishing", rnn::cell::elman_tanh, 0.5, -1, 0, false,
     "|dL/dh_t| shrinks at least as 0.5^(T-t): small gradients a floored check passes blindly"},
    {"elman_tanh_edge", rnn::cell::elman_tanh, 1.0, -1, 0, false,
     "gradient norm neither grows nor shrinks much: errors accumulate over all T steps"},
    {"elman_tanh_exploding", rnn::cell::elman_tanh, 1.5, -1, 0, true,
     "γ·σ = 1.5: |dL/dh_0| grows until saturation; tolerance must scale with conditioning"},
    {"elman_sigmoid_vanishing", rnn::cell::elman_sigmoid, 2.0, -1, 0, false,
     "γ·σ = 0.5 with γ = 1/4 (Hochreiter's |w| < 4): geometric vanishing"},
    {"elman_sigmoid_edge", rnn::cell::elman_sigmoid, 4.0, -1, 0, false,
     "γ·σ = 1: the sigmoid's edge of chaos"},
    {"elman_sigmoid_exploding", rnn::cell::elman_sigmoid, 6.0, -1, 0, true,
     "γ·σ = 1.5: growth only where pre-activations stay near 0"},
    {"elman_relu_vanishing", rnn::cell::elman_relu, 0.5, -1, 0, false,
     "ReLU, σ = 0.5: exact geometric decay along live units"},
    {"elman_relu_edge", rnn::cell::elman_relu, 1.0, -1, 0, false,
     "ReLU with an orthogonal W_hh: norm-preserving along live units"},
    {"elman_relu_exploding", rnn::cell::elman_relu, 2.0, -1, 0, true,
     "ReLU, σ = 2 (1.5 let half the units die at T=24 with these seeds): unbounded growth, overflow at long T (an OVERFLOW finding)"},
    {"lstm_forget_1", rnn::cell::lstm, 1.0, 1, 4.0, false,
     "forget gate ≈ 0.98: the constant error carousel carries dL/dc_t over long spans"},
    {"lstm_forget_half", rnn::cell::lstm, 1.0, -1, 0, false,
     "forget gate ≈ 0.5: dL/dc_t halves per step, into tiny magnitudes"},
    {"lstm_forget_0", rnn::cell::lstm, 1.0, 1, -4.0, false,
     "forget gate ≈ 0.02: the cell state forgets at once, dL/dc_t vanishes fast"},
    {"gru_update_1", rnn::cell::gru, 1.0, 1, 4.0, false,
     "update gate ≈ 0.98: h copied forward, dL/dh_t carried almost unchanged"},
    {"gru_update_0", rnn::cell::gru, 1.0, 1, -4.0, false,
     "update gate ≈ 0.02: h rewritten each step, flow only through W_hh"},
};

regime make(const family_spec& f, std::int64_t T, std::int64_t B, std::int64_t I, std::int64_t H,
            rnn::precision p, std::uint64_t seed) {
  regime r;
  r.family = f.family;
  r.problem = {f.cell, T, B, I, H, p};
  r.init = {rnn::init_scheme::orthogonal, seed, f.gain};
  r.input_seed = seed + 1000;
  r.bias_gate = f.bias_gate;
  r.bias_shift = f.bias_shift;
  r.exploding = f.exploding;
  r.shows = f.shows;
  return r;
}

}  // namespace

std::vector<std::string> regime_families() {
  std::vector<std::string> names;
  for (const family_spec& f : families) names.emplace_back(f.family);
  return names;
}

regime regime_for(std::string_view family, const rnn::problem& p, std::uint64_t seed) {
  for (const family_spec& f : families) {
    if (family != f.family) continue;
    if (f.cell != p.cell)
      throw rnn::error("--regime " + std::string(family) + " is a regime of " +
                       std::string(rnn::cell_name(f.cell)) + ", not of " +
                       std::string(rnn::cell_name(p.cell)) + " (" + rnn::format_problem(p) + ")");
    return make(f, p.T, p.B, p.I, p.H, p.precision, seed);
  }
  std::string known;
  for (const family_spec& f : families) known += (known.empty() ? "" : ", ") + std::string(f.family);
  throw rnn::error("--regime: unknown regime '" + std::string(family) + "' (known: " + known + ")");
}

std::vector<regime> regimes(profile which, rnn::precision p) {
  std::vector<regime> out;
  std::uint64_t seed = 1;
  for (const family_spec& f : families) {
    if (which == profile::quick) {
      out.push_back(make(f, 24, 1, 4, 8, p, seed++));
      out.push_back(make(f, 24, 3, 4, 8, p, seed++));
      continue;
    }
    // Exploding families stop where |dL/dh_0| passes 1e8: γ·σ = 1.5 gets there after about
    // log(1e8)/log(1.5) ≈ 46 unsaturated steps; beyond, no format can hold the answer to a digit.
    const std::vector<std::int64_t> lengths =
        f.exploding ? std::vector<std::int64_t>{1, 24, 50} : std::vector<std::int64_t>{1, 100, 1000};
    for (std::int64_t T : lengths)
      for (std::int64_t B : {1, 4}) out.push_back(make(f, T, B, 8, 16, p, seed++));
  }
  return out;
}

template <class Real>
rnn::parameters<Real> regime_parameters(const regime& r) {
  rnn::parameters<Real> w = rnn::make_parameters<Real>(r.problem, r.init);
  if (r.bias_gate >= 0) {
    const std::size_t H = static_cast<std::size_t>(r.problem.H);
    for (std::size_t k = 0; k < H; ++k)
      w.bias_ih[static_cast<std::size_t>(r.bias_gate) * H + k] += static_cast<Real>(r.bias_shift);
  }
  return w;
}

template <class Real>
rnn::inputs<Real> regime_inputs(const regime& r) {
  return rnn::make_inputs<Real>(r.problem, r.input_seed);
}

template rnn::parameters<float> regime_parameters<float>(const regime&);
template rnn::parameters<double> regime_parameters<double>(const regime&);
template rnn::inputs<float> regime_inputs<float>(const regime&);
template rnn::inputs<double> regime_inputs<double>(const regime&);

}  // namespace rnnsuite::verify
