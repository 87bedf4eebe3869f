// Loading a plugin: every way a shared library can fail to be one gives one clear rnn::error
// naming the plugin and what is wrong; a newer minor version loads.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>
#include <xmmintrin.h>

#include "rnn/error.hpp"
#include "rnnsuite/impl/plugin_implementation.hpp"
#include "test_plugin_support.hpp"

namespace rnnsuite::impl {
namespace {

using testing::expect_thrown;

void load(const std::string& path) { load_plugin(path, {}); }

TEST(PluginLoading, MissingFile) {
  expect_thrown<rnn::error>([] { load("/nonexistent/libnothing.so"); },
                            {"plugin /nonexistent/libnothing.so", "cannot be loaded",
                             "No such file"});
}

TEST(PluginLoading, NotASharedLibrary) {
  const std::string path = ::testing::TempDir() + "not_a_plugin.so";
  std::ofstream(path) << "just text\n";
  expect_thrown<rnn::error>([&] { load(path); }, {path.c_str(), "cannot be loaded"});
  std::remove(path.c_str());
}

TEST(PluginLoading, NoEntrySymbol) {
  expect_thrown<rnn::error>([] { load(RNNSUITE_TEST_PLUGIN_NO_ENTRY); },
                            {RNNSUITE_TEST_PLUGIN_NO_ENTRY, "exports no symbol rnnsuite_plugin_entry"});
}

TEST(PluginLoading, EntryReturnsNullWithItsReason) {
  expect_thrown<rnn::error>([] { load(RNNSUITE_TEST_PLUGIN_ENTRY_NULL); },
                            {RNNSUITE_TEST_PLUGIN_ENTRY_NULL, "returned NULL",
                             "this fixture needs a CPU with AVX-1024"});
}

TEST(PluginLoading, OtherMajorVersion) {
  expect_thrown<rnn::error>([] { load(RNNSUITE_TEST_PLUGIN_ABI_MAJOR_2); },
                            {RNNSUITE_TEST_PLUGIN_ABI_MAJOR_2,
                             "built for ABI 2.3, this rnnsuite speaks 1.0"});
}

TEST(PluginLoading, TableTooSmall) {
  expect_thrown<rnn::error>([] { load(RNNSUITE_TEST_PLUGIN_TABLE_TOO_SMALL); },
                            {RNNSUITE_TEST_PLUGIN_TABLE_TOO_SMALL, "struct_size", "too small"});
}

TEST(PluginLoading, NullRequiredSlot) {
  expect_thrown<rnn::error>([] { load(RNNSUITE_TEST_PLUGIN_NULL_SLOT); },
                            {RNNSUITE_TEST_PLUGIN_NULL_SLOT, "slot check is NULL"});
}

TEST(PluginLoading, NullName) {
  expect_thrown<rnn::error>([] { load(RNNSUITE_TEST_PLUGIN_NULL_NAME); },
                            {RNNSUITE_TEST_PLUGIN_NULL_NAME, "name is NULL"});
}

TEST(PluginLoading, GetCapsErrorWithItsReason) {
  expect_thrown<rnn::error>([] { load(RNNSUITE_TEST_PLUGIN_CAPS_ERROR); },
                            {RNNSUITE_TEST_PLUGIN_CAPS_ERROR, "get_caps returned RNNSUITE_INTERNAL",
                             "no licence file found"});
}

TEST(PluginLoading, FlushToZeroWhenLoadedIsRefusedAndUndone) {
  const unsigned before = _mm_getcsr() & ~0x3Fu;
  expect_thrown<rnn::error>([] { load(RNNSUITE_TEST_PLUGIN_FTZ_AT_LOAD); },
                            {RNNSUITE_TEST_PLUGIN_FTZ_AT_LOAD, "loading it",
                             "flush-to-zero set", "denormals-are-zero set", "-ffast-math"});
  EXPECT_EQ(_mm_getcsr() & ~0x3Fu, before);
}

TEST(PluginLoading, NewerMinorVersionLoads) {
  const auto plugin = load_plugin(RNNSUITE_TEST_PLUGIN_NEWER_MINOR, {});
  EXPECT_EQ(plugin->name(), "fixture abi 1.7");
  EXPECT_EQ(plugin->caps().cells.size(), 5u);
  EXPECT_FALSE(plugin->caps().truncation);
  const rnn::problem p{rnn::cell::gru, 2, 1, 2, 2, rnn::precision::f64};
  EXPECT_FALSE(plugin->unsupported(p, {}));
}

// "libmine.so" in the current folder is that file, for the host and for the isolated runner
// (dlopen alone would search the library path for a name without '/').
TEST(PluginLoading, BareFileNameIsAFile) {
  const std::filesystem::path plugin(RNNSUITE_TEST_PLUGIN_NEWER_MINOR);
  const std::filesystem::path previous = std::filesystem::current_path();
  std::filesystem::current_path(plugin.parent_path());
  std::unique_ptr<implementation> loaded;
  EXPECT_NO_THROW(loaded = load_plugin(plugin.filename().string(), {}));
  std::filesystem::current_path(previous);
  ASSERT_TRUE(loaded);
  const rnn::problem p{rnn::cell::elman_tanh, 1, 1, 1, 1, rnn::precision::f32};
  const std::vector<float> one(1);
  EXPECT_NO_THROW(loaded->prepare(p, rnn::parameters_view<float>{one, one, one, one}, {}));
}

TEST(PluginLoading, BadTimeout) {
  expect_thrown<rnn::error>(
      [] { load_plugin(RNNSUITE_TEST_PLUGIN_LIB, {.isolated = true, .timeout_seconds = 0}); },
      {"timeout_seconds"});
}

TEST(PluginLoading, RunnerNamedByTheEnvironmentMustExist) {
  const auto plugin = load_plugin(RNNSUITE_TEST_PLUGIN_NEWER_MINOR, {});
  const rnn::problem p{rnn::cell::elman_tanh, 1, 1, 1, 1, rnn::precision::f32};
  const std::vector<float> one(1);
  ::setenv("RNNSUITE_PLUGIN_RUNNER", "/nonexistent/runner", 1);
  expect_thrown<rnn::error>(
      [&] { plugin->prepare(p, rnn::parameters_view<float>{one, one, one, one}, {}); },
      {"RNNSUITE_PLUGIN_RUNNER='/nonexistent/runner'", "not an executable"});
  ::unsetenv("RNNSUITE_PLUGIN_RUNNER");
}

}  // namespace
}  // namespace rnnsuite::impl
