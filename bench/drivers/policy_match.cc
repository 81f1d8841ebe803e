// c2audit-bench-policy-match: what judging one record costs the daemon, by
// policy size. A selected open is matched against a policy of one objective,
// and against one of 500 in the shape of a converted auditd rule set (path
// watches, syscall rules, program rules; the selecting objective last), and,
// when C2AUDIT_BENCH_POLICY names an objective file, against that file with
// the selecting objective appended. Issue 12 asks that 500 objectives cost at
// most 2x one. Run: build/bench/c2audit-bench-policy-match
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "policy/objective_file.h"
#include "policy/objective_set.h"

namespace c2audit {
namespace {

constexpr const char* kStormFile = "/var/tmp/c2audit-bench/storm-file";

std::string selecting_objective() {
  return fmt::format("[[objective]]\nname = \"storm\"\nevents = [\"openat\"]\npaths = [\"{}\"]\n",
                     kStormFile);
}

// 499 objectives shaped like a converted real-world rule set: mostly watches
// (a file, or a directory and everything under it, on writes and attribute
// changes), then syscall rules and program rules.
std::string converted_policy() {
  const char* syscalls[] = {"mount", "umount2", "setuid", "setgid", "chmod", "fchmodat",
                            "unlinkat", "renameat", "connect", "bind", "ptrace", "execve"};
  std::string text;
  for (int i = 0; i < 499; ++i) {
    text += fmt::format("[[objective]]\nname = \"rule-{}\"\n", i);
    if (i % 10 < 7) {
      text += i % 2 ? fmt::format("paths = [\"/etc/app{}/conf\"]\n", i)
                    : fmt::format("paths = [\"/etc/app{0}\", \"/etc/app{0}/**\"]\n", i);
      text += "classes = [\"file.write\", \"file.create\", \"file.attr\"]\n";
    } else if (i % 10 < 9) {
      text += fmt::format("events = [\"{}\"]\n", syscalls[i % std::size(syscalls)]);
    } else {
      text += fmt::format("classes = [\"process.exec\"]\nprograms = [\"/usr/sbin/tool{}\"]\n", i);
    }
  }
  return text + selecting_objective();
}

ObjectiveSet policy_from(const std::string& text) {
  auto parsed = parse_objectives(text, "<bench>");
  if (!parsed) {
    fmt::print(stderr, "policy: {}\n", parsed.error().message);
    std::exit(1);
  }
  return ObjectiveSet("bench", std::move(*parsed));
}

AuditRecord selected_open() {
  AuditRecord rec;
  rec.event = "openat";
  rec.event_class = "file.read";
  rec.path = kStormFile;
  rec.exe = "/usr/local/bin/c2audit-bench-open-storm";
  rec.uid = rec.euid = rec.auid = 1000;
  return rec;
}

void match_one(benchmark::State& state, const ObjectiveSet& policy) {
  AuditRecord rec = selected_open();
  for (auto _ : state) {
    const Objective* o = policy.match(rec);
    benchmark::DoNotOptimize(o);
  }
  state.counters["objectives"] = static_cast<double>(policy.objectives().size());
}

}  // namespace
}  // namespace c2audit

int main(int argc, char** argv) {
  using namespace c2audit;
  static ObjectiveSet one = policy_from(selecting_objective());
  static ObjectiveSet converted = policy_from(converted_policy());
  benchmark::RegisterBenchmark("match/one_objective", match_one, std::cref(one));
  benchmark::RegisterBenchmark("match/converted_500", match_one, std::cref(converted));
  if (const char* file = std::getenv("C2AUDIT_BENCH_POLICY")) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    static ObjectiveSet given = policy_from(text.str() + "\n" + selecting_objective());
    benchmark::RegisterBenchmark("match/C2AUDIT_BENCH_POLICY", match_one, std::cref(given));
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
