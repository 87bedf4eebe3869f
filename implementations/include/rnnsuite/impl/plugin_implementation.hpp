#pragma once
// A plugin (a shared library exporting rnnsuite_plugin_entry, rnnsuite/plugin.h) as an
// implementation under test. docs/plugins.md is the plugin author's guide.
#include <memory>
#include <string>

#include "rnnsuite/impl/implementation.hpp"
#include "rnnsuite/impl/registry.hpp"

namespace rnnsuite::impl {

// Loads the plugin in this process (dlopen(RTLD_NOW | RTLD_LOCAL)) to read its table and caps
// and to answer unsupported() through its check(). Its instances run in this process
// (options.isolated == false: what the benchmark times) or each in a child process of its own
// (rnnsuite-plugin-runner), where a crash or a call longer than options.timeout_seconds becomes
// failure(crashed). Throws rnn::error naming `path` and what is wrong: not loadable, no entry
// symbol, the entry returned NULL, another ABI major version, a table too small or with a NULL
// required slot, get_caps failing, or a change to the floating-point environment when loaded.
std::unique_ptr<implementation> load_plugin(const std::string& path, const open_options& options);

}  // namespace rnnsuite::impl
