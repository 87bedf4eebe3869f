// The isolated plugin instance (plugin_isolated.hpp): one runner process per instance, one memfd
// shared with it for every tensor, the reserve and the scratch, and a pipe each way.
#include "plugin_isolated.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "plugin_call_checks.hpp"
#include "plugin_protocol.hpp"
#include "plugin_runner_process.hpp"
#include "plugin_tensors.hpp"
#include "rnn/error.hpp"

namespace rnnsuite::impl::detail {
namespace {

std::size_t aligned_up(std::size_t bytes) {
  return (bytes + tensor_alignment - 1) / tensor_alignment * tensor_alignment;
}

// The memfd and the host's mapping of it. The first `call_bytes` hold one call's tensors (placed
// from the start at every call); the reserve and the scratch follow.
class shared_memory final : public tensor_memory {
 public:
  explicit shared_memory(std::size_t call_bytes) : call_bytes_(call_bytes) {
    fd_.reset(::memfd_create("rnnsuite-plugin", MFD_CLOEXEC));
    if (fd_.get() < 0) throw rnn::error(std::string("memfd_create failed: ") + strerror(errno));
    resize(call_bytes);
  }
  ~shared_memory() override { unmap(); }

  void resize(std::size_t bytes) {
    unmap();
    if (::ftruncate(fd_.get(), static_cast<off_t>(bytes)) != 0)
      throw rnn::error("cannot size the plugin's shared memory to " + std::to_string(bytes) +
                       " bytes: " + strerror(errno));
    void* at = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), 0);
    if (at == MAP_FAILED)
      throw rnn::error("cannot map " + std::to_string(bytes) + " bytes of shared memory: " +
                       strerror(errno));
    base_ = static_cast<std::byte*>(at), bytes_ = bytes;
  }

  int fd() const { return fd_.get(); }
  std::byte* base() const { return base_; }
  std::size_t bytes() const { return bytes_; }
  std::size_t call_bytes() const { return call_bytes_; }

 protected:
  void* place(const void*, std::size_t bytes) override {
    const std::size_t at = used_;
    used_ += aligned_up(bytes);
    if (used_ > call_bytes_) throw rnn::error("plugin shared memory: a call's tensors overflow it");
    return base_ + at;
  }
  void release_placements() override { used_ = 0; }

 private:
  void unmap() {
    if (base_) ::munmap(base_, bytes_);
    base_ = nullptr, bytes_ = 0;
  }
  unique_fd fd_;
  std::byte* base_ = nullptr;
  std::size_t bytes_ = 0, call_bytes_, used_ = 0;
};

// Everything of an isolated instance that does not depend on Real.
class isolated_session {
 public:
  isolated_session(std::shared_ptr<const plugin_library> library, const rnn::problem& p,
                   double timeout_seconds)
      : library_(std::move(library)), timeout_(timeout_seconds),
        memory_(std::max<std::size_t>(largest_call_bytes(p), tensor_alignment)),
        runner_(plugin_runner_path(), library_->load_path(), memory_.fd()) {
    reply_header hello;
    receive("starting the runner", hello, std::chrono::steady_clock::now() + timeout());
  }

  const std::string& who() const { return library_->who(); }
  shared_memory& memory() { return memory_; }

  // Sends `c`, waits for its reply and throws failure for anything but success.
  reply_header exchange(command& c, const char* call) {
    if (!ended_.empty())
      throw failure(failure::kind::crashed,
                    who() + ": " + call + ": its runner had already ended: " + ended_);
    c.magic = protocol_magic;
    c.mapping_bytes = memory_.bytes();
    c.host_base = reinterpret_cast<std::uintptr_t>(memory_.base());
    const deadline until = std::chrono::steady_clock::now() + timeout();
    if (!write_exactly(runner_.command_fd(), &c, sizeof c)) ended(call, until);
    reply_header r;
    receive(call, r, until);
    return r;
  }

  // After create: the workspace the plugin asked for, after the call region.
  void add_workspace(const rnnsuite_workspace_sizes& sizes) {
    check_workspace(who(), sizes);
    reserve_offset_ = aligned_up(memory_.call_bytes());
    scratch_offset_ = reserve_offset_ + aligned_up(sizes.reserve_bytes);
    reserve_bytes_ = sizes.reserve_bytes;
    memory_.resize(scratch_offset_ + aligned_up(sizes.scratch_bytes));
    scratch_bytes_ = sizes.scratch_bytes;
  }
  void* reserve() const { return reserve_bytes_ ? memory_.base() + reserve_offset_ : nullptr; }
  void* scratch() const { return scratch_bytes_ ? memory_.base() + scratch_offset_ : nullptr; }
  std::size_t reserve_bytes() const { return reserve_bytes_; }

