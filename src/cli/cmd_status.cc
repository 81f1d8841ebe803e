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
void print_user_messages(const UserMessagesStatus& u) {
  std::printf("logins     %s: %s\n", u.source.c_str(), u.state.c_str());
  std::printf("           %lu user messages, %lu recorded, %lu not selected, %lu decode errors, "
              "%lu lost\n",
              u.received, u.recorded, u.not_selected, u.decode_errors, u.lost);
}

// Each collector the trail is forwarded to.
void print_forward(const std::vector<ForwardDestinationStatus>& destinations) {
  for (const auto& f : destinations) {
    std::printf("forward    %s: %s\n", f.destination.c_str(), f.state.c_str());
    std::printf("           sent up to seq %lu, acknowledged up to %lu (%lu awaiting it); %lu records "
                "(%.0f s) behind; %lu sent, %lu sent again\n",
                f.sent_seq, f.acked_seq, f.unconfirmed, f.lag_records, f.lag_seconds, f.sent, f.resent);
    if (!f.last_error.empty()) std::printf("           last error: %s\n", f.last_error.c_str());
  }
}

void print_human(const StatusReply& s) {
  std::printf("c2auditd pid %d, up %.0f s, auditing: %s\n", s.pid, s.uptime_s, s.mode.c_str());
  std::printf("trail      %s (segment %s, last seq %lu)\n", s.trail.c_str(), s.active_segment.c_str(),
              s.last_seq);
  std::printf("events     %.0f/s, %lu received, %lu recorded, %lu not selected\n", s.events_per_s,
              s.events_received, s.events_recorded, s.events_not_selected);
  std::printf("filtered   %lu in the kernel (policy generation %u)\n", s.events_filtered_in_kernel,
              s.policy_generation);
  std::printf("lost       %lu\n", s.lost);
  if (s.recording_suspended || s.not_kept) {
    std::printf("not kept   %lu (disk full%s)\n", s.not_kept,
                s.recording_suspended ? ": recording suspended now" : "");
  }
  std::printf("ring       %.1f%% full (%lu of %lu bytes)\n", s.ring_fill_percent, s.ring_fill_bytes, s.ring_bytes);
  print_user_messages(s.user_messages);
  print_forward(s.forward);
}

int run_status(const StatusArgs& args) {
  auto reply = ask_daemon(args.socket, ControlRequest::status);
  if (reply && args.json) {  // as sent
    std::printf("%s\n", reply->dump().c_str());
    return 0;
  }
  auto status = reply ? read_reply<StatusReply>(*reply, args.socket) : tl::unexpected(reply.error());
  if (!status) {
    std::fprintf(stderr, "c2audit status: %s\n", status.error().message.c_str());
    return 1;
  }
  print_human(*status);
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
