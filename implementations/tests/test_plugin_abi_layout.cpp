// ABI 1.0's layout, frozen: plugins built against this header must keep loading in every later
// 1.x host. A change that moves a field or resizes a 1.0 struct fails to compile here; a minor
// version may only append (then add its own sizes here, and keep these as the 1.0 prefix).
// onnxruntime's hand-kept offset asserts drifted from its header; these are the test, so they
// cannot drift without a red build.
#include <gtest/gtest.h>

#include <cstddef>

#include "rnnsuite/plugin.h"

namespace {

#if defined(__x86_64__) && defined(__LP64__)
// The frozen head: read before anything else, by every version of every host.
static_assert(offsetof(rnnsuite_plugin, abi_major) == 0);
static_assert(offsetof(rnnsuite_plugin, abi_minor) == 4);
static_assert(offsetof(rnnsuite_plugin, struct_size) == 8);
static_assert(offsetof(rnnsuite_plugin, name) == 16);
static_assert(offsetof(rnnsuite_plugin, get_caps) == 24);
static_assert(offsetof(rnnsuite_plugin, destroy) == 72);
static_assert(sizeof(rnnsuite_plugin) == 80);
// Every other struct of ABI 1.0 (x86-64 System V).
static_assert(sizeof(rnnsuite_problem) == 56 && offsetof(rnnsuite_problem, T) == 24);
static_assert(sizeof(rnnsuite_tensor) == 80 && offsetof(rnnsuite_tensor, shape) == 16);
static_assert(sizeof(rnnsuite_extension) == 24 && offsetof(rnnsuite_extension, next) == 16);
static_assert(sizeof(rnnsuite_hints) == 32 && sizeof(rnnsuite_streaming) == 40);
static_assert(sizeof(rnnsuite_options) == 16 && sizeof(rnnsuite_caps) == 64);
static_assert(sizeof(rnnsuite_parameters) == 16 && sizeof(rnnsuite_workspace_sizes) == 24);
static_assert(sizeof(rnnsuite_forward_args) == 504 && offsetof(rnnsuite_forward_args, reserve) == 488);
static_assert(sizeof(rnnsuite_backward_args) == 688);
static_assert(offsetof(rnnsuite_backward_args, truncation) == 248);
static_assert(offsetof(rnnsuite_backward_args, grad_parameters) == 256);
static_assert(sizeof(rnnsuite_host) == 24);
#endif

TEST(PluginAbiLayout, VersionIsOneZero) {
  EXPECT_EQ(RNNSUITE_PLUGIN_ABI_MAJOR, 1);
  EXPECT_EQ(RNNSUITE_PLUGIN_ABI_MINOR, 0);
  EXPECT_STREQ(RNNSUITE_PLUGIN_ENTRY_NAME, "rnnsuite_plugin_entry");
}

}  // namespace
