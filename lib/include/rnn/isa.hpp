#pragma once
// Instruction sets the kernels are compiled for, chosen at run time. RNNSUITE_ARCH=sse2|avx2|avx512
// forces one (an unavailable or unknown value is an rnn::error at first use).
#include <optional>
#include <string_view>
#include <vector>

namespace rnn {

enum class isa { sse2, avx2, avx512 };

std::string_view isa_name(isa i);
isa parse_isa(std::string_view name);  // throws rnn::error
// Instruction sets this CPU (and OS) can run, best first.
std::vector<isa> available_isas();
// The one used when a layer does not ask for a specific one: RNNSUITE_ARCH if set, else the best.
isa default_isa();

}  // namespace rnn
