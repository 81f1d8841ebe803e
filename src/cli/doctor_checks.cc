#include "cli/doctor_checks.h"

#include <bpf/libbpf.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/daemon_request.h"
#include "kaudit/kernel_audit_switch.h"
#include "sensor/sensor.h"

namespace c2audit::cli {
namespace {

constexpr const char* kBtfPath = "/sys/kernel/btf/vmlinux";
constexpr const char* kLockdownPath = "/sys/kernel/security/lockdown";
constexpr int kCapPerfmon = 38, kCapBpf = 39;
constexpr uint64_t kSensorRingBytes = 1ull << 20;  // the least the check needs
constexpr double kMiB = 1024.0 * 1024.0;
constexpr uint64_t kLowSpaceBytes = 1ull << 30;
constexpr double kLowSpaceShare = 0.05;

Check ok(std::string name, std::string found) {
  return {std::move(name), Verdict::ok, std::move(found), ""};
}
Check warn(std::string name, std::string found, std::string advice) {
  return {std::move(name), Verdict::warn, std::move(found), std::move(advice)};
}
Check failed(std::string name, std::string found, std::string advice) {
  return {std::move(name), Verdict::fail, std::move(found), std::move(advice)};
}

// The effective capability set, from /proc/self/status (CapEff, hex).
uint64_t effective_capabilities() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    try {
      return std::stoull(line.substr(7), nullptr, 16);
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

Check check_privilege() {
  uint64_t caps = effective_capabilities();
  bool bpf = caps & (1ull << kCapBpf), perfmon = caps & (1ull << kCapPerfmon);
  if (::geteuid() == 0 && bpf && perfmon) return ok("privilege", "root");
  if (bpf && perfmon) return ok("privilege", "CAP_BPF and CAP_PERFMON");
  std::string found = fmt::format("uid {} without CAP_BPF and CAP_PERFMON", ::geteuid());
  if (::geteuid() == 0) {
    return failed("privilege", found,
                  "root, but those capabilities are bounded away: run it with them (as "
                  "c2auditd.service's CapabilityBoundingSet gives them)");
  }
  return failed("privilege", found, "run c2audit doctor (and c2auditd) as root");
}

Check check_btf() {
  struct stat st {};
  if (::stat(kBtfPath, &st) != 0) {
    return failed("kernel BTF", fmt::format("{}: {}", kBtfPath, std::strerror(errno)),
                  "the kernel needs CONFIG_DEBUG_INFO_BTF=y (Debian's kernels have it)");
  }
  return ok("kernel BTF", fmt::format("{} ({:.1f} MiB)", kBtfPath, st.st_size / kMiB));
}

Check check_ring_buffer() {
  if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr) == 1) {
    return ok("ring buffer", "BPF ring buffers supported");
  }
  return failed("ring buffer", "BPF ring buffers not available",
                "needs Linux 5.8 or later, and root");
}

Check check_lockdown() {
  std::ifstream file(kLockdownPath);
  std::string modes;
  if (!std::getline(file, modes)) return ok("lockdown", "no lockdown LSM");
  if (modes.find("[none]") != std::string::npos) return ok("lockdown", "none");
  if (modes.find("[confidentiality]") != std::string::npos) {
    return failed("lockdown", "confidentiality: BPF may not read kernel memory",
                  "boot with lockdown=integrity or none to run the sensor");
  }
  // Integrity mode (Secure Boot's default) lets BPF tracing read kernel
  // memory; the sensor check says whether it loads.
  return ok("lockdown", modes);
}

// Loads the real sensor and attaches it for a moment: BTF-typed
// tracepoints, the verifier and the privileges, all as c2auditd needs them.
Check check_sensor() {
  SensorOptions options;
  options.self_tgid = static_cast<uint32_t>(::getpid());
  options.ring_bytes = kSensorRingBytes;
  auto sensor = Sensor::load(options);
  if (!sensor) {
    return failed("sensor", sensor.error().message,
                  "the kernel refused the sensor: see the message; c2auditd would fail alike");
  }
  if (auto attached = sensor->attach(); !attached) {
    return failed("sensor", attached.error().message,
                  "the BTF-typed tracepoints sys_enter/sys_exit could not be attached");
  }
  sensor->detach();
  return ok("sensor", "loaded, verified and attached to the syscall tracepoints (tp_btf)");
}

Check check_kernel_audit() {
  auto state = kernel_audit_state();
  if (!state) {
    return warn("kernel audit", state.error().message,
                "logins and sudo reach the trail through kernel audit: needs CAP_AUDIT_CONTROL");
  }
  std::string daemon =
      state->daemon_pid ? fmt::format(", audit daemon pid {}", state->daemon_pid) : "";
  if (state->enabled == 2) {
    return warn("kernel audit", "locked on (-e 2)" + daemon,
                "c2auditd cannot change it until reboot; user messages still flow");
  }
  return ok("kernel audit",
            fmt::format("{}{}; c2auditd reads its user messages beside any audit daemon",
                        state->enabled ? "on" : "off", daemon));
}

std::string mode_text(mode_t mode) { return fmt::format("{:04o}", mode & 07777); }

Check check_trail_directory(const std::string& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return warn("trail directory", dir + " does not exist yet",
                  "c2auditd creates it (0750) at its first start");
    }
    return failed("trail directory", fmt::format("{}: {}", dir, std::strerror(errno)),
                  "make it readable by root");
  }
  if (!S_ISDIR(st.st_mode)) {
    return failed("trail directory", dir + " is not a directory (a symlink?)",
                  "point --trail at a real directory owned by root");
  }
  if (st.st_uid != 0 || (st.st_mode & 027) != 0) {
    return failed("trail directory",
                  fmt::format("{} owned by uid {}, mode {}", dir, st.st_uid, mode_text(st.st_mode)),
                  fmt::format("chown root {0} && chmod 0750 {0}", dir));
  }
  return ok("trail directory", fmt::format("{} (root, {})", dir, mode_text(st.st_mode)));
}

