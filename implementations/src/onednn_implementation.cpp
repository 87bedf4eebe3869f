// oneDNN as an implementation under test: the concept's side (what it supports, the OpenMP
// thread count around every call into oneDNN); onednn_rnn.cpp holds the primitives themselves,
// onednn_network.cpp a network's chain of them.
#include "rnnsuite/impl/onednn_implementation.hpp"

#include <omp.h>

#include <dnnl.hpp>
#include <string>

#include "onednn_network.hpp"
#include "onednn_rnn.hpp"
#include "rnn/error.hpp"

namespace rnnsuite::impl {
namespace {

// oneDNN 2.6 (Debian's build) threads through OpenMP and reads omp_get_max_threads() both when a
// primitive is created (it sizes the scratchpad for that many threads) and when it runs. For the
// scope of one call the count is run_options.threads; the caller's is restored after. Setting it
// only when it differs keeps a caller that already runs at that count (rnnsuite-bench) free of
// any change to OpenMP's state.
class openmp_threads {
 public:
  explicit openmp_threads(int threads) : previous_(omp_get_max_threads()) {
    if (threads != previous_) omp_set_num_threads(threads);
  }
  ~openmp_threads() {
    if (omp_get_max_threads() != previous_) omp_set_num_threads(previous_);
  }
  openmp_threads(const openmp_threads&) = delete;
  openmp_threads& operator=(const openmp_threads&) = delete;

 private:
  int previous_;
};

// Builds oneDNN's primitives under the instance's thread count; oneDNN's rejection is a failure.
template <class Primitives, class... Args>
std::unique_ptr<Primitives> make_primitives(const rnn::problem& p, int threads, Args&&... args) {
  const openmp_threads scope(threads);
  try {
    return std::make_unique<Primitives>(p, std::forward<Args>(args)...);
  } catch (const dnnl::error& e) {
    throw failure(failure::kind::error,
                  "onednn: " + rnn::format_problem(p) + ": oneDNN rejected it: " + e.what());
  }
}

// What the fused backward cannot do, as unsupported failures (the same for layers and networks).
void check_backward_request(std::int64_t steps, bool per_step_gradients) {
  if (steps != 0)
    throw failure(failure::kind::unsupported,
                  "onednn: no truncated backward (steps " + std::to_string(steps) +
                      "): its primitive backpropagates through all T steps");
  if (per_step_gradients)
    throw failure(failure::kind::unsupported,
                  "onednn: no per-step dL/dh_t or dL/dc_t: its fused backward hands out only "
                  "dh0 and dc0");
}

// Lengths reach a forward only past unsupported() (caps.lengths is false): refused, never padded.
void refuse_lengths(const sequence_inputs<float>& in) {
  if (!in.lengths.empty())
    throw failure(failure::kind::unsupported,
                  "onednn: no sequence lengths (oneDNN has no length input; it would run every "
                  "sequence T steps)");
}

class onednn_instance final : public instance<float> {
 public:
  onednn_instance(const rnn::problem& p, rnn::parameters_view<float> params, int threads)
      : threads_(threads),
        primitives_(make_primitives<onednn::rnn_primitives>(p, threads, params)) {}

  void forward(sequence_inputs<float> in, sequence_outputs<float> out) override {
    refuse_lengths(in);
    const openmp_threads scope(threads_);
    primitives_->forward(in, out);
  }

  void backward(upstream_gradients<float> upstream, rnn::gradients_view<float> grads,
                std::int64_t steps) override {
    check_backward_request(steps, !grads.h.empty() || !grads.c.empty());
    const openmp_threads scope(threads_);
    primitives_->backward(upstream, grads);
  }

  // What forward_training keeps for backward: oneDNN's workspace.
  std::size_t reserve_bytes() const override { return primitives_->workspace_bytes(); }

 private:
  int threads_;
  std::unique_ptr<onednn::rnn_primitives> primitives_;
};

// A network on oneDNN's multi-layer and bidirectional primitives (onednn_network.hpp). Its
// backward also takes an empty grads.parameters: computed, left in oneDNN's layout (not wanted).
class onednn_network_instance final : public network_instance<float> {
 public:
  onednn_network_instance(const rnn::problem& p, std::span<const float> parameters, int threads)
      : threads_(threads),
        primitives_(make_primitives<onednn::network_primitives>(p, threads, parameters)) {}

