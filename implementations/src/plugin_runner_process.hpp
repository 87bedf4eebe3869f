#pragma once
// The isolated runner's process, host side: found, started with posix_spawn (never a bare fork:
// the host is multi-threaded and holds MPFR state, which a forked copy could find locked), and
// always reaped: no zombie and no descriptor outlives the object.
#include <sys/types.h>

#include <string>

#include "plugin_channel.hpp"

namespace rnnsuite::impl::detail {

// RNNSUITE_PLUGIN_RUNNER if set; else <dir of this executable>/../libexec/rnnsuite/
// rnnsuite-plugin-runner (the install layout); else the build tree's runner. Throws rnn::error
// when none exists.
std::string plugin_runner_path();

// "SIGSEGV" for SIGSEGV, "signal 77" for an unnamed one.
std::string signal_name(int signal);

class runner_process {
 public:
  // Starts `runner plugin_path` with the command pipe, the reply pipe and `memory_fd` as its
  // descriptors 3, 4 and 5, stdout sent to stderr, stderr shared. Throws rnn::error.
  runner_process(const std::string& runner, const std::string& plugin_path, int memory_fd);
  // Closes the command pipe (the runner then destroys the instance and exits), waits up to
  // `grace` seconds, then SIGKILLs and reaps.
  ~runner_process();
  runner_process(const runner_process&) = delete;
  runner_process& operator=(const runner_process&) = delete;

  int command_fd() const { return commands_.get(); }
  int reply_fd() const { return replies_.get(); }
  bool running() const { return pid_ > 0; }

  // After its reply pipe ended: waits for its end (up to `until`, then kills it) and says how
  // it ended: "killed by SIGSEGV", "exited with status 3".
  std::string wait_for_end(deadline until);
  // Kills and reaps it now (a timeout).
  void kill_now();

 private:
  std::string reap(int status);
  pid_t pid_ = -1;
  unique_fd commands_;  // write end
  unique_fd replies_;   // read end
};

}  // namespace rnnsuite::impl::detail
