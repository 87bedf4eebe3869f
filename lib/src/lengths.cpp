#include "rnn/lengths.hpp"

#include <string>

#include "random.hpp"
#include "rnn/error.hpp"

namespace rnn {

std::vector<std::int64_t> make_lengths(const problem& p) {
  validate(p);
  if (p.lengths == lengths_rule::full) return {};
  std::vector<std::int64_t> lengths(static_cast<std::size_t>(p.B), p.T);
  switch (p.lengths) {
    case lengths_rule::full:
      break;
    case lengths_rule::uniform: {
      // Its own stream, so that the lengths never shift the data drawn from other seeds.
      detail::splitmix64 draw = detail::stream(p.lengths_seed, 0x6c656e67746873ull);
      const auto T = static_cast<std::uint64_t>(p.T);
      // Rejection sampling: uniform without the modulo's bias.
      const std::uint64_t limit = ~std::uint64_t(0) - (~std::uint64_t(0) % T + 1) % T;
      for (auto& len : lengths) {
        std::uint64_t r;
        do r = draw.next();
        while (r > limit);
        len = static_cast<std::int64_t>(r % T) + 1;
      }
      break;
    }
    case lengths_rule::extremes:
      for (std::size_t b = 0; b < lengths.size(); ++b)
        lengths[b] = b % 3 == 0 ? 1 : b % 3 == 1 ? p.T : (p.T + 1) / 2;
      break;
    case lengths_rule::file:
      throw error("problem " + format_problem(p) +
                  ": the lengths of '_lenf' come from a file (rnnsuite run --lengths FILE, or a "
                  "dump's lengths.npy), not from the descriptor");
  }
  return lengths;
}

void check_lengths(const problem& p, std::span<const std::int64_t> lengths,
                   std::string_view where) {
  if (lengths.empty()) return;
  if (lengths.size() != static_cast<std::size_t>(p.B))
    throw error(std::string(where) + ": lengths has " + std::to_string(lengths.size()) +
                " entries, expected B = " + std::to_string(p.B) + " (problem " +
                format_problem(p) + ")");
  for (std::size_t b = 0; b < lengths.size(); ++b)
    if (lengths[b] < 1 || lengths[b] > p.T)
      throw error(std::string(where) + ": lengths[" + std::to_string(b) + "] = " +
                  std::to_string(lengths[b]) + " is not in [1, T = " + std::to_string(p.T) +
                  "] (problem " + format_problem(p) + ")");
}

bool all_full(const problem& p, std::span<const std::int64_t> lengths) {
  for (std::int64_t len : lengths)
    if (len != p.T) return false;
  return true;
}

std::int64_t total_steps(const problem& p, std::span<const std::int64_t> lengths) {
  check_lengths(p, lengths, "total_steps");
  if (lengths.empty()) return p.T * p.B;
  std::int64_t sum = 0;
  for (std::int64_t len : lengths) sum += len;
  return sum;
}

double forward_flops(const problem& p, std::span<const std::int64_t> lengths) {
  return forward_flops(p) * double(total_steps(p, lengths)) / (double(p.T) * double(p.B));
}

}  // namespace rnn
