#include "onednn_runner.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <dnnl.hpp>

#include "rnn/cell.hpp"

namespace bench {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using dims = dnnl::memory::dims;

int onednn_gate(rnn::cell c, int pytorch_gate) {
  if (c != rnn::cell::gru) return pytorch_gate;
  constexpr int gru_block[3] = {1, 0, 2};  // r -> r (1), z -> u (0), n -> o (2)
  return gru_block[pytorch_gate];
}

namespace {

// PyTorch's (G·H)×K weights with their gate blocks moved to oneDNN's order: that is oneDNN's
// ldgoi layout (l, d, gate, output, input), which a reorder turns into the preferred one.
std::vector<float> to_onednn_gates(rnn::cell c, const std::vector<float>& w, std::size_t H,
                                   std::size_t K) {
  const int G = rnn::gate_count(c);
  std::vector<float> out(w.size());
  for (int g = 0; g < G; ++g)
    std::copy_n(w.begin() + g * H * K, H * K, out.begin() + onednn_gate(c, g) * H * K);
  return out;
}

std::vector<float> from_onednn_gates(rnn::cell c, const std::vector<float>& w, std::size_t H,
                                     std::size_t K) {
  const int G = rnn::gate_count(c);
  std::vector<float> out(w.size());
  for (int g = 0; g < G; ++g)
    std::copy_n(w.begin() + onednn_gate(c, g) * H * K, H * K, out.begin() + g * H * K);
  return out;
}

dnnl::algorithm activation_of(rnn::cell c) {
  switch (c) {
    case rnn::cell::elman_sigmoid: return dnnl::algorithm::eltwise_logistic;
    case rnn::cell::elman_relu: return dnnl::algorithm::eltwise_relu;
    default: return dnnl::algorithm::eltwise_tanh;
  }
}

}  // namespace

struct onednn_runner::impl {
  const problem_data<float>& data;
  rnn::cell cell;
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  dnnl::primitive forward, backward;
  std::unordered_map<int, dnnl::memory> forward_args, backward_args;
  dnnl::memory diff_weights_layer, diff_weights_iter, diff_bias;  // oneDNN's chosen layouts
  std::size_t workspace = 0, scratchpad = 0;
  std::vector<float> bias_blocks;  // Gb×H, oneDNN order
  // Outputs: T×B×H (out_layer), B×H (the iter ones), T×B×I (diff_src_layer).
  std::vector<float> out_layer, out_iter, out_iter_c;
  std::vector<float> diff_src_layer, diff_src_iter, diff_src_iter_c;
  // Inputs oneDNN takes as non-const handles; copies keep problem_data untouched.
  std::vector<float> src_layer, src_iter, src_iter_c;
  std::vector<float> diff_dst_layer, diff_dst_iter, diff_dst_iter_c;

  explicit impl(const problem_data<float>& d) : data(d), cell(d.p.cell) {}

  dnnl::memory user(const dims& shape, tag t, std::vector<float>& buffer) {
    return dnnl::memory({shape, dt::f32, t}, engine, buffer.data());
  }
  dnnl::memory reordered(const dnnl::memory& from, const dnnl::memory::desc& to_desc) {
    dnnl::memory to(to_desc, engine);
    dnnl::reorder(from, to).execute(stream, const_cast<dnnl::memory&>(from), to);
    stream.wait();
    return to;
  }

