#pragma once
// One core's L2 cache size, which lib's blocking decisions follow (layer_options.l2_bytes).
#include <cstddef>

namespace rnn {

// Assumed when the OS reports no L2 size: the 2 MiB per core of the Intel Xeon guests the
// thresholds were first measured on.
inline constexpr std::size_t fallback_l2_bytes = std::size_t(2) << 20;

// This CPU's L2 per core as the OS reports it (sysconf(_SC_LEVEL2_CACHE_SIZE)), read once;
// fallback_l2_bytes when it reports none. Machines of the same kind differ: a 2 MiB Intel Xeon
// and a 1 MiB AMD Zen 5 have both run this project.
std::size_t l2_cache_bytes();

// The rule behind l2_cache_bytes(), for a value `reported` by the OS (0 or negative: none).
std::size_t l2_bytes_from_report(long reported);

}  // namespace rnn
