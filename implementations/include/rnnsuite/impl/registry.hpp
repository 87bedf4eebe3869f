#pragma once
// The one place a name on a command line becomes an implementation under test:
//   "lib"     rnnsuite's library (the default);
//   "onednn"  oneDNN's RNN primitives, float32 only (when built with RNNSUITE_WITH_ONEDNN);
//   a path    a plugin through the C ABI (anything containing '/' or ending in ".so").
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rnnsuite/impl/implementation.hpp"

namespace rnnsuite::impl {

struct open_options {
  // Plugins only: run each instance in a child process of its own, so a crash or a hang becomes
  // a failure of that instance (verify), or in this process (the benchmark times the plugin
  // itself, not the pipe to it).
  bool isolated = true;
  double timeout_seconds = 120;  // isolated: the longest one call may take
};

// Throws rnn::error naming the spec (an unknown name, a plugin that cannot be loaded or speaks
// another ABI major version).
std::unique_ptr<implementation> open_implementation(std::string_view spec,
                                                    const open_options& options = {});

// The built-in names this build knows ("lib", and "onednn" when built with it).
std::vector<std::string> builtin_implementations();

}  // namespace rnnsuite::impl
