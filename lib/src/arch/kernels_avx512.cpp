// The kernels built with the avx512 instruction set's flags (lib/CMakeLists.txt sets them).
// GCC 12 warns that xsimd 8.1's AVX-512 exp (its integer shifts in ldexp) reads an uninitialized
// register: a false positive inside GCC's own _mm512_undefined intrinsics, not in our code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include "kernels/pointwise.hpp"

namespace rnn::kernels {

table<float> avx512_f32() { return make_table<float, xsimd::avx512bw>(); }
table<double> avx512_f64() { return make_table<double, xsimd::avx512bw>(); }

}  // namespace rnn::kernels

#pragma GCC diagnostic pop
