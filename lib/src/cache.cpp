#include "rnn/cache.hpp"

#include <unistd.h>

namespace rnn {

std::size_t l2_bytes_from_report(long reported) {
  return reported > 0 ? static_cast<std::size_t>(reported) : fallback_l2_bytes;
}

std::size_t l2_cache_bytes() {
  static const std::size_t bytes = l2_bytes_from_report(sysconf(_SC_LEVEL2_CACHE_SIZE));
  return bytes;
}

}  // namespace rnn
