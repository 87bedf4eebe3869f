// Float against double, and every instruction set against every other, on sizes with vector
// tails, batch 1 and batch > 4 (both GEMM row paths).
#include <gtest/gtest.h>

#include "test_layer_support.hpp"

namespace rnn::test {
namespace {

void expect_close(const layer_result& a, const layer_result& b, double tolerance,
                  const std::string& what) {
  const std::pair<const vec*, const vec*> pairs[] = {
      {&a.output, &b.output}, {&a.h_n, &b.h_n},         {&a.c_n, &b.c_n},
      {&a.weight_ih, &b.weight_ih}, {&a.weight_hh, &b.weight_hh}, {&a.bias_ih, &b.bias_ih},
      {&a.bias_hh, &b.bias_hh}, {&a.x, &b.x}, {&a.h0, &b.h0}, {&a.c0, &b.c0}, {&a.h, &b.h},
      {&a.c, &b.c}};
  const char* names[] = {"output", "h_n", "c_n", "weight_ih", "weight_hh", "bias_ih",
                         "bias_hh", "x", "h0", "c0", "h", "c"};
  for (std::size_t i = 0; i < std::size(pairs); ++i)
    EXPECT_LE(max_difference(*pairs[i].first, *pairs[i].second), tolerance) << what << ": " << names[i];
}

class LayerConsistency : public ::testing::TestWithParam<rnn::cell> {};

// Float's rounding errors, 2^-24 per operation, grow with the number of terms summed (up to
// T·B = 48 rows for the weight gradients, I + H = 40 for the others) and with the recurrence's
// gain over T = 8 steps; 2e-4 relative (≈ 3400 ulps) bounds that for these contractive problems
// while a wrong formula gives errors of order 1.
TEST_P(LayerConsistency, FloatAgreesWithDouble) {
  for (auto [B, I, H] : {std::tuple{1, 13, 27}, std::tuple{6, 21, 19}}) {
    const case_data d = make_case(GetParam(), 8, B, I, H, 41);
    for (rnn::isa isa : available_isas())
      expect_close(run_layer<float>(d, isa), run_layer<double>(d, isa), 2e-4,
                   std::string(isa_name(isa)) + " " + format_problem(d.p));
  }
}

// Instruction sets differ only in summation order and FMA contraction (XSIMD-8.1.md), so they
// agree to a few ulps × terms: float 1e-5, double 1e-13; never bit for bit.
TEST_P(LayerConsistency, InstructionSetsAgree) {
  const auto isas = available_isas();
  for (auto [B, I, H] : {std::tuple{1, 13, 70}, std::tuple{7, 300, 19}}) {
    const case_data d = make_case(GetParam(), 6, B, I, H, 51);
    const layer_result f_base = run_layer<float>(d, isas.back());
    const layer_result d_base = run_layer<double>(d, isas.back());
    for (rnn::isa isa : isas) {
      const std::string what = std::string(isa_name(isa)) + " vs " +
                               std::string(isa_name(isas.back())) + " " + format_problem(d.p);
      expect_close(run_layer<float>(d, isa), f_base, 2e-5, what + " f32");
      expect_close(run_layer<double>(d, isa), d_base, 1e-13, what + " f64");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryCell, LayerConsistency, ::testing::ValuesIn(all_cells),
                         [](const auto& info) { return std::string(cell_name(info.param)); });

}  // namespace
}  // namespace rnn::test
