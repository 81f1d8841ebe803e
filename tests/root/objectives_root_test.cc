// Objectives with the real daemon: each criterion records exactly what it
// names; the kernel pre-filter keeps non-matching events in the kernel; a
// reload under load loses and duplicates nothing; an invalid reload is
// rejected and the policy in force stays.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <set>
#include <thread>

#include "c2audit/wire.h"
#include "control/control_server.h"
#include "harness.h"

namespace c2audit::test {
namespace {

constexpr uid_t kNobody = 65534;

class ObjectivesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    C2AUDIT_REQUIRE_ROOT();
    ::chmod(dir_.path().c_str(), 0755);  // other users reach the work files
    work_ = dir_.path() / "work";
    for (auto sub : {"", "/watched", "/watched/ignored", "/load"}) {
      std::filesystem::create_directories(work_.native() + sub);
      ::chmod((work_.native() + sub).c_str(), 0755);  // whatever the test's umask
    }
    std::filesystem::create_directories(objectives_);
  }

  // Writes an objective file as an administrator should: whole, then renamed
  // into place, so a reload never reads half of it. $W stands for the work
  // directory.
  void write_policy(const std::string& name, std::string text) {
    for (size_t at; (at = text.find("$W")) != std::string::npos;) text.replace(at, 2, work_.native());
    auto temporary = objectives_ / ("." + name + ".new");
    std::ofstream(temporary) << text;
    std::filesystem::rename(temporary, objectives_ / name);
  }

  std::unique_ptr<DaemonProcess> start_daemon() {
    auto daemon = std::make_unique<DaemonProcess>(
        trail_, socket_, std::vector<std::string>{"--objectives", objectives_.native()});
    EXPECT_TRUE(daemon->ready()) << "c2auditd did not start; see " << daemon->stderr_path();
    return daemon;
  }

  nlohmann::json ask(const char* request) {
    auto reply = control_request(socket_, request);
    EXPECT_TRUE(reply) << reply.error().message;
    return reply ? nlohmann::json::parse(*reply) : nlohmann::json{};
  }

  ProcessResult run(std::vector<std::string> argv) { return run_process(argv); }
  ProcessResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), c2audit_path());
    return run_process(args);
  }

  std::string at(const std::string& name) const { return (work_ / name).native(); }

  // /var/tmp: other users must reach the work files, and /tmp may be private.
  TempDir dir_{"/var/tmp"};
  std::filesystem::path work_, objectives_ = dir_.path() / "objectives";
  std::filesystem::path trail_ = dir_.path() / "trail", socket_ = dir_.path() / "control.sock";
};

std::vector<nlohmann::json> with(const std::vector<nlohmann::json>& records, const std::string& key,
                                 const nlohmann::json& value) {
  std::vector<nlohmann::json> out;
  for (const auto& r : records) {
    if (r.contains(key) && r[key] == value) out.push_back(r);
  }
  return out;
}

