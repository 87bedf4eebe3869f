#pragma once
// rnnsuite's own generator: the same bits on every compiler, library and instruction set
// (std:: distributions are implementation-defined).
#include <cmath>
#include <cstdint>

namespace rnn::detail {

class splitmix64 {
 public:
  explicit splitmix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Standard normal by Box-Muller (one value per call, for simplicity over speed).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  std::uint64_t state_;
};

// An independent stream per (seed, tensor) so adding a tensor never shifts another's values.
inline splitmix64 stream(std::uint64_t seed, std::uint64_t tensor) {
  splitmix64 mix(seed ^ (0xD1B54A32D192ED03ull * (tensor + 1)));
  return splitmix64(mix.next());
}

}  // namespace rnn::detail
