#pragma once
// The floating-point environment a plugin must leave alone (rnnsuite/plugin.h): MXCSR's control
// bits (flush-to-zero, denormals-are-zero, rounding, exception masks), the x87 control word and
// the C rounding mode. rnnsuite's UNDERFLOW verdicts depend on subnormals, so a plugin that sets
// FTZ/DAZ (a -ffast-math build does, when loaded) must be caught, not silently graded.
#include <cfenv>
#include <cstdint>
#include <string>

namespace rnnsuite::impl::detail {

struct fp_environment {
  std::uint32_t mxcsr_control = 0;  // MXCSR without its sticky exception flags (bits 0-5)
  std::uint16_t x87_control = 0;
  int rounding = 0;  // fegetround()
  std::fenv_t full{};  // everything, to restore
};

fp_environment current_fp_environment();
// Puts `saved` back (the control bits; the sticky flags are whatever they were then).
void restore_fp_environment(const fp_environment& saved);
// Empty when the control state is the same; else what changed, in words:
// "MXCSR 0x1f80 -> 0x9fc0 (flush-to-zero set, denormals-are-zero set)".
std::string fp_environment_change(const fp_environment& before, const fp_environment& after);

}  // namespace rnnsuite::impl::detail
