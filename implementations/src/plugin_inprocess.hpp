#pragma once
// A plugin's instance in this process: what rnnsuite-bench times (the plugin itself, no pipe).
// Inputs and outputs are handed over in place when 64-byte aligned (the benchmark's buffers
// are), else through an aligned copy.
#include <memory>

#include "plugin_call_options.hpp"
#include "plugin_library.hpp"
#include "rnnsuite/impl/implementation.hpp"

namespace rnnsuite::impl::detail {

template <class Real>
std::unique_ptr<instance<Real>> make_inprocess_instance(
    std::shared_ptr<const plugin_library> library, const rnn::problem& p,
    rnn::parameters_view<Real> params, const plugin_settings& settings);

}  // namespace rnnsuite::impl::detail
