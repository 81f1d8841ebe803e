// c2audit-sample-trail: writes a trail of made-up records through the real
// writer (chain, seals, compression), for what reads trails at scale: the
// report's browser test and its benchmark. Deterministic: record i is a
// function of i alone, so counts can be predicted.
//
//   c2audit-sample-trail --trail DIR --key FILE --records N [--span-seconds S]
//                        [--paths K] [--hostile]
//
// Record i (0-based), at start + i * span / N:
//   every 1000th (i % 1000 == 999): a lost record of 7 events;
//   every 5000th (i % 5000 == 4998): a config record;
//   every 500th (i % 500 == 1): a user message, a login (even i / 500) or a
//     failed authentication (odd);
//   the rest: a system call by one of 5 users and 4 programs on one of K
//     paths; a failure (EACCES) when i % 7 == 0.
// --hostile adds, first, one record whose path, program and user are markup.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "trail/trail_writer.h"

namespace {

using c2audit::AuditRecord;
using c2audit::RecordKind;

constexpr int64_t kStart = 1'790'000'000'000'000'000;  // 2026-09-21
constexpr const char* kUsers[] = {"alice", "bob", "carol", "dave", "erin"};
constexpr const char* kPrograms[] = {"/usr/bin/cat", "/usr/bin/vim", "/usr/sbin/sshd",
                                     "/usr/bin/python3"};
constexpr const char* kClasses[][2] = {{"openat", "file.read"},
                                       {"unlink", "file.delete"},
                                       {"execve", "process.exec"},
                                       {"connect", "net.connect"},
                                       {"setuid", "priv.change"}};

AuditRecord sample(uint64_t i, uint64_t paths, int64_t time_ns) {
  AuditRecord rec;
  rec.time_ns = time_ns;
  if (i % 1000 == 999) {
    rec.kind = RecordKind::lost;
    rec.event = "lost";
    rec.lost_count = 7;
    rec.cpu = static_cast<uint32_t>(i % 2);
    rec.window_start_ns = time_ns - 1'000'000;
    rec.window_end_ns = time_ns;
    return rec;
  }
  if (i % 5000 == 4998) {
    rec.kind = RecordKind::config;
    rec.event = "config";
    rec.message = "objectives reloaded: 12 objectives from /etc/c2audit/objectives.d";
    return rec;
  }
  rec.auid = static_cast<uint32_t>(1000 + i % 5);
  rec.uid = rec.auid;
  rec.ses = static_cast<uint32_t>(i % 50);
  rec.user = kUsers[i % 5];
  rec.pid = static_cast<uint32_t>(2000 + i % 300);
  if (i % 500 == 1) {
    rec.kind = RecordKind::user;
    bool login = (i / 500) % 2 == 0;
    rec.event = login ? "LOGIN" : "USER_AUTH";
    rec.event_class = login ? "auth.session" : "auth.login";
    rec.success = login;
    rec.account = rec.user;
    rec.service = "sshd";
    rec.exe = "/usr/sbin/sshd";
    rec.addr = "192.0.2.7";
    return rec;
  }
  const auto& call = kClasses[i % 5];
  rec.event = call[0];
  rec.event_class = call[1];
  rec.exe = kPrograms[i % 4];
  rec.comm = rec.exe.substr(rec.exe.rfind('/') + 1);
  rec.path = "/srv/data/file-" + std::to_string(i % paths);
  rec.objective = i % 3 == 0 ? "sensitive-data" : "file-changes";
  rec.criticality = i % 3 == 0 ? "high" : "medium";
  if (i % 7 == 0) {
    rec.success = false;
    rec.ret = -13;
    rec.errno_name = "EACCES";
  }
  return rec;
}

AuditRecord hostile(int64_t time_ns) {
  AuditRecord rec;
  rec.time_ns = time_ns;
  rec.event = "openat";
  rec.event_class = "file.read";
  rec.user = "<img src=x onerror=\"window.__pwned=1\">";
  rec.exe = "/tmp/\"><script>window.__pwned=1</script>";
  rec.path = "/tmp/</td><script>window.__pwned=1</script>\x1b[31m=cmd|' /C calc'!A0";
  rec.objective = "file-changes";
  return rec;
}

int fail(const std::string& what) {
  std::fprintf(stderr, "c2audit-sample-trail: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Write a trail of made-up records"};
  c2audit::TrailOptions options;
  uint64_t records = 0, paths = 1000, span_seconds = 86400;
  bool with_hostile = false;
  app.add_option("--trail", options.dir)->required();
  app.add_option("--key", options.key_file)->required();
  app.add_option("--records", records)->required();
  app.add_option("--paths", paths)->check(CLI::PositiveNumber);
  app.add_option("--span-seconds", span_seconds)->check(CLI::PositiveNumber);
  app.add_flag("--hostile", with_hostile);
  CLI11_PARSE(app, argc, argv);

  auto writer = c2audit::TrailWriter::open(options);
  if (!writer) return fail(writer.error().message);
  const double step =
      static_cast<double>(span_seconds) * 1e9 / static_cast<double>(records ? records : 1);
  if (with_hostile) {
    AuditRecord rec = hostile(kStart - 1);
    if (auto r = writer->append(rec); !r) return fail(r.error().message);
  }
  for (uint64_t i = 0; i < records; ++i) {
    AuditRecord rec =
        sample(i, paths, kStart + static_cast<int64_t>(step * static_cast<double>(i)));
    if (auto r = writer->append(rec); !r) return fail(r.error().message);
  }
  if (auto r = writer->close(); !r) return fail(r.error().message);
  return 0;
}
