// The streaming k1/k2 truncated-BPTT schedule on top of rnn::layer.
// Window ends e = k1, 2·k1, ... (the last one is T). Each window backpropagates the upstream
// gradient of its new steps [previous end, e) through [max(0, e−k2), e), starting from the state
// carried by the forward pass. With k2 >= T every window reaches step 0, so the sum over windows
// is exactly full BPTT.
#include "rnn/tbptt.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "layer_impl.hpp"

namespace rnn {

namespace {

template <class Real>
void add_into(std::span<Real> sum, std::span<const Real> part) {
  for (std::size_t i = 0; i < part.size(); ++i) sum[i] += part[i];
}

}  // namespace

template <class Real>
void streaming_tbptt(const problem& p, parameters_view<Real> params, tbptt_schedule schedule,
                     std::span<const Real> x, std::span<const Real> h0, std::span<const Real> c0,
                     std::span<const Real> grad_output, gradients_view<Real> grads,
                     layer_options options) {
  const tensor_sizes n = sizes_of(p);
  const char* where = "streaming_tbptt";
  if (schedule.k1 < 1)
    throw error("streaming_tbptt: schedule.k1 must be >= 1, got " + std::to_string(schedule.k1));
  if (schedule.k2 < schedule.k1)
    throw error("streaming_tbptt: schedule.k2 must be >= k1 = " + std::to_string(schedule.k1) +
                ", got " + std::to_string(schedule.k2));
  const bool lstm = has_cell_state(p.cell);
  const std::size_t state = n.state, row_x = p.B * p.I;
  detail::check_size(where, "x", x.size(), n.x, "T×B×I");
  detail::check_size(where, "h0", h0.size(), state, "B×H");
  detail::check_size(where, "c0", c0.size(), lstm ? state : 0, lstm ? "B×H" : "empty, not LSTM");
  detail::check_size(where, "grad_output", grad_output.size(), n.sequence, "T×B×H");
  detail::check_size(where, "grads.weight_ih", grads.weight_ih.size(), n.weight_ih, "(G·H)×I");
  detail::check_size(where, "grads.weight_hh", grads.weight_hh.size(), n.weight_hh, "(G·H)×H");
  detail::check_size(where, "grads.bias_ih", grads.bias_ih.size(), n.bias, "G·H");
  detail::check_size(where, "grads.bias_hh", grads.bias_hh.size(), n.bias, "G·H");
  detail::check_optional(where, "grads.x", grads.x.size(), n.x, "T×B×I or empty");
  detail::check_optional(where, "grads.h0", grads.h0.size(), state, "B×H or empty");
  detail::check_optional(where, "grads.c0", grads.c0.size(), lstm ? state : 0, "B×H or empty");
  detail::check_optional(where, "grads.h", grads.h.size(), n.sequence, "T×B×H or empty");
  detail::check_optional(where, "grads.c", grads.c.size(), lstm ? n.sequence : 0, "T×B×H or empty");

  // One layer per distinct window length (at most a few: the first windows are shorter).
  std::map<std::int64_t, layer<Real>> layers;
  auto layer_of = [&](std::int64_t steps) -> layer<Real>& {
    auto it = layers.find(steps);
    if (it == layers.end()) {
      problem q = p;
      q.T = steps;
      it = layers.emplace(steps, layer<Real>(q, params, options)).first;
    }
    return it->second;
  };

  const std::int64_t longest = std::min(p.T, schedule.k2);
  const std::size_t seq = longest * state;
  aligned_vector<Real> h(h0.begin(), h0.end()), c(c0.begin(), c0.end());  // B×H carried state
  aligned_vector<Real> h_n(state), c_n(lstm ? state : 0);                  // B×H
  aligned_vector<Real> output(seq), window_grad_output(seq);               // window×B×H
  aligned_vector<Real> d_weight_ih(n.weight_ih), d_weight_hh(n.weight_hh);
  aligned_vector<Real> d_bias_ih(n.bias), d_bias_hh(n.bias);
  aligned_vector<Real> d_x(grads.x.empty() ? 0 : longest * row_x);
  aligned_vector<Real> d_h0(grads.h0.empty() ? 0 : state), d_c0(grads.c0.empty() ? 0 : state);
  aligned_vector<Real> d_h(grads.h.empty() ? 0 : seq), d_c(grads.c.empty() ? 0 : seq);
  for (auto out : {grads.weight_ih, grads.weight_hh, grads.bias_ih, grads.bias_hh, grads.x,
                   grads.h0, grads.c0, grads.h, grads.c})
    std::fill(out.begin(), out.end(), Real(0));

  std::int64_t carried_at = 0, previous_end = 0;
  while (previous_end < p.T) {
    const std::int64_t end = std::min(previous_end + schedule.k1, p.T);
    const std::int64_t start = std::max<std::int64_t>(
        0, end - schedule.k2 +
               (RNNSUITE_PLANTED(streaming_window_short) && schedule.k2 > schedule.k1 ? 1 : 0));
    const std::int64_t steps = end - start;
    if (start > carried_at) {  // move the carried state up to the window's first step
      const std::int64_t advance = start - carried_at;
      layer_of(advance).forward(x.subspan(carried_at * row_x, advance * row_x), h, c,
                                std::span<Real>(output).first(advance * state), h_n, c_n);
      h = h_n, c = c_n;
      if (RNNSUITE_PLANTED(streaming_cell_state_dropped)) c.assign(c0.begin(), c0.end());
      carried_at = start;
    }
    layer<Real>& window = layer_of(steps);
    const std::span<Real> window_output = std::span<Real>(output).first(steps * state);
    window.forward(x.subspan(start * row_x, steps * row_x), h, c, window_output, h_n, c_n);
    // Upstream gradient only on the steps new since the last backward pass.
    std::span<Real> upstream = std::span<Real>(window_grad_output).first(steps * state);
    std::fill(upstream.begin(), upstream.end(), Real(0));
    std::copy(grad_output.begin() + previous_end * state, grad_output.begin() + end * state,
              upstream.begin() + (previous_end - start) * state);
    gradients_view<Real> part{d_weight_ih, d_weight_hh, d_bias_ih, d_bias_hh,
                              std::span<Real>(d_x).first(d_x.empty() ? 0 : steps * row_x),
                              d_h0, d_c0,
                              std::span<Real>(d_h).first(d_h.empty() ? 0 : steps * state),
                              std::span<Real>(d_c).first(d_c.empty() ? 0 : steps * state)};
    window.backward(upstream, {}, {}, part, 0);
    add_into<Real>(grads.weight_ih, d_weight_ih);
    add_into<Real>(grads.weight_hh, d_weight_hh);
    add_into<Real>(grads.bias_ih, d_bias_ih);
    add_into<Real>(grads.bias_hh, d_bias_hh);
    if (!grads.x.empty()) add_into<Real>(grads.x.subspan(start * row_x), part.x);
    if (!grads.h.empty()) add_into<Real>(grads.h.subspan(start * state), part.h);
    if (!grads.c.empty()) add_into<Real>(grads.c.subspan(start * state), part.c);
    if (start == 0) {
      if (!grads.h0.empty()) add_into<Real>(grads.h0, d_h0);
      if (!grads.c0.empty()) add_into<Real>(grads.c0, d_c0);
    }
    previous_end = end;
  }
}

template void streaming_tbptt<float>(const problem&, parameters_view<float>, tbptt_schedule,
                                     std::span<const float>, std::span<const float>,
                                     std::span<const float>, std::span<const float>,
                                     gradients_view<float>, layer_options);
template void streaming_tbptt<double>(const problem&, parameters_view<double>, tbptt_schedule,
                                      std::span<const double>, std::span<const double>,
                                      std::span<const double>, std::span<const double>,
                                      gradients_view<double>, layer_options);

}  // namespace rnn
