#pragma once
// rnnsuite's own library (lib/) as an implementation under test: rnn::layer, and
// rnn::streaming_tbptt for the streaming schedule. It supports everything the concept can ask.
#include <memory>

#include "rnnsuite/impl/implementation.hpp"

namespace rnnsuite::impl {

std::unique_ptr<implementation> make_lib_implementation();

}  // namespace rnnsuite::impl