TEST_F(ObjectivesTest, EachCriterionRecordsExactlyWhatItNames) {
  write_policy("10-criteria.toml", R"(
[[objective]]
name = "skip-ignored"
classes = ["file.*"]
paths = ["$W/watched/ignored/**"]
action = "ignore"
[[objective]]
name = "watched-writes"
classes = ["file.create", "file.write"]
paths = ["$W/watched/**"]
exclude_paths = ["$W/watched/skip*"]
criticality = "high"
[[objective]]
name = "nobody-reads"
classes = ["file.read"]
users = [65534]
paths = ["$W/**"]
criticality = "low"
[[objective]]
name = "failed-reads"
classes = ["file.read"]
result = "failure"
paths = ["$W/**"]
criticality = "critical"
[[objective]]
name = "head-runs"
classes = ["process.exec"]
programs = ["/usr/bin/head"]
criticality = "info"
[[objective]]
name = "unlinks"
events = ["unlink", "unlinkat"]
paths = ["$W/**"]
exclude_users = [65534]
)");
  auto daemon = start_daemon();
  const std::string nobody = std::to_string(kNobody);
  ASSERT_EQ(run({"/usr/bin/touch", at("watched/a")}).exit_code, 0);
  ::chmod(at("watched/a").c_str(), 0644);  // whatever the test's umask
  ASSERT_EQ(run({"/usr/bin/touch", at("watched/skip1")}).exit_code, 0);
  ASSERT_EQ(run({"/usr/bin/touch", at("watched/ignored/x")}).exit_code, 0);
  auto nobody_cat = run({load_path(), "as", nobody, "/usr/bin/cat", at("watched/a")});
  ASSERT_EQ(nobody_cat.exit_code, 0) << nobody_cat.err;
  ASSERT_EQ(run({"/usr/bin/cat", at("watched/skip1")}).exit_code, 0);  // root reads: no
  EXPECT_NE(run({"/usr/bin/cat", at("missing")}).exit_code, 0);
  ASSERT_EQ(run({"/usr/bin/head", "-c1", at("watched/a")}).exit_code, 0);
  EXPECT_NE(run({load_path(), "as", nobody, "/usr/bin/rm", at("watched/skip1")}).exit_code, 0);
  ASSERT_EQ(run({"/usr/bin/rm", at("watched/a")}).exit_code, 0);
  ASSERT_EQ(daemon->stop(), 0);
  auto records = search_json(trail_);

  auto on = [&](const std::string& name) { return with(records, "path", at(name)); };
  auto a = on("watched/a");
  auto expect_one = [&](const std::vector<nlohmann::json>& found, const char* objective,
                        const char* criticality, const char* cls) -> nlohmann::json {
    auto hits = with(found, "objective", objective);
    EXPECT_EQ(hits.size(), 1u) << objective;
    if (hits.empty()) return nlohmann::json::object();
    EXPECT_EQ(hits[0]["criticality"], criticality);
    EXPECT_EQ(hits[0]["class"], cls);
    return hits[0];
  };
  expect_one(a, "watched-writes", "high", "file.create");
  EXPECT_EQ(expect_one(a, "nobody-reads", "low", "file.read")["uid"], kNobody);
  EXPECT_EQ(with(a, "uid", 0).size() + with(a, "uid", kNobody).size(), a.size());
  expect_one(a, "unlinks", "medium", "file.delete");
  EXPECT_EQ(a.size(), 3u) << "root's read of watched/a (by head) must not be recorded";
  EXPECT_TRUE(on("watched/skip1").empty()) << on("watched/skip1").front().dump();
  EXPECT_TRUE(on("watched/ignored/x").empty()) << on("watched/ignored/x").front().dump();
  auto missing = expect_one(on("missing"), "failed-reads", "critical", "file.read");
  EXPECT_EQ(missing["errno"], "ENOENT");
  std::vector<nlohmann::json> execs;  // of this test: other processes on the host may run head
  for (const auto& r : with(records, "event", "execve")) {
    if (r["argv"].dump().find(work_.native()) != std::string::npos) execs.push_back(r);
  }
  ASSERT_EQ(execs.size(), 1u) << "only head's exec: " << execs.size();
  EXPECT_EQ(execs[0]["objective"], "head-runs");
  EXPECT_EQ(execs[0]["exe"], "/usr/bin/head");
}

