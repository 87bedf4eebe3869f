#include "onednn_rnn.hpp"

#include <algorithm>
#include <cstring>
#include <dnnl.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "rnn/cell.hpp"
#include "rnn/error.hpp"

namespace rnnsuite::impl::onednn {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using dims = dnnl::memory::dims;

int onednn_gate(rnn::cell c, int pytorch_gate) {
  if (c != rnn::cell::gru) return pytorch_gate;
  constexpr int gru_block[3] = {1, 0, 2};  // r -> r (1), z -> u (0), n -> o (2)
  return gru_block[pytorch_gate];
}

namespace {

// PyTorch's (G·H)×K weights with their gate blocks moved to oneDNN's order, written at `out`:
// that is one (l, d) block of oneDNN's ldgoi layout (l, d, gate, output, input), which a reorder
// turns into the preferred one.
void to_onednn_gates(rnn::cell c, std::span<const float> w, std::size_t H, std::size_t K,
                     float* out) {
  const int G = rnn::gate_count(c);
  for (int g = 0; g < G; ++g)
    std::copy_n(w.begin() + g * H * K, H * K, out + onednn_gate(c, g) * H * K);
}

dnnl::algorithm activation_of(rnn::cell c) {
  switch (c) {
    case rnn::cell::elman_sigmoid: return dnnl::algorithm::eltwise_logistic;
    case rnn::cell::elman_relu: return dnnl::algorithm::eltwise_relu;
    default: return dnnl::algorithm::eltwise_tanh;
  }
}

// PyTorch's (G·H)×K rows of block (l, d) from oneDNN's ldigo weight gradient (dims l, d, K, G, H;
// any strides, no blocking), its gate blocks moved back to PyTorch's order. A transpose in 16×16
// tiles: the writes run along rows of the destination, the 16 source rows of a tile stay in L1.
void to_pytorch_rows(rnn::cell c, const dnnl::memory& from, std::int64_t l, std::int64_t d,
                     std::int64_t H, std::int64_t K, std::span<float> to) {
  const dnnl::memory::desc desc = from.get_desc();
  const dnnl_dims_t& strides = desc.data.format_desc.blocking.strides;
  const std::int64_t input_stride = strides[2], gate_stride = strides[3];
  const std::int64_t output_stride = strides[4];
  const float* source =
      static_cast<const float*>(from.get_data_handle()) + l * strides[0] + d * strides[1];
  constexpr std::int64_t tile = 16;
  for (int g = 0; g < rnn::gate_count(c); ++g) {
    const float* gate = source + onednn_gate(c, g) * gate_stride;
    float* rows = to.data() + g * H * K;
    for (std::int64_t o0 = 0; o0 < H; o0 += tile)
      for (std::int64_t k0 = 0; k0 < K; k0 += tile)
        for (std::int64_t o = o0; o < std::min(o0 + tile, H); ++o)
          for (std::int64_t k = k0; k < std::min(k0 + tile, K); ++k)
            rows[o * K + k] = gate[k * input_stride + o * output_stride];
  }
}

bool plain(const dnnl::memory::desc& d) {
  return d.data.format_kind == dnnl_blocked && d.data.format_desc.blocking.inner_nblks == 0;
}

void check_size(const std::string& what, std::size_t got, std::size_t expected) {
  if (got != expected)
    throw rnn::error("onednn: " + what + " has " + std::to_string(got) + " elements, expected " +
                     std::to_string(expected));
}

// oneDNN takes every handle as void* and writes only to its outputs, so an input's const is
// cast away here and nowhere else.
void point_at(dnnl::memory& m, const float* data) { m.set_data_handle(const_cast<float*>(data)); }

// Element counts of a stack's tensors (for a single layer, rnn::sizes_of's).
struct stack_sizes {
  std::size_t x, state, output, weight_ih, weight_hh, bias, blocks;
};

stack_sizes sizes_of(const stack_shape& s) {
  const auto T = std::size_t(s.T), B = std::size_t(s.B), I = std::size_t(s.I),
             H = std::size_t(s.H), D = std::size_t(s.directions),
             blocks = std::size_t(s.layers) * D, G = std::size_t(rnn::gate_count(s.cell));
  return {T * B * I, blocks * B * H, T * B * D * H, G * H * I, G * H * H, G * H, blocks};
}

// "grad weight_ih" for a single block, "grad weight_ih of block 3" in a stack.
std::string tensor_name(const char* name, std::size_t block, std::size_t blocks) {
  return blocks == 1 ? std::string(name) : std::string(name) + " of block " + std::to_string(block);
}

}  // namespace

struct rnn_primitives::state {
  stack_shape shape;
  std::string name;  // the descriptor, or the stack's shape, for messages
  stack_sizes n;
  bool lstm;
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  dnnl::primitive forward, backward;
  std::unordered_map<int, dnnl::memory> forward_args, backward_args;
  // Memories each call points at the caller's arrays (PyTorch's layouts are oneDNN's tnc and
  // ldnc), and oneDNN's weight gradients.
  dnnl::memory x, h0, c0, output, h_n, c_n;             // T×B×I, (L·D)×B×H ×2, T×B×(D·H), ×2
  dnnl::memory diff_output, diff_h_n, diff_c_n;         // T×B×(D·H), (L·D)×B×H ×2
  dnnl::memory diff_x, diff_h0, diff_c0;                // T×B×I, (L·D)×B×H ×2
  dnnl::memory diff_weights_layer, diff_weights_iter;   // oneDNN's ldigo: L×D×I×G×H, L×D×H×G×H
  std::size_t workspace = 0, scratchpad = 0;
  int bias_count = 0;                   // Gb: G, or 4 for lbr_gru (b_hn apart)
  std::vector<float> bias_blocks;       // (L·D)×Gb×H, oneDNN order: b_ih + b_hh (GRU: b_hn apart)
  std::vector<float> diff_bias_blocks;  // (L·D)×Gb×H, the bias gradient oneDNN writes
  std::vector<float> zero_state;        // (L·D)×B×H zeros: the upstream dh_n, dc_n if none
  // Where dx, dh0, dc0 go when the caller does not want them: T×B×I (allocated by the first
  // backward that needs it, not up front: at T = 1024, B = 64, I = 512 it is 128 MiB), (L·D)×B×H.
  std::vector<float> unwanted_x, unwanted_h0, unwanted_c0;

