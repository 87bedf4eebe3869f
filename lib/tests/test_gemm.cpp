// The GEMM kernels of every instruction set the CPU has (kernels/gemm.hpp through the kernel
// table), below the layer: each entry point against an exact sum within the rounding-error
// bound of a K-term dot product, and the entry points against each other bit for bit (they
// differ in blocking and packing only, never in the order of one element's terms).
// The shapes cross every boundary the blocking has: K past the 512-row k-block of
// gemm_transposed_a and the 2048-row k-block of the others, M past whole row tiles (8 or 4) and
// m-blocks (128), N past whole panels (48, 24 or 12 columns) into single vectors and scalar tail
// columns, and a k-block of packed B past the 512 KiB beyond which the row tiles prefetch the
// next panel (M = 137, N = 100, K = 1400 at every panel width; M = 21 at K = 2100).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "kernel_test_values.hpp"
#include "kernels/table.hpp"
#include "rnn/aligned.hpp"
#include "rnn/isa.hpp"

namespace rnn {
namespace {

using kernels::index;

struct shape {
  index M, N, K;
};

const shape shapes[] = {{21, 53, 2100}, {131, 61, 600},  {8, 48, 1},
                        {3, 5, 7},      {136, 100, 513}, {137, 100, 1400}};

std::string name_of(isa i, const shape& s) {
  return std::string(isa_name(i)) + " M=" + std::to_string(s.M) + " N=" + std::to_string(s.N) +
         " K=" + std::to_string(s.K);
}

using testing_support::values;

// The operands of one product: A (M×K) stored both ways, B (K×N) row-major and packed, C's
// start values.
template <class Real>
struct operands {
  shape s;
  aligned_vector<Real> a_rows, a_columns, b, packed, init, row;
  operands(const kernels::table<Real>& k, shape s_) : s(s_) {
    a_rows = values<Real>(std::size_t(s.M * s.K), 1);  // A(m, k) = a_rows[m·K + k]
    a_columns.resize(a_rows.size());                   // A(m, k) = a_columns[m + k·M]
    for (index m = 0; m < s.M; ++m)
      for (index kk = 0; kk < s.K; ++kk) a_columns[m + kk * s.M] = a_rows[m * s.K + kk];
    b = values<Real>(std::size_t(s.K * s.N), 2);
    const index panels = (s.N + k.panel_width - 1) / k.panel_width;
    packed.resize(std::size_t(panels * k.panel_width * s.K));
    k.pack_panels(packed.data(), b.data(), s.K, s.N);
    init = values<Real>(std::size_t(s.M * s.N), 3);
    row = values<Real>(std::size_t(s.N), 4);
  }
  Real a(index m, index kk) const { return a_rows[m * s.K + kk]; }
};

// |c − Σ| ≤ γ_{K+1} (|start| + Σ|a_k b_k|), γ_n = n·u / (1 − n·u): the bound of any evaluation
// of a (K+1)-term sum in Real, fused or not, in any order (Higham, Accuracy and Stability of
// Numerical Algorithms, 3.1). The exact sum is taken in long double (64-bit significand), whose
// own error is far below the bound.
template <class Real>
void expect_within_bound(const operands<Real>& o, const std::vector<Real>& c,
                         const Real* start, index start_ld, const std::string& what) {
  const long double u = std::numeric_limits<Real>::epsilon() / 2;
  const long double n = o.s.K + 1;
  const long double gamma = n * u / (1 - n * u);
  int reported = 0;
  for (index m = 0; m < o.s.M; ++m)
    for (index j = 0; j < o.s.N; ++j) {
      long double exact = start ? start[m * start_ld + j] : 0;
      long double magnitude = std::fabs(exact);
      for (index kk = 0; kk < o.s.K; ++kk) {
        const long double term = (long double)o.a(m, kk) * o.b[kk * o.s.N + j];
        exact += term;
        magnitude += std::fabs(term);
      }
      const long double error = std::fabs(c[m * o.s.N + j] - exact);
      if (!(error <= gamma * magnitude) && reported++ < 3)
        ADD_FAILURE() << what << ": C(" << m << ", " << j << ") = " << c[m * o.s.N + j]
                      << ", exact " << double(exact) << ", error " << double(error)
                      << " above the bound " << double(gamma * magnitude);
    }
}

class Gemm : public ::testing::TestWithParam<isa> {};

template <class Real>
void check_every_entry_point(isa i) {
  const kernels::table<Real> k = kernels::for_isa<Real>(i);
  for (const shape& s : shapes) {
    const std::string what = name_of(i, s) + (sizeof(Real) == 4 ? " f32" : " f64");
    const operands<Real> o(k, s);
    const std::size_t mn = std::size_t(s.M * s.N);
    std::vector<Real> scratch(std::size_t(k.transposed_a_scratch(s.N)));
    for (bool accumulate : {false, true}) {
      const std::string how = what + (accumulate ? " C += A·B" : " C = A·B");
      // Each entry point, from the same start; the first is the one the others must equal.
      std::vector<Real> rows_c(o.init.begin(), o.init.end()), columns_c = rows_c,
                        packed_c = rows_c, transposed_c = rows_c;
      k.gemm(rows_c.data(), s.N, o.a_rows.data(), s.K, 1, o.b.data(), s.N, s.M, s.N, s.K,
             accumulate);
      k.gemm(columns_c.data(), s.N, o.a_columns.data(), 1, s.M, o.b.data(), s.N, s.M, s.N, s.K,
             accumulate);
      k.gemm_packed(packed_c.data(), s.N, o.a_rows.data(), s.K, 1, o.packed.data(), s.M, s.N,
                    s.K, accumulate);
      k.gemm_transposed_a(transposed_c.data(), s.N, o.a_columns.data(), s.M, o.b.data(), s.N,
                          s.M, s.N, s.K, accumulate, scratch.data());
      expect_within_bound(o, rows_c, accumulate ? o.init.data() : nullptr, s.N, how);
      ASSERT_EQ(rows_c.size(), mn);
      EXPECT_EQ(columns_c, rows_c) << how << ": A transposed in memory";
      EXPECT_EQ(packed_c, rows_c) << how << ": B packed";
      EXPECT_EQ(transposed_c, rows_c) << how << ": gemm_transposed_a";
    }
    // C = row + A·B: the bits of starting from copies of the row.
    std::vector<Real> onto_row(mn), copies(mn);
    for (index m = 0; m < s.M; ++m)
      for (index j = 0; j < s.N; ++j) copies[m * s.N + j] = o.row[j];
    k.gemm_packed_onto_row(onto_row.data(), s.N, o.a_rows.data(), s.K, 1, o.packed.data(),
                           o.row.data(), s.M, s.N, s.K);
    k.gemm(copies.data(), s.N, o.a_rows.data(), s.K, 1, o.b.data(), s.N, s.M, s.N, s.K, true);
    expect_within_bound(o, onto_row, o.row.data(), 0, what + " C = row + A·B");
    EXPECT_EQ(onto_row, copies) << what << ": gemm_packed_onto_row";
  }
}

TEST_P(Gemm, FloatEveryEntryPoint) { check_every_entry_point<float>(GetParam()); }
TEST_P(Gemm, DoubleEveryEntryPoint) { check_every_entry_point<double>(GetParam()); }

INSTANTIATE_TEST_SUITE_P(EveryIsa, Gemm, ::testing::ValuesIn(available_isas()),
                         [](const ::testing::TestParamInfo<isa>& info) {
                           return std::string(isa_name(info.param));
                         });

}  // namespace
}  // namespace rnn