TEST_F(ObjectivesTest, KernelPrefilterKeepsNonMatchingEventsInTheKernel) {
  write_policy("10-writes.toml", R"(
[[objective]]
name = "watched-writes"
classes = ["file.write", "file.create"]
paths = ["$W/watched/**"]
)");
  std::ofstream(at("load/f")) << "x";
  auto daemon = start_daemon();
  auto before = ask("status");
  constexpr int kOpens = 20000;
  auto load = run({load_path(), "opens", at("load/f"), std::to_string(kOpens)});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  ASSERT_EQ(run({"/usr/bin/touch", at("watched/w")}).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the daemon's poll period
  auto after = ask("status");
  uint64_t filtered = after["events_filtered_in_kernel"].get<uint64_t>() -
                      before["events_filtered_in_kernel"].get<uint64_t>();
  uint64_t received =
      after["events_received"].get<uint64_t>() - before["events_received"].get<uint64_t>();
  EXPECT_GE(filtered, static_cast<uint64_t>(kOpens));
  EXPECT_LT(received, static_cast<uint64_t>(kOpens / 20)) << "reads crossed into user space";
  ASSERT_EQ(daemon->stop(), 0);
  auto records = search_json(trail_);
  EXPECT_EQ(with(records, "path", at("watched/w")).size(), 1u);
  EXPECT_TRUE(with(records, "path", at("load/f")).empty());
}

constexpr const char* kLoadPolicy = R"(
[[objective]]
name = "opens-$V"
classes = ["file.read"]
paths = ["$W/load/**"]
[[objective]]
name = "execs-$V"
classes = ["process.exec"]
programs = ["/usr/bin/true"]
)";

std::string versioned(std::string text, const std::string& version) {
  for (size_t at; (at = text.find("$V")) != std::string::npos;) text.replace(at, 2, version);
  return text;
}

