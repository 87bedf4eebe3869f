// Finding and running the mutant matrix driver (mutants.hpp).
#include "rnnsuite/verify/mutants.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "rnn/error.hpp"

namespace rnnsuite::verify {

namespace {

bool executable(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

// Single quotes for /bin/sh, each ' written as '\''.
std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::optional<std::filesystem::path> find_mutant_driver() {
  if (const char* given = std::getenv("RNNSUITE_MUTANTS_DRIVER"); given && *given) {
    if (!executable(given))
      throw rnn::error("RNNSUITE_MUTANTS_DRIVER names no executable file: '" + std::string(given) +
                       "'");
    return std::filesystem::path(given);
  }
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  // rnnsuite is <build>/cli/rnnsuite.
  const std::filesystem::path build = self.parent_path().parent_path();
  for (const auto& candidate : {build / "verify/mutants/rnnsuite-mutants",
                                build.parent_path() / "mutants/verify/mutants/rnnsuite-mutants"})
    if (executable(candidate)) return candidate;
  return std::nullopt;
}

mutant_matrix_result run_mutant_matrix(const std::filesystem::path& driver) {
  FILE* out = ::popen(shell_quoted(driver.string()).c_str(), "r");
  if (!out) throw rnn::error("cannot start the mutant driver '" + driver.string() + "'");
  mutant_matrix_result result;
  std::array<char, 4096> buffer;
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), out)) > 0)
    result.table.append(buffer.data(), n);
  const int status = ::pclose(out);
  result.exit_status = status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return result;
}

}  // namespace rnnsuite::verify
