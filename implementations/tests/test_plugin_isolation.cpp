// A plugin that crashes, hangs, fails, declines or changes the floating-point environment: the
// host turns each into the failure its kind says, naming the plugin, the call and the cause, and
// an isolated plugin leaves no process and no descriptor behind.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>
#include <xmmintrin.h>

#include "rnn/error.hpp"
#include "rnnsuite/impl/plugin_implementation.hpp"
#include "test_plugin_support.hpp"

namespace rnnsuite::impl {
namespace {

using testing::expect_thrown;

const rnn::problem tiny{rnn::cell::elman_tanh, 2, 1, 2, 2, rnn::precision::f32};

// The buffers of `tiny` (elman: G = 1), every one of them 2 or 4 elements.
struct tiny_run {
  std::vector<float> w{0.1f, 0.2f, 0.3f, 0.4f}, b{0.f, 0.f}, x{1, 2, 3, 4}, h0{0, 0};
  std::vector<float> output = std::vector<float>(4), h_n = std::vector<float>(2);
  std::vector<float> d_w = std::vector<float>(4), d_u = std::vector<float>(4);
  std::vector<float> d_b = std::vector<float>(2), d_c = std::vector<float>(2);

  std::unique_ptr<instance<float>> prepare(const implementation& impl) {
    return impl.prepare(tiny, rnn::parameters_view<float>{w, w, b, b}, {});
  }
  void forward(instance<float>& run) { run.forward({x, h0, {}, {}}, {output, h_n, {}}); }
  void backward(instance<float>& run, std::int64_t steps = 0, bool per_step = false) {
    std::vector<float> d_h(per_step ? 4 : 0);
    run.backward({output, {}, {}}, {d_w, d_u, d_b, d_c, {}, {}, {}, d_h, {}}, steps);
  }
};

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

bool has_child_processes() {
  int status = 0;
  return ::waitpid(-1, &status, WNOHANG) != -1 || errno != ECHILD;
}

TEST(PluginIsolation, CrashIsNamedBySignalAndLeavesNothingBehind) {
  const std::size_t descriptors = open_descriptors();
  {
    const auto plugin = load_plugin(RNNSUITE_TEST_PLUGIN_CRASH_IN_BACKWARD, {});
    tiny_run data;
    auto run = data.prepare(*plugin);
    data.forward(*run);
    const std::string message = expect_thrown<failure>(
        [&] { data.backward(*run); }, {"fixture crash", "backward crashed", "SIGSEGV"});
    try {
      data.backward(*run);
    } catch (const failure& e) {
      EXPECT_EQ(e.which(), failure::kind::crashed);
      EXPECT_NE(std::string(e.what()).find("already ended"), std::string::npos) << e.what();
    }
  }
  EXPECT_FALSE(has_child_processes());
  EXPECT_EQ(open_descriptors(), descriptors);
}

TEST(PluginIsolation, CrashIsKindCrashed) {
  const auto plugin = load_plugin(RNNSUITE_TEST_PLUGIN_CRASH_IN_BACKWARD, {});
  tiny_run data;
  auto run = data.prepare(*plugin);
  data.forward(*run);
  try {
    data.backward(*run);
    FAIL() << "no failure";
  } catch (const failure& e) {
    EXPECT_EQ(e.which(), failure::kind::crashed) << e.what();
  }
}

TEST(PluginIsolation, HangTimesOutAndIsKilled) {
  const std::size_t descriptors = open_descriptors();
  const auto start = std::chrono::steady_clock::now();
  {
    const auto plugin = load_plugin(RNNSUITE_TEST_PLUGIN_HANG_IN_FORWARD, {.timeout_seconds = 1});
    tiny_run data;
    auto run = data.prepare(*plugin);
    try {
      data.forward(*run);
      FAIL() << "no failure";
    } catch (const failure& e) {
      EXPECT_EQ(e.which(), failure::kind::crashed);
      for (const char* word : {"fixture hang", "forward", "no answer within 1 s"})
        EXPECT_NE(std::string(e.what()).find(word), std::string::npos) << e.what();
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(seconds, 1.0);
  EXPECT_LT(seconds, 3.0);
  EXPECT_FALSE(has_child_processes());
  EXPECT_EQ(open_descriptors(), descriptors);
}

class PluginBothWays : public ::testing::TestWithParam<bool> {
 protected:
  open_options options() const { return {.isolated = GetParam(), .timeout_seconds = 20}; }
};

TEST_P(PluginBothWays, ErrorStatusCarriesTheLoggedText) {
  const auto plugin = load_plugin(RNNSUITE_TEST_PLUGIN_INTERNAL_ERROR, options());
  tiny_run data;
  auto run = data.prepare(*plugin);
  try {
    data.forward(*run);
    FAIL() << "no failure";
  } catch (const failure& e) {
    EXPECT_EQ(e.which(), failure::kind::error);
    for (const char* word : {"fixture internal error", RNNSUITE_TEST_PLUGIN_INTERNAL_ERROR,
                             "forward returned RNNSUITE_INTERNAL", "the kernel lost its way at step 3"})
      EXPECT_NE(std::string(e.what()).find(word), std::string::npos) << e.what();
  }
}

TEST_P(PluginBothWays, CheckDeclinesWithItsReason) {
  const auto plugin = load_plugin(RNNSUITE_TEST_PLUGIN_INTERNAL_ERROR, options());
  rnn::problem lstm = tiny;
  lstm.cell = rnn::cell::lstm;
  EXPECT_EQ(plugin->unsupported(lstm, {}).value_or(""), "LSTM is not written yet");
  EXPECT_FALSE(plugin->unsupported(tiny, {}));
}

TEST_P(PluginBothWays, FlushToZeroInACallIsAnErrorAndUndone) {
  const unsigned before = _mm_getcsr() & ~0x3Fu;
  const auto plugin = load_plugin(RNNSUITE_TEST_PLUGIN_FTZ_IN_FORWARD, options());
  tiny_run data;
  auto run = data.prepare(*plugin);
  try {
    data.forward(*run);
    FAIL() << "no failure";
  } catch (const failure& e) {
    EXPECT_EQ(e.which(), failure::kind::error);
    for (const char* word : {"fixture ftz", "forward changed the floating-point environment",
                             "flush-to-zero set", "denormals-are-zero set"})
      EXPECT_NE(std::string(e.what()).find(word), std::string::npos) << e.what();
  }
  EXPECT_EQ(_mm_getcsr() & ~0x3Fu, before);
}

TEST_P(PluginBothWays, AbsurdWorkspaceIsAnError) {
  const auto plugin = load_plugin(RNNSUITE_TEST_PLUGIN_HUGE_WORKSPACE, options());
  tiny_run data;
  expect_thrown<failure>([&] { data.prepare(*plugin); },
                         {"fixture huge workspace", "reserve_bytes = 9223372036854775808",
                          "memory"});
}

TEST_P(PluginBothWays, BackwardBeyondTheCapsIsUnsupported) {
  const auto plugin = load_plugin(RNNSUITE_TEST_PLUGIN_NEWER_MINOR, options());
  tiny_run data;
  auto run = data.prepare(*plugin);
  data.forward(*run);
  for (const auto& [steps, per_step, word] :
       {std::tuple{std::int64_t(1), false, "truncation"}, {std::int64_t(0), true, "per-step"}}) {
    try {
      data.backward(*run, steps, per_step);
      ADD_FAILURE() << "no failure for " << word;
    } catch (const failure& e) {
      EXPECT_EQ(e.which(), failure::kind::unsupported) << e.what();
      EXPECT_NE(std::string(e.what()).find(word), std::string::npos) << e.what();
    }
  }
  data.backward(*run);  // what the caps allow runs
}

INSTANTIATE_TEST_SUITE_P(InProcessAndIsolated, PluginBothWays, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "isolated" : "in_process"; });

}  // namespace
}  // namespace rnnsuite::impl
