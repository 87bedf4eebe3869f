#pragma once
// How one instance is run, as both the host and the isolated runner build it into the ABI's
// rnnsuite_options: the thread cap, the tuning hints and the streaming schedule. Trivially
// copyable, so the host sends it to the runner as bytes (plugin_protocol.hpp).
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "rnnsuite/plugin.h"

namespace rnnsuite::impl::detail {

struct plugin_settings {
  std::int32_t threads = 1;
  std::int64_t streaming_k1 = 0;  // 0: no streaming schedule
  std::int64_t streaming_k2 = 0;
  char hints[128] = {};  // "isa=avx2;chunk_steps=7;l2_bytes=4096", only the hints set; "" none
};
static_assert(std::is_trivially_copyable_v<plugin_settings>);

// rnnsuite_options with its extension chain, pointing into itself: neither copied nor moved.
class call_options {
 public:
  explicit call_options(const plugin_settings& s) : settings_(s) {
    settings_.hints[sizeof settings_.hints - 1] = '\0';
    options_.struct_size = sizeof options_;
    options_.threads = settings_.threads;
    const rnnsuite_extension* chain = nullptr;
    if (settings_.streaming_k1 > 0) {
      streaming_.head = {RNNSUITE_EXTENSION_STREAMING, RNNSUITE_EXTENSION_REQUIRED,
                         sizeof streaming_, 0, chain};
      streaming_.k1 = settings_.streaming_k1, streaming_.k2 = settings_.streaming_k2;
      chain = &streaming_.head;
    }
    if (settings_.hints[0] != '\0') {
      hints_.head = {RNNSUITE_EXTENSION_HINTS, 0, sizeof hints_, 0, chain};
      hints_.text = settings_.hints;
      chain = &hints_.head;
    }
    options_.extensions = chain;
  }
  call_options(const call_options&) = delete;
  call_options& operator=(const call_options&) = delete;

  const rnnsuite_options* get() const { return &options_; }

 private:
  plugin_settings settings_;
  rnnsuite_options options_{};
  rnnsuite_hints hints_{};
  rnnsuite_streaming streaming_{};
};

}  // namespace rnnsuite::impl::detail
