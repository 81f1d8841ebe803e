// c2audit status: asks the running daemon, over its control socket, how it is
// doing: events per second, recorded, lost, ring buffer fill, trail position.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/daemon_request.h"
#include "control/control_protocol.h"

namespace c2audit::cli {
namespace {

struct StatusArgs {
  std::string socket = kDefaultControlSocket;
  bool json = false;
};

// The second source: kernel audit's user messages (logins, sudo, accounts).
void print_user_messages(const nlohmann::json& u) {
  std::printf("logins     %s: %s\n", u.value("source", "down").c_str(), u.value("state", "").c_str());
  std::printf("           %lu user messages, %lu recorded, %lu not selected, %lu decode errors, "
              "%lu lost\n",
              u.value("received", 0ul), u.value("recorded", 0ul), u.value("not_selected", 0ul),
              u.value("decode_errors", 0ul), u.value("lost", 0ul));
}

// Each collector the trail is forwarded to.
void print_forward(const nlohmann::json& list) {
  for (const auto& f : list) {
    std::printf("forward    %s: %s\n", f.value("destination", "").c_str(), f.value("state", "").c_str());
    std::printf("           sent up to seq %lu, acknowledged up to %lu (%lu awaiting it); %lu records "
                "(%.0f s) behind; %lu sent, %lu sent again\n",
                f.value("sent_seq", 0ul), f.value("acked_seq", 0ul), f.value("unconfirmed", 0ul),
                f.value("lag_records", 0ul), f.value("lag_seconds", 0.0), f.value("sent", 0ul),
                f.value("resent", 0ul));
    std::string error = f.value("last_error", "");
    if (!error.empty()) std::printf("           last error: %s\n", error.c_str());
  }
}

void print_human(const nlohmann::json& s) {
  std::printf("c2auditd pid %d, up %.0f s, auditing: %s\n", s.value("pid", 0),
              s.value("uptime_s", 0.0), s.value("mode", "").c_str());
  std::printf("trail      %s (segment %s, last seq %lu)\n", s.value("trail", "").c_str(),
              s.value("active_segment", "").c_str(), s.value("last_seq", 0ul));
  std::printf("events     %.0f/s, %lu received, %lu recorded, %lu not selected\n",
              s.value("events_per_s", 0.0), s.value("events_received", 0ul),
              s.value("events_recorded", 0ul), s.value("events_not_selected", 0ul));
  std::printf("filtered   %lu in the kernel (policy generation %u)\n",
              s.value("events_filtered_in_kernel", 0ul), s.value("policy_generation", 0u));
  std::printf("lost       %lu\n", s.value("lost", 0ul));
  if (s.value("recording_suspended", false) || s.value("not_kept", 0ul)) {
    std::printf("not kept   %lu (disk full%s)\n", s.value("not_kept", 0ul),
                s.value("recording_suspended", false) ? ": recording suspended now" : "");
  }
  std::printf("ring       %.1f%% full (%lu of %lu bytes)\n", s.value("ring_fill_percent", 0.0),
              s.value("ring_fill_bytes", 0ul), s.value("ring_bytes", 0ul));
  print_user_messages(s.value("user_messages", nlohmann::json::object()));
  print_forward(s.value("forward", nlohmann::json::array()));
}

int run_status(const StatusArgs& args) {
  auto status = ask_daemon(args.socket, "status");
  if (!status) {
    std::fprintf(stderr, "c2audit status: %s\n", status.error().message.c_str());
    return 1;
  }
  if (args.json) {
    std::printf("%s\n", status->dump().c_str());
  } else {
    print_human(*status);
  }
  return 0;
}

}  // namespace

void add_status_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<StatusArgs>();
  auto* cmd = app.add_subcommand("status", "Show the running daemon's status");
  cmd->add_option("--control-socket,--socket", args->socket,
                  "Control socket of the daemon (c2auditd --control-socket)")->capture_default_str();
  cmd->add_flag("--json", args->json, "Print the status as one JSON object");
  cmd->callback([args, &exit_code] { exit_code = run_status(*args); });
}

}  // namespace c2audit::cli
