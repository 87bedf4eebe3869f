// layer_options.threads on the process's OpenMP runtime: the same bits run after run, from inside
// a user's parallel region (where OpenMP grants the layer fewer threads than it asks), and from
// two std::threads running their own layers at once, as from one layer run alone with one thread.
// Shapes as test_layer_threads.cpp: each path that splits work among threads (batch 1's split
// matvec, a batch's split GEMM and pointwise rows, per-step products split by columns).
#include <gtest/gtest.h>
#include <omp.h>

#include <thread>

#include "test_layer_support.hpp"

namespace rnn::test {
namespace {

constexpr std::size_t l2 = std::size_t(2) << 20;  // as test_layer_threads.cpp: a fixed split

std::vector<case_data> cases(cell c) {
  std::vector<case_data> out;
  for (auto [B, I, H] : {std::tuple{1, 9, 256}, std::tuple{37, 13, 21}, std::tuple{19, 7, 520}})
    out.push_back(make_case(c, 3, B, I, H, 131));
  return out;
}

class LayerThreadsOpenMP : public ::testing::TestWithParam<rnn::cell> {};

TEST_P(LayerThreadsOpenMP, SameBitsRunAfterRun) {
  for (const case_data& d : cases(GetParam())) {
    const layer_result one = run_layer<float>(d, default_isa(), 0, true, 1, 0, l2);
    ASSERT_EQ(one.output.size(), std::size_t(d.p.T * d.p.B * d.p.H));
    for (int threads : {2, 3})
      for (int run = 0; run < 2; ++run)
        expect_identical(run_layer<float>(d, default_isa(), 0, true, threads, 0, l2), one,
                         format_problem(d.p) + " threads=" + std::to_string(threads) + " run " +
                             std::to_string(run));
  }
}

// A user's `omp parallel` of two threads, each running its own layer at threads=2: with nesting
// off (libgomp's default, made sure of here) each layer is granted one thread and runs both
// halves of every split itself; with two active levels it gets its two. Same bits either way.
TEST_P(LayerThreadsOpenMP, SameBitsInsideAUsersParallelRegion) {
  const int levels = omp_get_max_active_levels();
  for (const case_data& d : cases(GetParam())) {
    const layer_result one = run_layer<float>(d, default_isa(), 0, true, 1, 0, l2);
    for (int active_levels : {1, 2}) {
      omp_set_max_active_levels(active_levels);
      layer_result nested[2];
#pragma omp parallel num_threads(2)
      nested[omp_get_thread_num()] = run_layer<float>(d, default_isa(), 0, true, 2, 0, l2);
      omp_set_max_active_levels(levels);
      for (int k = 0; k < 2; ++k)
        expect_identical(nested[k], one,
                         format_problem(d.p) + " max active levels " +
                             std::to_string(active_levels) + " outer thread " + std::to_string(k));
    }
  }
}

// Two threads the user made (not OpenMP's), each with its own layer at threads=2, at once: each
// is its own OpenMP initial thread with its own team, and neither disturbs the other's bits.
TEST_P(LayerThreadsOpenMP, SameBitsFromTwoStdThreadsAtOnce) {
  for (const case_data& d : cases(GetParam())) {
    const layer_result one = run_layer<float>(d, default_isa(), 0, true, 1, 0, l2);
    layer_result results[2];
    {
      std::thread a([&] { results[0] = run_layer<float>(d, default_isa(), 0, true, 2, 0, l2); });
      std::thread b([&] { results[1] = run_layer<float>(d, default_isa(), 0, true, 2, 0, l2); });
      a.join();
      b.join();
    }
    for (int k = 0; k < 2; ++k)
      expect_identical(results[k], one, format_problem(d.p) + " std::thread " + std::to_string(k));
  }
}

INSTANTIATE_TEST_SUITE_P(EveryCell, LayerThreadsOpenMP, ::testing::ValuesIn(all_cells),
                         [](const auto& info) { return std::string(cell_name(info.param)); });

}  // namespace
}  // namespace rnn::test
