#pragma once
// The verdicts of every check (DESIGN.md): only PASS passes. UNDERFLOW and OVERFLOW are reported
// findings (the true value lies outside the format's normal range, or the fast path went
// non-finite in an exploding regime); FAIL and MISTRUSTED (the check cannot decide) fail.
// UNSUPPORTED says the implementation under test declined the problem (oneDNN has no float64,
// a plugin no truncation): nothing was graded, and the report counts it apart.
#include <string_view>

namespace rnnsuite::verify {

enum class verdict { pass, unsupported, underflow, overflow, mistrusted, fail };

std::string_view verdict_name(verdict v);  // "PASS", "UNDERFLOW", ...
// True for PASS, UNSUPPORTED, UNDERFLOW and OVERFLOW: what lets `rnnsuite verify` exit 0.
inline bool acceptable(verdict v) { return v != verdict::fail && v != verdict::mistrusted; }
// The verdict of several checks together: FAIL over MISTRUSTED over OVERFLOW over UNDERFLOW
// over UNSUPPORTED over PASS (the enum's order).
inline verdict worse(verdict a, verdict b) { return a > b ? a : b; }

}  // namespace rnnsuite::verify
