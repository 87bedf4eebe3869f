// The in-process plugin instance (plugin_inprocess.hpp).
#include "plugin_inprocess.hpp"

#include <cstdint>
#include <new>
#include <vector>

#include "plugin_call_checks.hpp"
#include "plugin_tensors.hpp"

namespace rnnsuite::impl::detail {
namespace {

struct aligned_delete {
  void operator()(std::byte* p) const { ::operator delete[](p, std::align_val_t{tensor_alignment}); }
};
using aligned_bytes = std::unique_ptr<std::byte[], aligned_delete>;

aligned_bytes allocate_aligned(std::size_t bytes) {
  if (bytes == 0) return nullptr;
  return aligned_bytes(new (std::align_val_t{tensor_alignment}) std::byte[bytes]);
}

// The caller's memory where aligned, else an aligned copy for the one call.
class staging_memory final : public tensor_memory {
 protected:
  void* place(const void* caller, std::size_t bytes) override {
    if (reinterpret_cast<std::uintptr_t>(caller) % tensor_alignment == 0) return nullptr;
    copies_.push_back(allocate_aligned(bytes));
    return copies_.back().get();
  }
  void release_placements() override { copies_.clear(); }

 private:
  std::vector<aligned_bytes> copies_;
};

template <class Real>
class inprocess_instance final : public instance<Real> {
 public:
  inprocess_instance(std::shared_ptr<const plugin_library> library, const rnn::problem& p,
                     rnn::parameters_view<Real> params, const plugin_settings& settings)
      : library_(std::move(library)), problem_(p), options_(settings),
        streaming_(settings.streaming_k1 > 0) {
    const rnnsuite_problem abi = abi_problem(p);
    memory_.start_call();
    const std::array<rnnsuite_tensor, 4> tensors =
        parameter_tensors<Real>(p, library_->who(), params, memory_);
    const rnnsuite_parameters parameters{sizeof(rnnsuite_parameters), 4, tensors.data()};
    call("create", [&](const rnnsuite_plugin& t) {
      return t.create(&abi, options_.get(), &parameters, &instance_);
    });
    if (!instance_)
      throw failure(failure::kind::error, library_->who() + ": create returned RNNSUITE_OK and no instance");
    try {
      rnnsuite_workspace_sizes sizes{};
      sizes.struct_size = sizeof sizes;
      call("workspace_sizes",
           [&](const rnnsuite_plugin& t) { return t.workspace_sizes(instance_, &sizes); });
      check_workspace(library_->who(), sizes);
      reserve_ = allocate_aligned(sizes.reserve_bytes);
      scratch_ = allocate_aligned(sizes.scratch_bytes);
      reserve_bytes_ = sizes.reserve_bytes;
    } catch (...) {
      destroy();  // no destructor runs for a constructor that throws
      throw;
    }
  }

  ~inprocess_instance() override { destroy(); }

  void destroy() {
    if (instance_ && library_->table().destroy) {
      plugin_log::capture ignored;  // nothing can be reported from a destructor
      const fp_guard environment;
      library_->table().destroy(instance_);
      (void)environment.changed("destroy");  // restores it
    }
    instance_ = nullptr;
  }

  void forward(sequence_inputs<Real> in, sequence_outputs<Real> out) override {
    memory_.start_call();
    rnnsuite_forward_args args = forward_args<Real>(problem_, library_->who(), in, out, memory_);
    args.reserve = reserve_.get(), args.scratch = scratch_.get();
    call("forward", [&](const rnnsuite_plugin& t) { return t.forward(instance_, &args); });
    memory_.copy_outputs_back();
  }

  void backward(upstream_gradients<Real> up, rnn::gradients_view<Real> grads,
                std::int64_t steps) override {
    memory_.start_call();
    backward_call c;
    fill_backward_args<Real>(c, problem_, library_->who(), up, grads, steps, streaming_, memory_);
    c.args.reserve = reserve_.get(), c.args.scratch = scratch_.get();
    call("backward", [&](const rnnsuite_plugin& t) { return t.backward(instance_, &c.args); });
    memory_.copy_outputs_back();
  }

  std::size_t reserve_bytes() const override { return reserve_bytes_; }

 private:
  template <class Call>
  void call(const char* name, Call&& slot) {
    plugin_log::capture log;
    const fp_guard environment;
    const std::int32_t status = slot(library_->table());
    const std::string change = environment.changed(name);
    check_call(library_->who(), name, status, status == RNNSUITE_OK && change.empty() ? "" : log.text(),
               change);
  }

  std::shared_ptr<const plugin_library> library_;
  rnn::problem problem_;
  call_options options_;
  bool streaming_;
  staging_memory memory_;
  rnnsuite_instance* instance_ = nullptr;
  aligned_bytes reserve_, scratch_;  // reserve_bytes, scratch_bytes
  std::size_t reserve_bytes_ = 0;
};

}  // namespace

template <class Real>
std::unique_ptr<instance<Real>> make_inprocess_instance(
    std::shared_ptr<const plugin_library> library, const rnn::problem& p,
    rnn::parameters_view<Real> params, const plugin_settings& settings) {
  return std::make_unique<inprocess_instance<Real>>(std::move(library), p, params, settings);
}

template std::unique_ptr<instance<float>> make_inprocess_instance<float>(
    std::shared_ptr<const plugin_library>, const rnn::problem&, rnn::parameters_view<float>,
    const plugin_settings&);
template std::unique_ptr<instance<double>> make_inprocess_instance<double>(
    std::shared_ptr<const plugin_library>, const rnn::problem&, rnn::parameters_view<double>,
    const plugin_settings&);

}  // namespace rnnsuite::impl::detail
