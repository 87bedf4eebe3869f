#pragma once
// The host services every plugin gets (rnnsuite_host): its log callback. Text a plugin logs
// during a call is collected for that call on the calling thread, so a failure carries the
// plugin's own explanation even when several instances run on several threads at once.
#include <cstdint>
#include <mutex>
#include <string>

#include "rnnsuite/plugin.h"

namespace rnnsuite::impl::detail {

class plugin_log {
 public:
  // The one host-services struct of this process. It is never freed: a plugin may keep the
  // pointer it was given for as long as it is loaded, and plugins are never unloaded
  // (plugin_library.cpp: RTLD_NODELETE).
  static plugin_log& process();

  const rnnsuite_host* host() const { return &host_; }

  // Collects what is logged on this thread while it lives, plus what other threads log meanwhile
  // (a plugin's worker threads). Nested captures are not supported: one call at a time per thread.
  class capture {
   public:
    capture();
    ~capture();
    capture(const capture&) = delete;
    capture& operator=(const capture&) = delete;
    // The messages so far, joined with "; " (warnings and infos prefixed as such).
    std::string text();

   private:
    std::string own_;
    capture* previous_;
  };

 private:
  plugin_log();
  static void on_log(void* context, std::int32_t level, const char* message);
  void append_unclaimed(const std::string& message);
  std::string take_unclaimed();

  rnnsuite_host host_{};
  std::mutex mutex_;
  std::string unclaimed_;  // logged on a thread no capture is active on
  bool echo_ = false;      // RNNSUITE_PLUGIN_LOG set: every message also goes to stderr
};

}  // namespace rnnsuite::impl::detail
