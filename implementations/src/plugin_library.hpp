#pragma once
// One plugin loaded through the C ABI (rnnsuite/plugin.h), in whichever process calls it: the
// host (to read its caps and answer check() cheaply, and to run it in-process) and the isolated
// runner (rnnsuite-plugin-runner). Everything the plugin returns is validated here, once.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "plugin_fenv.hpp"
#include "plugin_log.hpp"
#include "rnnsuite/plugin.h"

namespace rnnsuite::impl::detail {

// The ABI 1.0 table ends with `destroy`: a table smaller than this lacks a 1.0 slot.
inline constexpr std::size_t table_size_1_0 =
    offsetof(rnnsuite_plugin, destroy) + sizeof(rnnsuite_plugin::destroy);

// "RNNSUITE_INTERNAL", or "unknown status 17".
std::string status_name(std::int32_t status);

class plugin_library {
 public:
  // dlopen(RTLD_NOW | RTLD_LOCAL), the entry, the table's version and slots, the name and the
  // caps. Throws rnn::error naming `path` and what is wrong (with the plugin's logged text).
  explicit plugin_library(const std::string& path);
  plugin_library(const plugin_library&) = delete;
  plugin_library& operator=(const plugin_library&) = delete;

  const std::string& path() const { return path_; }
  // What dlopen got: the absolute path of an existing file (the runner loads the same).
  const std::string& load_path() const { return load_path_; }
  const std::string& name() const { return name_; }
  // "plugin 'mykernel 0.3' (./libmine.so)": how every message names it.
  const std::string& who() const { return who_; }
  // The slots this host knows, copied from the plugin's table as far as its struct_size covers
  // (a newer minor version's further slots are not read). Every 1.0 slot but destroy is set.
  const rnnsuite_plugin& table() const { return table_; }
  const rnnsuite_caps& caps() const { return caps_; }
  std::uint32_t abi_minor() const { return table_.abi_minor; }

 private:
  [[noreturn]] void fail(const std::string& what, const std::string& logged = {}) const;

  std::string path_, load_path_, name_, who_;
  struct close_handle {
    void operator()(void* handle) const;
  };
  std::unique_ptr<void, close_handle> handle_;
  rnnsuite_plugin table_{};
  rnnsuite_caps caps_{};
};

// The environment before a call into a plugin; `changed(what)` afterwards restores it and
// returns the change in words ("forward changed the floating-point environment: MXCSR ...")
// or an empty string.
class fp_guard {
 public:
  fp_guard() : before_(current_fp_environment()) {}
  std::string changed(const std::string& call) const;

 private:
  fp_environment before_;
};

}  // namespace rnnsuite::impl::detail
