// Placeholder until the gradients subcommand lands; replaced by its owner.
#include "commands.hpp"
#include "rnn/error.hpp"

namespace rnnsuite::cli {
void add_gradients_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("gradients", "(not built yet)");
  cmd->callback([] { throw std::runtime_error("'gradients' is not implemented yet"); });
}
}  // namespace rnnsuite::cli
