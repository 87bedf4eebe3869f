// A plugin as an implementation under test (rnnsuite/impl/plugin_implementation.hpp): the caps
// translated once, unsupported() from the caps and the plugin's check(), and prepare() in this
// process or isolated.
#include "rnnsuite/impl/plugin_implementation.hpp"

#include <cmath>

#include "plugin_call_checks.hpp"
#include "plugin_inprocess.hpp"
#include "plugin_isolated.hpp"
#include "parameter_gradient_scratch.hpp"
#include "plugin_library.hpp"
#include "plugin_tensors.hpp"
#include "rnn/error.hpp"

namespace rnnsuite::impl {
namespace {

using detail::plugin_library;

capabilities capabilities_of(const rnnsuite_caps& c) {
  capabilities out;
  for (rnn::cell cell : rnn::all_cells)
    if (c.cells & (1u << static_cast<unsigned>(cell))) out.cells.push_back(cell);
  if (c.dtypes & (1u << RNNSUITE_DTYPE_F32)) out.precisions.push_back(rnn::precision::f32);
  if (c.dtypes & (1u << RNNSUITE_DTYPE_F64)) out.precisions.push_back(rnn::precision::f64);
  out.per_step_gradients = c.flags & RNNSUITE_CAP_PER_STEP_GRADIENTS;
  out.truncation = c.flags & RNNSUITE_CAP_TRUNCATION;
  out.streaming = c.flags & RNNSUITE_CAP_STREAMING;
  out.deterministic = c.flags & RNNSUITE_CAP_DETERMINISTIC;
  out.thread_invariant = c.flags & RNNSUITE_CAP_THREAD_INVARIANT;
  out.max_threads = c.max_threads;
  return out;
}

class plugin_implementation final : public implementation {
 public:
  plugin_implementation(std::shared_ptr<const plugin_library> library, const open_options& o)
      : library_(std::move(library)), options_(o), caps_(capabilities_of(library_->caps())) {}

  std::string name() const override { return library_->name(); }
  const capabilities& caps() const override { return caps_; }

  std::optional<std::string> unsupported(const rnn::problem& p,
                                         const run_options& o) const override {
    // The C ABI's problem has no layers or directions (version 1).
    if (rnn::is_network(p)) return no_networks(p) + " (the plugin C ABI runs single layers)";
    if (auto why = declined_by_caps(p, o)) return why;
    const rnnsuite_problem abi = detail::abi_problem(p);
    const detail::call_options options(detail::settings_of(o));
    detail::plugin_log::capture log;
    const detail::fp_guard environment;
    const std::int32_t status = library_->table().check(&abi, options.get());
    const std::string change = environment.changed("check");
    const std::string logged = log.text();
    if (status == RNNSUITE_UNSUPPORTED && change.empty())
      return logged.empty() ? "its check() declined " + rnn::format_problem(p) + " without a reason"
                            : logged;
    detail::check_call(library_->who(), "check", status, logged, change);
    return std::nullopt;
  }

  std::unique_ptr<instance<float>> prepare(const rnn::problem& p, rnn::parameters_view<float> w,
                                           const run_options& o) const override {
    return prepare_as<float>(p, w, o);
  }
  std::unique_ptr<instance<double>> prepare(const rnn::problem& p, rnn::parameters_view<double> w,
                                            const run_options& o) const override {
    return prepare_as<double>(p, w, o);
  }

 private:
  template <class Real>
  std::unique_ptr<instance<Real>> prepare_as(const rnn::problem& p, rnn::parameters_view<Real> w,
                                             const run_options& o) const {
    const rnn::precision wanted = sizeof(Real) == 4 ? rnn::precision::f32 : rnn::precision::f64;
    if (p.precision != wanted)
      throw rnn::error(library_->who() + ": prepare: the problem " + rnn::format_problem(p) +
                       " is " + std::string(rnn::precision_name(p.precision)) +
                       ", its parameters are " + std::string(rnn::precision_name(wanted)));
    if (auto why = declined_by_caps(p, o))
      throw failure(failure::kind::unsupported, library_->who() + ": " + *why);
    const detail::plugin_settings settings = detail::settings_of(o);
    if (options_.isolated)
      return with_caps_checked(
          detail::make_isolated_instance<Real>(library_, p, w, settings, options_.timeout_seconds),
          p);
    return with_caps_checked(detail::make_inprocess_instance<Real>(library_, p, w, settings), p);
  }

  // The instance, behind the checks of what backward may ask given the caps.
  template <class Real>
  std::unique_ptr<instance<Real>> with_caps_checked(std::unique_ptr<instance<Real>> inner,
                                                    const rnn::problem& p) const;