  void create(std::span<const rnn::parameters_view<float>> blocks);

  template <class Fwd, class Bwd, class MakeFwd, class MakeBwd>
  void build(std::span<const rnn::parameters_view<float>> blocks, MakeFwd make_forward_desc,
             MakeBwd make_backward_desc);

  dnnl::memory memory(const dims& shape, tag t, void* data = nullptr) {
    return dnnl::memory({shape, dt::f32, t}, engine, data);
  }
  dnnl::memory reordered(const dnnl::memory& from, const dnnl::memory::desc& to_desc) {
    dnnl::memory to(to_desc, engine);
    dnnl::reorder(from, to).execute(stream, const_cast<dnnl::memory&>(from), to);
    stream.wait();
    return to;
  }
};

template <class Fwd, class Bwd, class MakeFwd, class MakeBwd>
void rnn_primitives::state::build(std::span<const rnn::parameters_view<float>> blocks,
                                  MakeFwd make_forward_desc, MakeBwd make_backward_desc) {
  const stack_shape& p = shape;
  const rnn::cell cell = p.cell;
  const int G = rnn::gate_count(cell);
  const std::int64_t L = p.layers, D = p.directions;
  bias_count = cell == rnn::cell::gru ? 4 : G;
  const dims layer_in{p.T, p.B, p.I}, layer_out{p.T, p.B, D * p.H}, states{L, D, p.B, p.H};
  const dims w_layer{L, D, p.I, G, p.H}, w_iter{L, D, p.H, G, p.H}, bias{L, D, bias_count, p.H};
  const dnnl::memory::desc src_layer_d{layer_in, dt::f32, tag::tnc},
      state_d{states, dt::f32, tag::ldnc}, dst_layer_d{layer_out, dt::f32, tag::tnc},
      bias_d{bias, dt::f32, tag::ldgo}, w_layer_any{w_layer, dt::f32, tag::any},
      w_iter_any{w_iter, dt::f32, tag::any};
  const dnnl::memory::desc no_state = lstm ? state_d : dnnl::memory::desc();

  // The scratchpad is ours, allocated once here: in oneDNN's default (library) mode a build
  // may allocate it on every execution, and at lstm_t1024_b64_i512_h512_f32 (hundreds of MiB)
  // that page-faulting made each repetition slower than the last (2.2 s, 2.9 s, 3.6 s forward).
  dnnl::primitive_attr attributes;
  attributes.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  typename Fwd::primitive_desc forward_pd(
      make_forward_desc(src_layer_d, state_d, no_state, w_layer_any, w_iter_any, bias_d,
                        dst_layer_d),
      attributes, engine);
  typename Bwd::primitive_desc backward_pd(
      make_backward_desc(src_layer_d, state_d, no_state, w_layer_any, w_iter_any, bias_d,
                         dst_layer_d),
      attributes, engine, forward_pd);
  forward = Fwd(forward_pd);
  backward = Bwd(backward_pd);

  // Weights: PyTorch's rows with oneDNN's gate order, block after block, are ldgoi; reorder once
  // per primitive.
  const auto H = std::size_t(p.H), I = std::size_t(p.I);
  std::vector<float> w_ih(n.blocks * n.weight_ih), w_hh(n.blocks * n.weight_hh);
  bias_blocks.assign(n.blocks * std::size_t(bias_count) * H, 0.0f);
  for (std::size_t k = 0; k < n.blocks; ++k) {
    const rnn::parameters_view<float>& params = blocks[k];
    to_onednn_gates(cell, params.weight_ih, H, I, w_ih.data() + k * n.weight_ih);
    to_onednn_gates(cell, params.weight_hh, H, H, w_hh.data() + k * n.weight_hh);
    float* block_bias = bias_blocks.data() + k * std::size_t(bias_count) * H;
    for (int g = 0; g < G; ++g)
      for (std::size_t j = 0; j < H; ++j) {
        const std::size_t from = g * H + j, to = onednn_gate(cell, g) * H + j;
        // GRU's hidden-side bias of n sits inside r⊙(...): lbr_gru's fourth block holds it apart.
        const bool apart = cell == rnn::cell::gru && g == 2;
        block_bias[to] = params.bias_ih[from] + (apart ? 0.0f : params.bias_hh[from]);
        if (apart) block_bias[3 * H + j] = params.bias_hh[from];
      }
  }
  const dnnl::memory user_w_layer = memory(w_layer, tag::ldgoi, w_ih.data());
  const dnnl::memory user_w_iter = memory(w_iter, tag::ldgoi, w_hh.data());
  diff_bias_blocks.assign(bias_blocks.size(), 0.0f);
  zero_state.assign(n.state, 0.0f);
  unwanted_h0.resize(n.state), unwanted_c0.resize(lstm ? n.state : 0);

  const dnnl::memory workspace_memory(forward_pd.workspace_desc(), engine);
  workspace = forward_pd.workspace_desc().get_size();
  scratchpad = forward_pd.scratchpad_desc().get_size() + backward_pd.scratchpad_desc().get_size();
  x = memory(layer_in, tag::tnc), h0 = memory(states, tag::ldnc);
  output = memory(layer_out, tag::tnc), h_n = memory(states, tag::ldnc);
  const dnnl::memory b = memory(bias, tag::ldgo, bias_blocks.data());
  forward_args = {{DNNL_ARG_SRC_LAYER, x}, {DNNL_ARG_SRC_ITER, h0},
                  {DNNL_ARG_WEIGHTS_LAYER,
                   reordered(user_w_layer, forward_pd.weights_layer_desc())},
                  {DNNL_ARG_WEIGHTS_ITER, reordered(user_w_iter, forward_pd.weights_iter_desc())},
                  {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST_LAYER, output}, {DNNL_ARG_DST_ITER, h_n},
                  {DNNL_ARG_WORKSPACE, workspace_memory},
                  {DNNL_ARG_SCRATCHPAD, dnnl::memory(forward_pd.scratchpad_desc(), engine)}};
  diff_output = memory(layer_out, tag::tnc), diff_h_n = memory(states, tag::ldnc);
  diff_x = memory(layer_in, tag::tnc), diff_h0 = memory(states, tag::ldnc);
  // oneDNN 2.6 writes weight gradients in ldigo only (ldgoi is refused): its own layout, with
  // the leading dimension padded, held here and transposed into the caller's arrays.
  diff_weights_layer = dnnl::memory(backward_pd.diff_weights_layer_desc(), engine);
  diff_weights_iter = dnnl::memory(backward_pd.diff_weights_iter_desc(), engine);
  if (!plain(diff_weights_layer.get_desc()) || !plain(diff_weights_iter.get_desc()))
    throw rnn::error("onednn: " + name +
                     ": oneDNN chose a blocked layout for the weight gradients");
  backward_args = {
      {DNNL_ARG_SRC_LAYER, x}, {DNNL_ARG_SRC_ITER, h0},
      {DNNL_ARG_WEIGHTS_LAYER, reordered(user_w_layer, backward_pd.weights_layer_desc())},
      {DNNL_ARG_WEIGHTS_ITER, reordered(user_w_iter, backward_pd.weights_iter_desc())},
      {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST_LAYER, output}, {DNNL_ARG_DST_ITER, h_n},
      {DNNL_ARG_WORKSPACE, workspace_memory},
      {DNNL_ARG_SCRATCHPAD, dnnl::memory(backward_pd.scratchpad_desc(), engine)},
      {DNNL_ARG_DIFF_SRC_LAYER, diff_x}, {DNNL_ARG_DIFF_SRC_ITER, diff_h0},
      {DNNL_ARG_DIFF_WEIGHTS_LAYER, diff_weights_layer},
      {DNNL_ARG_DIFF_WEIGHTS_ITER, diff_weights_iter},
      {DNNL_ARG_DIFF_BIAS, memory(bias, tag::ldgo, diff_bias_blocks.data())},
      {DNNL_ARG_DIFF_DST_LAYER, diff_output}, {DNNL_ARG_DIFF_DST_ITER, diff_h_n}};
  if (lstm) {
    c0 = memory(states, tag::ldnc), c_n = memory(states, tag::ldnc);
    diff_c0 = memory(states, tag::ldnc), diff_c_n = memory(states, tag::ldnc);
    forward_args.insert({{DNNL_ARG_SRC_ITER_C, c0}, {DNNL_ARG_DST_ITER_C, c_n}});
    backward_args.insert({{DNNL_ARG_SRC_ITER_C, c0}, {DNNL_ARG_DST_ITER_C, c_n},
                          {DNNL_ARG_DIFF_SRC_ITER_C, diff_c0},
                          {DNNL_ARG_DIFF_DST_ITER_C, diff_c_n}});
  }
}

void rnn_primitives::state::create(std::span<const rnn::parameters_view<float>> blocks) {
  n = sizes_of(shape), lstm = rnn::has_cell_state(shape.cell);
  if (blocks.size() != n.blocks)
    throw rnn::error("onednn: " + name + ": " + std::to_string(blocks.size()) +
                     " parameter blocks, expected L·D = " + std::to_string(n.blocks));
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    check_size(tensor_name("weight_ih", k, n.blocks), blocks[k].weight_ih.size(), n.weight_ih);
    check_size(tensor_name("weight_hh", k, n.blocks), blocks[k].weight_hh.size(), n.weight_hh);
    check_size(tensor_name("bias_ih", k, n.blocks), blocks[k].bias_ih.size(), n.bias);
    check_size(tensor_name("bias_hh", k, n.blocks), blocks[k].bias_hh.size(), n.bias);
  }
  using md = dnnl::memory::desc;
  const auto fwd = dnnl::prop_kind::forward_training;
  const auto bwd = dnnl::prop_kind::backward;
  const auto dir = shape.directions == 1 ? dnnl::rnn_direction::unidirectional_left2right
                                         : dnnl::rnn_direction::bidirectional_concat;
  switch (shape.cell) {
    case rnn::cell::lstm:
      build<dnnl::lstm_forward, dnnl::lstm_backward>(
          blocks,
          [&](md x, md h, md c, md wl, md wi, md b, md y) {
            return dnnl::lstm_forward::desc(fwd, dir, x, h, c, wl, wi, b, y, h, c);
          },
          [&](md x, md h, md c, md wl, md wi, md b, md y) {
            return dnnl::lstm_backward::desc(bwd, dir, x, h, c, wl, wi, b, y, h, c, x, h, c, wl,
                                             wi, b, y, h, c);
          });
      break;
    case rnn::cell::gru:
      build<dnnl::lbr_gru_forward, dnnl::lbr_gru_backward>(
          blocks,
          [&](md x, md h, md, md wl, md wi, md b, md y) {
            return dnnl::lbr_gru_forward::desc(fwd, dir, x, h, wl, wi, b, y, h);
          },
          [&](md x, md h, md, md wl, md wi, md b, md y) {
            return dnnl::lbr_gru_backward::desc(bwd, dir, x, h, wl, wi, b, y, h, x, h, wl, wi,
                                                b, y, h);
          });
      break;
    default: {
      const dnnl::algorithm f = activation_of(shape.cell);
      build<dnnl::vanilla_rnn_forward, dnnl::vanilla_rnn_backward>(
          blocks,
          [&](md x, md h, md, md wl, md wi, md b, md y) {
            return dnnl::vanilla_rnn_forward::desc(fwd, f, dir, x, h, wl, wi, b, y, h);
          },
          [&](md x, md h, md, md wl, md wi, md b, md y) {
            return dnnl::vanilla_rnn_backward::desc(bwd, f, dir, x, h, wl, wi, b, y, h, x, h, wl,
                                                    wi, b, y, h);
          });
    }
  }
}

