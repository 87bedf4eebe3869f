// The batch-1 matrix-vector kernel of every instruction set the CPU has (kernels/matvec.hpp
// through the kernel table), below the layer: W packed into the matvec's layout, each row against
// an exact dot product within the rounding-error bound of a cols-term sum, and the same bits
// however the rows are split into calls (the layer splits them by thread and by sweep block).
// The shapes cross every boundary of the layout: rows past whole 4-row groups, columns past whole
// 2-vector steps into single vectors and a partial last vector, for every vector width.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "kernel_test_values.hpp"
#include "kernels/table.hpp"
#include "rnn/aligned.hpp"
#include "rnn/isa.hpp"

namespace rnn {
namespace {

using kernels::index;

struct shape {
  index rows, cols;
};

const shape shapes[] = {{1, 1}, {3, 5}, {4, 16}, {7, 33}, {13, 100}, {64, 512}, {130, 67}};

using testing_support::values;

class Matvec : public ::testing::TestWithParam<isa> {};

template <class Real>
void check_matvec(isa i) {
  const kernels::table<Real> k = kernels::for_isa<Real>(i);
  for (const shape& s : shapes) {
    const std::string what = std::string(isa_name(i)) + (sizeof(Real) == 4 ? " f32" : " f64") +
                             " rows=" + std::to_string(s.rows) + " cols=" + std::to_string(s.cols);
    const aligned_vector<Real> w = values<Real>(std::size_t(s.rows * s.cols), 1);  // rows×cols
    const aligned_vector<Real> v = values<Real>(std::size_t(s.cols), 2);            // cols
    const aligned_vector<Real> start = values<Real>(std::size_t(s.rows), 3);        // rows
    aligned_vector<Real> packed(std::size_t(k.matvec_packed_size(s.rows, s.cols)));
    ASSERT_GE(packed.size(), w.size()) << what;
    k.pack_matvec(packed.data(), w.data(), s.rows, s.cols);

    for (bool accumulate : {false, true}) {
      const std::string how = what + (accumulate ? " y += W·v" : " y = W·v");
      std::vector<Real> whole(start.begin(), start.end());
      k.matvec(whole.data(), packed.data(), v.data(), 0, s.rows, s.rows, s.cols, accumulate);
      // |y − Σ| ≤ γ_{cols+1} (|start| + Σ|w v|) (Higham 3.1), the exact sum in long double.
      const long double u = std::numeric_limits<Real>::epsilon() / 2, n = s.cols + 1;
      const long double gamma = n * u / (1 - n * u);
      for (index r = 0; r < s.rows; ++r) {
        long double exact = accumulate ? start[r] : 0, magnitude = std::fabs(exact);
        for (index j = 0; j < s.cols; ++j) {
          const long double term = (long double)w[r * s.cols + j] * v[j];
          exact += term;
          magnitude += std::fabs(term);
        }
        EXPECT_LE(std::fabs(whole[r] - exact), gamma * magnitude)
            << how << ": row " << r << " = " << whole[r] << ", exact " << double(exact);
      }
      // Split into calls at every row (groups cut in the middle) and in two at each boundary.
      std::vector<Real> one_by_one(start.begin(), start.end());
      for (index r = 0; r < s.rows; ++r)
        k.matvec(one_by_one.data(), packed.data(), v.data(), r, r + 1, s.rows, s.cols,
                 accumulate);
      EXPECT_EQ(one_by_one, whole) << how << ": one row per call";
      for (index cut = 1; cut < s.rows; ++cut) {
        std::vector<Real> halves(start.begin(), start.end());
        k.matvec(halves.data(), packed.data(), v.data(), cut, s.rows, s.rows, s.cols, accumulate);
        k.matvec(halves.data(), packed.data(), v.data(), 0, cut, s.rows, s.cols, accumulate);
        ASSERT_EQ(halves, whole) << how << ": split at row " << cut;
      }
    }
  }
}

TEST_P(Matvec, FloatPackedAgainstExactAndSplits) { check_matvec<float>(GetParam()); }
TEST_P(Matvec, DoublePackedAgainstExactAndSplits) { check_matvec<double>(GetParam()); }

// A range touches only its own rows of y.
TEST_P(Matvec, RangeWritesOnlyItsRows) {
  const kernels::table<float> k = kernels::for_isa<float>(GetParam());
  const index rows = 11, cols = 37;
  const aligned_vector<float> w = values<float>(rows * cols, 4), v = values<float>(cols, 5);
  aligned_vector<float> packed(std::size_t(k.matvec_packed_size(rows, cols)));
  k.pack_matvec(packed.data(), w.data(), rows, cols);
  std::vector<float> y(rows, -7.0f);
  k.matvec(y.data(), packed.data(), v.data(), 2, 9, rows, cols, false);
  for (index r = 0; r < rows; ++r)
    if (r < 2 || r >= 9)
      EXPECT_EQ(y[r], -7.0f) << isa_name(GetParam()) << ": row " << r << " outside [2, 9)";
    else
      EXPECT_NE(y[r], -7.0f) << isa_name(GetParam()) << ": row " << r << " inside [2, 9)";
}

INSTANTIATE_TEST_SUITE_P(EveryIsa, Matvec, ::testing::ValuesIn(available_isas()),
                         [](const ::testing::TestParamInfo<isa>& info) {
                           return std::string(isa_name(info.param));
                         });

}  // namespace
}  // namespace rnn
