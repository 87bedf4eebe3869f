#pragma once
// How a failure travels from where it is found to the ABI boundary (plugin.cpp), which logs its
// message through the host and returns its status. No exception crosses the boundary.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "rnnsuite/plugin.h"

namespace example {

class plugin_error : public std::runtime_error {
 public:
  plugin_error(int32_t status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  int32_t status() const { return status_; }

 private:
  int32_t status_;  // RNNSUITE_INVALID_ARGUMENT, RNNSUITE_UNSUPPORTED, ...
};

[[noreturn]] inline void invalid_argument(const std::string& message) {
  throw plugin_error(RNNSUITE_INVALID_ARGUMENT, message);
}
[[noreturn]] inline void unsupported(const std::string& message) {
  throw plugin_error(RNNSUITE_UNSUPPORTED, message);
}

}  // namespace example
