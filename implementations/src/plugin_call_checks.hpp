#pragma once
// What the host concludes from one call into a plugin, the same in-process and isolated: its
// status, the floating-point environment it left, and the workspace sizes it asked for.
#include <cstdint>
#include <string>

#include "rnnsuite/plugin.h"

namespace rnnsuite::impl::detail {

// Throws failure: unsupported for RNNSUITE_UNSUPPORTED, error for any other status but OK or
// when the call changed the floating-point environment (fp_change not empty), with the plugin's
// logged text: "<who>: forward returned RNNSUITE_INTERNAL: <logged>".
void check_call(const std::string& who, const char* call, std::int32_t status,
                const std::string& logged, const std::string& fp_change);

// Throws failure(error) for sizes no machine could give (more than this one's memory, or a
// struct_size that does not cover them).
void check_workspace(const std::string& who, const rnnsuite_workspace_sizes& sizes);

// "1 s", "0.25 s": the timeout as messages print it.
std::string seconds_text(double seconds);

}  // namespace rnnsuite::impl::detail