rnn_primitives::rnn_primitives(const rnn::problem& p, rnn::parameters_view<float> params)
    : state_(std::make_unique<state>()) {
  state& s = *state_;
  if (p.precision != rnn::precision::f32)
    throw rnn::error("onednn: problem " + rnn::format_problem(p) + " is not float32");
  rnn::require_single_layer(p, "onednn::rnn_primitives(problem)");
  rnn::validate(p);
  s.shape = {p.cell, p.T, p.B, p.I, p.H, 1, 1};
  s.name = rnn::format_problem(p);
  s.create({&params, 1});
}

rnn_primitives::rnn_primitives(const stack_shape& shape,
                               std::span<const rnn::parameters_view<float>> blocks)
    : state_(std::make_unique<state>()) {
  state& s = *state_;
  s.shape = shape;
  s.name = std::string(rnn::cell_name(shape.cell)) + " stack T=" + std::to_string(shape.T) +
           " B=" + std::to_string(shape.B) + " I=" + std::to_string(shape.I) +
           " H=" + std::to_string(shape.H) + " L=" + std::to_string(shape.layers) +
           " D=" + std::to_string(shape.directions);
  if (shape.T < 1 || shape.B < 1 || shape.I < 1 || shape.H < 1 || shape.layers < 1 ||
      (shape.directions != 1 && shape.directions != 2))
    throw rnn::error("onednn: " + s.name + ": sizes must be >= 1 and D 1 or 2");
  // Shapes for which oneDNN's multi-layer primitive is not PyTorch's network (onednn_rnn.hpp).
  if (shape.layers > 1 && shape.directions == 2)
    throw rnn::error("onednn: " + s.name + ": oneDNN's multi-layer bidirectional primitive runs "
                     "each direction's layers apart, not PyTorch's network; one layer per "
                     "bidirectional primitive");
  if (shape.layers > 1 && shape.I != shape.H)
    throw rnn::error("onednn: " + s.name + ": a multi-layer primitive needs every layer's input "
                     "I = H (oneDNN's one weights_layer shape)");
  s.create(blocks);
}

