#include "rnnsuite/verify/verdict.hpp"

namespace rnnsuite::verify {

std::string_view verdict_name(verdict v) {
  switch (v) {
    case verdict::pass: return "PASS";
    case verdict::unsupported: return "UNSUPPORTED";
    case verdict::underflow: return "UNDERFLOW";
    case verdict::overflow: return "OVERFLOW";
    case verdict::mistrusted: return "MISTRUSTED";
    case verdict::fail: return "FAIL";
  }
  return "?";
}

}  // namespace rnnsuite::verify
