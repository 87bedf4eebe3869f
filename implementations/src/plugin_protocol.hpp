#pragma once
// What the host and rnnsuite-plugin-runner say to each other. The runner gets three descriptors:
// commands to read, replies to write, and the shared memory (one memfd that both map) in which the
// host puts every tensor, the reserve and the scratch. A command carries the ABI's own argument
// structs with pointers into the host's mapping; the runner moves them into its own mapping after
// checking every one lies inside it. Every reply is a reply_header followed by log_bytes of the
// plugin's logged text.
#include <cstdint>
#include <type_traits>

#include "plugin_call_options.hpp"
#include "rnnsuite/plugin.h"

namespace rnnsuite::impl::detail {

inline constexpr int runner_command_fd = 3;
inline constexpr int runner_reply_fd = 4;
inline constexpr int runner_memory_fd = 5;
inline constexpr std::uint32_t protocol_magic = 0x524e4e31;  // "RNN1"

enum class command_kind : std::uint32_t { create = 1, forward = 2, backward = 3 };

struct command {
  std::uint32_t magic = protocol_magic;
  command_kind kind{};
  std::uint64_t mapping_bytes = 0;  // the memfd's size now: the runner maps this much
  std::uint64_t host_base = 0;      // where the host mapped it
  // create
  rnnsuite_problem problem{};
  plugin_settings settings{};
  rnnsuite_tensor parameters[4]{};  // weight_ih, weight_hh, bias_ih, bias_hh
  // forward
  rnnsuite_forward_args forward{};
  // backward (its grad_parameters.tensors is grad_parameters below)
  rnnsuite_backward_args backward{};
  rnnsuite_tensor grad_parameters[4]{};
};

// The runner's own failure (the plugin did not load, a command it could not carry out): not a
// status of the plugin's. The text is in the log.
inline constexpr std::int32_t runner_failed = -1;

struct reply_header {
  std::uint32_t magic = protocol_magic;
  std::int32_t status = 0;  // the plugin's RNNSUITE_* status, or runner_failed
  rnnsuite_workspace_sizes sizes{};  // create
  char fp_change[768] = {};  // fp_guard's text when the call changed the FP environment
  std::uint32_t log_bytes = 0;
};

inline constexpr std::uint32_t max_reply_log_bytes = 65536;

static_assert(std::is_trivially_copyable_v<command>);
static_assert(std::is_trivially_copyable_v<reply_header>);

}  // namespace rnnsuite::impl::detail
