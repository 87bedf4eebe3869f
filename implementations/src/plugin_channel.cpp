// Whole-message I/O on pipes (plugin_channel.hpp).
#include "plugin_channel.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

namespace rnnsuite::impl::detail {

void unique_fd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

read_result read_exactly(int fd, void* data, std::size_t bytes, deadline until) {
  auto* at = static_cast<char*>(data);
  while (bytes > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return read_result::timed_out;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count() + 1, INT_MAX)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return read_result::ended;
    if (ready == 0) continue;  // the loop checks the deadline
    const ssize_t got = ::read(fd, at, bytes);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) return read_result::ended;
    at += got, bytes -= static_cast<std::size_t>(got);
  }
  return read_result::complete;
}

read_result read_exactly(int fd, void* data, std::size_t bytes) {
  auto* at = static_cast<char*>(data);
  while (bytes > 0) {
    const ssize_t got = ::read(fd, at, bytes);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return read_result::ended;
    at += got, bytes -= static_cast<std::size_t>(got);
  }
  return read_result::complete;
}

bool write_exactly(int fd, const void* data, std::size_t bytes) {
  // Block SIGPIPE on this thread for the write; a SIGPIPE raised meanwhile stays pending for this
  // thread and is consumed below, unless one was already pending before.
  sigset_t pipe_only, previous, pending;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE);
  const auto* at = static_cast<const char*>(data);
  bool ok = true;
  while (bytes > 0) {
    const ssize_t put = ::write(fd, at, bytes);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) {
      ok = false;
      break;
    }
    at += put, bytes -= static_cast<std::size_t>(put);
  }
  if (!ok && !was_pending) {
    const timespec now{0, 0};
    while (sigtimedwait(&pipe_only, nullptr, &now) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return ok;
}

}  // namespace rnnsuite::impl::detail
