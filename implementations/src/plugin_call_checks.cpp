// Status, environment and workspace checks after a call into a plugin (plugin_call_checks.hpp).
#include "plugin_call_checks.hpp"

#include <unistd.h>

#include <cstdio>

#include "plugin_library.hpp"
#include "rnnsuite/impl/implementation.hpp"

namespace rnnsuite::impl::detail {

void check_call(const std::string& who, const char* call, std::int32_t status,
                const std::string& logged, const std::string& fp_change) {
  const std::string because = logged.empty() ? std::string("(it logged nothing)") : logged;
  if (!fp_change.empty()) throw failure(failure::kind::error, who + ": " + fp_change);
  if (status == RNNSUITE_OK) return;
  if (status == RNNSUITE_UNSUPPORTED)
    throw failure(failure::kind::unsupported, who + ": " + call + " declined: " + because);
  throw failure(failure::kind::error,
                who + ": " + call + " returned " + status_name(status) + ": " + because);
}

void check_workspace(const std::string& who, const rnnsuite_workspace_sizes& sizes) {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  const std::uint64_t memory =
      pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page)
                            : std::uint64_t(1) << 40;
  const std::pair<const char*, std::uint64_t> asked[] = {{"reserve_bytes", sizes.reserve_bytes},
                                                         {"scratch_bytes", sizes.scratch_bytes}};
  std::uint64_t total = 0;
  for (const auto& [field, bytes] : asked) {
    if (bytes > memory || total + bytes > memory)
      throw failure(failure::kind::error,
                    who + ": workspace_sizes asked for " + field + " = " + std::to_string(bytes) +
                        " (with the rest, more than this machine's " + std::to_string(memory) +
                        " bytes of memory)");
    total += bytes;
  }
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", seconds);
  return text;
}

}  // namespace rnnsuite::impl::detail