TEST_F(ObjectivesTest, ReloadUnderLoadLosesAndDuplicatesNothing) {
  write_policy("10-load.toml", versioned(kLoadPolicy, "v1"));
  std::ofstream(at("load/f")) << "x";
  auto daemon = start_daemon();
  constexpr int kOpens = 60000, kExecs = 300;
  // 60 batches 30 ms apart: the load outlasts the reloads below (about 1 s).
  BackgroundProcess opens({load_path(), "opens", at("load/f"), std::to_string(kOpens), "30"});
  BackgroundProcess execs({load_path(), "execs", std::to_string(kExecs)});
  int socket_reloads = 0;
  for (int i = 0; i < 40; ++i) {
    write_policy("10-load.toml", versioned(kLoadPolicy, i % 2 ? "v1" : "v2"));
    if (i % 3 == 2) {
      ::kill(daemon->pid(), SIGHUP);  // several may coalesce into one reload
    } else {
      auto r = cli({"objectives", "reload", "--socket", socket_.native()});
      ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
      ++socket_reloads;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  auto opened = opens.finish();
  auto executed = execs.finish();
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  ASSERT_EQ(executed.exit_code, 0) << executed.err;
  ASSERT_EQ(daemon->stop(), 0);

  auto records = search_json(trail_);
  expect_time_order_and_unique_seqs(records);
  for (const auto& r : records) EXPECT_NE(r["event"], "lost") << r.dump();
  int opens_pid = parse_json_lines(opened.out).at(0)["pid"];
  int execs_pid = parse_json_lines(executed.out).at(0)["pid"];
  auto opened_records = with(with(records, "pid", opens_pid), "path", at("load/f"));
  EXPECT_EQ(opened_records.size(), static_cast<size_t>(kOpens));
  EXPECT_FALSE(with(opened_records, "objective", "opens-v1").empty());
  EXPECT_FALSE(with(opened_records, "objective", "opens-v2").empty());
  auto true_execs = with(with(records, "ppid", execs_pid), "exe", "/usr/bin/true");
  EXPECT_EQ(true_execs.size(), static_cast<size_t>(kExecs));
  auto configs = with(records, "event", "config");
  ASSERT_GT(configs.size(), static_cast<size_t>(socket_reloads + 1));  // + the policy at start
  for (size_t i = 1; i < configs.size(); ++i) {
    EXPECT_NE(configs[i]["message"].get<std::string>().find("accepted"), std::string::npos)
        << configs[i].dump();
  }
}

// The sensor skips the exits of syscalls no installed policy selected: a
// reload that selects a new one must make its exits seen.
TEST_F(ObjectivesTest, ReloadThatSelectsANewSyscallRecordsIt) {
  write_policy("10-load.toml", versioned(kLoadPolicy, "v1"));
  auto daemon = start_daemon();
  ASSERT_TRUE(std::filesystem::create_directory(at("load/before")));
  write_policy("20-dirs.toml", "[[objective]]\nname = \"dirs\"\nevents = [\"mkdir\", \"mkdirat\"]\n");
  auto reload = cli({"objectives", "reload", "--socket", socket_.native()});
  ASSERT_EQ(reload.exit_code, 0) << reload.err << reload.out;
  ASSERT_TRUE(std::filesystem::create_directory(at("load/after")));
  ASSERT_EQ(daemon->stop(), 0);
  auto dirs = with(search_json(trail_), "objective", "dirs");
  ASSERT_EQ(dirs.size(), 1u);
  EXPECT_EQ(dirs[0]["path"], at("load/after"));
  EXPECT_EQ(dirs[0]["pid"], ::getpid());
}

TEST_F(ObjectivesTest, InvalidReloadIsRejectedAndThePolicyInForceStays) {
  write_policy("10-load.toml", versioned(kLoadPolicy, "v1"));
  std::ofstream(at("load/f")) << "x";
  auto daemon = start_daemon();
  write_policy("20-bad.toml", "[[objective]]\nname = \"bad\"\nclasses = [\"file.reed\"]\n");
  auto reload = cli({"objectives", "reload", "--socket", socket_.native()});
  EXPECT_EQ(reload.exit_code, 1);
  EXPECT_NE(reload.err.find("20-bad.toml:3:12: 'file.reed': not an event class"), std::string::npos)
      << reload.err;
  auto listed = nlohmann::json::parse(
      cli({"objectives", "list", "--json", "--socket", socket_.native()}).out);
  EXPECT_EQ(listed["generation"], 1);
  EXPECT_EQ(listed["objectives"][0]["name"], "opens-v1");
  ASSERT_EQ(run({load_path(), "opens", at("load/f"), "10"}).exit_code, 0);
  ASSERT_EQ(daemon->stop(), 0);
  auto records = search_json(trail_);
  EXPECT_EQ(with(with(records, "path", at("load/f")), "objective", "opens-v1").size(), 10u);
  auto configs = with(records, "event", "config");
  ASSERT_EQ(configs.size(), 2u);
  EXPECT_NE(configs[1]["message"].get<std::string>().find("rejected"), std::string::npos);
  EXPECT_NE(configs[1]["message"].get<std::string>().find("20-bad.toml:3:12"), std::string::npos);
}

// Each policy slot holds half of each kernel filter map: a policy naming more
// path prefixes than that is refused whole, before anything is written, and
// the policy in force stays in force.
TEST_F(ObjectivesTest, APolicyTooLargeForTheKernelFilterIsRefusedWhole) {
  write_policy("10-load.toml", versioned(kLoadPolicy, "v1"));
  std::ofstream(at("load/f")) << "x";
  auto daemon = start_daemon();
  std::string many = "[[objective]]\nname = \"many\"\nclasses = [\"file.write\"]\npaths = [";
  for (int i = 0; i < C2A_PREFIX_ENTRIES / C2A_POLICY_SLOTS + 1; ++i) {
    many += fmt::format("{}\"$W/many/{}/**\"", i ? ", " : "", i);
  }
  write_policy("20-many.toml", many + "]\n");
  auto reload = cli({"objectives", "reload", "--socket", socket_.native()});
  EXPECT_EQ(reload.exit_code, 1);
  EXPECT_NE(reload.err.find(fmt::format("path prefixes; the kernel filter holds {} per policy",
                                        C2A_PREFIX_ENTRIES / C2A_POLICY_SLOTS)),
            std::string::npos)
      << reload.err;
  ASSERT_EQ(run({load_path(), "opens", at("load/f"), "10"}).exit_code, 0);
  ASSERT_EQ(daemon->stop(), 0);
  EXPECT_EQ(with(with(search_json(trail_), "path", at("load/f")), "objective", "opens-v1").size(),
            10u);
}

}  // namespace
}  // namespace c2audit::test
