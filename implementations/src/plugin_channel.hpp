#pragma once
// Reading and writing whole messages on the runner's pipes, with a deadline on reads and no
// SIGPIPE on writes (the host must survive a runner that died: it may not own the signal's
// disposition, so the signal is blocked on this thread for the write instead).
#include <chrono>
#include <cstddef>

namespace rnnsuite::impl::detail {

using deadline = std::chrono::steady_clock::time_point;

enum class read_result { complete, ended, timed_out };

// Reads exactly `bytes`; ended: the other side closed (or an error) first.
read_result read_exactly(int fd, void* data, std::size_t bytes, deadline until);
read_result read_exactly(int fd, void* data, std::size_t bytes);  // no deadline
// False when the reader has gone.
bool write_exactly(int fd, const void* data, std::size_t bytes);

// An owned file descriptor.
class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) : fd_(fd) {}
  ~unique_fd() { reset(); }
  unique_fd(unique_fd&& o) noexcept : fd_(o.release()) {}
  unique_fd& operator=(unique_fd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

}  // namespace rnnsuite::impl::detail
