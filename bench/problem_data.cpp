#include "problem_data.hpp"

#include <cmath>
#include <cstdint>

#include "rnn/cell.hpp"
#include "rnn/lengths.hpp"

namespace bench {
namespace {

// splitmix64: a small, well-mixed generator whose output does not depend on the standard library.
struct splitmix {
  std::uint64_t state;
  double uniform(double low, double high) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return low + (high - low) * double(z >> 11) * 0x1.0p-53;
  }
};

template <class Real>
std::vector<Real> uniform(std::size_t count, double bound, std::uint64_t seed) {
  splitmix generator{seed * 0x2545f4914f6cdd1dull + 1};
  std::vector<Real> values(count);
  for (Real& v : values) v = Real(generator.uniform(-bound, bound));
  return values;
}

}  // namespace

template <class Real>
problem_data<Real> make_problem_data(const rnn::problem& p) {
  const rnn::network_sizes n = rnn::network_sizes_of(p);  // a single layer's agree with sizes_of
  const bool lstm = rnn::has_cell_state(p.cell);
  const double weight_bound = 1.0 / std::sqrt(double(p.H));
  problem_data<Real> d;
  d.p = p;
  if (rnn::is_network(p)) {
    d.parameters = uniform<Real>(n.parameters, weight_bound, 1);
  } else {
    const rnn::tensor_sizes layer = rnn::sizes_of(p);
    d.weight_ih = uniform<Real>(layer.weight_ih, weight_bound, 1);
    d.weight_hh = uniform<Real>(layer.weight_hh, weight_bound, 2);
    d.bias_ih = uniform<Real>(layer.bias, weight_bound, 3);
    d.bias_hh = uniform<Real>(layer.bias, weight_bound, 4);
  }
  d.x = uniform<Real>(n.x, 1.0, 5);
  d.h0 = uniform<Real>(n.state, 0.5, 6);
  if (lstm) d.c0 = uniform<Real>(n.state, 0.5, 7);
  d.grad_output = uniform<Real>(n.output, 1.0, 8);
  d.grad_h_n = uniform<Real>(n.state, 1.0, 9);
  if (lstm) d.grad_c_n = uniform<Real>(n.state, 1.0, 10);
  d.lengths = rnn::make_lengths(p);
  return d;
}

template problem_data<float> make_problem_data<float>(const rnn::problem&);
template problem_data<double> make_problem_data<double>(const rnn::problem&);

}  // namespace bench
