// Diagnosis of a failing dump (diagnosis.hpp): each convention variant is a change of the dump
// into PyTorch's convention (parameter blocks permuted or transposed, a bias zeroed) plus the GRU
// form the truth is computed in; the dump's gradients move into PyTorch's layout the same way,
// so the variant's truth and the dump are compared block by block as `check` compares them.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "reference/gru_forms.hpp"
#include "reference/reference.hpp"
#include "rnn/error.hpp"
#include "rnnsuite/verify/diagnosis.hpp"

namespace rnnsuite::verify {

namespace {

using reference::gru_form;

// What a variant does to the dump before it is graded in PyTorch's convention.
struct variant {
  std::string name, explanation;
  gru_form form = gru_form::pytorch;
  // Rewrites the parameters and the dump's gradients into PyTorch's convention.
  std::function<void(given_data&, fast_gradients&)> to_pytorch;
};

// Rows of a (G·H)×cols parameter (or its gradient): file block j holds PyTorch's gate order[j].
template <class Vector>
void permute_blocks(Vector& v, const std::vector<int>& order, std::size_t block) {
  if (v.empty()) return;
  const Vector from = v;
  for (std::size_t j = 0; j < order.size(); ++j)
    std::copy_n(from.begin() + static_cast<std::ptrdiff_t>(j * block), block,
                v.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(order[j]) * block));
}

template <class Vector>
void transpose_square(Vector& v, std::size_t n) {
  if (v.empty()) return;
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t c = r + 1; c < n; ++c) std::swap(v[r * n + c], v[c * n + r]);
}

// A framework's name for a gate order, where one uses it.
std::string order_explanation(rnn::cell cell, const std::string& order) {
  if (cell == rnn::cell::lstm) {
    const std::string pretty = fmt::format("{}", fmt::join(order, ","));
    if (order == "iofg") return "an LSTM with ONNX's gate order i,o,f,c (PyTorch's: i,f,g,o)";
    if (order == "igfo")
      return "an LSTM with TensorFlow's gate order i,c,f,o (its i,j,f,o; PyTorch's: i,f,g,o)";
    return "an LSTM with gate order " + pretty + " (PyTorch's: i,f,g,o)";
  }
  if (order == "zrn") return "a GRU with Keras's and ONNX's gate order z,r,n (PyTorch's: r,z,n)";
  return "a GRU with gate order " + fmt::format("{}", fmt::join(order, ",")) +
         " (PyTorch's: r,z,n)";
}

std::vector<variant> variants_of(const rnn::problem& p) {
  std::vector<variant> out;
  const std::size_t H = static_cast<std::size_t>(p.H), I = static_cast<std::size_t>(p.I);
  const int G = p.G();
  if (G > 1) {
    const std::string gates = p.cell == rnn::cell::lstm ? "ifgo" : "rzn";
    std::vector<int> order(static_cast<std::size_t>(G));
    std::iota(order.begin(), order.end(), 0);
    while (std::next_permutation(order.begin(), order.end())) {
      std::string letters;
      for (int k : order) letters += gates[static_cast<std::size_t>(k)];
      variant v;
      v.name = (p.cell == rnn::cell::lstm ? "lstm_gate_order_" : "gru_gate_order_") + letters;
      v.explanation = order_explanation(p.cell, letters);
      v.to_pytorch = [order, H, I](given_data& d, fast_gradients& g) {
        permute_blocks(d.params.weight_ih, order, H * I);
        permute_blocks(d.params.weight_hh, order, H * H);
        permute_blocks(d.params.bias_ih, order, H);
        permute_blocks(d.params.bias_hh, order, H);
        permute_blocks(g.weight_ih, order, H * I);
        permute_blocks(g.weight_hh, order, H * H);
        permute_blocks(g.bias_ih, order, H);
        permute_blocks(g.bias_hh, order, H);
      };
      out.push_back(std::move(v));
    }
  }
  if (p.cell == rnn::cell::gru) {
    out.push_back({"gru_reset_before_product",
                   "a GRU in Cho's form, the reset applied before the product: "
                   "n = tanh(W_in x + b_in + W_hn (r ⊙ h') + b_hn) (Keras reset_after=False)",
                   gru_form::reset_before_product, [](given_data&, fast_gradients&) {}});
    out.push_back({"gru_bias_outside_reset",
                   "a GRU whose b_hn sits outside the reset: n = tanh(W_in x + b_in + b_hn + "
                   "r ⊙ (W_hn h'))",
                   gru_form::bias_outside_reset, [](given_data&, fast_gradients&) {}});
  }
  // One bias: the implementation ignores b_hh (or b_ih); that gradient is not graded.
  using bias_member = rnn::aligned_vector<double> rnn::parameters<double>::*;
  using gradient_member = std::vector<double> fast_gradients::*;
  auto ignored = [](const char* which, bias_member bias, gradient_member gradient) {
    return variant{std::string(which) + "_ignored",
                   std::string("one bias instead of two: ") + which +
                       "_l0 ignored (its gradient is not graded)",
                   gru_form::pytorch, [bias, gradient](given_data& d, fast_gradients& g) {
                     std::fill((d.params.*bias).begin(), (d.params.*bias).end(), 0.0);
                     (g.*gradient).clear();
                   }};
  };
  out.push_back(ignored("bias_hh", &rnn::parameters<double>::bias_hh, &fast_gradients::bias_hh));
  out.push_back(ignored("bias_ih", &rnn::parameters<double>::bias_ih, &fast_gradients::bias_ih));
  // A square weight used transposed, its gradient transposed back (a non-square one's shape
  // already tells: parse_dump refuses it).
  using weight_member = rnn::aligned_vector<double> rnn::parameters<double>::*;
  auto transposed = [](const char* which, std::size_t n, weight_member weight,
                       gradient_member gradient, const char* how) {
    return variant{std::string(which) + "_transposed",
                   std::string("transposed weights: ") + which + "_l0 used " + how +
                       ", its gradient transposed the same way",
                   gru_form::pytorch, [n, weight, gradient](given_data& d, fast_gradients& g) {
                     transpose_square(d.params.*weight, n);
                     transpose_square(g.*gradient, n);
                   }};
  };
  if (G == 1)
    out.push_back(transposed("weight_hh", H, &rnn::parameters<double>::weight_hh,
                             &fast_gradients::weight_hh,
                             "as W_hhᵀ (h' W_hh where PyTorch computes W_hh h')"));
  if (G == 1 && H == I)
    out.push_back(transposed("weight_ih", I, &rnn::parameters<double>::weight_ih,
                             &fast_gradients::weight_ih, "as W_ihᵀ"));
  return out;
}

