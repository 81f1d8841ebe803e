// c2audit status: placeholder until the control socket lands.
#include "cli/commands.h"

namespace c2audit::cli {

void add_status_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("status", "Show the running daemon's status");
  cmd->callback([&exit_code] { exit_code = 1; });
}

}  // namespace c2audit::cli
