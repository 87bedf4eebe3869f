// The regime families and their data. Gains follow γ = sup|f'|: 1 for tanh and ReLU, 1/4 for the
// logistic sigmoid, so γ·gain ∈ {0.5, 1, 1.5} needs gain ∈ {0.5, 1, 1.5} resp. {2, 4, 6}.
// Which problems each profile runs is problem_design.cpp's.
#include "rnnsuite/verify/regimes.hpp"

#include <fmt/core.h>

#include "regime_families.hpp"
#include "rnn/error.hpp"

namespace rnnsuite::verify {

profile parse_profile(std::string_view name) {
  if (name == "quick") return profile::quick;
  if (name == "full") return profile::full;
  throw rnn::error("--profile must be quick or full, got '" + std::string(name) + "'");
}

std::string execution::tags() const {
  std::string t;
  if (realistic_biases) t += "+bias";
  if (loss == rnn::loss_kind::all) t += "+loss_all";
  if (final_state_loss) t += "+final";
  if (threads > 1) t += fmt::format("+threads{}", threads);
  if (chunk_steps > 0) t += fmt::format("+chunk{}", chunk_steps);
  if (l2_bytes > 0) t += fmt::format("+l2_{}", l2_bytes);
  if (checkpoint_slots > 0) t += fmt::format("+checkpoint{}", checkpoint_slots);
  if (truncation > 0) t += fmt::format("+trunc{}", truncation);
  if (streaming.k1 > 0) t += fmt::format("+tbptt{}x{}", streaming.k1, streaming.k2);
  if (parameter_gradients_only) t += "+params_only";
  return t;
}

std::string regime::name() const { return family + "/" + rnn::format_problem(problem) + run.tags(); }

namespace detail {

// γ·gain per step for Elman; gate biases of ±4 put σ at 0.982 / 0.018. The saturated families
// shift the pre-activations into the nonlinearities' tails (tanh'(2.25) = 0.04, σ'(4) = 0.018) and
// LSTM's i and g gates near 1 with f = σ(6) = 0.9975, so c grows by about 0.94 a step into the
// tens, through the range 5-12 where tanh'(c) = 1 − tanh²(c) loses most of a format's digits.
const std::vector<family_spec>& families() {
  static const std::vector<family_spec> all = {
      {"elman_tanh_vanishing", rnn::cell::elman_tanh, 0.5, {}, false, false,
       "|dL/dh_t| shrinks at least as 0.5^(T-t): small gradients a floored check passes blindly"},
      {"elman_tanh_edge", rnn::cell::elman_tanh, 1.0, {}, false, false,
       "gradient norm neither grows nor shrinks much: errors accumulate over all T steps"},
      {"elman_tanh_exploding", rnn::cell::elman_tanh, 1.5, {}, true, false,
       "γ·σ = 1.5: |dL/dh_0| grows until saturation; tolerance must scale with conditioning"},
      {"elman_tanh_saturated", rnn::cell::elman_tanh, 1.0, {{0, 2.25}}, false, true,
       "pre-activations about 2.25 and beyond: tanh' = 1 − h² from h near 1, the tails' cancellation"},
      {"elman_sigmoid_vanishing", rnn::cell::elman_sigmoid, 2.0, {}, false, false,
       "γ·σ = 0.5 with γ = 1/4 (Hochreiter's |w| < 4): geometric vanishing"},
      {"elman_sigmoid_edge", rnn::cell::elman_sigmoid, 4.0, {}, false, false,
       "γ·σ = 1: the sigmoid's edge of chaos"},
      {"elman_sigmoid_exploding", rnn::cell::elman_sigmoid, 6.0, {}, true, false,
       "γ·σ = 1.5: growth only where pre-activations stay near 0"},
      {"elman_sigmoid_saturated", rnn::cell::elman_sigmoid, 4.0, {{0, 4.0}}, false, true,
       "pre-activations about 4 and beyond: σ' = h(1 − h) from h near 1"},
      {"elman_relu_vanishing", rnn::cell::elman_relu, 0.5, {}, false, false,
       "ReLU, σ = 0.5: exact geometric decay along live units"},
      {"elman_relu_edge", rnn::cell::elman_relu, 1.0, {}, false, false,
       "ReLU with an orthogonal W_hh: norm-preserving along live units"},
      {"elman_relu_exploding", rnn::cell::elman_relu, 3.0, {}, true, false,
       "ReLU, σ = 3 (at 2, and at 1.5, enough units die within 24 steps on some seeds that the "
       "adjoint shrinks): unbounded growth, overflow at long T (an OVERFLOW finding)"},
      {"lstm_forget_1", rnn::cell::lstm, 1.0, {{1, 4.0}}, false, false,
       "forget gate ≈ 0.98: the constant error carousel carries dL/dc_t over long spans"},
      {"lstm_forget_half", rnn::cell::lstm, 1.0, {}, false, false,
       "forget gate ≈ 0.5: dL/dc_t halves per step, into tiny magnitudes"},
      {"lstm_forget_0", rnn::cell::lstm, 1.0, {{1, -4.0}}, false, false,
       "forget gate ≈ 0.02: the cell state forgets at once, dL/dc_t vanishes fast"},
      {"lstm_saturated", rnn::cell::lstm, 1.0, {{0, 3.0}, {1, 6.0}, {2, 3.0}}, false, true,
       "i, g ≈ 1 and f ≈ 0.9975: |c| grows into the tens, tanh'(c) through its cancelling range"},
      {"gru_update_1", rnn::cell::gru, 1.0, {{1, 4.0}}, false, false,
       "update gate ≈ 0.98: h copied forward, dL/dh_t carried almost unchanged"},
      {"gru_update_0", rnn::cell::gru, 1.0, {{1, -4.0}}, false, false,
       "update gate ≈ 0.02: h rewritten each step, flow only through W_hh"},
      {"gru_saturated", rnn::cell::gru, 1.0, {{0, 3.0}, {2, 2.5}}, false, true,
       "r ≈ 1 and the n gate's pre-activation about 2.5: h near ±1, tanh' from n near 1"},
  };
  return all;
}

regime make_regime(const family_spec& f, const rnn::problem& p, std::uint64_t seed,
                   const execution& run) {
  regime r;
  r.family = f.family;
  r.problem = p;
  r.init = {rnn::init_scheme::orthogonal, seed, f.gain};
  r.input_seed = seed + 1000;
  r.shifts = f.shifts;
  r.run = run;
  r.exploding = f.exploding;
  r.saturating = f.saturating;
  r.shows = f.shows;
  return r;
}

}  // namespace detail

std::vector<std::string> regime_families() {
  std::vector<std::string> names;
  for (const detail::family_spec& f : detail::families()) names.emplace_back(f.family);
  return names;
}

std::vector<std::string> families_of(rnn::cell cell) {
  std::vector<std::string> names;
  for (const detail::family_spec& f : detail::families())
    if (f.cell == cell) names.emplace_back(f.family);
  return names;
}

regime regime_for(std::string_view family, const rnn::problem& p, std::uint64_t seed) {
  for (const detail::family_spec& f : detail::families()) {
    if (family != f.family) continue;
    if (f.cell != p.cell)
      throw rnn::error("--regime " + std::string(family) + " is a regime of " +
                       std::string(rnn::cell_name(f.cell)) + ", not of " +
                       std::string(rnn::cell_name(p.cell)) + " (" + rnn::format_problem(p) + ")");
    // The family's own loss, with lengths too: `last` reads each sequence's last real step.
    return detail::make_regime(f, p, seed, execution{});
  }
  std::string known;
  for (const detail::family_spec& f : detail::families())
    known += (known.empty() ? "" : ", ") + std::string(f.family);
  throw rnn::error("--regime: unknown regime '" + std::string(family) + "' (known: " + known + ")");
}

template <class Real>
rnn::parameters<Real> regime_parameters(const regime& r) {
  rnn::parameters<Real> w = rnn::make_parameters<Real>(r.problem, r.init);
  if (r.run.realistic_biases) {
    // PyTorch's default draws, from a seed of their own (the weights stay the regime's).
    const rnn::parameters<Real> pytorch =
        rnn::make_parameters<Real>(r.problem, {rnn::init_scheme::pytorch, r.init.seed + 2000, 1});
    w.bias_ih = pytorch.bias_ih;
    w.bias_hh = pytorch.bias_hh;
  }
  const std::size_t H = static_cast<std::size_t>(r.problem.H);
  for (const bias_shift& s : r.shifts)
    for (std::size_t k = 0; k < H; ++k)
      w.bias_ih[static_cast<std::size_t>(s.gate) * H + k] += static_cast<Real>(s.shift);
  return w;
}

template <class Real>
rnn::inputs<Real> regime_inputs(const regime& r) {
  return rnn::make_inputs<Real>(r.problem, r.input_seed);
}

template <class Real>
final_state_weights<Real> regime_final_state_weights(const regime& r) {
  final_state_weights<Real> out;
  if (!r.run.final_state_loss) return out;
  // U(-0.5, 0.5) draws (make_inputs' h0 and c0 of another seed), scaled to the size of the mean
  // squared error's gradient, 1/(B·H) per element, then rounded once to Real.
  const rnn::inputs<double> draws = rnn::make_inputs<double>(r.problem, r.input_seed + 3000);
  const double scale = 1.0 / static_cast<double>(r.problem.B * r.problem.H);
  for (double v : draws.h0) out.h.push_back(static_cast<Real>(v * scale));
  for (double v : draws.c0) out.c.push_back(static_cast<Real>(v * scale));
  return out;
}

template <class Real>
rnn::aligned_vector<Real> regime_network_parameters(const regime& r) {
  rnn::aligned_vector<Real> flat;
  for (std::int64_t k = 0; k < r.problem.layers * r.problem.directions; ++k) {
    regime block = r;
    block.problem = rnn::layer_problem(r.problem, k / r.problem.directions);
    if (k > 0) block.init.seed = r.init.seed + 7919 * std::uint64_t(k);
    const rnn::parameters<Real> w = regime_parameters<Real>(block);
    for (const auto* part : {&w.weight_ih, &w.weight_hh, &w.bias_ih, &w.bias_hh})
      flat.insert(flat.end(), part->begin(), part->end());
  }
  return flat;
}

template rnn::aligned_vector<float> regime_network_parameters<float>(const regime&);
template rnn::aligned_vector<double> regime_network_parameters<double>(const regime&);
template rnn::parameters<float> regime_parameters<float>(const regime&);
template rnn::parameters<double> regime_parameters<double>(const regime&);
template rnn::inputs<float> regime_inputs<float>(const regime&);
template rnn::inputs<double> regime_inputs<double>(const regime&);
template final_state_weights<float> regime_final_state_weights<float>(const regime&);
template final_state_weights<double> regime_final_state_weights<double>(const regime&);

}  // namespace rnnsuite::verify
