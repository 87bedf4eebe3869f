// rnnsuite's library as an implementation under test. Every run_options field reaches
// rnn::layer_options unchanged, so grading lib through this adapter grades the very arithmetic a
// user of rnn::layer gets.
#include "rnnsuite/impl/lib_implementation.hpp"

#include <string>
#include <vector>

#include "parameter_gradient_scratch.hpp"
#include "rnn/aligned.hpp"
#include "rnn/error.hpp"

namespace rnnsuite::impl {
namespace {

rnn::layer_options layer_options_of(const run_options& o) {
  rnn::layer_options l;
  l.isa = o.isa;
  l.threads = o.threads;
  l.chunk_steps = o.chunk_steps;
  l.l2_bytes = o.l2_bytes;
  l.memory_budget_bytes = o.memory_budget_bytes;
  return l;
}

template <class Real>
rnn::aligned_vector<Real> copy_of(std::span<const Real> s) {
  return rnn::aligned_vector<Real>(s.begin(), s.end());
}

// The layer for a full or truncated backward. The streaming schedule instead reruns forward
// window by window inside rnn::streaming_tbptt, so that instance keeps the parameters and the
// inputs of the last forward.
template <class Real>
class lib_instance final : public instance<Real> {
 public:
  lib_instance(const rnn::problem& p, rnn::parameters_view<Real> params, const run_options& o)
      : problem_(p), options_(o), layer_(p, params, layer_options_of(o)) {
    if (o.isa && layer_.isa() != *o.isa)
      throw rnn::error("lib: the layer runs " + std::string(rnn::isa_name(layer_.isa())) +
                       ", not the " + std::string(rnn::isa_name(*o.isa)) + " asked for");
    if (streams()) {
      weight_ih_ = copy_of(params.weight_ih), weight_hh_ = copy_of(params.weight_hh);
      bias_ih_ = copy_of(params.bias_ih), bias_hh_ = copy_of(params.bias_hh);
    }
  }

  void forward(sequence_inputs<Real> in, sequence_outputs<Real> out) override {
    if (streams() && !in.lengths.empty())
      throw rnn::error("lib: the streaming k1/k2 schedule runs every sequence T steps; it takes "
                       "no lengths");
    layer_.forward(in.x, in.h0, in.c0, out.output, out.h_n, out.c_n, in.lengths);
    if (streams()) x_ = copy_of(in.x), h0_ = copy_of(in.h0), c0_ = copy_of(in.c0);
  }

  void backward(upstream_gradients<Real> up, rnn::gradients_view<Real> grads,
                std::int64_t steps) override {
    grads = parameter_scratch_.complete(grads, problem_);  // lib computes them either way
    if (!streams()) {
      layer_.backward(up.output, up.h_n, up.c_n, grads, steps);
      return;
    }
    if (steps != 0)
      throw rnn::error("lib: truncation (steps " + std::to_string(steps) +
                       ") and the streaming schedule exclude each other");
    const rnn::parameters_view<Real> params{weight_ih_, weight_hh_, bias_ih_, bias_hh_};
    rnn::streaming_tbptt<Real>(problem_, params, options_.streaming, x_, h0_, c0_, up.output,
                               grads, layer_options_of(options_));
  }

  std::size_t reserve_bytes() const override { return layer_.activation_bytes(); }

 private:
  bool streams() const { return options_.streaming.k1 > 0; }

  rnn::problem problem_;
  run_options options_;
  rnn::layer<Real> layer_;
  // Streaming only: the parameters and the last forward's inputs.
  rnn::aligned_vector<Real> weight_ih_, weight_hh_, bias_ih_, bias_hh_;  // PyTorch's shapes
  rnn::aligned_vector<Real> x_, h0_, c0_;                                 // T×B×I, B×H, B×H
  detail::parameter_gradient_scratch<Real> parameter_scratch_;  // where unwanted ones go
};

// A network: every block an rnn::layer with the same options (rnn/network.hpp).
template <class Real>
class lib_network_instance final : public network_instance<Real> {
 public:
  lib_network_instance(const rnn::problem& p, std::span<const Real> params, const run_options& o)
      : network_(p, params, layer_options_of(o)) {}
  void forward(sequence_inputs<Real> in, sequence_outputs<Real> out) override {
    network_.forward(in.x, in.h0, in.c0, out.output, out.h_n, out.c_n, in.lengths);
  }
  void backward(upstream_gradients<Real> up, rnn::network_gradients_view<Real> grads,
                std::int64_t steps) override {
    // lib computes them either way: unwanted ones go to scratch, allocated on first need.
    if (grads.parameters.empty()) {
      if (parameter_scratch_.empty())
        parameter_scratch_.resize(rnn::network_sizes_of(network_.shape()).parameters);
      grads.parameters = parameter_scratch_;
    }
    network_.backward(up.output, up.h_n, up.c_n, grads, steps);
  }
  std::size_t reserve_bytes() const override { return network_.activation_bytes(); }

 private:
  rnn::network<Real> network_;
  rnn::aligned_vector<Real> parameter_scratch_;  // where unwanted parameter gradients go
};

class lib_implementation final : public implementation {
 public:
  lib_implementation() {
    caps_.cells.assign(std::begin(rnn::all_cells), std::end(rnn::all_cells));
    caps_.precisions = {rnn::precision::f32, rnn::precision::f64};
    caps_.per_step_gradients = caps_.truncation = caps_.streaming = caps_.lengths = true;
    // lib/tests/test_layer_threads.cpp: every thread count gives one thread's bits.
    caps_.deterministic = caps_.thread_invariant = true;
    caps_.isas = rnn::available_isas();
  }
  std::string name() const override { return "lib"; }
  const capabilities& caps() const override { return caps_; }
  std::optional<std::string> unsupported(const rnn::problem& p,
                                         const run_options& o) const override {
    if (rnn::is_network(p) && o.streaming.k1 > 0)
      return "the streaming k1/k2 schedule runs single layers; " + rnn::format_problem(p) +
             " is a network";
    // rnn::layer refuses truncation after a forward with lengths; streaming is truncation.
    if (rnn::has_lengths(p) && o.streaming.k1 > 0)
      return "the streaming k1/k2 schedule takes no sequence lengths; " + rnn::format_problem(p) +
             " has them";
    return std::nullopt;
  }
  std::unique_ptr<instance<float>> prepare(const rnn::problem& p,
                                           rnn::parameters_view<float> params,
                                           const run_options& o) const override {
    return std::make_unique<lib_instance<float>>(p, params, o);
  }
  std::unique_ptr<instance<double>> prepare(const rnn::problem& p,
                                            rnn::parameters_view<double> params,
                                            const run_options& o) const override {
    return std::make_unique<lib_instance<double>>(p, params, o);
  }
  std::unique_ptr<network_instance<float>> prepare_network(const rnn::problem& p,
                                                           std::span<const float> params,
                                                           const run_options& o) const override {
    return std::make_unique<lib_network_instance<float>>(p, params, o);
  }
  std::unique_ptr<network_instance<double>> prepare_network(const rnn::problem& p,
                                                            std::span<const double> params,
                                                            const run_options& o) const override {
    return std::make_unique<lib_network_instance<double>>(p, params, o);
  }

 private:
  capabilities caps_;
};

}  // namespace

std::unique_ptr<implementation> make_lib_implementation() {
  return std::make_unique<lib_implementation>();
}

}  // namespace rnnsuite::impl
