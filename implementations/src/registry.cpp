#include "rnnsuite/impl/registry.hpp"

#include "rnn/error.hpp"
#include "rnnsuite/impl/lib_implementation.hpp"
// TEMPORARY while the plugin host and the oneDNN implementation land (issue 23).
#if __has_include("rnnsuite/impl/plugin_implementation.hpp")
#include "rnnsuite/impl/plugin_implementation.hpp"
#define RNNSUITE_HAS_PLUGINS 1
#endif
#if defined(RNNSUITE_WITH_ONEDNN) && __has_include("rnnsuite/impl/onednn_implementation.hpp")
#include "rnnsuite/impl/onednn_implementation.hpp"
#define RNNSUITE_HAS_ONEDNN 1
#endif

namespace rnnsuite::impl {
namespace {

// A spec names a plugin when it reads as a path; a bare word is a built-in name, so a typo of
// "onednn" is reported as an unknown name, not as a missing file.
bool names_a_file(std::string_view spec) {
  return spec.find('/') != std::string_view::npos ||
         (spec.size() > 3 && spec.substr(spec.size() - 3) == ".so");
}

}  // namespace

std::vector<std::string> builtin_implementations() {
#ifdef RNNSUITE_HAS_ONEDNN
  return {"lib", "onednn"};
#else
  return {"lib"};
#endif
}

std::unique_ptr<implementation> open_implementation(std::string_view spec,
                                                    const open_options& options) {
  if (spec == "lib") return make_lib_implementation();
#ifdef RNNSUITE_HAS_ONEDNN
  if (spec == "onednn") return make_onednn_implementation();
#endif
#ifdef RNNSUITE_HAS_PLUGINS
  if (names_a_file(spec)) return load_plugin(std::string(spec), options);
#else
  (void)options;
  if (names_a_file(spec)) throw rnn::error("--impl " + std::string(spec) + ": plugins are not built yet");
#endif
  std::string known;
  for (const std::string& name : builtin_implementations()) known += name + ", ";
  throw rnn::error("--impl: unknown implementation '" + std::string(spec) + "' (built in: " +
                   known + "or a plugin's path, such as ./libmine.so)");
}

}  // namespace rnnsuite::impl
