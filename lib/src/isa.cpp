// Which instruction sets the CPU runs, and which one a layer uses.
#include "rnn/isa.hpp"

#include <cstdlib>
#include <string>
#include <xsimd/xsimd.hpp>

#include "kernels/table.hpp"
#include "rnn/error.hpp"

namespace rnn {

std::string_view isa_name(isa i) {
  switch (i) {
    case isa::sse2: return "sse2";
    case isa::avx2: return "avx2";
    case isa::avx512: return "avx512";
  }
  return "unknown";
}

isa parse_isa(std::string_view name) {
  for (isa i : {isa::sse2, isa::avx2, isa::avx512})
    if (name == isa_name(i)) return i;
  throw error("instruction set '" + std::string(name) + "' is unknown (known: sse2, avx2, avx512)");
}

std::vector<isa> available_isas() {
  const auto cpu = xsimd::available_architectures();
  __builtin_cpu_init();  // this may run before main (a static initializer asking for the ISAs)
  std::vector<isa> found;
  // xsimd 8.1 does not check that the OS saves AVX-512 state; GCC's cpu model does (XCR0).
  if (cpu.avx512f && cpu.avx512cd && cpu.avx512dq && cpu.avx512bw &&
      __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
    found.push_back(isa::avx512);
  if (cpu.avx2 && cpu.fma3_avx2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    found.push_back(isa::avx2);
  found.push_back(isa::sse2);  // every x86-64 CPU has SSE2
  return found;
}

namespace {
void require_available(isa i, std::string_view who) {
  for (isa a : available_isas())
    if (a == i) return;
  throw error(std::string(who) + " asks for instruction set '" + std::string(isa_name(i)) +
              "', which this CPU does not support");
}
}  // namespace

isa default_isa() {
  if (const char* forced = std::getenv("RNNSUITE_ARCH"); forced && *forced) {
    isa i;
    try {
      i = parse_isa(forced);
    } catch (const error&) {
      throw error("RNNSUITE_ARCH='" + std::string(forced) + "' is unknown (known: sse2, avx2, avx512)");
    }
    require_available(i, "RNNSUITE_ARCH");
    return i;
  }
  return available_isas().front();
}

namespace kernels {

template <>
table<float> for_isa<float>(isa i) {
  require_available(i, "layer_options.isa");
  switch (i) {
    case isa::avx512: return avx512_f32();
    case isa::avx2: return avx2_f32();
    default: return sse2_f32();
  }
}

template <>
table<double> for_isa<double>(isa i) {
  require_available(i, "layer_options.isa");
  switch (i) {
    case isa::avx512: return avx512_f64();
    case isa::avx2: return avx2_f64();
    default: return sse2_f64();
  }
}

}  // namespace kernels
}  // namespace rnn