Check check_free_space(const std::string& dir) {
  std::string where = dir;
  struct statvfs vfs {};
  // A trail not made yet: the file system it will be made on.
  while (::statvfs(where.c_str(), &vfs) != 0) {
    auto slash = where.find_last_of('/');
    if (errno != ENOENT || slash == std::string::npos || where == "/") {
      return failed("free space", dir + ": " + std::strerror(errno), "check the file system");
    }
    where = slash == 0 ? "/" : where.substr(0, slash);
  }
  uint64_t free_bytes = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  uint64_t total = static_cast<uint64_t>(vfs.f_blocks) * vfs.f_frsize;
  std::string found =
      fmt::format("{:.0f} MiB free of {:.0f} MiB on {}", free_bytes / kMiB, total / kMiB, where);
  if (free_bytes < kLowSpaceBytes || free_bytes < total * kLowSpaceShare) {
    return warn("free space", found,
                "give the trail its own file system, or set --space-left and "
                "--disk-full-action (man c2auditd)");
  }
  return ok("free space", found);
}

Check check_host_key(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return warn("host key", path + " does not exist yet",
                  "c2auditd creates it (0400) at its first start; keep a copy offline to verify "
                  "the trail elsewhere");
    }
    return failed("host key", fmt::format("{}: {}", path, std::strerror(errno)),
                  "make it readable by root");
  }
  if (S_ISLNK(st.st_mode)) {
    return failed("host key", path + " is a symbolic link",
                  "keep the key itself at this path (root, 0400): whoever can change where the "
                  "link points can choose the key");
  }
  if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077) != 0) {
    return failed("host key",
                  fmt::format("{}: {}, uid {}, mode {}", path,
                              S_ISREG(st.st_mode) ? "file" : "not a regular file", st.st_uid,
                              mode_text(st.st_mode)),
                  fmt::format("a key others can read can forge the trail: chown root {0} && "
                              "chmod 0400 {0}, and consider the trail suspect",
                              path));
  }
  return ok("host key", fmt::format("{} (root, {})", path, mode_text(st.st_mode)));
}

}  // namespace

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::ok:
      return "ok";
    case Verdict::warn:
      return "warn";
    case Verdict::fail:
      return "fail";
  }
  return "?";
}

std::vector<Check> check_kernel() {
  std::vector<Check> checks = {check_privilege(), check_btf(), check_ring_buffer(),
                               check_lockdown()};
  bool privileged = checks.front().verdict == Verdict::ok;
  checks.push_back(privileged ? check_sensor()
                              : failed("sensor", "not tried without privilege", "run as root"));
  checks.push_back(check_kernel_audit());
  return checks;
}

std::vector<Check> check_storage(const DoctorPaths& paths) {
  return {check_trail_directory(paths.trail), check_free_space(paths.trail),
          check_host_key(paths.key_file)};
}

Check check_daemon(const DoctorPaths& paths) {
  auto reply = ask_daemon_for<StatusReply>(paths.control_socket, ControlRequest::status);
  if (!reply) {
    return warn("daemon", reply.error().message,
                "start it: systemctl start c2auditd (or c2auditd in a terminal)");
  }
  std::string found =
      fmt::format("pid {}, up {:.0f} s, {} recorded, {} lost, ring {:.1f}% full", reply->pid,
                  reply->uptime_s, reply->events_recorded, reply->lost, reply->ring_fill_percent);
  if (reply->recording_suspended) {
    return failed("daemon", found + "; recording suspended (disk full)",
                  "free space on the trail's file system; see c2audit report --event daemon");
  }
  namespace fs = std::filesystem;
  auto same = [](const std::string& a, const std::string& b) {
    return (fs::path(a) / "").lexically_normal() == (fs::path(b) / "").lexically_normal();
  };
  if (!same(reply->trail, paths.trail)) {
    return warn("daemon", found + "; its trail is " + reply->trail,
                "run doctor with --trail " + reply->trail + " to check that one");
  }
  if (reply->lost) {
    return warn("daemon", found,
                "events were lost: c2audit report --event lost says when; raise --ring-size or "
                "--consumers, or keep --overflow throttle");
  }
  return ok("daemon", found);
}

}  // namespace c2audit::cli
