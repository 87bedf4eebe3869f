// The kernels built with the avx2 instruction set's flags (lib/CMakeLists.txt sets them).
#include "kernels/pointwise.hpp"

namespace rnn::kernels {

table<float> avx2_f32() { return make_table<float, xsimd::fma3<xsimd::avx2>>(); }
table<double> avx2_f64() { return make_table<double, xsimd::fma3<xsimd::avx2>>(); }

}  // namespace rnn::kernels
