#pragma once
// Seeded data of a network problem, the same draws test_network.cpp makes: parameters
// (make_network_parameters), inputs (make_inputs) and upstream gradients (another seed's inputs).
#include <cstdint>
#include <string>

#include "rnn/aligned.hpp"
#include "rnn/init.hpp"
#include "rnn/network.hpp"

namespace rnn_test {

template <class Real>
struct network_data {
  rnn::problem p;
  rnn::aligned_vector<Real> parameters;                      // network_sizes_of(p).parameters
  rnn::inputs<Real> in;                                      // x, h0, c0
  rnn::aligned_vector<Real> grad_output, grad_h_n, grad_c_n;  // T×B×(D·H), (L·D)×B×H twice
};

template <class Real>
network_data<Real> make_network_data(const std::string& descriptor, std::uint64_t seed = 7) {
  network_data<Real> d;
  d.p = rnn::parse_problem(descriptor);
  d.parameters = rnn::make_network_parameters<Real>(d.p, {rnn::init_scheme::pytorch, seed, 1.0});
  d.in = rnn::make_inputs<Real>(d.p, seed);
  // Upstream gradients from another seed's inputs: the target (output-shaped) and h0 (states).
  const rnn::inputs<Real> other = rnn::make_inputs<Real>(d.p, seed + 1000);
  d.grad_output = other.target;
  d.grad_h_n = other.h0;
  d.grad_c_n = other.c0;
  return d;
}

}  // namespace rnn_test
