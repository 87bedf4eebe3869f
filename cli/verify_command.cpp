// Placeholder until the verify subcommand lands; replaced by its owner.
#include "commands.hpp"
#include "rnn/error.hpp"

namespace rnnsuite::cli {
void add_verify_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("verify", "(not built yet)");
  cmd->callback([] { throw std::runtime_error("'verify' is not implemented yet"); });
}
}  // namespace rnnsuite::cli
