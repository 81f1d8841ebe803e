// c2audit: the administrator's command line. Subcommands live one per file.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"c2audit: read and control the c2audit audit trail"};
  app.require_subcommand(1);
  int exit_code = 0;
  c2audit::cli::add_search_command(app, exit_code);
  c2audit::cli::add_status_command(app, exit_code);
  c2audit::cli::add_objectives_command(app, exit_code);
  c2audit::cli::add_verify_command(app, exit_code);
  c2audit::cli::add_report_command(app, exit_code);
  c2audit::cli::add_doctor_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is a success; any other parse failure is bad usage (exit 2).
    return app.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}