// The reference in double on the variant's data: the screen.
struct screened {
  forward_values forward;
  fast_gradients gradients;
};

screened in_double(const given_data& d, gru_form form) {
  const rnn::problem& p = d.problem;
  auto v = [](const auto& from) { return std::vector<double>(from.begin(), from.end()); };
  const reference::weights<double> w{v(d.params.weight_ih), v(d.params.weight_hh),
                                     v(d.params.bias_ih), v(d.params.bias_hh)};
  const bool other_gru = p.cell == rnn::cell::gru && form != gru_form::pytorch;
  const auto run = other_gru ? reference::gru_form_forward(p, w, d.x, d.h0, form)
                             : reference::forward(p, w, d.x, d.h0, d.c0);
  const auto g = other_gru
                     ? reference::gru_form_backward(p, w, run, d.grad_output, d.grad_h_n, form)
                     : reference::backward(p, w, run, d.grad_output, d.grad_h_n, d.grad_c_n);
  return {{run.output, run.h_n, run.c_n},
          {g.weight_ih, g.weight_hh, g.bias_ih, g.bias_hh, g.x, g.h0, g.c0, g.h, g.c, {}}};
}

// ‖a − b‖ / ‖b‖ over every array the dump holds (a empty: not held); +inf when not finite.
double distance(const std::vector<std::pair<const std::vector<double>*, const std::vector<double>*>>&
                    pairs,
                double scale = 1) {
  double diff = 0, norm = 0;
  for (const auto& [a, b] : pairs) {
    if (a->empty()) continue;
    if (a->size() != b->size()) return std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < a->size(); ++k) {
      const double d = (*a)[k] / scale - (*b)[k];
      diff += d * d, norm += (*b)[k] * (*b)[k];
    }
  }
  if (!std::isfinite(diff) || !std::isfinite(norm)) return std::numeric_limits<double>::infinity();
  return norm > 0 ? std::sqrt(diff / norm) : (diff > 0 ? std::numeric_limits<double>::infinity()
                                                        : 0.0);
}

auto gradient_pairs(const fast_gradients& given, const fast_gradients& truth) {
  std::vector<std::pair<const std::vector<double>*, const std::vector<double>*>> pairs;
  const auto a = given.members(), b = truth.members();
  for (std::size_t k = 0; k < a.size(); ++k) pairs.push_back({a[k], b[k]});
  return pairs;
}

auto forward_pairs(const forward_values& given, const forward_values& truth) {
  return std::vector<std::pair<const std::vector<double>*, const std::vector<double>*>>{
      {&given.output, &truth.output}, {&given.h_n, &truth.h_n}, {&given.c_n, &truth.c_n}};
}

