// c2auditd: the audit daemon. Parses flags, checks privilege, runs Daemon
// until SIGTERM/SIGINT; SIGHUP reloads the objectives.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <CLI/CLI.hpp>

#include "daemon/daemon.h"
#include "daemon/storage_flags.h"
#include "forward/forward_destination.h"

namespace {

c2audit::DaemonSignals g_signals;

void on_stop_signal(int) { g_signals.stop.store(true); }

void on_reload_signal(int, siginfo_t* info, void*) {
  g_signals.reload_pid.store(info->si_pid);
  g_signals.reload_uid.store(info->si_uid);
  g_signals.reload.store(true);
}

// No SA_RESTART: a signal interrupts the ring buffer wait at once.
void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  struct sigaction hup {};
  hup.sa_sigaction = on_reload_signal;
  hup.sa_flags = SA_SIGINFO;
  sigemptyset(&hup.sa_mask);
  sigaction(SIGHUP, &hup, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

constexpr uint64_t kMiB = 1ull << 20;
constexpr const char* kDefaultConfigFile = "/etc/c2audit/c2auditd.toml";

// --forward and its companions (forward_destination.h).
void add_forward_flags(CLI::App& app, c2audit::ForwardFlags& flags) {
  app.add_option("--forward", flags.urls,
                 "Send the trail to a collector (repeat for several): relp+tls://host[:port] (RELP "
                 "over TLS, as rsyslog's imrelp takes it; port 2514), syslog+tls://host[:port] "
                 "(RFC 5425; port 6514), or relp:// and syslog:// (port 514) in clear to loopback")
      ->take_all();
  app.add_option("--forward-ca", flags.ca_file, "CA certificate (PEM) that signed the collector's");
  app.add_option("--forward-cert", flags.cert_file, "Client certificate (PEM), for mutual TLS");
  app.add_option("--forward-key", flags.key_file, "Client private key (PEM), with --forward-cert");
  app.add_option("--forward-peer", flags.peer,
                 "Name the collector's certificate must bear (default: the --forward host)");
  app.add_option("--forward-format", flags.format, "Message body: json, snare or cef")
      ->capture_default_str();
  app.add_flag("--forward-plaintext", flags.plaintext,
               "Allow relp:// or syslog:// to a host that is not loopback (records cross the "
               "network in clear)");
}

// Raises the daemon's scheduling priority (as auditd's priority_boost): when
// audited processes keep every core busy, a daemon at their priority gets too
// little CPU to drain the ring and events are lost (measured: 723,200 of
// 3.7 million opens in a 15 s storm with one thread per core; none at -4 or
// -10). A failure only warns: the daemon still runs, at normal priority.
void boost_priority(unsigned boost) {
  if (boost == 0) return;
  if (setpriority(PRIO_PROCESS, 0, -static_cast<int>(boost)) != 0) {
    std::fprintf(stderr, "c2auditd: warning: --priority-boost %u: %s; running at normal priority\n",
                 boost, std::strerror(errno));
  }
}

}  // namespace

int main(int argc, char** argv) {
  c2audit::DaemonOptions options;
  std::string trail = options.trail.dir.native();
  std::string socket = options.control_socket.native();
  std::string objectives = options.objectives_dir.native();
  uint64_t segment_mib = options.trail.segment_bytes / kMiB;
  uint64_t ring_mib = options.ring_bytes / kMiB;
  bool quiet = false;
  unsigned priority_boost = 10;
  std::string overflow = "throttle";
  int64_t overflow_wait_ms = options.overflow_wait_ns / 1'000'000;

  CLI::App app{"c2auditd: the c2audit audit daemon (kernel sensor, objectives, trail)"};
  app.add_option("--trail", trail, "Trail directory")->capture_default_str();
  app.add_flag("--all", options.audit_all,
               "Audit every covered syscall of every process but this daemon "
               "(testing and troubleshooting; ignores the objectives)");
  auto* objectives_option =
      app.add_option("--objectives", objectives,
                     "Directory of objective files (*.toml); without any, the default objectives")
          ->capture_default_str();
  app.add_option("--syscalls", options.only_syscalls,
                 "Report only these syscalls (comma-separated names), whatever the policy "
                 "selects: for benchmarks and tests")
      ->delimiter(',');
  app.add_option("--control-socket", socket, "Control socket path")->capture_default_str();
  app.add_option("--segment-size", segment_mib, "Rotate trail segments past this many MiB")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));  // kMaxSegmentBytes: what readers accept
  app.add_option("--ring-size", ring_mib, "Kernel ring buffer size in MiB (power of two), shared equally by the consumers' rings")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 12));
  app.add_option("--consumers", options.consumers,
                 "Consumer threads, each draining a ring buffer of its own (CPU c writes into "
                 "ring c % N) into a trail stream of its own; 0: one per CPU, up to 64")
      ->capture_default_str()
      ->check(CLI::Range(0u, c2audit::kMaxConsumers));
  app.add_flag("--quiet", quiet, "No live status line on stderr");
  bool no_user_messages = false;
  app.add_flag("--no-user-messages", no_user_messages,
               "Do not read kernel audit's user messages (logins, sudo, account changes), and "
               "leave kernel audit's settings alone");
  app.add_option("--priority-boost", priority_boost,
                 "Lower the daemon's nice value by this much, so it keeps up when audited "
                 "processes load every core (0: off)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 20u));
  auto* overflow_option = app.add_option("--overflow", overflow,
                 "When the ring buffer fills past half: throttle (hold the producing CPUs back "
                 "until it drains, up to --overflow-wait) or drop (lose what it cannot take; "
                 "recorded as lost either way)")
      ->capture_default_str()
      ->check(CLI::IsMember({"throttle", "drop"}));
  app.add_option("--overflow-wait", overflow_wait_ms,
                 "Longest hold of one --overflow throttle episode, in ms (the whole CPU waits, "
                 "not only audited tasks)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{60'000}));
  c2audit::StorageFlags storage;
  c2audit::add_storage_flags(app, storage, options);
  c2audit::ForwardFlags forward;
  add_forward_flags(app, forward);
  // Every flag can be set in the file by its long name ("forward-ca = ..."); a
  // flag given on the command line overrides it.
  auto* config = app.set_config("--config", kDefaultConfigFile,
                                "Configuration file (TOML, keys named as the flags)");
  app.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt key is an error, not ignored
  try {
    app.parse(argc, argv);
  } catch (const CLI::ConfigError& e) {
    std::fprintf(stderr, "c2auditd: %s: %s\n", config->as<std::string>().c_str(), e.what());
    return 2;
  } catch (const CLI::ParseError& e) {
    // --help is a success; any other parse failure is bad usage (exit 2, as c2audit).
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (auto ok = c2audit::apply_storage_flags(storage, options); !ok) {
    std::fprintf(stderr, "c2auditd: %s\n", ok.error().message.c_str());
    return 2;
  }

  auto destinations = c2audit::parse_destinations(forward);
  if (!destinations) {
    std::fprintf(stderr, "c2auditd: %s\n", destinations.error().message.c_str());
    return 1;
  }
  options.forward = std::move(*destinations);

  if (ring_mib & (ring_mib - 1)) {
    std::fprintf(stderr, "c2auditd: --ring-size %lu is not a power of two\n",
                 static_cast<unsigned long>(ring_mib));
    return 2;
  }
  if (geteuid() != 0) {
    std::fprintf(stderr, "c2auditd: must run as root (loads BPF programs, writes the trail)\n");
    return 1;
  }
  options.trail.dir = trail;
  options.trail.segment_bytes = segment_mib * kMiB;
  options.ring_bytes = ring_mib * kMiB;
  options.control_socket = socket;
  options.objectives_dir = objectives;
  options.objectives_dir_given = objectives_option->count() > 0;
  options.live_status = !quiet;
  options.user_messages = !no_user_messages;
  options.overflow =
      overflow == "drop" ? c2audit::OverflowPolicy::drop : c2audit::OverflowPolicy::throttle;
  options.overflow_wait_ns = overflow_wait_ms * 1'000'000;
  options.overflow_given = overflow_option->count() > 0;

  install_signal_handlers();
  boost_priority(priority_boost);
  auto daemon = c2audit::Daemon::start(options);
  if (!daemon) {
    std::fprintf(stderr, "c2auditd: %s\n", daemon.error().message.c_str());
    return 1;
  }
  std::fprintf(stderr, "c2auditd: auditing (%s); trail in %s; control socket %s\n",
               daemon->policy_description().c_str(), trail.c_str(), socket.c_str());
  std::fprintf(stderr, "c2auditd: sensor programs, instructions verified: %s\n",
               daemon->sensor_verified_instructions().c_str());
  auto ran = daemon->run(g_signals);
  if (!ran) {
    std::fprintf(stderr, "c2auditd: %s\n", ran.error().message.c_str());
    return 1;
  }
  return 0;
}
