// A network's dump: its layers and directions from the files' names, its data laid out as
// rnn::network takes it (dump_network.hpp).
#include "dump_network.hpp"

#include <string>

#include "rnn/problem.hpp"

namespace rnnsuite::verify::dump_detail {

std::optional<block_file> parse_block_name(const std::string& name) {
  static const char* const kinds[] = {"weight_ih",      "weight_hh",      "bias_ih",
                                      "bias_hh",        "grad_weight_ih", "grad_weight_hh",
                                      "grad_bias_ih",   "grad_bias_hh",   "grad_h",
                                      "grad_c"};
  for (const char* kind : kinds) {
    const std::string prefix = std::string(kind) + "_l";
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    std::size_t end = prefix.size();
    while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
    const std::string digits = name.substr(prefix.size(), end - prefix.size());
    const std::string rest = name.substr(end);
    if (digits.empty() || (!rest.empty() && rest != "_reverse")) return std::nullopt;
    std::size_t layer = kTooMany;
    if (digits.size() <= 9) layer = static_cast<std::size_t>(std::stoul(digits));
    return block_file{kind, digits, layer, !rest.empty()};
  }
  return std::nullopt;
}

std::string suffix_of(std::size_t l, std::size_t d) {
  return "_l" + std::to_string(l) + (d == 1 ? "_reverse" : "");
}
std::pair<std::size_t, std::size_t> infer_layers_and_directions(
    const shapes& s, const std::vector<std::pair<std::string, block_file>>& blocks) {
  std::size_t L = 1;
  while (s.has("weight_ih" + suffix_of(L, 0))) ++L;  // ends: each step needs another file
  const std::pair<std::string, block_file>* beyond = nullptr;  // the lowest weight_ih_l{>L}
  for (const auto& entry : blocks)
    if (entry.second.kind == "weight_ih" && !entry.second.reverse && entry.second.layer > L &&
        (!beyond || entry.second.layer < beyond->second.layer))
      beyond = &entry;
  if (beyond)
    throw rnn::error(fmt::format("{}/weight_ih_l{}.npy: missing, but {}.npy is present (layers "
                                 "are numbered from l0 without a gap)",
                                 s.folder, L, beyond->first));
  const std::string layers_text =
      L == 1 ? std::string("one layer, l0") : fmt::format("{} layers, l0 .. l{}", L, L - 1);
  for (const auto& [name, b] : blocks)
    if (b.layer >= L)
      throw rnn::error(fmt::format("{}: a file of layer {}, but there is no weight_ih_l{}.npy: "
                                   "the dump has {} (from weight_ih_l<l>.npy)",
                                   s.file(name), b.digits, b.digits, layers_text));
  std::size_t D = 1;
  std::string bidirectional_by;  // the first reverse direction's file
  for (const auto& [name, b] : blocks)  // named by a weight_ih_l<l>_reverse where there is one
    if (b.reverse && (bidirectional_by.empty() || b.kind == "weight_ih")) {
      D = 2, bidirectional_by = name;
      if (b.kind == "weight_ih") break;
    }
  const std::size_t K = L * D;  // blocks k = l·D + d
  auto block_name = [D](const char* kind, std::size_t k) {
    return std::string(kind) + suffix_of(k / D, k % D);
  };
  for (std::size_t k = 0; k < K; ++k)
    for (const char* kind : {"weight_ih", "weight_hh"}) {
      const std::string name = block_name(kind, k);
      if (s.has(name)) continue;
      if (k % D == 0)
        throw rnn::error(fmt::format("{}/{}.npy: missing (weight_ih_l{}.npy is present: every "
                                     "layer needs weight_ih and weight_hh)",
                                     s.folder, name, k / D));
      throw rnn::error(fmt::format("{}/{}.npy: missing ({}.npy makes the network bidirectional: "
                                   "every layer needs weight_ih and weight_hh in both directions)",
                                   s.folder, name, bidirectional_by));
    }
  // bias=False drops every block's biases: all of a kind or none.
  for (const char* kind : {"bias_ih", "bias_hh"}) {
    std::vector<std::string> names;
    for (std::size_t k = 0; k < K; ++k) names.push_back(block_name(kind, k));
    const auto [present, absent] = first_present_and_missing(s, names);
    if (!present.empty() && !absent.empty())
      throw rnn::error(fmt::format("{}/{}.npy: missing, but {}.npy is present (bias=False drops "
                                   "the biases of every layer and direction: a network has all "
                                   "of them or none)",
                                   s.folder, absent, present));
  }
  return {L, D};
}

void fill_network(const shapes& s, dump& out, std::size_t K, std::size_t D) {
  given_data& d = out.data;
  const rnn::problem& p = d.problem;
  const rnn::network_sizes n = rnn::network_sizes_of(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  auto name_of = [D](const std::string& kind, std::size_t k) {
    return kind + suffix_of(k / D, k % D);
  };
  auto every_block = [&](const std::string& kind) {
    std::vector<std::string> names;
    for (std::size_t k = 0; k < K; ++k) names.push_back(name_of(kind, k));
    return names;
  };
  d.network_parameters.reserve(n.parameters);
  for (std::size_t k = 0; k < K; ++k) {
    const rnn::tensor_sizes b = rnn::sizes_of(rnn::layer_problem(p, std::int64_t(k / D)));
    const std::size_t sizes[] = {b.weight_ih, b.weight_hh, b.bias, b.bias};
    for (std::size_t t = 0; t < 4; ++t) {
      const std::string name = name_of(kParameterKinds[t], k);
      const std::size_t size = sizes[t];
      if (s.has(name))
        d.network_parameters.insert(d.network_parameters.end(), s.at(name).values.begin(),
                                    s.at(name).values.end());
      else
        d.network_parameters.insert(d.network_parameters.end(), size, 0.0);  // a bias (bias=False)
    }
  }
  if (d.network_parameters.size() != n.parameters)
    throw rnn::error(fmt::format("{}: internal error: {} parameters read, {} needs {}", s.folder,
                                 d.network_parameters.size(), rnn::format_problem(p),
                                 n.parameters));
  const std::string any_block = D == 2 ? "_l<l>[_reverse]" : "_l<l>";
  for (const char* kind : {"bias_ih", "bias_hh"})
    if (!s.has(name_of(kind, 0)))  // then no block has one (parse_dump checked)
      out.notes.push_back(fmt::format("{}{}.npy absent: zero (bias=False)", kind, any_block));
  d.h0 = values_or_zero(s, "h0", n.state, out.notes, "PyTorch's default initial state");
  if (lstm) d.c0 = values_or_zero(s, "c0", n.state, out.notes, "PyTorch's default initial state");
  d.grad_output = values_or_zero(s, "grad_output", n.output, out.notes,
                                 "the loss has no term on the outputs");
  d.grad_h_n = values_or_empty(s, "grad_h_n");
  if (lstm) d.grad_c_n = values_or_empty(s, "grad_c_n");
  out.forward = {values_or_empty(s, "output"), values_or_empty(s, "h_n"),
                 values_or_empty(s, "c_n")};
  fast_gradients& g = out.gradients;
  g.x = values_or_empty(s, "grad_x");
  g.h0 = values_or_empty(s, "grad_h0");
  g.c0 = values_or_empty(s, "grad_c0");
  // The parameter gradients: all of them, in the parameters' flat layout, or none. Without
  // biases (bias=False) PyTorch has no grad_bias_*: the weights' gradients alone cannot be
  // graded in that layout, which is said in a note.
  std::vector<std::string> gradients, weight_gradients, bias_gradients;
  for (std::size_t k = 0; k < K; ++k)
    for (const char* kind : kParameterKinds) {
      gradients.push_back(name_of(std::string("grad_") + kind, k));
      (kind[0] == 'w' ? weight_gradients : bias_gradients).push_back(gradients.back());
    }
  const bool bias_free = !s.has(name_of("bias_ih", 0)) && !s.has(name_of("bias_hh", 0));
  if (bias_free && first_present_and_missing(s, bias_gradients).first.empty()) {
    const std::vector<double> weights =
        all_or_none(s, weight_gradients,
                    "a network's parameter gradients are graded together: every layer's and "
                    "direction's grad_weight_ih and grad_weight_hh, or none");
    if (!weights.empty())
      out.notes.push_back(fmt::format(
          "grad_weight_ih{0}.npy and grad_weight_hh{0}.npy not graded: a network's parameter "
          "gradients are graded together, and without biases (bias=False) there is no "
          "grad_bias_*.npy",
          any_block));
  } else {
    g.parameters = all_or_none(s, gradients,
                               "a network's parameter gradients are graded together: every "
                               "layer's and direction's grad_weight_ih, grad_weight_hh, "
                               "grad_bias_ih and grad_bias_hh, or none");
  }
  g.h = all_or_none(s, every_block("grad_h"),
                    "a network's dL/dh_t is graded for every layer and direction, or for none");
  g.c = all_or_none(s, every_block("grad_c"),
                    "a network's dL/dc_t is graded for every layer and direction, or for none");
}

}  // namespace rnnsuite::verify::dump_detail
