#pragma once
// A regime's execution as the implementation under test is asked to run it.
#include <optional>

#include "rnn/isa.hpp"
#include "rnnsuite/impl/implementation.hpp"
#include "rnnsuite/verify/regimes.hpp"

namespace rnnsuite::verify::detail {

inline impl::run_options run_options_of(const execution& how, std::optional<rnn::isa> isa) {
  impl::run_options o;
  o.threads = how.threads;
  o.streaming = how.streaming;
  o.isa = isa;
  o.chunk_steps = how.chunk_steps;
  o.l2_bytes = how.l2_bytes;
  return o;
}

}  // namespace rnnsuite::verify::detail
