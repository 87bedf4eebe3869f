// Finding, starting and ending rnnsuite-plugin-runner (plugin_runner_process.hpp).
#include "plugin_runner_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "plugin_protocol.hpp"
#include "rnn/error.hpp"

extern char** environ;

namespace rnnsuite::impl::detail {
namespace {

bool is_executable(const std::string& path) {
  return !path.empty() && ::access(path.c_str(), X_OK) == 0 &&
         std::filesystem::is_regular_file(path);
}

// A descriptor numbered above the three the runner gets, so that dup2 onto 3, 4, 5 never meets
// itself (dup2 of a descriptor onto itself would keep its close-on-exec flag).
unique_fd above_runner_fds(int fd) {
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
  if (moved < 0) throw rnn::error(std::string("plugin runner: fcntl failed: ") + strerror(errno));
  return unique_fd(moved);
}

void check(int error, const char* what) {
  if (error != 0) throw rnn::error(std::string("plugin runner: ") + what + ": " + strerror(error));
}

// posix_spawn's file actions and attributes, destroyed on every path.
struct spawn_setup {
  posix_spawn_file_actions_t actions;
  spawn_setup() { posix_spawn_file_actions_init(&actions); }
  ~spawn_setup() { posix_spawn_file_actions_destroy(&actions); }
};

}  // namespace

std::string plugin_runner_path() {
  if (const char* forced = std::getenv("RNNSUITE_PLUGIN_RUNNER"); forced && *forced) {
    if (!is_executable(forced))
      throw rnn::error(std::string("RNNSUITE_PLUGIN_RUNNER='") + forced +
                       "' is not an executable file");
    return forced;
  }
  std::error_code ignored;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ignored);
  const std::string installed =
      (self.parent_path() / ".." / "libexec" / "rnnsuite" / "rnnsuite-plugin-runner").string();
  if (!self.empty() && is_executable(installed)) return installed;
#ifdef RNNSUITE_PLUGIN_RUNNER_BUILD_PATH
  if (is_executable(RNNSUITE_PLUGIN_RUNNER_BUILD_PATH)) return RNNSUITE_PLUGIN_RUNNER_BUILD_PATH;
#endif
  throw rnn::error("rnnsuite-plugin-runner, which runs a plugin isolated, was not found (looked "
                   "for " + installed +
#ifdef RNNSUITE_PLUGIN_RUNNER_BUILD_PATH
                   " and " RNNSUITE_PLUGIN_RUNNER_BUILD_PATH
#endif
                   "); set RNNSUITE_PLUGIN_RUNNER to its path");
}

std::string signal_name(int signal) {
  if (const char* abbreviation = sigabbrev_np(signal)) return std::string("SIG") + abbreviation;
  return "signal " + std::to_string(signal);
}

runner_process::runner_process(const std::string& runner, const std::string& plugin_path,
                               int memory_fd) {
  int command_pipe[2], reply_pipe[2];
  if (::pipe2(command_pipe, O_CLOEXEC) != 0)
    throw rnn::error(std::string("plugin runner: pipe2 failed: ") + strerror(errno));
  unique_fd command_read(command_pipe[0]);
  commands_.reset(command_pipe[1]);
  if (::pipe2(reply_pipe, O_CLOEXEC) != 0)
    throw rnn::error(std::string("plugin runner: pipe2 failed: ") + strerror(errno));
  replies_.reset(reply_pipe[0]);
  unique_fd reply_write(reply_pipe[1]);
  // Copies above 9 so that the dup2 below never maps a descriptor onto itself.
  const unique_fd child_commands = above_runner_fds(command_read.get());
  const unique_fd child_replies = above_runner_fds(reply_write.get());
  const unique_fd child_memory = above_runner_fds(memory_fd);

  spawn_setup setup;
  check(posix_spawn_file_actions_adddup2(&setup.actions, child_commands.get(), runner_command_fd),
        "adddup2");
  check(posix_spawn_file_actions_adddup2(&setup.actions, child_replies.get(), runner_reply_fd),
        "adddup2");
  check(posix_spawn_file_actions_adddup2(&setup.actions, child_memory.get(), runner_memory_fd),
        "adddup2");
  // The plugin's stdout must not mix into the host's (a report, JSON): it joins stderr.
  check(posix_spawn_file_actions_adddup2(&setup.actions, STDERR_FILENO, STDOUT_FILENO), "adddup2");
  // Nothing else of the host's: a descriptor another thread opened without O_CLOEXEC would keep
  // some other runner's pipe open and hide its end.
  check(posix_spawn_file_actions_addclosefrom_np(&setup.actions, runner_memory_fd + 1),
        "addclosefrom");
  std::string runner_arg = runner, plugin_arg = plugin_path;
  char* argv[] = {runner_arg.data(), plugin_arg.data(), nullptr};
  const int spawned = posix_spawn(&pid_, runner.c_str(), &setup.actions, nullptr, argv, environ);
  if (spawned != 0) {
    pid_ = -1;
    throw rnn::error("plugin runner " + runner + " could not be started: " + strerror(spawned));
  }
  // command_read, reply_write and the copies close here: the runner holds its own.
}

runner_process::~runner_process() {
  if (pid_ <= 0) return;
  commands_.reset();  // end of commands: the runner destroys its instance and exits
  wait_for_end(std::chrono::steady_clock::now() + std::chrono::seconds(5));
}

void runner_process::kill_now() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::string runner_process::reap(int status) {
  pid_ = -1;
  if (WIFSIGNALED(status)) return "killed by " + signal_name(WTERMSIG(status));
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended (wait status " + std::to_string(status) + ")";
}

std::string runner_process::wait_for_end(deadline until) {
  if (pid_ <= 0) return "already ended";
  auto pause = std::chrono::microseconds(200);
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) return reap(status);
    if (done < 0 && errno != EINTR) {
      pid_ = -1;
      return "ended (waitpid failed: " + std::string(strerror(errno)) + ")";
    }
    if (std::chrono::steady_clock::now() >= until) {
      kill_now();
      return "did not end and was killed";
    }
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(20));
  }
}

}  // namespace rnnsuite::impl::detail
