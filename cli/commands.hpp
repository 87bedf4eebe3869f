#pragma once
// Each subcommand lives in its own file and registers itself on the top-level app.
#include <cstdio>
#include <cstdlib>

#include <CLI/CLI.hpp>

namespace rnnsuite::cli {

void add_run_command(CLI::App& app);        // run_command.cpp
void add_verify_command(CLI::App& app);     // verify_command.cpp
void add_gradients_command(CLI::App& app);  // gradients_command.cpp
void add_check_command(CLI::App& app);      // check_command.cpp

// Exit statuses shared by every subcommand.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;     // ran, and something asked for did not pass
inline constexpr int exit_bad_input = 2;  // bad arguments or input: a one-line message

// A subcommand's verdict as the exit status: main() maps exceptions to exit_bad_input, so a
// status that is not exit_ok leaves here, after what was printed.
inline void exit_unless_ok(int status) {
  if (status == exit_ok) return;
  std::fflush(stdout);
  std::exit(status);
}

}  // namespace rnnsuite::cli
