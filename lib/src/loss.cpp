#include "rnn/loss.hpp"

#include <string>

#include "rnn/error.hpp"

namespace rnn {

std::string_view loss_name(loss_kind k) { return k == loss_kind::last ? "last" : "all"; }

loss_kind parse_loss(std::string_view name) {
  if (name == "last") return loss_kind::last;
  if (name == "all") return loss_kind::all;
  throw error("loss: unknown loss '" + std::string(name) + "' (known: last, all)");
}

template <class Real>
double mse_loss(const problem& p, loss_kind kind, std::span<const Real> output,
                std::span<const Real> target, std::span<Real> grad_output) {
  // A network's output is T×B×(D·H); "last" is its last step, time T-1, in both directions.
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
  const std::size_t first = kind == loss_kind::last ? sequence - step : 0;
  const double count = static_cast<double>(sequence - first);
  double sum = 0;
  for (std::size_t k = 0; k < first; ++k) grad_output[k] = Real(0);
  for (std::size_t k = first; k < sequence; ++k) {
    const double diff = static_cast<double>(output[k]) - static_cast<double>(target[k]);
    sum += diff * diff;
    grad_output[k] = static_cast<Real>(2.0 * diff / count);
  }
  return sum / count;
}

template double mse_loss<float>(const problem&, loss_kind, std::span<const float>,
                                std::span<const float>, std::span<float>);
template double mse_loss<double>(const problem&, loss_kind, std::span<const double>,
                                 std::span<const double>, std::span<double>);

}  // namespace rnn
