#pragma once
// A plugin's instance in a child process of its own (rnnsuite-plugin-runner), so that a crash or
// a hang becomes a failure of this instance, not of the host: what rnnsuite verify uses.
#include <memory>

#include "plugin_call_options.hpp"
#include "plugin_library.hpp"
#include "rnnsuite/impl/implementation.hpp"

namespace rnnsuite::impl::detail {

// Every call (the runner's start, create, forward, backward) waits at most timeout_seconds.
// Throws failure: crashed (naming the signal, or the timeout), error, unsupported.
template <class Real>
std::unique_ptr<instance<Real>> make_isolated_instance(
    std::shared_ptr<const plugin_library> library, const rnn::problem& p,
    rnn::parameters_view<Real> params, const plugin_settings& settings, double timeout_seconds);

}  // namespace rnnsuite::impl::detail
