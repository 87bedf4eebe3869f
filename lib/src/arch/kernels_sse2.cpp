// The kernels built with the sse2 instruction set's flags (lib/CMakeLists.txt sets them).
#include "kernels/pointwise.hpp"

namespace rnn::kernels {

table<float> sse2_f32() { return make_table<float, xsimd::sse2>(); }
table<double> sse2_f64() { return make_table<double, xsimd::sse2>(); }

}  // namespace rnn::kernels