  void forward(sequence_inputs<float> in, sequence_outputs<float> out) override {
    refuse_lengths(in);
    const openmp_threads scope(threads_);
    primitives_->forward(in, out);
  }

  void backward(upstream_gradients<float> upstream, rnn::network_gradients_view<float> grads,
                std::int64_t steps) override {
    check_backward_request(steps, !grads.h.empty() || !grads.c.empty());
    const openmp_threads scope(threads_);
    primitives_->backward(upstream, grads);
  }

  // Every primitive's workspace and the layer outputs kept between primitives.
  std::size_t reserve_bytes() const override { return primitives_->reserve_bytes(); }

 private:
  int threads_;
  std::unique_ptr<onednn::network_primitives> primitives_;
};

class onednn_implementation final : public implementation {
 public:
  onednn_implementation() {
    caps_.cells.assign(std::begin(rnn::all_cells), std::end(rnn::all_cells));
    caps_.precisions = {rnn::precision::f32};
    // oneDNN's fused backward keeps dL/dh_t and dL/dc_t of the steps inside its workspace and
    // hands out only what reaches the initial states (diff_src_iter, diff_src_iter_c).
    caps_.per_step_gradients = false;
    caps_.truncation = caps_.streaming = false;
    // Its GEMMs split work by the thread count and are not documented as run-to-run
    // reproducible, so neither is claimed.
    caps_.deterministic = caps_.thread_invariant = false;
  }

  std::string name() const override { return "onednn"; }
  const capabilities& caps() const override { return caps_; }

  std::optional<std::string> unsupported(const rnn::problem& p,
                                         const run_options& options) const override {
    if (p.precision != rnn::precision::f32)
      return "oneDNN 2.6 has no " + std::string(rnn::precision_name(p.precision)) +
             " RNN primitives (float32 only)";
    if (options.streaming.k1 > 0)
      return "oneDNN has no streaming truncated-BPTT schedule (its backward runs through all T "
             "steps)";
    if (rnn::has_lengths(p))
      return "oneDNN has no sequence-length input (its users pad every sequence to T)";
    return std::nullopt;
  }

  std::unique_ptr<instance<float>> prepare(const rnn::problem& p,
                                           rnn::parameters_view<float> params,
                                           const run_options& options) const override {
    if (const auto why = unsupported(p, options)) throw failure(failure::kind::unsupported, *why);
    if (options.threads < 1)
      throw rnn::error("onednn: run_options.threads must be >= 1, got " +
                       std::to_string(options.threads));
    return std::make_unique<onednn_instance>(p, params, options.threads);
  }

  std::unique_ptr<instance<double>> prepare(const rnn::problem& p, rnn::parameters_view<double>,
                                            const run_options& options) const override {
    throw failure(failure::kind::unsupported,
                  unsupported(p, options).value_or("oneDNN 2.6 has no f64 RNN primitives"));
  }

  // Networks: oneDNN's multi-layer and bidirectional primitives, chained where one primitive is
  // not PyTorch's network (onednn_network.hpp).
  std::unique_ptr<network_instance<float>> prepare_network(
      const rnn::problem& p, std::span<const float> parameters,
      const run_options& options) const override {
    if (const auto why = unsupported(p, options)) throw failure(failure::kind::unsupported, *why);
    if (options.threads < 1)
      throw rnn::error("onednn: run_options.threads must be >= 1, got " +
                       std::to_string(options.threads));
    return std::make_unique<onednn_network_instance>(p, parameters, options.threads);
  }

  std::unique_ptr<network_instance<double>> prepare_network(
      const rnn::problem& p, std::span<const double>, const run_options& options) const override {
    throw failure(failure::kind::unsupported,
                  unsupported(p, options).value_or("oneDNN 2.6 has no f64 RNN primitives"));
  }


 private:
  capabilities caps_;
};

}  // namespace

std::unique_ptr<implementation> make_onednn_implementation() {
  return std::make_unique<onednn_implementation>();
}

}  // namespace rnnsuite::impl
