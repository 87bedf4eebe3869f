#pragma once
// The implementations one run of rnnsuite-bench times, each under its label, which ends every
// benchmark's name (`<descriptor>/<fwd|fwdbwd>/<label>`):
//   rnnsuite  rnnsuite's library (the concept's "lib"), always first: the one the others are
//             checked against and divided by;
//   onednn    oneDNN 2.6, always second;
//   then one per --impl SPEC, in the order given: the implementation's name() with every
//   character outside [A-Za-z0-9_.-] replaced by '_' (so a label never holds the names' '/'),
//   "-2", "-3", ... appended when an earlier label is the same (`--impl lib` is "lib"; a second
//   plugin with the name of the first is "name-2").
#include <memory>
#include <string>
#include <vector>

#include "rnnsuite/impl/implementation.hpp"

namespace bench {

struct benchmarked {
  std::string label;  // as above
  std::string spec;   // what opened it: "lib", "onednn" or the --impl argument
  std::unique_ptr<rnnsuite::impl::implementation> implementation;
};

// Opens rnnsuite's library, oneDNN and every --impl spec (plugins in this process: the benchmark
// times the plugin itself, not a pipe to a child). Throws rnn::error naming a spec that cannot be
// opened.
std::vector<benchmarked> open_implementations(const std::vector<std::string>& specs);

// The label rule above, for one name: [A-Za-z0-9_.-] kept, anything else '_', empty "unnamed".
std::string sanitized_label(const std::string& name);

}  // namespace bench
