// rnn::network: L stacked layers in one or two directions, composed of rnn::layer blocks.
// Each block is a whole single layer (its own packed weights and stored activations), so the
// network inherits every kernel, ISA and thread count the layer has, with its results. The
// network's own work is moving data between blocks: the reverse direction's input and output
// reversed in time, the two directions' outputs interleaved into D·H-wide rows, and backward's
// input gradients of the two directions summed. Each is one pass over a T×B×H array, against the
// block's 2·G·H·(I+H) multiply-adds per row: under 1 % at every benchmark shape.
// Under a memory budget below full storage the blocks run checkpointed BPTT, which reads a
// block's input again in backward: the network keeps every layer's output (not two buffers used
// alternately) and writes the reverse block's reversed input again just before its backward. The
// reversal is an exact copy, so each block sees the bits it saw in forward and every result is
// the network's without a budget.
#include "rnn/network.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "mutation.hpp"
#include "network_budget.hpp"
#include "network_layout.hpp"
#include "random.hpp"
#include "rnn/error.hpp"
#include "rnn/lengths.hpp"
#include "thread_pool.hpp"

namespace rnn {

using detail::gather_columns;
using detail::reverse_time;
using detail::reversed_time;
using detail::scatter_columns;

namespace {

void check_block(const problem& p, std::int64_t k, const char* where) {
  validate(p);
  if (k < 0 || k >= p.layers * p.directions)
    throw error(std::string(where) + ": block " + std::to_string(k) + " is not in [0, " +
                std::to_string(p.layers * p.directions) + ") of " + format_problem(p));
}

void check_size(const char* where, const char* name, std::size_t actual, std::size_t expected,
                const char* shape) {
  if (actual != expected)
    throw error(std::string(where) + ": " + name + " has " + std::to_string(actual) +
                " elements, expected " + std::to_string(expected) + " (" + shape + ")");
}

void check_optional(const char* where, const char* name, std::size_t actual, std::size_t expected,
                    const char* shape) {
  if (actual != 0) check_size(where, name, actual, expected, shape);
}

}  // namespace

std::string block_suffix(const problem& p, std::int64_t k) {
  check_block(p, k, "block_suffix");
  return "_l" + std::to_string(k / p.directions) + (k % p.directions == 1 ? "_reverse" : "");
}

parameter_offsets parameter_offsets_of(const problem& p, std::int64_t k) {
  check_block(p, k, "parameter_offsets_of");
  const auto G = static_cast<std::size_t>(p.G()), H = static_cast<std::size_t>(p.H),
             D = static_cast<std::size_t>(p.directions);
  // Sizes fit: validate() checked the whole network's parameter count.
  auto block_size = [&](std::size_t input) { return G * H * (input + H + 2); };
  const std::size_t layer = static_cast<std::size_t>(k / p.directions);
  const std::size_t input = layer == 0 ? static_cast<std::size_t>(p.I) : D * H;
  std::size_t begin = 0;
  if (layer > 0) begin = D * block_size(static_cast<std::size_t>(p.I)) + (layer - 1) * D * block_size(D * H);
  begin += static_cast<std::size_t>(k % p.directions) * block_size(input);
  parameter_offsets o{};
  o.weight_ih = begin;
  o.weight_hh = o.weight_ih + G * H * input;
  o.bias_ih = o.weight_hh + G * H * H;
  o.bias_hh = o.bias_ih + G * H;
  o.end = o.bias_hh + G * H;
  return o;
}

namespace {

// Block k's four tensors as views of type View, over a flat array of const or mutable values.
template <class View, class Flat>
View block_views(const problem& p, Flat flat, std::int64_t k, const char* where) {
  check_size(where, "flat", flat.size(), network_sizes_of(p).parameters,
             "every block's parameters");
  const parameter_offsets o = parameter_offsets_of(p, k);
  return {flat.subspan(o.weight_ih, o.weight_hh - o.weight_ih),
          flat.subspan(o.weight_hh, o.bias_ih - o.weight_hh),
          flat.subspan(o.bias_ih, o.bias_hh - o.bias_ih), flat.subspan(o.bias_hh, o.end - o.bias_hh)};
}

}  // namespace

template <class Real>
parameters_view<Real> block_parameters(const problem& p, std::span<const Real> flat,
                                       std::int64_t k) {
  return block_views<parameters_view<Real>>(p, flat, k, "block_parameters");
}

template <class Real>
parameter_gradients_view<Real> block_gradients(const problem& p, std::span<Real> flat,
                                               std::int64_t k) {
  return block_views<parameter_gradients_view<Real>>(p, flat, k, "block_gradients");
}

template <class Real>
aligned_vector<Real> make_network_parameters(const problem& p, const init_options& options) {
  const network_sizes n = network_sizes_of(p);
  aligned_vector<Real> flat(n.parameters);
  for (std::int64_t k = 0; k < p.layers * p.directions; ++k) {
    init_options block = options;
    // Block 0 keeps the seed: a one-layer network's parameters are the single layer's.
    if (k > 0) block.seed = detail::stream(options.seed, 0x6e6574776f726bull + std::uint64_t(k)).next();
    const parameters<Real> one = make_parameters<Real>(layer_problem(p, k / p.directions), block);
    const parameter_offsets o = parameter_offsets_of(p, k);
    std::copy(one.weight_ih.begin(), one.weight_ih.end(), flat.begin() + o.weight_ih);
    std::copy(one.weight_hh.begin(), one.weight_hh.end(), flat.begin() + o.weight_hh);
    std::copy(one.bias_ih.begin(), one.bias_ih.end(), flat.begin() + o.bias_ih);
    std::copy(one.bias_hh.begin(), one.bias_hh.end(), flat.begin() + o.bias_hh);
  }
  return flat;
}

template <class Real>
struct network<Real>::impl {
  problem p;
  std::size_t T, B, I, H, D, L;
  std::vector<layer<Real>> blocks;  // L·D, block k = l·D + d
  // D = 2 with two threads or more: one task per direction (the caller runs the forward one).
  std::unique_ptr<thread_pool> directions;

