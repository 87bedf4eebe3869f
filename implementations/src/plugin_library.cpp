// Loading a plugin and validating its table: the clear errors of docs/plugins.md ("Loading").
#include "plugin_library.hpp"

#include <dlfcn.h>

#include <cstring>
#include <filesystem>

#include "rnn/error.hpp"

namespace rnnsuite::impl::detail {
namespace {

constexpr std::size_t max_name_bytes = 200;

std::string with_log(const std::string& what, const std::string& logged) {
  return logged.empty() ? what : what + " (the plugin logged: " + logged + ")";
}

std::string version(std::uint32_t major, std::uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// A file named without a '/' is still a file here (dlopen would search the library path for
// it), and the runner gets the same absolute path.
std::string absolute_if_file(const std::string& path) {
  std::error_code ignored;
  if (path.empty() || !std::filesystem::exists(path, ignored)) return path;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ignored);
  return absolute.empty() ? path : absolute.string();
}

}  // namespace

std::string status_name(std::int32_t status) {
  switch (status) {
    case RNNSUITE_OK: return "RNNSUITE_OK";
    case RNNSUITE_UNSUPPORTED: return "RNNSUITE_UNSUPPORTED";
    case RNNSUITE_INVALID_ARGUMENT: return "RNNSUITE_INVALID_ARGUMENT";
    case RNNSUITE_OUT_OF_MEMORY: return "RNNSUITE_OUT_OF_MEMORY";
    case RNNSUITE_INTERNAL: return "RNNSUITE_INTERNAL";
  }
  return "unknown status " + std::to_string(status);
}

std::string fp_guard::changed(const std::string& call) const {
  const std::string change = fp_environment_change(before_, current_fp_environment());
  if (change.empty()) return change;
  restore_fp_environment(before_);
  return call + " changed the floating-point environment: " + change +
         " (rnnsuite restored it; a plugin must leave it alone, and flush-to-zero or "
         "denormals-are-zero would falsify every result near the subnormal range)";
}

void plugin_library::fail(const std::string& what, const std::string& logged) const {
  throw rnn::error("plugin " + path_ + ": " + with_log(what, logged));
}

plugin_library::plugin_library(const std::string& path)
    : path_(path), load_path_(absolute_if_file(path)), who_("plugin " + path) {
  plugin_log::capture log;
  const fp_guard environment;
  // RTLD_NODELETE: a plugin's threads, thread_local destructors or a pointer to the host
  // services may outlive the table; a process loads a plugin once, so unloading buys nothing.
  dlerror();
  handle_.reset(dlopen(load_path_.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE));
  if (!handle_) {
    const char* why = dlerror();
    fail(std::string("cannot be loaded: ") + (why ? why : "dlopen failed"));
  }
  if (const std::string change = environment.changed("loading it"); !change.empty())
    fail(change + "; was it linked with -ffast-math, which adds crtfastmath.o? Link it "
                  "without");
  void* entry_symbol = dlsym(handle_.get(), RNNSUITE_PLUGIN_ENTRY_NAME);
  if (!entry_symbol)
    fail("exports no symbol " RNNSUITE_PLUGIN_ENTRY_NAME
         " (is it a plugin? the entry must be extern \"C\" and visible)");
  const auto entry = reinterpret_cast<rnnsuite_plugin_entry_fn>(entry_symbol);
  const rnnsuite_plugin* plugin =
      entry(RNNSUITE_PLUGIN_ABI_MAJOR, RNNSUITE_PLUGIN_ABI_MINOR, plugin_log::process().host());
  if (const std::string change = environment.changed(RNNSUITE_PLUGIN_ENTRY_NAME); !change.empty())
    fail(change);
  if (!plugin) fail(RNNSUITE_PLUGIN_ENTRY_NAME " returned NULL: it cannot serve this host", log.text());
  if (plugin->abi_major != RNNSUITE_PLUGIN_ABI_MAJOR)
    fail("built for ABI " + version(plugin->abi_major, plugin->abi_minor) + ", this rnnsuite speaks " +
         version(RNNSUITE_PLUGIN_ABI_MAJOR, RNNSUITE_PLUGIN_ABI_MINOR) + " (rebuild it against this rnnsuite's rnnsuite/plugin.h)");
  if (plugin->struct_size < table_size_1_0)
    fail("its table's struct_size is " + std::to_string(plugin->struct_size) + " bytes, too small for ABI " +
         version(plugin->abi_major, plugin->abi_minor) + "'s slots (" + std::to_string(table_size_1_0) +
         " bytes)");
  // Only what this host knows, and only as far as the plugin's table reaches.
  std::memcpy(&table_, plugin, std::min<std::size_t>(plugin->struct_size, sizeof table_));
  const std::pair<const char*, bool> required[] = {
      {"get_caps", table_.get_caps != nullptr}, {"check", table_.check != nullptr},
      {"create", table_.create != nullptr},     {"workspace_sizes", table_.workspace_sizes != nullptr},
      {"forward", table_.forward != nullptr},   {"backward", table_.backward != nullptr}};
  for (const auto& [slot, present] : required)
    if (!present) fail(std::string("its table's slot ") + slot + " is NULL (a required slot)");
  if (!table_.name) fail("its table's name is NULL");
  const std::size_t name_length = strnlen(table_.name, max_name_bytes + 1);
  if (name_length == 0 || name_length > max_name_bytes)
    fail("its table's name is empty or longer than " + std::to_string(max_name_bytes) + " bytes");
  name_.assign(table_.name, name_length);
  for (char& c : name_)
    if (static_cast<unsigned char>(c) < 0x20) c = '?';  // one line in every report
  who_ = "plugin '" + name_ + "' (" + path_ + ")";

  caps_.struct_size = sizeof caps_;
  const std::int32_t status = table_.get_caps(&caps_);
  caps_.struct_size = sizeof caps_;
  if (const std::string change = environment.changed("get_caps"); !change.empty()) fail(change);
  if (status != RNNSUITE_OK) fail("get_caps returned " + status_name(status), log.text());
  const std::pair<const char*, std::int64_t> limits[] = {
      {"max_threads", caps_.max_threads}, {"max_layers", caps_.max_layers},
      {"max_directions", caps_.max_directions}, {"max_T", caps_.max_T},
      {"max_B", caps_.max_B}, {"max_I", caps_.max_I}, {"max_H", caps_.max_H}};
  for (const auto& [field, value] : limits)
    if (value < 0) fail("get_caps gave " + std::string(field) + " = " + std::to_string(value) + " (must be >= 0)");
}

void plugin_library::close_handle::operator()(void* handle) const {
  dlclose(handle);  // RTLD_NODELETE: drops the reference, keeps the code mapped
}

}  // namespace rnnsuite::impl::detail
