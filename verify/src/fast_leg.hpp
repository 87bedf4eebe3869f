#pragma once
// What leg a does around any implementation's run, for a single layer (leg_fast.cpp) and a
// network (network_check.cpp) alike: the regime's execution as run_options, the result's header,
// and a run's failure as a verdict.
#include <optional>
#include <string>

#include "rnn/isa.hpp"
#include "rnn/layer.hpp"
#include "rnn/network.hpp"
#include "rnnsuite/impl/implementation.hpp"
#include "rnnsuite/verify/legs.hpp"
#include "rnnsuite/verify/regimes.hpp"

namespace rnnsuite::verify::detail {

inline impl::run_options run_options_of(const execution& how, const rnn::problem& p,
                                        std::optional<rnn::isa> isa) {
  impl::run_options o;
  o.threads = how.threads;
  o.streaming = how.streaming;
  o.isa = isa;
  o.chunk_steps = how.chunk_steps;
  o.l2_bytes = how.l2_bytes;
  if (how.checkpoint_slots > 0) {
    rnn::layer_options lib;
    lib.chunk_steps = how.chunk_steps, lib.l2_bytes = how.l2_bytes;
    o.memory_budget_bytes = rnn::network_checkpoint_sizes_of(p, lib).budget_for(how.checkpoint_slots);
  }
  return o;
}

// The fast leg's result before anything runs: named, with the instruction set where the
// implementation lets one be chosen, and UNSUPPORTED with the reason when it declines the regime.
inline leg_result start_fast_leg(const regime& r, const impl::implementation& implementation,
                                 std::optional<rnn::isa> isa) {
  leg_result out;
  out.leg = "fast", out.problem = r.name(), out.implementation = implementation.name();
  if (isa || !implementation.caps().isas.empty())
    out.isa = std::string(rnn::isa_name(isa.value_or(rnn::default_isa())));
  if (const auto why = declined_by(implementation, r)) out.outcome = verdict::unsupported, out.note = *why;
  return out;
}

// Runs `body` (prepare, forward, backward). False when it failed as the implementation's own
// verdict (unsupported: UNSUPPORTED; crashed: FAIL), with the reason in r.note; an error (the run
// cannot go on meaningfully) is rethrown.
template <class Body>
bool ran(leg_result& r, Body&& body) {
  try {
    body();
    return true;
  } catch (const impl::failure& e) {
    if (e.which() == impl::failure::kind::error) throw;
    r.outcome = e.which() == impl::failure::kind::unsupported ? verdict::unsupported
                                                               : verdict::fail;
    r.note = e.what();
    return false;
  }
}

}  // namespace rnnsuite::verify::detail
