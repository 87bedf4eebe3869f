#pragma once
// The implementation under test: something that runs one problem's forward and backward in
// PyTorch's layouts (DESIGN.md) and says what it supports. verify grades one and rnnsuite-bench
// times one through this interface alone, whether it is rnnsuite's own library, oneDNN, or a
// plugin loaded through the C ABI (rnnsuite/plugin.h).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "rnn/isa.hpp"
#include "rnn/layer.hpp"
#include "rnn/network.hpp"
#include "rnn/problem.hpp"
#include "rnn/tbptt.hpp"

namespace rnnsuite::impl {

// What an implementation supports at all; unsupported() then decides per problem.
struct capabilities {
  std::vector<rnn::cell> cells;
  std::vector<rnn::precision> precisions;
  bool per_step_gradients = false;  // backward fills gradients_view.h (and .c for LSTM)
  bool truncation = false;          // backward(steps) with steps < T
  bool streaming = false;           // run_options.streaming
  bool lengths = false;             // sequence_inputs.lengths (sequences of different lengths)
  bool deterministic = false;       // the same bits for the same inputs and thread count
  bool thread_invariant = false;    // and for every thread count
  int max_threads = 0;              // 0: no limit
  // Instruction sets run_options.isa may name, each graded on its own (lib: every one this CPU
  // runs); empty: the implementation chooses its own and is graded once.
  std::vector<rnn::isa> isas;
};

// How one problem is run. The tuning hints mean something to rnnsuite's library only; every
// other implementation ignores them (they change no result beyond rounding).
struct run_options {
  int threads = 1;                   // the most threads the implementation may use
  rnn::tbptt_schedule streaming{0, 0};  // k1 = 0: none; else backward follows this schedule
  std::optional<rnn::isa> isa;       // hint: lib's instruction set (empty: its default)
  std::int64_t chunk_steps = 0;      // hint: lib's layer_options.chunk_steps
  std::size_t l2_bytes = 0;          // hint: lib's layer_options.l2_bytes
  std::size_t memory_budget_bytes = 0;  // hint: lib's layer_options.memory_budget_bytes
};

// The instance's inputs beside the parameters it was prepared with.
template <class Real>
struct sequence_inputs {
  std::span<const Real> x;   // T×B×I
  std::span<const Real> h0;  // B×H
  std::span<const Real> c0;  // B×H for LSTM, empty otherwise
  // B lengths in [1, T] (rnn/lengths.hpp), only with capabilities::lengths; empty: all T.
  std::span<const std::int64_t> lengths;
};

template <class Real>
struct sequence_outputs {
  std::span<Real> output;  // T×B×H
  std::span<Real> h_n;     // B×H
  std::span<Real> c_n;     // B×H for LSTM, empty otherwise
};

template <class Real>
struct upstream_gradients {
  std::span<const Real> output;  // T×B×H: dL/dh_t from the loss
  std::span<const Real> h_n;     // B×H; empty: zero
  std::span<const Real> c_n;     // B×H, LSTM only; empty: zero
};

// Whether backward must hand the parameter gradients back: yes unless gradients_view's
// weight_ih, weight_hh, bias_ih and bias_hh are all four empty. When they are, backward still
// does its whole work, parameter gradients included, but may leave them in its own layout and
// skip converting them to PyTorch's (rnnsuite-bench times backward so: each implementation's
// native work, no conversion its own users would not do). Some but not all four empty is an
// error of the caller's (a size check fails).
template <class Real>
bool parameter_gradients_wanted(const rnn::gradients_view<Real>& g) {
  return !(g.weight_ih.empty() && g.weight_hh.empty() && g.bias_ih.empty() && g.bias_hh.empty());
}

// One problem with its parameters, prepared outside any timed region. Used from one thread at a
// time. backward follows the forward before it, and forward's inputs and outputs must stay
// unchanged until that backward (oneDNN reads them again there). gradients_view's x, h, c may
// be empty (not wanted), and h, c only with capabilities::per_step_gradients; the parameter
// gradients are wanted as parameter_gradients_wanted() says.
template <class Real>
class instance {
 public:
  virtual ~instance() = default;
  virtual void forward(sequence_inputs<Real> in, sequence_outputs<Real> out) = 0;
  // steps: backpropagate through the last `steps` steps only (0: all T).
  virtual void backward(upstream_gradients<Real> upstream, rnn::gradients_view<Real> grads,
                        std::int64_t steps = 0) = 0;
  // What the implementation keeps between forward and backward, in bytes (0 when unknown).
  virtual std::size_t reserve_bytes() const { return 0; }
};

// A network (rnn/network.hpp: L stacked layers in D directions, PyTorch's semantics) prepared
// with its parameters in the flat layout, every block's weight_ih, weight_hh, bias_ih, bias_hh in
// PyTorch's order. Inputs and outputs as instance's with the network's shapes: h0, c0, h_n, c_n
// (L·D)×B×H; output and its upstream gradient T×B×(D·H). The same contract as instance
// otherwise; an empty grads.parameters means the parameter gradients are computed but not wanted
// back (as parameter_gradients_wanted() says for a single layer: rnnsuite-bench times so).
template <class Real>
class network_instance {
 public:
  virtual ~network_instance() = default;
  virtual void forward(sequence_inputs<Real> in, sequence_outputs<Real> out) = 0;
  virtual void backward(upstream_gradients<Real> upstream, rnn::network_gradients_view<Real> grads,
                        std::int64_t steps = 0) = 0;
  virtual std::size_t reserve_bytes() const { return 0; }
};

// Why a run did not give results. unsupported: the implementation declines this problem (a
// skip, reported as such). error: it reported an error (the run exits 2). crashed: it died or
// hung in its isolated child process (that problem FAILs, the rest go on).
class failure : public std::runtime_error {
 public:
  enum class kind { unsupported, error, crashed };
  failure(kind k, const std::string& what) : std::runtime_error(what), kind_(k) {}
  kind which() const { return kind_; }

