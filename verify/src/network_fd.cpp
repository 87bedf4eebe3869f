// Leg b for networks: the 100-digit network reference's BPTT against central differences of the
// loss in 100-digit arithmetic, one random ±1 direction per tensor: every block's weight_ih,
// weight_hh, bias_ih and bias_hh, and x, h0, c0. Sequences of different lengths (a single layer's
// too) run the packed reference; the loss reads the zero-padded output (the loss on every step
// puts a nonzero upstream gradient at padded steps, which must reach nothing; the loss on the last
// step reads each sequence's step len_b − 1). Step 1e-30: the truncation error (~1e-60) and
// the loss's rounding over the step (~1e-70) stay far below the 1e-25 a match must reach.
#include <cmath>
#include <limits>
#include <string>

#include "compare.hpp"
#include "network_check_state.hpp"
#include "reference/packed.hpp"
#include "reference/reference.hpp"
#include "rnn/lengths.hpp"

namespace rnnsuite::verify::detail {

using reference::real100;

namespace {

constexpr double fd_tolerance = 1e-25;

std::vector<real100> signs(std::uint64_t seed, std::size_t n) {
  std::vector<real100> d;
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ull + 12345;
  for (std::size_t k = 0; k < n; ++k) {
    z += 0x9E3779B97F4A7C15ull;
    std::uint64_t y = z;
    y = (y ^ (y >> 30)) * 0xBF58476D1CE4E5B9ull;
    y = (y ^ (y >> 27)) * 0x94D049BB133111EBull;
    d.emplace_back(((y ^ (y >> 31)) & 1) ? 1 : -1);
  }
  return d;
}

}  // namespace

leg_result network_finite_differences(const regime& r) {
  rnn::problem p = r.problem;
  p.precision = rnn::precision::f64;
  using reference::convert;
  const rnn::aligned_vector<double> flat = regime_network_parameters<double>(r);
  const rnn::inputs<double> in = regime_inputs<double>(r);
  const final_state_weights<double> final_state = regime_final_state_weights<double>(r);
  const auto weights = reference::network_to_weights<real100, double>(p, std::span<const double>(flat));
  const auto x = convert<real100, double>(in.x), h0 = convert<real100, double>(in.h0),
             c0 = convert<real100, double>(in.c0), target = convert<real100, double>(in.target);
  const auto final_h = convert<real100, double>(final_state.h),
             final_c = convert<real100, double>(final_state.c);
  const std::vector<std::int64_t> lengths = rnn::make_lengths(p);
  auto loss_of = [&](const reference::network_weights<real100>& w, const std::vector<real100>& x_,
                     const std::vector<real100>& h0_, const std::vector<real100>& c0_) {
    const auto run = reference::packed_forward(p, w, x_, h0_, c0_, lengths).padded;
    real100 L = reference::mse_loss(p, r.run.loss, run.output, target, lengths).first;
    for (std::size_t k = 0; k < final_h.size(); ++k) L += final_h[k] * run.h_n[k];
    for (std::size_t k = 0; k < final_c.size(); ++k) L += final_c[k] * run.c_n[k];
    return L;
  };
  const auto run = reference::packed_forward(p, weights, x, h0, c0, lengths);
  const auto grad_output = reference::mse_loss(p, r.run.loss, run.padded.output, target, lengths).second;
  const auto g = reference::packed_backward(p, weights, run, grad_output, final_h, final_c);
  leg_result res;
  res.leg = "fd", res.problem = r.name();
  const real100 eps("1e-30");
  std::uint64_t seed = 0;
  // One check: the directional derivative along d of the loss as `moved(e)` perturbs one tensor.
  auto check = [&](const std::string& block, const std::vector<real100>& gradient, auto moved) {
    const std::vector<real100> d = signs(++seed, gradient.size());
    real100 analytic = 0, g2 = 0;
    for (std::size_t k = 0; k < d.size(); ++k) analytic += gradient[k] * d[k], g2 += gradient[k] * gradient[k];
    const real100 fd = (moved(eps, d) - moved(real100(-eps), d)) / (2 * eps);
    block_check c;
    c.block = block, c.tolerance = fd_tolerance;
    const real100 norm = sqrt(g2);
    c.reference_norm = reference::to_double(norm);
    const real100 off = abs(fd - analytic), alone = abs(fd);
    c.error = reference::to_double(norm > 0 ? real100(off / norm) : alone);
    c.outcome = c.error <= (norm > 0 ? fd_tolerance : 1e-60) ? verdict::pass : verdict::fail;
    res.checks.push_back(c);
  };
  auto along = [](std::vector<real100> v, const real100& e, const std::vector<real100>& d) {
    for (std::size_t k = 0; k < v.size(); ++k) v[k] += e * d[k];
    return v;
  };
  for (std::size_t k = 0; k < weights.size(); ++k) {
    const std::string suffix = suffix_of(p, k);
    using tensor = std::vector<real100> reference::weights<real100>::*;
    const std::pair<const char*, tensor> tensors[] = {
        {"weight_ih", &reference::weights<real100>::weight_ih},
        {"weight_hh", &reference::weights<real100>::weight_hh},
        {"bias_ih", &reference::weights<real100>::bias_ih},
        {"bias_hh", &reference::weights<real100>::bias_hh}};
    for (const auto& [name, member] : tensors)
      check(name + suffix, g.parameters[k].*member, [&](const real100& e, const std::vector<real100>& d) {
        auto w = weights;
        w[k].*member = along(w[k].*member, e, d);
        return loss_of(w, x, h0, c0);
      });
  }
  check("dx", g.x, [&](const real100& e, const std::vector<real100>& d) {
    return loss_of(weights, along(x, e, d), h0, c0);
  });
  check("dh0", g.h0, [&](const real100& e, const std::vector<real100>& d) {
    return loss_of(weights, x, along(h0, e, d), c0);
  });
  if (!c0.empty())
    check("dc0", g.c0, [&](const real100& e, const std::vector<real100>& d) {
      return loss_of(weights, x, h0, along(c0, e, d));
    });
  summarize(res);
  return res;
}

}  // namespace rnnsuite::verify::detail
