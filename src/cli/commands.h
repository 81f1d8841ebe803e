// Each c2audit subcommand registers itself on the CLI app; the callback it
// installs runs the command and stores the process exit code in `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace c2audit::cli {

void add_search_command(CLI::App& app, int& exit_code);
void add_status_command(CLI::App& app, int& exit_code);
void add_objectives_command(CLI::App& app, int& exit_code);
void add_verify_command(CLI::App& app, int& exit_code);
void add_report_command(CLI::App& app, int& exit_code);
void add_doctor_command(CLI::App& app, int& exit_code);

}  // namespace c2audit::cli
