// rnnsuite-plugin-runner: runs one instance of one plugin for an isolated host (plugin_isolated.cpp)
// so that the plugin's crash or hang ends this process, not the host. Usage (the host's only):
//   rnnsuite-plugin-runner PLUGIN.so   with descriptors 3 (commands), 4 (replies), 5 (shared memory)
// It loads the plugin itself, answers once that it did (or why not), then carries out commands
// (create, forward, backward) until the command pipe ends, when it destroys the instance and
// exits 0. Every reply carries the plugin's status, its logged text and any change it made to the
// floating-point environment (restored here before the next call).
#include <sys/mman.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "plugin_channel.hpp"
#include "plugin_library.hpp"
#include "plugin_protocol.hpp"

#if defined(__SANITIZE_ADDRESS__)
// A plugin's SIGSEGV must end this process by that signal (the host names it), also in the
// ASan build, whose handler would otherwise report it and exit 1.
extern "C" const char* __asan_default_options() {
  return "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_abort=0";
}
#endif

namespace {

using namespace rnnsuite::impl::detail;

// The host's mapping of the shared memory, mapped here too.
class mapping {
 public:
  ~mapping() { unmap(); }
  void follow(std::uint64_t bytes, std::uint64_t host_base) {
    host_base_ = host_base;
    if (bytes == bytes_) return;
    unmap();
    void* at = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, runner_memory_fd, 0);
    if (at == MAP_FAILED) throw std::runtime_error("cannot map the shared memory: " + std::string(strerror(errno)));
    base_ = static_cast<std::byte*>(at), bytes_ = bytes;
  }
  // The host's pointer to `bytes` of the shared memory, as a pointer into this mapping.
  void* relocate(void* host_pointer, std::uint64_t bytes, const char* what) const {
    if (!host_pointer) return nullptr;
    const auto at = reinterpret_cast<std::uintptr_t>(host_pointer);
    if (at < host_base_ || at - host_base_ > bytes_ || bytes > bytes_ - (at - host_base_))
      throw std::runtime_error(std::string("the host's ") + what + " lies outside the shared memory");
    return base_ + (at - host_base_);
  }
  void relocate(rnnsuite_tensor& t, const char* what) const {
    if (!t.data) return;
    if (t.ndim < 0 || t.ndim > RNNSUITE_MAX_DIMS || (t.dtype != RNNSUITE_DTYPE_F32 && t.dtype != RNNSUITE_DTYPE_F64))
      throw std::runtime_error(std::string("the host's ") + what + " is malformed");
    std::uint64_t bytes = t.dtype == RNNSUITE_DTYPE_F32 ? 4 : 8;
    for (int d = 0; d < t.ndim; ++d) {
      if (t.shape[d] < 0 || (t.shape[d] > 0 && bytes > bytes_ / static_cast<std::uint64_t>(t.shape[d])))
        throw std::runtime_error(std::string("the host's ") + what + " lies outside the shared memory");
      bytes *= static_cast<std::uint64_t>(t.shape[d]);
    }
    t.data = relocate(t.data, bytes, what);
  }
  std::uint64_t bytes_left(void* host_pointer) const {
    return host_pointer ? bytes_ - (reinterpret_cast<std::uintptr_t>(host_pointer) - host_base_) : 0;
  }

 private:
  void unmap() {
    if (base_) ::munmap(base_, bytes_);
    base_ = nullptr, bytes_ = 0;
  }
  std::byte* base_ = nullptr;
  std::uint64_t bytes_ = 0, host_base_ = 0;
};

void send(const reply_header& head, const std::string& logged) {
  reply_header r = head;
  const std::string text = logged.substr(0, max_reply_log_bytes);
  r.log_bytes = static_cast<std::uint32_t>(text.size());
  if (!write_exactly(runner_reply_fd, &r, sizeof r) ||
      !write_exactly(runner_reply_fd, text.data(), text.size()))
    std::exit(1);  // the host has gone
}

void send_failure(const std::string& why) {
  reply_header r;
  r.status = runner_failed;
  send(r, why);
}

class runner {
 public:
  explicit runner(const plugin_library& library) : library_(library) {}
  ~runner() {
    if (instance_ && library_.table().destroy) library_.table().destroy(instance_);
  }

