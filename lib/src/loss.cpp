#include "rnn/loss.hpp"

#include <algorithm>
#include <string>

#include "rnn/error.hpp"
#include "rnn/lengths.hpp"

namespace rnn {

std::string_view loss_name(loss_kind k) { return k == loss_kind::last ? "last" : "all"; }

loss_kind parse_loss(std::string_view name) {
  if (name == "last") return loss_kind::last;
  if (name == "all") return loss_kind::all;
  throw error("loss: unknown loss '" + std::string(name) + "' (known: last, all)");
}

template <class Real>
double mse_loss(const problem& p, loss_kind kind, std::span<const Real> output,
                std::span<const Real> target, std::span<Real> grad_output,
                std::span<const std::int64_t> lengths) {
  // A network's output is T×B×(D·H); "last" is each sequence's last step (time T-1 without
  // lengths), both directions' halves.
  const network_sizes n = network_sizes_of(p);
  const std::size_t sequence = n.output, step = n.output / static_cast<std::size_t>(p.T);
  const std::pair<const char*, std::size_t> spans[] = {
      {"output", output.size()}, {"target", target.size()}, {"grad_output", grad_output.size()}};
  for (auto [name, size] : spans)
    if (size != sequence)
      throw error(std::string("mse_loss: ") + name + " has " + std::to_string(size) +
                  " elements, expected T*B*(D*H) = " + std::to_string(sequence));
  if (kind != loss_kind::last && kind != loss_kind::all)
    throw error("mse_loss: loss kind value " + std::to_string(static_cast<int>(kind)) +
                " is not a loss");
  check_lengths(p, lengths, "mse_loss");
  const double count = static_cast<double>(kind == loss_kind::last ? step : sequence);
  double sum = 0;
  // Elements [first, first + size): their squared errors summed in index order, their gradients.
  auto add = [&](std::size_t first, std::size_t size) {
    for (std::size_t k = first; k < first + size; ++k) {
      const double diff = static_cast<double>(output[k]) - static_cast<double>(target[k]);
      sum += diff * diff;
      grad_output[k] = static_cast<Real>(2.0 * diff / count);
    }
  };
  if (kind == loss_kind::all) {
    add(0, sequence);
    return sum / count;
  }
  // Row b of its last real step, b in order: without lengths (or all T) the elements of time
  // T-1 in the order, hence the bits, of a plain loop over them.
  std::fill(grad_output.begin(), grad_output.end(), Real(0));
  const std::size_t B = static_cast<std::size_t>(p.B), width = step / B;
  for (std::size_t b = 0; b < B; ++b) {
    const std::size_t t = static_cast<std::size_t>(lengths.empty() ? p.T : lengths[b]) - 1;
    add((t * B + b) * width, width);
  }
  return sum / count;
}

template double mse_loss<float>(const problem&, loss_kind, std::span<const float>,
                                std::span<const float>, std::span<float>,
                                std::span<const std::int64_t>);
template double mse_loss<double>(const problem&, loss_kind, std::span<const double>,
                                 std::span<const double>, std::span<double>,
                                 std::span<const std::int64_t>);

}  // namespace rnn