rnn_primitives::~rnn_primitives() = default;

void rnn_primitives::forward(sequence_inputs<float> in, sequence_outputs<float> out) {
  state& s = *state_;
  const std::size_t cell_state = s.lstm ? s.n.state : 0;
  check_size("x", in.x.size(), s.n.x);
  check_size("h0", in.h0.size(), s.n.state);
  check_size("c0", in.c0.size(), cell_state);
  check_size("output", out.output.size(), s.n.output);
  check_size("h_n", out.h_n.size(), s.n.state);
  check_size("c_n", out.c_n.size(), cell_state);
  point_at(s.x, in.x.data()), point_at(s.h0, in.h0.data()), point_at(s.output, out.output.data());
  point_at(s.h_n, out.h_n.data());
  if (s.lstm) point_at(s.c0, in.c0.data()), point_at(s.c_n, out.c_n.data());
  s.forward.execute(s.stream, s.forward_args);
  s.stream.wait();
}

void rnn_primitives::backward(upstream_gradients<float> upstream,
                              rnn::gradients_view<float> grads) {
  const rnn::parameter_gradients_view<float> block{grads.weight_ih, grads.weight_hh,
                                                   grads.bias_ih, grads.bias_hh};
  stack_gradients g{grads.x, grads.h0, grads.c0, {}};
  if (parameter_gradients_wanted(grads)) g.blocks = {&block, 1};
  backward(upstream, g);
}