 private:
  kind kind_;
};

class implementation {
 public:
  virtual ~implementation() = default;
  // "lib", "onednn", or a plugin's own name; names the implementation in every report.
  virtual std::string name() const = 0;
  virtual const capabilities& caps() const = 0;
  // Empty when this problem with these options can run; else why not, in one line.
  virtual std::optional<std::string> unsupported(const rnn::problem& p,
                                                 const run_options& options) const = 0;
  // Throw failure (or rnn::error for a wrong argument of the caller's).
  virtual std::unique_ptr<instance<float>> prepare(const rnn::problem& p,
                                                   rnn::parameters_view<float> params,
                                                   const run_options& options) const = 0;
  virtual std::unique_ptr<instance<double>> prepare(const rnn::problem& p,
                                                    rnn::parameters_view<double> params,
                                                    const run_options& options) const = 0;
  // A network (rnn::is_network(p)); a single layer goes to prepare(). unsupported() answers for
  // networks too. The default declines every network: an implementation that runs them says so
  // by overriding both.
  virtual std::unique_ptr<network_instance<float>> prepare_network(
      const rnn::problem& p, std::span<const float> parameters, const run_options& options) const {
    (void)parameters, (void)options;
    throw failure(failure::kind::unsupported, no_networks(p));
  }
  virtual std::unique_ptr<network_instance<double>> prepare_network(
      const rnn::problem& p, std::span<const double> parameters, const run_options& options) const {
    (void)parameters, (void)options;
    throw failure(failure::kind::unsupported, no_networks(p));
  }

 protected:
  std::string no_networks(const rnn::problem& p) const {
    return name() + " runs single layers; " + rnn::format_problem(p) +
           " is a stacked or bidirectional network";
  }
};

}  // namespace rnnsuite::impl