  // Under a memory budget below full storage (network_checkpoint_sizes_of): the blocks run
  // checkpointed BPTT and read their input again in backward, so the network keeps every
  // layer's output and writes the reverse blocks' reversed input again there.
  bool checkpointed = false;
  std::size_t memory_budget_bytes = 0;  // layer_options.memory_budget_bytes, for messages
  network_checkpoint_sizes budget_sizes;
  // Forward: layer l's output, layer l+1's input (L > 1 only). Without a budget, two buffers
  // used alternately (the layer copies its input, so layer l+1 may overwrite what layer l-1
  // wrote); checkpointed, L - 1 of them, one per layer.
  std::vector<aligned_vector<Real>> between;  // T×B×(D·H) each
  const Real* x = nullptr;                    // T×B×I: the last forward's x, layer 0's input
  aligned_vector<Real> reversed_input;     // T×B×max(I, D·H): the reverse block's input, D = 2
  aligned_vector<Real> block_output[2];    // T×B×H: each direction's h_t in its step order, D = 2
  // Backward.
  aligned_vector<Real> grad_between[2];    // T×B×(D·H): dL/d(layer l's output) for l < L-1
  aligned_vector<Real> block_grad_output[2];  // T×B×H: a direction's share in its step order
  aligned_vector<Real> block_dx[2];        // T×B×max(I, D·H): a direction's dL/d(input), D = 2
  aligned_vector<Real> reverse_grad_h;     // T×B×H: the reverse block's grad_h in its step order
  aligned_vector<Real> reverse_grad_c;     // T×B×H: the same for grad_c, LSTM
  // The last forward's lengths (B), which backward follows; `uneven` when given and not all T.
  std::vector<std::int64_t> lengths;
  bool uneven = false;
  bool has_forward = false;

  // Where the reverse direction's steps are in time (reversed_time): each sequence from its own
  // end, or null for the whole T steps (lengths_reverse_from_end: the padded sequence reversed).
  const std::int64_t* reverse_lengths() const {
    return uneven && !RNNSUITE_PLANTED(lengths_reverse_from_end) ? lengths.data() : nullptr;
  }

  std::size_t input_width(std::size_t l) const { return l == 0 ? I : D * H; }

  // Layer l's output buffer for l < L-1, and layer l's input (after a forward).
  std::span<Real> output_of(std::size_t l) { return between[checkpointed ? l : l % 2]; }
  std::span<const Real> input_of(std::size_t l) {
    return l == 0 ? std::span<const Real>(x, T * B * I) : output_of(l - 1);
  }