void rnn_primitives::backward(upstream_gradients<float> upstream, const stack_gradients& grads) {
  state& s = *state_;
  const stack_shape& p = s.shape;
  const std::size_t cell_state = s.lstm ? s.n.state : 0;
  check_size("grad_output", upstream.output.size(), s.n.output);
  if (!upstream.h_n.empty()) check_size("grad_h_n", upstream.h_n.size(), s.n.state);
  if (!upstream.c_n.empty()) check_size("grad_c_n", upstream.c_n.size(), cell_state);
  const bool parameter_gradients = !grads.blocks.empty();
  if (parameter_gradients) {
    if (grads.blocks.size() != s.n.blocks)
      throw rnn::error("onednn: " + s.name + ": " + std::to_string(grads.blocks.size()) +
                       " parameter gradient blocks, expected L·D = " + std::to_string(s.n.blocks));
    for (std::size_t k = 0; k < s.n.blocks; ++k) {
      const rnn::parameter_gradients_view<float>& b = grads.blocks[k];
      check_size(tensor_name("grad weight_ih", k, s.n.blocks), b.weight_ih.size(), s.n.weight_ih);
      check_size(tensor_name("grad weight_hh", k, s.n.blocks), b.weight_hh.size(), s.n.weight_hh);
      check_size(tensor_name("grad bias_ih", k, s.n.blocks), b.bias_ih.size(), s.n.bias);
      check_size(tensor_name("grad bias_hh", k, s.n.blocks), b.bias_hh.size(), s.n.bias);
    }
  }
  if (!grads.x.empty()) check_size("grad x", grads.x.size(), s.n.x);
  if (!grads.h0.empty()) check_size("grad h0", grads.h0.size(), s.n.state);
  if (!grads.c0.empty()) check_size("grad c0", grads.c0.size(), cell_state);
  point_at(s.diff_output, upstream.output.data());
  point_at(s.diff_h_n, upstream.h_n.empty() ? s.zero_state.data() : upstream.h_n.data());
  if (grads.x.empty()) s.unwanted_x.resize(s.n.x);
  point_at(s.diff_x, grads.x.empty() ? s.unwanted_x.data() : grads.x.data());
  point_at(s.diff_h0, grads.h0.empty() ? s.unwanted_h0.data() : grads.h0.data());
  if (s.lstm) {
    point_at(s.diff_c_n, upstream.c_n.empty() ? s.zero_state.data() : upstream.c_n.data());
    point_at(s.diff_c0, grads.c0.empty() ? s.unwanted_c0.data() : grads.c0.data());
  }
  // oneDNN adds into its weight and bias gradients: they start from zero.
  for (dnnl::memory* m : {&s.diff_weights_layer, &s.diff_weights_iter})
    std::memset(m->get_data_handle(), 0, m->get_desc().get_size());
  std::fill(s.diff_bias_blocks.begin(), s.diff_bias_blocks.end(), 0.0f);
  s.backward.execute(s.stream, s.backward_args);
  s.stream.wait();

  // Not wanted: they stay in oneDNN's layout, where its own users take them from.
  if (!parameter_gradients) return;
  const std::size_t H = std::size_t(p.H), bias_block = std::size_t(s.bias_count) * H;
  for (std::size_t k = 0; k < s.n.blocks; ++k) {
    const rnn::parameter_gradients_view<float>& g = grads.blocks[k];
    const auto l = std::int64_t(k) / p.directions, d = std::int64_t(k) % p.directions;
    to_pytorch_rows(p.cell, s.diff_weights_layer, l, d, p.H, p.I, g.weight_ih);
    to_pytorch_rows(p.cell, s.diff_weights_iter, l, d, p.H, p.H, g.weight_hh);
    const float* blocks = s.diff_bias_blocks.data() + k * bias_block;
    for (int gate = 0; gate < rnn::gate_count(p.cell); ++gate) {
      const float* block = blocks + onednn_gate(p.cell, gate) * H;
      std::copy_n(block, H, g.bias_ih.begin() + gate * H);
      std::copy_n(block, H, g.bias_hh.begin() + gate * H);
    }
    if (p.cell == rnn::cell::gru)  // b_hn, inside r⊙(...), is lbr_gru's fourth block
      std::copy_n(blocks + 3 * H, H, g.bias_hh.begin() + 2 * H);
  }
}

std::size_t rnn_primitives::workspace_bytes() const { return state_->workspace; }
std::size_t rnn_primitives::scratchpad_bytes() const { return state_->scratchpad; }

}  // namespace rnnsuite::impl::onednn