 private:
  std::chrono::nanoseconds timeout() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(timeout_));
  }

  void receive(const char* call, reply_header& r, deadline until) {
    const read_result got = read_exactly(runner_.reply_fd(), &r, sizeof r, until);
    if (got == read_result::timed_out) timed_out(call);
    if (got == read_result::ended) ended(call, until);
    if (r.magic != protocol_magic || r.log_bytes > max_reply_log_bytes)
      throw failure(failure::kind::error, who() + ": " + call + ": the runner's reply is garbled");
    std::string logged(r.log_bytes, '\0');
    const read_result text = read_exactly(runner_.reply_fd(), logged.data(), logged.size(), until);
    if (text == read_result::timed_out) timed_out(call);
    if (text == read_result::ended) ended(call, until);
    r.fp_change[sizeof r.fp_change - 1] = '\0';
    if (r.status == runner_failed)
      throw failure(failure::kind::error, who() + ": " + call + ": " + logged);
    check_call(who(), call, r.status, logged, r.fp_change);
  }

  [[noreturn]] void timed_out(const char* call) {
    runner_.kill_now();
    ended_ = "no answer within " + seconds_text(timeout_) + ", killed";
    throw failure(failure::kind::crashed, who() + ": " + call + ": no answer within " +
                                              seconds_text(timeout_) +
                                              " (its runner process was killed)");
  }

  [[noreturn]] void ended(const char* call, deadline until) {
    ended_ = runner_.wait_for_end(until);
    throw failure(failure::kind::crashed,
                  who() + ": " + call + " crashed: its runner process was " + ended_);
  }

  std::shared_ptr<const plugin_library> library_;
  double timeout_;
  shared_memory memory_;
  runner_process runner_;
  std::string ended_;  // how the runner ended, once it has
  std::size_t reserve_offset_ = 0, scratch_offset_ = 0, reserve_bytes_ = 0, scratch_bytes_ = 0;
};

// Host pointers into the shared memory go to the runner as they are; it relocates them.
template <class Real>
class isolated_instance final : public instance<Real> {
 public:
  isolated_instance(std::shared_ptr<const plugin_library> library, const rnn::problem& p,
                    rnn::parameters_view<Real> params, const plugin_settings& settings,
                    double timeout_seconds)
      : session_(std::move(library), p, timeout_seconds), problem_(p),
        streaming_(settings.streaming_k1 > 0) {
    command c;
    c.kind = command_kind::create;
    c.problem = abi_problem(p);
    c.settings = settings;
    session_.memory().start_call();
    const auto tensors = parameter_tensors<Real>(p, session_.who(), params, session_.memory());
    std::copy(tensors.begin(), tensors.end(), c.parameters);
    session_.add_workspace(session_.exchange(c, "create").sizes);
  }

  void forward(sequence_inputs<Real> in, sequence_outputs<Real> out) override {
    command c;
    c.kind = command_kind::forward;
    session_.memory().start_call();
    c.forward = forward_args<Real>(problem_, session_.who(), in, out, session_.memory());
    c.forward.reserve = session_.reserve(), c.forward.scratch = session_.scratch();
    session_.exchange(c, "forward");
    session_.memory().copy_outputs_back();
  }

  void backward(upstream_gradients<Real> up, rnn::gradients_view<Real> grads,
                std::int64_t steps) override {
    command c;
    c.kind = command_kind::backward;
    session_.memory().start_call();
    backward_call b;
    fill_backward_args<Real>(b, problem_, session_.who(), up, grads, steps, streaming_,
                             session_.memory());
    c.backward = b.args;
    c.backward.grad_parameters.tensors = nullptr;  // the runner points it at grad_parameters
    std::copy(b.grad_parameters.begin(), b.grad_parameters.end(), c.grad_parameters);
    c.backward.reserve = session_.reserve(), c.backward.scratch = session_.scratch();
    session_.exchange(c, "backward");
    session_.memory().copy_outputs_back();
  }

  std::size_t reserve_bytes() const override { return session_.reserve_bytes(); }

 private:
  isolated_session session_;
  rnn::problem problem_;
  bool streaming_;
};

}  // namespace

template <class Real>
std::unique_ptr<instance<Real>> make_isolated_instance(
    std::shared_ptr<const plugin_library> library, const rnn::problem& p,
    rnn::parameters_view<Real> params, const plugin_settings& settings, double timeout_seconds) {
  return std::make_unique<isolated_instance<Real>>(std::move(library), p, params, settings,
                                                   timeout_seconds);
}

template std::unique_ptr<instance<float>> make_isolated_instance<float>(
    std::shared_ptr<const plugin_library>, const rnn::problem&, rnn::parameters_view<float>,
    const plugin_settings&, double);
template std::unique_ptr<instance<double>> make_isolated_instance<double>(
    std::shared_ptr<const plugin_library>, const rnn::problem&, rnn::parameters_view<double>,
    const plugin_settings&, double);

}  // namespace rnnsuite::impl::detail
