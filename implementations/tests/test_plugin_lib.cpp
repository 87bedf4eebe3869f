// rnnsuite's library through its plugin (librnnsuite_lib_plugin.so) gives lib's own bits, in this
// process and isolated: every cell, both precisions, per-step gradients, truncation, the
// streaming schedule and every tuning hint (isa, chunk_steps, l2_bytes, threads). This is what
// makes "verify lib through the plugin" give exactly the verdicts of verifying it directly.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "rnn/aligned.hpp"
#include "seeded_data.hpp"
#include "rnn/error.hpp"
#include "rnnsuite/impl/lib_implementation.hpp"
#include "rnnsuite/impl/plugin_implementation.hpp"

namespace rnnsuite::impl {
namespace {

using test::seeded;

// Every output and gradient of one forward and two backward passes (full, then truncated to
// the last `truncated_steps`), each poisoned with NaN beforehand so an untouched one differs.
template <class Real>
struct results {
  std::vector<rnn::aligned_vector<Real>> blocks;
  std::vector<std::string> names;
};

// parameter_gradients false: backward is asked for none (all four spans empty; the host hands the
// plugin scratch tensors), and the four are left out of the results.
template <class Real>
results<Real> run(const implementation& impl, const rnn::problem& p, const run_options& o,
                  std::int64_t truncated_steps, bool parameter_gradients = true) {
  const rnn::tensor_sizes n = rnn::sizes_of(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  const bool streaming = o.streaming.k1 > 0;
  const auto w_ih = seeded<Real>(n.weight_ih, 1), w_hh = seeded<Real>(n.weight_hh, 2);
  const auto b_ih = seeded<Real>(n.bias, 3), b_hh = seeded<Real>(n.bias, 4);
  // x one element into its buffer: not 64-byte aligned, so the host stages it.
  const auto x_buffer = seeded<Real>(n.x + 1, 5);
  const std::span<const Real> x = std::span<const Real>(x_buffer).subspan(1);
  const auto h0 = seeded<Real>(n.state, 6), c0 = seeded<Real>(lstm ? n.state : 0, 7);
  const auto up = seeded<Real>(n.sequence, 8), up_h = seeded<Real>(n.state, 9);
  const auto up_c = seeded<Real>(lstm ? n.state : 0, 10);
  const Real nan = std::numeric_limits<Real>::quiet_NaN();
  auto poisoned = [&](std::size_t size) { return rnn::aligned_vector<Real>(size, nan); };

  results<Real> r;
  auto keep = [&](const char* name, const rnn::aligned_vector<Real>& v) {
    r.names.push_back(name), r.blocks.push_back(v);
  };
  auto ran = impl.prepare(p, rnn::parameters_view<Real>{w_ih, w_hh, b_ih, b_hh}, o);
  for (std::int64_t steps : {std::int64_t(0), truncated_steps}) {
    if (streaming && steps > 0) break;  // the schedule excludes truncation
    auto output = poisoned(n.sequence), h_n = poisoned(n.state), c_n = poisoned(lstm ? n.state : 0);
    ran->forward({x, h0, c0, {}}, {output, h_n, c_n});
    auto d_ih = poisoned(n.weight_ih), d_hh = poisoned(n.weight_hh);
    auto d_bih = poisoned(n.bias), d_bhh = poisoned(n.bias), d_x = poisoned(n.x);
    auto d_h0 = poisoned(n.state), d_c0 = poisoned(lstm ? n.state : 0);
    auto d_h = poisoned(n.sequence), d_c = poisoned(lstm ? n.sequence : 0);
    if (!parameter_gradients) d_ih.clear(), d_hh.clear(), d_bih.clear(), d_bhh.clear();
    ran->backward({up, up_h, up_c}, {d_ih, d_hh, d_bih, d_bhh, d_x, d_h0, d_c0, d_h, d_c}, steps);
    for (const auto& [name, v] : {std::pair{"output", &output}, {"h_n", &h_n}, {"c_n", &c_n},
                                  {"dW_ih", &d_ih}, {"dW_hh", &d_hh}, {"db_ih", &d_bih},
                                  {"db_hh", &d_bhh}, {"dx", &d_x}, {"dh0", &d_h0}, {"dc0", &d_c0},
                                  {"dL/dh_t", &d_h}, {"dL/dc_t", &d_c}})
      if (parameter_gradients || (v != &d_ih && v != &d_hh && v != &d_bih && v != &d_bhh))
        keep(name, *v);
  }
  return r;
}

template <class Real>
void expect_same_bits(const results<Real>& want, const results<Real>& got, const std::string& what) {
  using bits = std::conditional_t<sizeof(Real) == 4, std::uint32_t, std::uint64_t>;
  ASSERT_EQ(want.blocks.size(), got.blocks.size()) << what;
  for (std::size_t b = 0; b < want.blocks.size(); ++b) {
    ASSERT_EQ(want.blocks[b].size(), got.blocks[b].size()) << what << " " << want.names[b];
    for (std::size_t k = 0; k < want.blocks[b].size(); ++k) {
      ASSERT_FALSE(std::isnan(want.blocks[b][k])) << what << " " << want.names[b] << " untouched";
      ASSERT_EQ(std::bit_cast<bits>(want.blocks[b][k]), std::bit_cast<bits>(got.blocks[b][k]))
          << what << " " << want.names[b] << "[" << k << "]";
    }
  }
}

struct lib_plugin_case {
  const char* name;
  run_options options;
  std::int64_t truncated_steps;
};

std::vector<lib_plugin_case> cases() {
  run_options hinted;  // every hint lib knows, and two threads
  hinted.threads = 2, hinted.isa = rnn::isa::sse2, hinted.chunk_steps = 2, hinted.l2_bytes = 4096;
  run_options streaming;
  streaming.streaming = {2, 3};
  return {{"hints, full and truncated", hinted, 2}, {"streaming k1 2 k2 3", streaming, 0}};
}

template <class Real>
void check_every_cell(rnn::precision precision) {
  const auto lib = make_lib_implementation();
  const auto in_process = load_plugin(RNNSUITE_TEST_PLUGIN_LIB, {.isolated = false});
  const auto isolated = load_plugin(RNNSUITE_TEST_PLUGIN_LIB, {.isolated = true, .timeout_seconds = 30});
  EXPECT_EQ(in_process->name(), "rnnsuite lib");
  for (rnn::cell cell : rnn::all_cells) {
    const rnn::problem p{cell, 5, 3, 4, 6, precision};
    for (const lib_plugin_case& c : cases()) {
      const std::string what = rnn::format_problem(p) + ", " + c.name;
      ASSERT_FALSE(in_process->unsupported(p, c.options)) << what;
      const results<Real> want = run<Real>(*lib, p, c.options, c.truncated_steps);
      expect_same_bits(want, run<Real>(*in_process, p, c.options, c.truncated_steps), what + ", in-process");
      expect_same_bits(want, run<Real>(*isolated, p, c.options, c.truncated_steps), what + ", isolated");
    }
  }
}

// Parameter gradients not wanted: the plugin (whose ABI always passes them) writes them into
// the host's scratch; every other output and gradient keeps lib's bits with them wanted.
TEST(PluginLib, SameBitsWithoutParameterGradients) {
  const auto lib = make_lib_implementation();
  const auto in_process = load_plugin(RNNSUITE_TEST_PLUGIN_LIB, {.isolated = false});
  const auto isolated =
      load_plugin(RNNSUITE_TEST_PLUGIN_LIB, {.isolated = true, .timeout_seconds = 30});
  for (rnn::cell cell : {rnn::cell::elman_tanh, rnn::cell::gru, rnn::cell::lstm}) {
    const rnn::problem p{cell, 5, 3, 4, 6, rnn::precision::f32};
    for (const lib_plugin_case& c : cases()) {
      const std::string what = rnn::format_problem(p) + ", " + c.name;
      results<float> want = run<float>(*lib, p, c.options, c.truncated_steps);
      results<float> kept;  // want without the four parameter gradients
      for (std::size_t b = 0; b < want.blocks.size(); ++b)
        if (want.names[b].rfind("dW", 0) != 0 && want.names[b].rfind("db", 0) != 0)
          kept.names.push_back(want.names[b]), kept.blocks.push_back(want.blocks[b]);
      expect_same_bits(kept, run<float>(*lib, p, c.options, c.truncated_steps, false),
                       what + ", lib");
      expect_same_bits(kept, run<float>(*in_process, p, c.options, c.truncated_steps, false),
                       what + ", in-process");
      expect_same_bits(kept, run<float>(*isolated, p, c.options, c.truncated_steps, false),
                       what + ", isolated");
    }
  }
}

TEST(PluginLib, SameBitsAsLibF32) { check_every_cell<float>(rnn::precision::f32); }
TEST(PluginLib, SameBitsAsLibF64) { check_every_cell<double>(rnn::precision::f64); }

TEST(PluginLib, CapsAreLibs) {
  const auto plugin = load_plugin(RNNSUITE_TEST_PLUGIN_LIB, {.isolated = false});
  const capabilities& c = plugin->caps();
  EXPECT_EQ(c.cells.size(), 5u);
  EXPECT_EQ(c.precisions.size(), 2u);
  EXPECT_TRUE(c.per_step_gradients && c.truncation && c.streaming && c.deterministic &&
              c.thread_invariant);
}

// The plugin ABI (version 1) has no lengths: declined with the reason, never run padded.
TEST(PluginLib, SequenceLengthsAreDeclined) {
  const auto plugin = load_plugin(RNNSUITE_TEST_PLUGIN_LIB, {.isolated = false});
  EXPECT_FALSE(plugin->caps().lengths);
  const rnn::problem p = rnn::parse_problem("lstm_t4_b3_i3_h5_lenx_f64");
  const auto why = plugin->unsupported(p, {});
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("no sequence lengths"), std::string::npos) << *why;
  const rnn::parameters<double> params = rnn::make_parameters<double>(p, {});
  EXPECT_THROW(plugin->prepare(p, params.view(), {}), failure);
}

TEST(PluginLib, WrongSizesAreNamed) {
  const auto plugin = load_plugin(RNNSUITE_TEST_PLUGIN_LIB, {.isolated = false});
  const rnn::problem p{rnn::cell::gru, 2, 1, 3, 2, rnn::precision::f32};
  const std::vector<float> too_short(5);
  try {
    plugin->prepare(p, rnn::parameters_view<float>{too_short, too_short, too_short, too_short}, {});
    FAIL() << "no error";
  } catch (const rnn::error& e) {
    EXPECT_NE(std::string(e.what()).find("weight_ih has 5 elements"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("gru_t2_b1_i3_h2_f32"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rnnsuite::impl
