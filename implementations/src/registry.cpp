#include "rnnsuite/impl/registry.hpp"

#include "rnn/error.hpp"
#include "rnnsuite/impl/lib_implementation.hpp"
#include "rnnsuite/impl/plugin_implementation.hpp"
#ifdef RNNSUITE_WITH_ONEDNN
#include "rnnsuite/impl/onednn_implementation.hpp"
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
#ifdef RNNSUITE_WITH_ONEDNN
  return {"lib", "onednn"};
#else
  return {"lib"};
#endif
}

std::unique_ptr<implementation> open_implementation(std::string_view spec,
                                                    const open_options& options) {
  if (spec == "lib") return make_lib_implementation();
#ifdef RNNSUITE_WITH_ONEDNN
  if (spec == "onednn") return make_onednn_implementation();
#endif
  if (names_a_file(spec)) return load_plugin(std::string(spec), options);
  std::string known;
  for (const std::string& name : builtin_implementations()) known += name + ", ";
  throw rnn::error("--impl: unknown implementation '" + std::string(spec) + "' (built in: " +
                   known + "or a plugin's path, such as ./libmine.so)");
}

}  // namespace rnnsuite::impl