// A screen passes well below any real match's error and well above a wrong convention's.
constexpr double screen = 1e-2;

// The dump graded in full against a variant's truth.
std::optional<variant_match> graded(const dump& d, const given_data& data,
                                    const fast_gradients& gradients, gru_form form,
                                    std::string name, std::string explanation) {
  variant_match m;
  m.name = std::move(name), m.explanation = std::move(explanation);
  const fast_path_check check(data, "dump+" + m.name, form);
  m.forward = check.grade_forward(d.forward, "dump");
  m.backward = check.grade(gradients, "dump");
  if (!acceptable(m.forward.outcome) || !acceptable(m.backward.outcome)) return std::nullopt;
  return m;
}

// A factor the gradients are off by, named when it is a count of the problem's: a loss summed
// over N outputs where the mean's grad_output was dumped (or the other way round).
std::string factor_explanation(double alpha, const rnn::problem& p, double& exact) {
  const double T = double(p.T), B = double(p.B), H = double(p.H);
  const std::vector<std::pair<double, std::string>> counts = {
      {B * H, fmt::format("B·H = {} (the last step's outputs)", B * H)},
      {T * B * H, fmt::format("T·B·H = {} (every output)", T * B * H)},
      {B, fmt::format("B = {} (the batch)", B)},
      {T, fmt::format("T = {} (the steps)", T)},
      {T * B, fmt::format("T·B = {}", T * B)}};
  for (const auto& [n, what] : counts) {
    if (std::fabs(alpha / n - 1) < 1e-3) {
      exact = n;
      return fmt::format("gradients {} × the reference's, N = {}: a loss summed over N where "
                         "grad_output is the mean's (or grad_output averaged where the loss "
                         "was summed)", n, what);
    }
    if (std::fabs(alpha * n - 1) < 1e-3) {
      exact = 1 / n;
      return fmt::format("gradients 1/{} of the reference's, N = {}: a loss averaged over N "
                         "where grad_output is the sum's", n, what);
    }
  }
  exact = alpha;
  return fmt::format("gradients {:.6g} × the reference's (a scaled loss)", alpha);
}

}  // namespace

std::string variants_tried(const rnn::problem& p) {
  std::vector<std::string> names;
  for (const variant& v : variants_of(p)) names.push_back(v.name);
  names.push_back("gradients_scaled");
  return fmt::format("{}", fmt::join(names, ", "));
}

std::vector<variant_match> diagnose(const dump& d) {
  // The variants' truths are single layers of full sequences; a packed dump gets no diagnosis.
  if (!d.data.lengths.empty() || rnn::has_lengths(d.data.problem)) return {};
  std::vector<std::pair<double, variant_match>> found;
  const fast_gradients none;
  // Gradients a factor off: the forward must match PyTorch's, the gradients only after scaling.
  {
    const screened truth = in_double(d.data, gru_form::pytorch);
    double dot = 0, norm = 0;
    for (const auto& [given, t] : gradient_pairs(d.gradients, truth.gradients))
      if (!given->empty() && given->size() == t->size())
        for (std::size_t k = 0; k < given->size(); ++k)
          dot += (*given)[k] * (*t)[k], norm += (*t)[k] * (*t)[k];
    const double alpha = norm > 0 ? dot / norm : 0;
    if (std::isfinite(alpha) && alpha != 0 && std::fabs(alpha - 1) > 1e-3 &&
        distance(forward_pairs(d.forward, truth.forward)) < screen &&
        distance(gradient_pairs(d.gradients, truth.gradients), alpha) < screen) {
      double exact = alpha;
      std::string why = factor_explanation(alpha, d.data.problem, exact);
      fast_gradients scaled = d.gradients;
      for (std::vector<double>* v : scaled.members())
        for (double& value : *v) value /= exact;
      if (auto m = graded(d, d.data, scaled, gru_form::pytorch, "gradients_scaled", why))
        found.push_back({m->backward.worst_ratio, std::move(*m)});
    }
  }
  for (const variant& v : variants_of(d.data.problem)) {
    given_data data = d.data;
    fast_gradients gradients = d.gradients;
    v.to_pytorch(data, gradients);
    const screened truth = in_double(data, v.form);
    const double off = std::max(distance(forward_pairs(d.forward, truth.forward)),
                                distance(gradient_pairs(gradients, truth.gradients)));
    if (!(off < screen)) continue;
    if (auto m = graded(d, data, gradients, v.form, v.name, v.explanation))
      found.push_back({std::max(m->forward.worst_ratio, m->backward.worst_ratio), std::move(*m)});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<variant_match> out;
  for (auto& [ratio, m] : found) out.push_back(std::move(m));
  return out;
}

}  // namespace rnnsuite::verify
