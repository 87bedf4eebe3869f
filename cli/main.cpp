#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "rnn/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"rnnsuite: recurrent networks on the CPU, verified and benchmarked"};
  app.require_subcommand(1);
  rnnsuite::cli::add_run_command(app);
  rnnsuite::cli::add_verify_command(app);
  rnnsuite::cli::add_gradients_command(app);
  rnnsuite::cli::add_check_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "rnnsuite: %s\n", e.what());
    return rnnsuite::cli::exit_bad_input;
  } catch (const rnn::error& e) {
    std::fprintf(stderr, "rnnsuite: %s\n", e.what());
    return rnnsuite::cli::exit_bad_input;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "rnnsuite: out of memory for this problem\n");
    return rnnsuite::cli::exit_bad_input;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rnnsuite: error: %s\n", e.what());
    return rnnsuite::cli::exit_failed;
  }
  return rnnsuite::cli::exit_ok;
}
