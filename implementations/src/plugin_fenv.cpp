// Reading and comparing the floating-point control state around every call into a plugin.
#include "plugin_fenv.hpp"

#include <cstdio>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define RNNSUITE_X86 1
#endif

namespace rnnsuite::impl::detail {
namespace {

std::string hex(std::uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%04x", v);
  return text;
}

const char* rounding_name(int mode) {
  switch (mode) {
    case FE_TONEAREST: return "to nearest";
    case FE_DOWNWARD: return "downward";
    case FE_UPWARD: return "upward";
    case FE_TOWARDZERO: return "toward zero";
  }
  return "unknown";
}

// One bit's change in words: "flush-to-zero set".
void describe_bit(std::vector<std::string>& out, std::uint32_t before, std::uint32_t after,
                  std::uint32_t bit, const char* name) {
  if ((before & bit) != (after & bit)) out.push_back(std::string(name) + ((after & bit) ? " set" : " cleared"));
}

}  // namespace

fp_environment current_fp_environment() {
  fp_environment e;
  fegetenv(&e.full);
#ifdef RNNSUITE_X86
  e.mxcsr_control = _mm_getcsr() & ~0x3Fu;
  std::uint16_t cw = 0;
  __asm__ volatile("fnstcw %0" : "=m"(cw));
  e.x87_control = cw;
#endif
  e.rounding = fegetround();
  return e;
}

void restore_fp_environment(const fp_environment& saved) {
  fesetenv(&saved.full);
#ifdef RNNSUITE_X86
  // fesetenv restores MXCSR too; set the control bits explicitly in case a libm does not.
  _mm_setcsr((_mm_getcsr() & 0x3Fu) | saved.mxcsr_control);
#endif
}

std::string fp_environment_change(const fp_environment& before, const fp_environment& after) {
  std::string text;
  auto append = [&](const std::string& part) { text += (text.empty() ? "" : "; ") + part; };
  if (before.mxcsr_control != after.mxcsr_control) {
    std::vector<std::string> bits;
    describe_bit(bits, before.mxcsr_control, after.mxcsr_control, 1u << 15, "flush-to-zero");
    describe_bit(bits, before.mxcsr_control, after.mxcsr_control, 1u << 6, "denormals-are-zero");
    if (((before.mxcsr_control ^ after.mxcsr_control) >> 13) & 3u) bits.push_back("rounding changed");
    if (((before.mxcsr_control ^ after.mxcsr_control) >> 7) & 0x3Fu)
      bits.push_back("exception masks changed");
    std::string list;
    for (const std::string& b : bits) list += (list.empty() ? "" : ", ") + b;
    append("MXCSR " + hex(before.mxcsr_control) + " -> " + hex(after.mxcsr_control) + " (" + list +
           ")");
  }
  if (before.x87_control != after.x87_control)
    append("x87 control word " + hex(before.x87_control) + " -> " + hex(after.x87_control));
  else if (before.rounding != after.rounding)
    append(std::string("rounding mode ") + rounding_name(before.rounding) + " -> " +
           rounding_name(after.rounding));
  return text;
}

}  // namespace rnnsuite::impl::detail
