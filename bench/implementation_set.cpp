#include "implementation_set.hpp"

#include <algorithm>
#include <cctype>

#include "rnn/error.hpp"
#include "rnnsuite/impl/registry.hpp"

namespace bench {

std::string sanitized_label(const std::string& name) {
  std::string label = name;
  for (char& c : label)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'))
      c = '_';
  return label.empty() ? "unnamed" : label;
}

std::vector<benchmarked> open_implementations(const std::vector<std::string>& specs) {
  namespace impl = rnnsuite::impl;
  std::vector<benchmarked> out;
  out.push_back({"rnnsuite", "lib", impl::open_implementation("lib")});
  out.push_back({"onednn", "onednn", impl::open_implementation("onednn")});
  for (const std::string& spec : specs) {
    std::unique_ptr<impl::implementation> opened;
    try {
      opened = impl::open_implementation(spec, {.isolated = false});
    } catch (const std::exception& e) {
      // The registry's messages name the spec; say which flag it came from where they do not.
      const std::string what = e.what();
      throw rnn::error(what.rfind("--impl", 0) == 0 ? what : "--impl '" + spec + "': " + what);
    }
    const std::string base = sanitized_label(opened->name());
    std::string label = base;
    for (int n = 2; std::any_of(out.begin(), out.end(),
                                [&](const benchmarked& b) { return b.label == label; });
         ++n)
      label = base + "-" + std::to_string(n);
    out.push_back({label, spec, std::move(opened)});
  }
  return out;
}

}  // namespace bench