  // What the caps alone rule out, before the plugin is asked.
  std::optional<std::string> declined_by_caps(const rnn::problem& p, const run_options& o) const {
    rnn::validate(p);
    const rnnsuite_caps& c = library_->caps();
    if (!(c.cells & (1u << static_cast<unsigned>(p.cell))))
      return "it does not support the cell " + std::string(rnn::cell_name(p.cell));
    const int dtype = p.precision == rnn::precision::f32 ? RNNSUITE_DTYPE_F32 : RNNSUITE_DTYPE_F64;
    if (!(c.dtypes & (1u << dtype)))
      return "it does not support " + std::string(rnn::precision_name(p.precision));
    if (o.streaming.k1 > 0 && !(c.flags & RNNSUITE_CAP_STREAMING))
      return std::string("it does not support the streaming k1/k2 schedule");
    if (rnn::has_lengths(p))
      return "the plugin C ABI (version 1) has no sequence lengths; " + rnn::format_problem(p) +
             " has sequences of different lengths";
    const std::pair<const char*, std::pair<std::int64_t, std::int64_t>> sizes[] = {
        {"T", {p.T, c.max_T}}, {"B", {p.B, c.max_B}}, {"I", {p.I, c.max_I}}, {"H", {p.H, c.max_H}}};
    for (const auto& [field, value_limit] : sizes)
      if (value_limit.second > 0 && value_limit.first > value_limit.second)
        return std::string(field) + " = " + std::to_string(value_limit.first) +
               " is beyond its limit " + std::to_string(value_limit.second);
    return std::nullopt;
  }

  std::shared_ptr<const plugin_library> library_;
  open_options options_;
  capabilities caps_;
};

// backward's requests the caps rule out (truncation, per-step gradients) are failures of kind
// unsupported before anything is sent: unsupported() cannot know backward's steps. The ABI always
// passes the parameter gradients: when the caller does not want them back, the plugin writes
// them into host buffers of this instance's (the plugin's ABI is unchanged by that option).
template <class Real>
class caps_checked_instance final : public instance<Real> {
 public:
  caps_checked_instance(std::unique_ptr<instance<Real>> inner, std::string who,
                        const capabilities& caps, const rnn::problem& p)
      : inner_(std::move(inner)), who_(std::move(who)), truncation_(caps.truncation),
        per_step_gradients_(caps.per_step_gradients), problem_(p) {}
  void forward(sequence_inputs<Real> in, sequence_outputs<Real> out) override {
    // The ABI cannot carry them: refused, never run as if every sequence were T steps.
    if (!in.lengths.empty())
      throw failure(failure::kind::unsupported,
                    who_ + ": the plugin C ABI (version 1) has no sequence lengths");
    inner_->forward(in, out);
  }
  void backward(upstream_gradients<Real> up, rnn::gradients_view<Real> grads,
                std::int64_t steps) override {
    if (steps > 0 && !truncation_)
      throw failure(failure::kind::unsupported,
                    who_ + ": backward through the last " + std::to_string(steps) +
                        " steps: it does not support truncation");
    if ((!grads.h.empty() || !grads.c.empty()) && !per_step_gradients_)
      throw failure(failure::kind::unsupported,
                    who_ + ": backward: it does not return the per-step dL/dh_t, dL/dc_t");
    inner_->backward(up, parameter_scratch_.complete(grads, problem_), steps);
  }
  std::size_t reserve_bytes() const override { return inner_->reserve_bytes(); }

 private:
  std::unique_ptr<instance<Real>> inner_;
  std::string who_;
  bool truncation_, per_step_gradients_;
  rnn::problem problem_;
  detail::parameter_gradient_scratch<Real> parameter_scratch_;
};

template <class Real>
std::unique_ptr<instance<Real>> plugin_implementation::with_caps_checked(
    std::unique_ptr<instance<Real>> inner, const rnn::problem& p) const {
  return std::make_unique<caps_checked_instance<Real>>(std::move(inner), library_->who(), caps_,
                                                       p);
}

}  // namespace

std::unique_ptr<implementation> load_plugin(const std::string& path, const open_options& options) {
  if (!(options.timeout_seconds > 0) || !std::isfinite(options.timeout_seconds))
    throw rnn::error("open_options.timeout_seconds must be a positive number of seconds, got " +
                     std::to_string(options.timeout_seconds));
  return std::make_unique<plugin_implementation>(std::make_shared<const plugin_library>(path),
                                                 options);
}

}  // namespace rnnsuite::impl
