#include "onednn_network.hpp"

#include <string>
#include <vector>

#include "onednn_rnn.hpp"
#include "rnn/error.hpp"

namespace rnnsuite::impl::onednn {
namespace {

// Layers [first, first + layers) in one primitive.
struct group {
  std::int64_t first, layers;
};

// onednn_network.hpp: one primitive where oneDNN's semantics are PyTorch's, else a chain.
std::vector<group> plan(const rnn::problem& p) {
  if (p.directions == 2) {
    std::vector<group> one_each;
    for (std::int64_t l = 0; l < p.layers; ++l) one_each.push_back({l, 1});
    return one_each;
  }
  if (p.layers == 1 || p.I == p.H) return {{0, p.layers}};
  return {{0, 1}, {1, p.layers - 1}};
}

void check_size(const char* what, std::size_t got, std::size_t expected) {
  if (got != expected)
    throw rnn::error(std::string("onednn: ") + what + " has " + std::to_string(got) +
                     " elements, expected " + std::to_string(expected));
}

// Rows [first·D, (first + layers)·D) of an (L·D)×B×H array: a group's blocks; empty stays empty.
template <class Span>
Span rows(Span s, const group& g, std::size_t block) {
  return s.empty() ? s : s.subspan(std::size_t(g.first) * block, std::size_t(g.layers) * block);
}

}  // namespace

struct network_primitives::state {
  rnn::problem p;
  rnn::network_sizes n;
  std::vector<group> groups;
  std::vector<std::unique_ptr<rnn_primitives>> primitives;  // one per group
  // Layer outputs between groups g and g+1 (forward), and their gradients (backward): T×B×(D·H).
  std::vector<std::vector<float>> between, grad_between;
  std::vector<rnn::parameter_gradients_view<float>> block_grads;  // backward's, L·D, reused
};

network_primitives::network_primitives(const rnn::problem& p, std::span<const float> parameters)
    : state_(std::make_unique<state>()) {
  state& s = *state_;
  s.p = p;
  s.n = rnn::network_sizes_of(p);  // validates p
  if (p.precision != rnn::precision::f32)
    throw rnn::error("onednn: problem " + rnn::format_problem(p) + " is not float32");
  check_size("parameters", parameters.size(), s.n.parameters);
  s.groups = plan(p);
  const std::int64_t D = p.directions;
  for (const group& g : s.groups) {
    std::vector<rnn::parameters_view<float>> blocks;
    for (std::int64_t k = g.first * D; k < (g.first + g.layers) * D; ++k)
      blocks.push_back(rnn::block_parameters(p, parameters, k));
    const stack_shape shape{p.cell, p.T, p.B, g.first == 0 ? p.I : D * p.H, p.H, g.layers, D};
    s.primitives.push_back(std::make_unique<rnn_primitives>(shape, blocks));
  }
  s.between.assign(s.groups.size() - 1, std::vector<float>(s.n.output));
  s.grad_between.assign(s.groups.size() - 1, std::vector<float>(s.n.output));
  s.block_grads.resize(std::size_t(p.layers * D));
}

network_primitives::~network_primitives() = default;

void network_primitives::forward(sequence_inputs<float> in, sequence_outputs<float> out) {
  state& s = *state_;
  const bool lstm = rnn::has_cell_state(s.p.cell);
  check_size("x", in.x.size(), s.n.x);
  check_size("h0", in.h0.size(), s.n.state);
  check_size("c0", in.c0.size(), lstm ? s.n.state : 0);
  check_size("output", out.output.size(), s.n.output);
  check_size("h_n", out.h_n.size(), s.n.state);
  check_size("c_n", out.c_n.size(), lstm ? s.n.state : 0);
  const std::size_t block = std::size_t(s.p.B * s.p.H * s.p.directions);  // one layer's rows
  std::span<const float> input = in.x;
  for (std::size_t i = 0; i < s.groups.size(); ++i) {
    const group& g = s.groups[i];
    const std::span<float> output =
        i + 1 == s.groups.size() ? out.output : std::span<float>(s.between[i]);
    s.primitives[i]->forward({input, rows(in.h0, g, block), rows(in.c0, g, block), {}},
                             {output, rows(out.h_n, g, block), rows(out.c_n, g, block)});
    input = output;
  }
}

void network_primitives::backward(upstream_gradients<float> upstream,
                                  rnn::network_gradients_view<float> grads) {
  state& s = *state_;
  const bool lstm = rnn::has_cell_state(s.p.cell);
  if (!grads.h.empty() || !grads.c.empty())
    throw rnn::error("onednn: no per-step dL/dh_t or dL/dc_t (grads.h, grads.c must be empty)");
  check_size("grad_output", upstream.output.size(), s.n.output);
  if (!upstream.h_n.empty()) check_size("grad_h_n", upstream.h_n.size(), s.n.state);
  if (!upstream.c_n.empty()) check_size("grad_c_n", upstream.c_n.size(), lstm ? s.n.state : 0);
  const bool parameters_wanted = !grads.parameters.empty();
  if (parameters_wanted) {
    check_size("grad parameters", grads.parameters.size(), s.n.parameters);
    for (std::size_t k = 0; k < s.block_grads.size(); ++k)
      s.block_grads[k] = rnn::block_gradients(s.p, grads.parameters, std::int64_t(k));
  }
  if (!grads.x.empty()) check_size("grad x", grads.x.size(), s.n.x);
  if (!grads.h0.empty()) check_size("grad h0", grads.h0.size(), s.n.state);
  if (!grads.c0.empty()) check_size("grad c0", grads.c0.size(), lstm ? s.n.state : 0);
  const std::size_t block = std::size_t(s.p.B * s.p.H * s.p.directions);
  const auto D = std::size_t(s.p.directions);
  std::span<const float> grad_output = upstream.output;
  for (std::size_t i = s.groups.size(); i-- > 0;) {
    const group& g = s.groups[i];
    const std::span<float> grad_input = i == 0 ? grads.x : std::span<float>(s.grad_between[i - 1]);
    stack_gradients into{grad_input, rows(grads.h0, g, block), rows(grads.c0, g, block), {}};
    if (parameters_wanted)
      into.blocks = std::span<const rnn::parameter_gradients_view<float>>(s.block_grads)
                        .subspan(std::size_t(g.first) * D, std::size_t(g.layers) * D);
    s.primitives[i]->backward(
        {grad_output, rows(upstream.h_n, g, block), rows(upstream.c_n, g, block)}, into);
    grad_output = grad_input;
  }
}

std::size_t network_primitives::reserve_bytes() const {
  const state& s = *state_;
  std::size_t total = s.between.size() * s.n.output * sizeof(float);
  for (const auto& primitive : s.primitives) total += primitive->workspace_bytes();
  return total;
}

}  // namespace rnnsuite::impl::onednn
