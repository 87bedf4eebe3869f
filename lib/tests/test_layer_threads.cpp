// layer_options.threads: the same bits as one thread, for every cell, at batch 1 (the split
// matrix-vector path), at a larger batch (split GEMM rows and pointwise rows) and at a larger
// batch with a W_hh over half of L2 (per-step products split by columns, pointwise by rows).
#include <gtest/gtest.h>

#include "test_layer_support.hpp"

namespace rnn::test {
namespace {

class LayerThreads : public ::testing::TestWithParam<rnn::cell> {};

TEST_P(LayerThreads, SameResultsAsOneThread) {
  // H = 256 at batch 1 makes W_hh large enough (G·H·H >= 2^16) for the split matvec; H = 520
  // makes every cell's W_hh larger than 1 MiB, half of the 2 MiB L2 given here (so the split
  // does not depend on this machine's L2), and its G·H columns end in a partial panel.
  constexpr std::size_t l2 = std::size_t(2) << 20;
  for (auto [B, I, H] : {std::tuple{1, 9, 256}, std::tuple{37, 13, 21}, std::tuple{19, 7, 520}}) {
    const case_data d = make_case(GetParam(), 3, B, I, H, 121);
    for (rnn::isa isa : available_isas()) {
      const layer_result one = run_layer<float>(d, isa, 0, true, 1, 0, l2);
      for (int threads : {2, 3}) {
        const std::string what = std::string(isa_name(isa)) + " " + format_problem(d.p) +
                                 " threads=" + std::to_string(threads);
        const layer_result many = run_layer<float>(d, isa, 0, true, threads, 0, l2);
        // Guard against comparing two empty results: the run produced real numbers.
        ASSERT_EQ(many.output.size(), std::size_t(3 * B * H));
        expect_identical(many, one, what);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryCell, LayerThreads, ::testing::ValuesIn(all_cells),
                         [](const auto& info) { return std::string(cell_name(info.param)); });

}  // namespace
}  // namespace rnn::test