  template <class Fwd, class Bwd, class MakeFwd, class MakeBwd>
  void build(MakeFwd make_forward_desc, MakeBwd make_backward_desc);
};

template <class Fwd, class Bwd, class MakeFwd, class MakeBwd>
void onednn_runner::impl::build(MakeFwd make_forward_desc, MakeBwd make_backward_desc) {
  const rnn::problem& p = data.p;
  const bool lstm = cell == rnn::cell::lstm;
  const int G = p.G(), bias_count = cell == rnn::cell::gru ? 4 : G;
  const dims layer_in{p.T, p.B, p.I}, layer_out{p.T, p.B, p.H}, state{1, 1, p.B, p.H};
  const dims w_layer{1, 1, p.I, G, p.H}, w_iter{1, 1, p.H, G, p.H}, bias{1, 1, bias_count, p.H};
  const dnnl::memory::desc src_layer_d{layer_in, dt::f32, tag::tnc},
      state_d{state, dt::f32, tag::ldnc}, dst_layer_d{layer_out, dt::f32, tag::tnc},
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

  // Weights: PyTorch's rows with oneDNN's gate order are ldgoi; reorder once per primitive.
  std::vector<float> w_ih = to_onednn_gates(cell, data.weight_ih, p.H, p.I);
  std::vector<float> w_hh = to_onednn_gates(cell, data.weight_hh, p.H, p.H);
  const dnnl::memory user_w_layer = user(w_layer, tag::ldgoi, w_ih);
  const dnnl::memory user_w_iter = user(w_iter, tag::ldgoi, w_hh);
  bias_blocks.assign(std::size_t(bias_count * p.H), 0.0f);
  for (int g = 0; g < G; ++g)
    for (std::int64_t j = 0; j < p.H; ++j) {
      const std::size_t from = g * p.H + j, to = onednn_gate(cell, g) * p.H + j;
      // GRU's hidden-side bias of n sits inside r⊙(...): lbr_gru's fourth block holds it apart.
      const bool apart = cell == rnn::cell::gru && g == 2;
      bias_blocks[to] = data.bias_ih[from] + (apart ? 0.0f : data.bias_hh[from]);
      if (apart) bias_blocks[3 * p.H + j] = data.bias_hh[from];
    }

  src_layer = data.x, src_iter = data.h0, src_iter_c = data.c0;
  diff_dst_layer = data.grad_output, diff_dst_iter = data.grad_h_n, diff_dst_iter_c = data.grad_c_n;
  const std::size_t sequence = std::size_t(p.T * p.B * p.H), states = std::size_t(p.B * p.H);
  out_layer.resize(sequence), out_iter.resize(states), out_iter_c.resize(lstm ? states : 0);
  diff_src_layer.resize(data.x.size()), diff_src_iter.resize(states);
  diff_src_iter_c.resize(lstm ? states : 0);

  const dnnl::memory workspace_memory(forward_pd.workspace_desc(), engine);
  workspace = forward_pd.workspace_desc().get_size();
  scratchpad = forward_pd.scratchpad_desc().get_size() + backward_pd.scratchpad_desc().get_size();
  const dnnl::memory x = user(layer_in, tag::tnc, src_layer), h0 = user(state, tag::ldnc, src_iter),
                     b = user(bias, tag::ldgo, bias_blocks),
                     out = user(layer_out, tag::tnc, out_layer),
                     h_n = user(state, tag::ldnc, out_iter);
  forward_args = {{DNNL_ARG_SRC_LAYER, x}, {DNNL_ARG_SRC_ITER, h0},
                  {DNNL_ARG_WEIGHTS_LAYER,
                   reordered(user_w_layer, forward_pd.weights_layer_desc())},
                  {DNNL_ARG_WEIGHTS_ITER, reordered(user_w_iter, forward_pd.weights_iter_desc())},
                  {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST_LAYER, out}, {DNNL_ARG_DST_ITER, h_n},
                  {DNNL_ARG_WORKSPACE, workspace_memory},
                  {DNNL_ARG_SCRATCHPAD, dnnl::memory(forward_pd.scratchpad_desc(), engine)}};
  diff_weights_layer = dnnl::memory(backward_pd.diff_weights_layer_desc(), engine);
  diff_weights_iter = dnnl::memory(backward_pd.diff_weights_iter_desc(), engine);
  diff_bias = dnnl::memory(backward_pd.diff_bias_desc(), engine);
  backward_args = {
      {DNNL_ARG_SRC_LAYER, x}, {DNNL_ARG_SRC_ITER, h0},
      {DNNL_ARG_WEIGHTS_LAYER, reordered(user_w_layer, backward_pd.weights_layer_desc())},
      {DNNL_ARG_WEIGHTS_ITER, reordered(user_w_iter, backward_pd.weights_iter_desc())},
      {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST_LAYER, out}, {DNNL_ARG_DST_ITER, h_n},
      {DNNL_ARG_WORKSPACE, workspace_memory},
      {DNNL_ARG_SCRATCHPAD, dnnl::memory(backward_pd.scratchpad_desc(), engine)},
      {DNNL_ARG_DIFF_SRC_LAYER, user(layer_in, tag::tnc, diff_src_layer)},
      {DNNL_ARG_DIFF_SRC_ITER, user(state, tag::ldnc, diff_src_iter)},
      {DNNL_ARG_DIFF_WEIGHTS_LAYER, diff_weights_layer},
      {DNNL_ARG_DIFF_WEIGHTS_ITER, diff_weights_iter}, {DNNL_ARG_DIFF_BIAS, diff_bias},
      {DNNL_ARG_DIFF_DST_LAYER, user(layer_out, tag::tnc, diff_dst_layer)},
      {DNNL_ARG_DIFF_DST_ITER, user(state, tag::ldnc, diff_dst_iter)}};
  if (lstm) {
    const dnnl::memory c0 = user(state, tag::ldnc, src_iter_c),
                       c_n = user(state, tag::ldnc, out_iter_c);
    forward_args.insert({{DNNL_ARG_SRC_ITER_C, c0}, {DNNL_ARG_DST_ITER_C, c_n}});
    backward_args.insert(
        {{DNNL_ARG_SRC_ITER_C, c0}, {DNNL_ARG_DST_ITER_C, c_n},
         {DNNL_ARG_DIFF_SRC_ITER_C, user(state, tag::ldnc, diff_src_iter_c)},
         {DNNL_ARG_DIFF_DST_ITER_C, user(state, tag::ldnc, diff_dst_iter_c)}});
  }
}

onednn_runner::onednn_runner(const problem_data<float>& data)
    : impl_(std::make_unique<impl>(data)) {
  using md = dnnl::memory::desc;
  const auto fwd = dnnl::prop_kind::forward_training;
  const auto bwd = dnnl::prop_kind::backward;
  const auto dir = dnnl::rnn_direction::unidirectional_left2right;
  switch (data.p.cell) {
    case rnn::cell::lstm:
      impl_->build<dnnl::lstm_forward, dnnl::lstm_backward>(
          [&](md x, md s, md c, md wl, md wi, md b, md y) {
            return dnnl::lstm_forward::desc(fwd, dir, x, s, c, wl, wi, b, y, s, c);
          },
          [&](md x, md s, md c, md wl, md wi, md b, md y) {
            return dnnl::lstm_backward::desc(bwd, dir, x, s, c, wl, wi, b, y, s, c, x, s, c, wl,
                                             wi, b, y, s, c);
          });
      break;
    case rnn::cell::gru:
      impl_->build<dnnl::lbr_gru_forward, dnnl::lbr_gru_backward>(
          [&](md x, md s, md, md wl, md wi, md b, md y) {
            return dnnl::lbr_gru_forward::desc(fwd, dir, x, s, wl, wi, b, y, s);
          },
          [&](md x, md s, md, md wl, md wi, md b, md y) {
            return dnnl::lbr_gru_backward::desc(bwd, dir, x, s, wl, wi, b, y, s, x, s, wl, wi, b,
                                                y, s);
          });
      break;
    default: {
      const dnnl::algorithm f = activation_of(data.p.cell);
      impl_->build<dnnl::vanilla_rnn_forward, dnnl::vanilla_rnn_backward>(
          [&](md x, md s, md, md wl, md wi, md b, md y) {
            return dnnl::vanilla_rnn_forward::desc(fwd, f, dir, x, s, wl, wi, b, y, s);
          },
          [&](md x, md s, md, md wl, md wi, md b, md y) {
            return dnnl::vanilla_rnn_backward::desc(bwd, f, dir, x, s, wl, wi, b, y, s, x, s, wl,
                                                    wi, b, y, s);
          });
    }
  }
}

onednn_runner::~onednn_runner() = default;

void onednn_runner::forward() {
  impl_->forward.execute(impl_->stream, impl_->forward_args);
  impl_->stream.wait();
}

void onednn_runner::backward() {
  for (dnnl::memory* m : {&impl_->diff_weights_layer, &impl_->diff_weights_iter, &impl_->diff_bias})
    std::memset(m->get_data_handle(), 0, m->get_desc().get_size());
  impl_->backward.execute(impl_->stream, impl_->backward_args);
  impl_->stream.wait();
}

onednn_results onednn_runner::results() const {
  impl& m = *impl_;
  const rnn::problem& p = m.data.p;
  const int G = p.G();
  auto to_plain = [&](const dnnl::memory& from, std::int64_t K) {
    std::vector<float> plain(std::size_t(G * p.H * K));
    const dims shape{1, 1, K, G, p.H};
    dnnl::memory to({shape, dt::f32, tag::ldgoi}, m.engine, plain.data());
    dnnl::reorder(from, to).execute(m.stream, const_cast<dnnl::memory&>(from), to);
    m.stream.wait();
    return from_onednn_gates(m.cell, plain, p.H, K);
  };
  onednn_results r;
  r.output = m.out_layer, r.h_n = m.out_iter, r.c_n = m.out_iter_c;
  r.grad_x = m.diff_src_layer, r.grad_h0 = m.diff_src_iter, r.grad_c0 = m.diff_src_iter_c;
  r.grad_weight_ih = to_plain(m.diff_weights_layer, p.I);
  r.grad_weight_hh = to_plain(m.diff_weights_iter, p.H);
  const float* bias = static_cast<const float*>(m.diff_bias.get_data_handle());
  r.grad_bias_blocks.assign(bias, bias + m.diff_bias.get_desc().get_size() / sizeof(float));
  return r;
}

std::size_t onednn_runner::workspace_bytes() const { return impl_->workspace; }
std::size_t onednn_runner::scratchpad_bytes() const { return impl_->scratchpad; }

}  // namespace bench
