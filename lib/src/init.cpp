#include "rnn/init.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <unistd.h>

#include "random.hpp"
#include "rnn/error.hpp"

namespace rnn {

namespace {

enum tensor_id : std::uint64_t { w_ih, w_hh, b_ih, b_hh, in_x, in_h0, in_c0, in_target };

template <class Real>
void fill_uniform(aligned_vector<Real>& out, std::size_t n, detail::splitmix64 rng, double bound) {
  out.resize(n);
  for (auto& v : out) v = static_cast<Real>(rng.uniform(-bound, bound));
}

// Glorot uniform for each of the G row blocks (H rows × cols) of a (G·H)×cols matrix.
template <class Real>
void fill_xavier(aligned_vector<Real>& out, std::size_t G, std::size_t H, std::size_t cols,
                 detail::splitmix64 rng) {
  const double bound = std::sqrt(6.0 / static_cast<double>(H + cols));
  fill_uniform(out, G * H * cols, rng, bound);
}

// Each H×H block: a Gaussian matrix orthonormalized by modified Gram-Schmidt, applied twice so
// the rows are orthonormal to working precision, then scaled: every singular value equals gain.
template <class Real>
void fill_orthogonal(aligned_vector<Real>& out, std::size_t G, std::size_t H, double gain,
                     detail::splitmix64 rng) {
  out.resize(G * H * H);
  std::vector<double> q(H * H);  // H×H, row-major; rows become orthonormal
  for (std::size_t g = 0; g < G; ++g) {
    for (auto& v : q) v = rng.normal();
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t i = 0; i < H; ++i) {
        double* row = &q[i * H];
        for (std::size_t j = 0; j < i; ++j) {
          const double* prev = &q[j * H];
          double dot = 0;
          for (std::size_t k = 0; k < H; ++k) dot += row[k] * prev[k];
          for (std::size_t k = 0; k < H; ++k) row[k] -= dot * prev[k];
        }
        double norm = 0;
        for (std::size_t k = 0; k < H; ++k) norm += row[k] * row[k];
        norm = std::sqrt(norm);
        for (std::size_t k = 0; k < H; ++k) row[k] /= norm;
      }
    }
    for (std::size_t k = 0; k < H * H; ++k) out[g * H * H + k] = static_cast<Real>(gain * q[k]);
  }
}

// Refuses, before allocating, what physical memory cannot hold: an rnn::error naming the sizes
// beats a std::bad_alloc (or the OOM killer) halfway through.
void check_fits(const problem& p, double bytes, const char* function, const char* driver) {
  const double physical = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  if (physical > 0 && bytes > physical)
    throw error(std::string(function) + ": problem " + format_problem(p) + " needs " +
                std::to_string(bytes / 1e9) + " GB, more than the " + std::to_string(physical / 1e9) +
                " GB of physical memory; reduce " + driver);
}

}  // namespace

template <class Real>
parameters<Real> make_parameters(const problem& p, const init_options& options) {
  require_single_layer(p, "make_parameters (make_network_parameters, rnn/network.hpp, takes networks)");
  const tensor_sizes n = sizes_of(p);
  if (!std::isfinite(options.gain) || options.gain <= 0)
    throw error("make_parameters: gain must be finite and > 0, got " + std::to_string(options.gain));
  const auto G = static_cast<std::size_t>(p.G()), H = static_cast<std::size_t>(p.H),
             I = static_cast<std::size_t>(p.I);
  const std::uint64_t seed = options.seed;
  check_fits(p, sizeof(Real) * (double(n.weight_ih) + double(n.weight_hh) + 2.0 * double(n.bias)),
             "make_parameters", "H or I");
  parameters<Real> out;
  switch (options.scheme) {
    case init_scheme::pytorch: {
      const double k = 1.0 / std::sqrt(static_cast<double>(H));
      fill_uniform(out.weight_ih, n.weight_ih, detail::stream(seed, w_ih), k);
      fill_uniform(out.weight_hh, n.weight_hh, detail::stream(seed, w_hh), k);
      fill_uniform(out.bias_ih, n.bias, detail::stream(seed, b_ih), k);
      fill_uniform(out.bias_hh, n.bias, detail::stream(seed, b_hh), k);
      return out;
    }
    case init_scheme::xavier:
      fill_xavier(out.weight_ih, G, H, I, detail::stream(seed, w_ih));
      fill_xavier(out.weight_hh, G, H, H, detail::stream(seed, w_hh));
      break;
    case init_scheme::orthogonal:
      fill_xavier(out.weight_ih, G, H, I, detail::stream(seed, w_ih));
      fill_orthogonal(out.weight_hh, G, H, options.gain, detail::stream(seed, w_hh));
      break;
    default:
      throw error("make_parameters: init scheme value " +
                  std::to_string(static_cast<int>(options.scheme)) + " is not a scheme");
  }
  out.bias_ih.assign(n.bias, Real(0));
  out.bias_hh.assign(n.bias, Real(0));
  return out;
}

template <class Real>
inputs<Real> make_inputs(const problem& p, std::uint64_t seed) {
  const network_sizes n = network_sizes_of(p);  // a single layer's x, state and output as sizes_of
  check_fits(p, sizeof(Real) * (double(n.x) + 2.0 * double(n.output) + 2.0 * double(n.state)),
             "make_inputs", ("T (T = " + std::to_string(p.T) + ")").c_str());
  inputs<Real> out;
  fill_uniform(out.x, n.x, detail::stream(seed, in_x), 1.0);
  fill_uniform(out.h0, n.state, detail::stream(seed, in_h0), 0.5);
  if (has_cell_state(p.cell)) fill_uniform(out.c0, n.state, detail::stream(seed, in_c0), 0.5);
  fill_uniform(out.target, n.output, detail::stream(seed, in_target), 1.0);
  return out;
}

template parameters<float> make_parameters<float>(const problem&, const init_options&);
template parameters<double> make_parameters<double>(const problem&, const init_options&);
template inputs<float> make_inputs<float>(const problem&, std::uint64_t);
template inputs<double> make_inputs<double>(const problem&, std::uint64_t);

}  // namespace rnn