  // Block (l, 1)'s input: layer l's input in the reverse direction's order of steps, written into
  // reversed_input (network_reverse_forward_order: the input itself, unreversed).
  std::span<const Real> reverse_block_input(std::size_t l) {
    const std::span<const Real> input = input_of(l);
    if (RNNSUITE_PLANTED(network_reverse_forward_order)) return input;
    reverse_time(reversed_input.data(), input.data(), T, B, input_width(l), reverse_lengths());
    return {reversed_input.data(), input.size()};
  }

  // Runs task(d) for each direction, at once when the pool exists; rethrows the first failure.
  template <class F>
  void for_each_direction(F&& task) {
    if (!directions) {
      for (std::size_t d = 0; d < D; ++d) task(d);
      return;
    }
    std::exception_ptr failed[2];
    auto run = [&](int d) {
      try {
        task(static_cast<std::size_t>(d));
      } catch (...) {
        failed[d] = std::current_exception();
      }
    };
    directions->run(run);
    for (auto& f : failed)
      if (f) std::rethrow_exception(f);
  }
};

template <class Real>
network<Real>::network(const problem& p, std::span<const Real> parameters, layer_options options) {
  const network_sizes n = network_sizes_of(p);  // validates the problem
  constexpr precision expected = sizeof(Real) == 4 ? precision::f32 : precision::f64;
  if (p.precision != expected)
    throw error("network: problem " + format_problem(p) + " has precision " +
                std::string(precision_name(p.precision)) + ", but the network's Real is " +
                std::string(precision_name(expected)));
  check_size("network", "parameters", parameters.size(), n.parameters,
             "every block's weight_ih, weight_hh, bias_ih, bias_hh");
  if (options.threads < 1 || options.threads > 1024)
    throw error("layer_options.threads must be in [1, 1024], got " +
                std::to_string(options.threads));
  auto m = std::make_unique<impl>();
  m->p = p;
  m->T = std::size_t(p.T), m->B = std::size_t(p.B), m->I = std::size_t(p.I);
  m->H = std::size_t(p.H), m->D = std::size_t(p.directions), m->L = std::size_t(p.layers);
  const std::size_t budget = options.memory_budget_bytes;
  std::optional<detail::budget_split> split;
  if (budget != 0) {
    split.emplace(p, options);
    m->budget_sizes = split->sizes;
    m->memory_budget_bytes = budget;
    // At or above full storage: as without a budget (the blocks get none).
    m->checkpointed = budget < split->sizes.full_storage_bytes;
    // One block: the layer checks the budget, and its message says more (its chunk's and
    // state's bytes).
    if (p.layers * p.directions > 1) split->require_at_least_minimum(budget, p);
  }
  layer_options per_block = options;
  per_block.memory_budget_bytes = 0;
  if (m->D == 2 && options.threads >= 2) {
    per_block.threads = options.threads / 2;
    m->directions = std::make_unique<thread_pool>(2);
  }
  m->blocks.reserve(m->L * m->D);
  for (std::int64_t k = 0; k < std::int64_t(m->L * m->D); ++k) {
    if (m->checkpointed) per_block.memory_budget_bytes = split->block_budget(budget, k, p);
    m->blocks.emplace_back(layer_problem(p, k / p.directions), block_parameters(p, parameters, k),
                           per_block);
  }
  const std::size_t seq = m->T * m->B * m->H, wide = seq * m->D;
  const std::size_t widest_input = m->T * m->B * std::max(m->I, m->L > 1 ? m->D * m->H : 0);
  if (m->L > 1) {
    m->between.resize(m->checkpointed ? m->L - 1 : std::min<std::size_t>(m->L - 1, 2));
    for (auto& b : m->between) b.resize(wide);
    for (int i = 0; i < 2; ++i) m->grad_between[i].resize(wide);
  }
  if (m->D == 2) {
    m->reversed_input.resize(widest_input);
    for (int d = 0; d < 2; ++d) {
      m->block_output[d].resize(seq);
      m->block_grad_output[d].resize(seq);
      m->block_dx[d].resize(widest_input);
    }
    m->reverse_grad_h.resize(seq);
    if (p.cell == cell::lstm) m->reverse_grad_c.resize(seq);
  }
  m->lengths.resize(m->B);
  impl_ = std::move(m);
}

template <class Real>
network<Real>::~network() = default;
template <class Real>
network<Real>::network(network&&) noexcept = default;
template <class Real>
network<Real>& network<Real>::operator=(network&&) noexcept = default;

template <class Real>
const problem& network<Real>::shape() const {
  return impl_->p;
}

template <class Real>
std::size_t network<Real>::activation_bytes() const {
  const impl& m = *impl_;
  std::size_t total = m.checkpointed ? m.budget_sizes.kept_sequence_bytes : 0;
  for (const auto& b : m.blocks) total += b.activation_bytes();
  return total;
}

template <class Real>
std::int64_t network<Real>::recomputed_chunks() const {
  std::int64_t total = 0;
  for (const auto& b : impl_->blocks) total += b.recomputed_chunks();
  return total;
}

template <class Real>
std::size_t network<Real>::workspace_bytes() const {
  const impl& m = *impl_;
  std::size_t total = 0;
  for (const auto& b : m.blocks) total += b.workspace_bytes();
  std::size_t own = m.reversed_input.size() + m.reverse_grad_h.size() + m.reverse_grad_c.size();
  for (const auto& b : m.between) own += b.size();
  for (int i = 0; i < 2; ++i)
    own += m.grad_between[i].size() + m.block_output[i].size() + m.block_grad_output[i].size() +
           m.block_dx[i].size();
  return total + own * sizeof(Real);
}

template <class Real>
void network<Real>::forward(std::span<const Real> x, std::span<const Real> h0,
                            std::span<const Real> c0, std::span<Real> output,
                            std::span<Real> h_n, std::span<Real> c_n,
                            std::span<const std::int64_t> lengths) {
  impl& m = *impl_;
  const char* where = "network::forward";
  const bool lstm = m.p.cell == cell::lstm;
  const std::size_t T = m.T, B = m.B, H = m.H, D = m.D, L = m.L;
  const std::size_t state = B * H, states = L * D * state;
  check_size(where, "x", x.size(), T * B * m.I, "T×B×I");
  check_size(where, "h0", h0.size(), states, "(L·D)×B×H");
  check_size(where, "c0", c0.size(), lstm ? states : 0, lstm ? "(L·D)×B×H" : "empty, not LSTM");
  check_size(where, "output", output.size(), T * B * D * H, "T×B×(D·H)");
  check_size(where, "h_n", h_n.size(), states, "(L·D)×B×H");
  check_size(where, "c_n", c_n.size(), lstm ? states : 0, lstm ? "(L·D)×B×H" : "empty, not LSTM");
  check_lengths(m.p, lengths, where);
  m.has_forward = false;
  m.uneven = !all_full(m.p, lengths);
  if (m.uneven && m.checkpointed)
    throw error("network::forward: lengths below T (" + format_problem(m.p) + ") with "
                "layer_options.memory_budget_bytes = " + std::to_string(m.memory_budget_bytes) +
                " below the network's full storage (" +
                std::to_string(m.budget_sizes.full_storage_bytes) +
                " bytes) are not supported yet");
  if (m.uneven) std::copy(lengths.begin(), lengths.end(), m.lengths.begin());
  const std::int64_t* reverse_lengths = m.reverse_lengths();
  m.x = x.data();
  for (std::size_t l = 0; l < L; ++l) {
    const bool last = l + 1 == L;
    std::span<Real> layer_output = last ? output : m.output_of(l);
    m.for_each_direction([&](std::size_t d) {
      const std::size_t k = l * D + d;
      auto own = [&](auto s) { return s.empty() ? s : s.subspan(k * state, state); };
      const std::span<const Real> block_input = d == 1 ? m.reverse_block_input(l) : m.input_of(l);
      // One direction writes its h_t straight into the layer's output; two interleave them.
      std::span<Real> block_output = D == 1 ? layer_output : std::span<Real>(m.block_output[d]);
      m.blocks[k].forward(block_input, own(h0), own(c0), block_output, own(h_n), own(c_n),
                          lengths);
      if (D == 2)
        scatter_columns(layer_output.data(), block_output.data(), T, B, H, D, d, d == 1,
                        reverse_lengths);
    });
  }
  m.has_forward = true;
}

template <class Real>
void network<Real>::backward(std::span<const Real> grad_output, std::span<const Real> grad_h_n,
                             std::span<const Real> grad_c_n, network_gradients_view<Real> grads,
                             std::int64_t steps) {
  impl& m = *impl_;
  const char* where = "network::backward";
  if (!m.has_forward) throw error("network::backward called before any forward");
  const bool lstm = m.p.cell == cell::lstm;
  const std::size_t T = m.T, B = m.B, H = m.H, D = m.D, L = m.L;
  const std::size_t state = B * H, states = L * D * state, seq = T * state;
  if (steps < 0) throw error("network::backward: steps must be >= 0, got " + std::to_string(steps));
  if (D == 2 && steps != 0 && steps < m.p.T)
    throw error("network::backward: steps = " + std::to_string(steps) + " < T = " +
                std::to_string(m.p.T) + " asks truncated BPTT of a bidirectional network (" +
                format_problem(m.p) +
                "), which has no meaning: the reverse direction's last steps are the sequence's "
                "first; use steps = 0");
  if (m.uneven && steps != 0 && steps < m.p.T)
    throw error("network::backward: steps = " + std::to_string(steps) + " < T = " +
                std::to_string(m.p.T) + " asks truncated BPTT after a forward with lengths (" +
                format_problem(m.p) + "), which is not supported: a sequence's last steps are "
                "not the batch's; use steps = 0");
  if (m.checkpointed && steps != 0 && steps < m.p.T)
    throw error("network::backward: steps = " + std::to_string(steps) + " < T = " +
                std::to_string(m.p.T) + " asks truncated BPTT of " + format_problem(m.p) +
                " under layer_options.memory_budget_bytes = " +
                std::to_string(m.memory_budget_bytes) + " below the network's full storage (" +
                std::to_string(m.budget_sizes.full_storage_bytes) +
                " bytes), which is not supported (as for a layer); use steps = 0");
  check_size(where, "grad_output", grad_output.size(), T * B * D * H, "T×B×(D·H)");
  check_optional(where, "grad_h_n", grad_h_n.size(), states, "(L·D)×B×H or empty");
  check_size(where, "grad_c_n", lstm ? 0 : grad_c_n.size(), 0, "empty, not LSTM");
  check_optional(where, "grad_c_n", grad_c_n.size(), states, "(L·D)×B×H or empty");
  check_size(where, "grads.parameters", grads.parameters.size(), network_sizes_of(m.p).parameters,
             "every block's weight_ih, weight_hh, bias_ih, bias_hh");
  check_optional(where, "grads.x", grads.x.size(), T * B * m.I, "T×B×I or empty");
  check_optional(where, "grads.h0", grads.h0.size(), states, "(L·D)×B×H or empty");
  check_size(where, "grads.c0", lstm ? 0 : grads.c0.size(), 0, "empty, not LSTM");
  check_optional(where, "grads.c0", grads.c0.size(), states, "(L·D)×B×H or empty");
  check_optional(where, "grads.h", grads.h.size(), L * D * seq, "(L·D)×T×B×H or empty");
  check_size(where, "grads.c", lstm ? 0 : grads.c.size(), 0, "empty, not LSTM");
  check_optional(where, "grads.c", grads.c.size(), L * D * seq, "(L·D)×T×B×H or empty");

  const std::int64_t* reverse_lengths = m.reverse_lengths();
  std::span<const Real> upstream = grad_output;  // dL/d(layer l's output), T×B×(D·H)
  for (std::size_t l = L; l-- > 0;) {
    const std::size_t width = m.input_width(l);
    // Where dL/d(layer l's input) goes: the caller's grads.x for layer 0 (empty = not wanted),
    // else the upstream gradient of layer l-1.
    const std::span<Real> input_grad =
        l == 0 ? grads.x : std::span<Real>(m.grad_between[l % 2]);
    m.for_each_direction([&](std::size_t d) {
      const std::size_t k = l * D + d;
      auto own = [&](auto s) { return s.empty() ? s : s.subspan(k * state, state); };
      auto own_sequence = [&](std::span<Real> s) { return s.empty() ? s : s.subspan(k * seq, seq); };
      std::span<const Real> block_upstream = upstream;
      if (D == 2) {
        gather_columns(m.block_grad_output[d].data(), upstream.data(), T, B, H, D, d, d == 1,
                       reverse_lengths);
        block_upstream = m.block_grad_output[d];
      }
      const parameter_gradients_view<Real> params = block_gradients(m.p, grads.parameters,
                                                                    std::int64_t(k));
      gradients_view<Real> g{params.weight_ih, params.weight_hh, params.bias_ih, params.bias_hh,
                             {}, own(grads.h0), own(grads.c0), own_sequence(grads.h),
                             own_sequence(grads.c)};
      if (!input_grad.empty())
        g.x = D == 1 ? input_grad : std::span<Real>(m.block_dx[d].data(), T * B * width);
      // A checkpointed reverse block reads its input again (recomputation and dW_ih), from
      // reversed_input, which the layers above overwrote in forward: the same copy again.
      if (d == 1 && m.checkpointed && !RNNSUITE_PLANTED(network_checkpoint_stale_reversed_input))
        m.reverse_block_input(l);
      // The reverse block's total dL/dh_t and dL/dc_t come in its own step order: reversed after.
      const std::span<Real> h_target = g.h, c_target = g.c;
      if (d == 1 && !g.h.empty()) g.h = m.reverse_grad_h;
      if (d == 1 && !g.c.empty()) g.c = m.reverse_grad_c;
      m.blocks[k].backward(block_upstream, own(grad_h_n), own(grad_c_n), g,
                           static_cast<std::int64_t>(steps));
      // network_reverse_dh0_wrong_end: the reverse block's dh0 taken at the sequence's other end,
      // where its final state's upstream gradient is (zero when none is given).
      if (d == 1 && !g.h0.empty() && RNNSUITE_PLANTED(network_reverse_dh0_wrong_end)) {
        const std::span<const Real> at_end = own(grad_h_n);
        if (at_end.empty()) std::fill(g.h0.begin(), g.h0.end(), Real(0));
        else std::copy(at_end.begin(), at_end.end(), g.h0.begin());
      }
      if (d == 1 && !h_target.empty())
        reverse_time(h_target.data(), g.h.data(), T, B, H, reverse_lengths);
      if (d == 1 && !c_target.empty())
        reverse_time(c_target.data(), g.c.data(), T, B, H, reverse_lengths);
      if (l > 0 && RNNSUITE_PLANTED(network_bias_dropped_upper)) {
        std::fill(params.bias_ih.begin(), params.bias_ih.end(), Real(0));
        std::fill(params.bias_hh.begin(), params.bias_hh.end(), Real(0));
      }
    });
    // The two directions read the same input: its gradient is their sum, the reverse block's
    // step t being time T-1-t (len_b-1-t with lengths: reversed_time).
    if (D == 2 && !input_grad.empty()) {
      const Real* forward_dx = m.block_dx[0].data();
      const Real* reverse_dx = m.block_dx[1].data();
      // `rows` rows of width values from time t: the whole step, or one sequence's row.
      auto add = [&](std::size_t t, std::size_t reverse_t, std::size_t b, std::size_t rows) {
        const std::size_t n = rows * width;
        const Real* a = forward_dx + (t * B + b) * width;
        const Real* r = reverse_dx + (reverse_t * B + b) * width;
        Real* out = input_grad.data() + (t * B + b) * width;
        if (RNNSUITE_PLANTED(network_dx_overwritten))
          std::copy_n(r, n, out);
        else
          for (std::size_t i = 0; i < n; ++i) out[i] = a[i] + r[i];
      };
      for (std::size_t t = 0; t < T; ++t) {
        if (!reverse_lengths) {
          add(t, T - 1 - t, 0, B);
          continue;
        }
        for (std::size_t b = 0; b < B; ++b) add(t, reversed_time(t, b, T, reverse_lengths), b, 1);
      }
    }
    upstream = input_grad;
  }
}

template class network<float>;
template class network<double>;
template parameters_view<float> block_parameters<float>(const problem&, std::span<const float>,
                                                         std::int64_t);
template parameters_view<double> block_parameters<double>(const problem&, std::span<const double>,
                                                           std::int64_t);
template parameter_gradients_view<float> block_gradients<float>(const problem&, std::span<float>,
                                                                 std::int64_t);
template parameter_gradients_view<double> block_gradients<double>(const problem&,
                                                                   std::span<double>, std::int64_t);
template aligned_vector<float> make_network_parameters<float>(const problem&, const init_options&);
template aligned_vector<double> make_network_parameters<double>(const problem&,
                                                                const init_options&);

}  // namespace rnn