  void carry_out(command& c) {
    map_.follow(c.mapping_bytes, c.host_base);
    switch (c.kind) {
      case command_kind::create: return create(c);
      case command_kind::forward: return forward(c);
      case command_kind::backward: return backward(c);
    }
    throw std::runtime_error("unknown command " + std::to_string(static_cast<unsigned>(c.kind)));
  }

 private:
  // Calls one slot under a log capture and an environment guard, and replies.
  template <class Slot>
  void call(const char* name, Slot&& slot, reply_header r = {}) {
    plugin_log::capture log;
    const fp_guard environment;
    r.status = slot(library_.table());
    const std::string change = environment.changed(name);
    std::snprintf(r.fp_change, sizeof r.fp_change, "%s", change.c_str());
    send(r, log.text());
  }

  void create(command& c) {
    if (instance_) throw std::runtime_error("create: an instance exists already");
    for (rnnsuite_tensor& t : c.parameters) map_.relocate(t, "parameter");
    options_ = std::make_unique<call_options>(c.settings);
    const rnnsuite_parameters parameters{sizeof(rnnsuite_parameters), 4, c.parameters};
    plugin_log::capture log;
    const fp_guard environment;
    reply_header r;
    r.status = library_.table().create(&c.problem, options_->get(), &parameters, &instance_);
    if (r.status == RNNSUITE_OK && !instance_) {
      send_failure("create returned RNNSUITE_OK and no instance");
      return;
    }
    if (r.status == RNNSUITE_OK) {
      r.sizes.struct_size = sizeof r.sizes;
      r.status = library_.table().workspace_sizes(instance_, &r.sizes);
    }
    const std::string change = environment.changed(r.status == RNNSUITE_OK ? "create" : "create or workspace_sizes");
    std::snprintf(r.fp_change, sizeof r.fp_change, "%s", change.c_str());
    send(r, log.text());
  }

  void forward(command& c) {
    rnnsuite_forward_args& a = c.forward;
    for (rnnsuite_tensor* t : {&a.x, &a.h0, &a.c0, &a.output, &a.h_n, &a.c_n}) map_.relocate(*t, "forward tensor");
    relocate_workspace(a.reserve, a.scratch);
    call("forward", [&](const rnnsuite_plugin& t) { return t.forward(instance_, &a); });
  }

  void backward(command& c) {
    rnnsuite_backward_args& a = c.backward;
    for (rnnsuite_tensor* t : {&a.grad_output, &a.grad_h_n, &a.grad_c_n, &a.grad_x, &a.grad_h0,
                               &a.grad_c0, &a.grad_h, &a.grad_c})
      map_.relocate(*t, "backward tensor");
    for (rnnsuite_tensor& t : c.grad_parameters) map_.relocate(t, "parameter gradient");
    a.grad_parameters = {sizeof(rnnsuite_parameters), 4, c.grad_parameters};
    relocate_workspace(a.reserve, a.scratch);
    call("backward", [&](const rnnsuite_plugin& t) { return t.backward(instance_, &a); });
  }

  void relocate_workspace(void*& reserve, void*& scratch) const {
    if (!instance_) throw std::runtime_error("a call before create");
    reserve = map_.relocate(reserve, 1, "reserve");
    scratch = map_.relocate(scratch, 1, "scratch");
  }

  const plugin_library& library_;
  mapping map_;
  std::unique_ptr<call_options> options_;
  rnnsuite_instance* instance_ = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a host that has gone is a failed write, then exit
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PLUGIN.so (started by rnnsuite for an isolated plugin, with "
                         "descriptors 3, 4 and 5 set up)\n", argv[0]);
    return 2;
  }
  std::unique_ptr<plugin_library> library;
  try {
    library = std::make_unique<plugin_library>(argv[1]);
  } catch (const std::exception& e) {
    send_failure(e.what());
    return 1;
  }
  send(reply_header{}, "");
  runner run(*library);
  command c;
  while (read_exactly(runner_command_fd, &c, sizeof c) == read_result::complete) {
    if (c.magic != protocol_magic) {
      send_failure("a garbled command");
      return 1;
    }
    try {
      run.carry_out(c);
    } catch (const std::exception& e) {
      send_failure(e.what());
    }
  }
  return 0;
}
