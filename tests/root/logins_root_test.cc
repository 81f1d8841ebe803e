// Identification and authentication: the real su, sshd, sudo and shadow tools
// report to kernel audit; c2auditd reads their user messages into the trail
// (kaudit/), judged by the default objectives.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/netlink.h>

#include "common/file_descriptor.h"
#include "harness.h"

namespace c2audit::test {
namespace {

constexpr const char* kPassword = "c2-Right-pw1";
// How long kernel audit's messages may keep coming after the programs that
// caused them have ended (sshd closes a session just after its client exits).
constexpr auto kMessagesQuiet = std::chrono::milliseconds(500);
constexpr auto kMessagesSettleAtMost = std::chrono::seconds(5);

bool has(const nlohmann::json& rec, const char* key, const std::string& value) {
  return rec.contains(key) && rec[key].is_string() && rec[key] == value;
}

// The records of `trail` whose event and result are these (result "" = any).
std::vector<nlohmann::json> of_event(const std::vector<nlohmann::json>& records,
                                     const std::string& event, const std::string& result = "") {
  std::vector<nlohmann::json> out;
  for (const auto& r : records) {
    if (has(r, "event", event) && (result.empty() || has(r, "result", result))) out.push_back(r);
  }
  return out;
}

std::string run_ok(const std::vector<std::string>& argv) {
  ProcessResult r = run_process(argv);
  EXPECT_EQ(r.exit_code, 0) << argv[0] << ": " << r.err;
  return r.out;
}

// A local account with a password, removed with its home on destruction.
class TestUser {
 public:
  explicit TestUser(std::string name) : name_(std::move(name)) {
    run_process({"/usr/sbin/userdel", "-r", name_});  // a leftover of a killed run
    run_ok({"/usr/sbin/useradd", "-m", "-s", "/bin/sh", name_});
    run_ok({"/bin/sh", "-c", "echo '" + name_ + ":" + kPassword + "' | /usr/sbin/chpasswd"});
    uid_ = std::stoul(run_ok({"/usr/bin/id", "-u", name_}));
  }
  ~TestUser() { run_process({"/usr/sbin/userdel", "-r", name_}); }
  const std::string& name() const { return name_; }
  uint32_t uid() const { return uid_; }
  // argv run as this user, without a login session (setpriv, not su).
  std::vector<std::string> as(std::vector<std::string> argv) const {
    std::vector<std::string> out = {"/usr/bin/setpriv", "--reuid=" + name_, "--regid=" + name_,
                                    "--init-groups", "--"};
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
  }

 private:
  std::string name_;
  uint32_t uid_ = 0;
};

// Runs argv on a new pseudo-terminal, answers each of its password prompts
// (su asks once, passwd twice) with `password`, and returns the exit code.
int run_on_pty_with_password(const std::vector<std::string>& argv, const std::string& password) {
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  std::string seen;
  size_t answered = 0, next_prompt_from = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{master, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[256];
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;  // the child closed the terminal
    seen.append(buf, static_cast<size_t>(n));
    if (size_t at = seen.find("assword:", next_prompt_from); at != std::string::npos) {
      std::string line = password + "\n";
      EXPECT_EQ(write(master, line.data(), line.size()), static_cast<ssize_t>(line.size()));
      ++answered;
      next_prompt_from = at + 1;
    }
  }
  close(master);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_GT(answered, 0u) << "no password prompt; the terminal showed: " << seen;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// What c2auditd may change and must put back: enabled, the audit daemon, rules.
std::string kernel_audit_state() {
  std::istringstream status(run_ok({"/sbin/auditctl", "-s"}));
  std::string state, line;
  while (std::getline(status, line)) {
    if (line.starts_with("enabled ") || line.starts_with("pid ")) state += line + "\n";
  }
  return state + run_ok({"/sbin/auditctl", "-l"});
}

// Earlier tests kill c2auditd (a crash): what it changed in kernel audit
// stays, for the next c2auditd to put back (the last test here). Tests
// that compare kernel audit before and after start from a settled state.
void settle_kernel_audit() {
  std::ifstream ledger("/run/c2audit/kernel-audit-changes");
  int pid = 0, enabled = 0, rule = 0;
  if (!(ledger >> pid >> enabled >> rule)) return;
  ASSERT_NE(kill(pid, 0), 0) << "a c2auditd (pid " << pid << ") runs beside the tests";
  if (enabled) run_ok({"/sbin/auditctl", "-e", "0"});
  if (rule) run_ok({"/sbin/auditctl", "-d", "never,task"});
  std::filesystem::remove("/run/c2audit/kernel-audit-changes");
}

// A daemon with the default objectives (an objectives directory without files).
struct DefaultDaemon {
  TempDir dir;
  std::filesystem::path trail = dir.path() / "trail";
  std::filesystem::path objectives = dir.path() / "objectives";
  bool made = std::filesystem::create_directory(objectives);
  DaemonProcess daemon;
  // The default objectives, unless `args` says otherwise.
  explicit DefaultDaemon(std::vector<std::string> wrapper = {}, std::vector<std::string> args = {})
      : daemon(trail, dir.path() / "sock",
               args.empty() ? std::vector<std::string>{"--objectives", objectives.native()} : args,
               std::move(wrapper)) {}
  // Once the daemon has read no new user message for a while.
  std::vector<nlohmann::json> records_after_stop() {
    auto deadline = std::chrono::steady_clock::now() + kMessagesSettleAtMost;
    int64_t seen = -1;
    while (std::chrono::steady_clock::now() < deadline) {
      int64_t now = messages_received();
      if (now == seen) break;
      seen = now;
      std::this_thread::sleep_for(kMessagesQuiet);
    }
    EXPECT_EQ(daemon.stop(), 0);
    return search_json(trail);
  }
  int64_t messages_received() const {
    ProcessResult r = run_process({c2audit_path(), "status", "--json", "--control-socket",
                                   (dir.path() / "sock").native()});
    if (r.exit_code != 0) return -1;
    return nlohmann::json::parse(r.out)["user_messages"].value("received", int64_t{-1});
  }
};

TEST(Logins, SuRightAndWrongPasswordThroughAPseudoTerminal) {
  C2AUDIT_REQUIRE_ROOT();
  TestUser target("c2t-target"), caller("c2t-caller");
  settle_kernel_audit();
  std::string before = kernel_audit_state();
  {
    DefaultDaemon d;
    ASSERT_TRUE(d.daemon.ready());
    EXPECT_EQ(run_on_pty_with_password(caller.as({"/usr/bin/su", "-c", "/bin/true", target.name()}),
                                       kPassword),
              0);
    EXPECT_NE(run_on_pty_with_password(caller.as({"/usr/bin/su", "-c", "/bin/true", target.name()}),
                                       "wrong-password"),
              0);
    auto records = d.records_after_stop();
    auto ok = of_event(records, "USER_AUTH", "success");
    auto failed = of_event(records, "USER_AUTH", "failure");
    ASSERT_EQ(ok.size(), 1u);
    ASSERT_EQ(failed.size(), 1u);
    for (const auto& r : {ok[0], failed[0]}) {
      EXPECT_EQ(r["class"], "auth.login");
      EXPECT_EQ(r["account"], target.name());
      EXPECT_EQ(r["service"], "su");
      EXPECT_EQ(r["uid"], caller.uid());
      EXPECT_TRUE(r["tty"].get<std::string>().starts_with("/dev/pts/")) << r;
    }
    EXPECT_EQ(failed[0]["objective"], "authentication-failure");
    EXPECT_EQ(failed[0]["criticality"], "high");
    EXPECT_EQ(ok[0]["objective"], "logins");
  }
  // Kernel audit was off with no rule: c2auditd put it back as it was.
  EXPECT_EQ(kernel_audit_state(), before);
}

uint16_t free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

bool port_open(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

// A real sshd on a loopback port, with its own host key and configuration.
class LoopbackSshd {
 public:
  LoopbackSshd() : port_(free_loopback_port()) {
    made_run_dir_ = std::filesystem::create_directory("/run/sshd");  // its privilege separation dir
    std::string key = (dir_.path() / "host_key").native();
    run_ok({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key});
    std::ofstream(dir_.path() / "sshd_config")
        << "Port " << port_ << "\nListenAddress 127.0.0.1\nHostKey " << key
        << "\nPidFile " << (dir_.path() / "sshd.pid").native()
        << "\nUsePAM yes\nPasswordAuthentication yes\nKbdInteractiveAuthentication no\n"
           "PubkeyAuthentication no\nPermitRootLogin no\n";
    sshd_.emplace(std::vector<std::string>{"/usr/sbin/sshd", "-D", "-e", "-f",
                                           (dir_.path() / "sshd_config").native()});
    for (int i = 0; i < 100 && !port_open(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~LoopbackSshd() {
    if (sshd_) {
      kill(sshd_->pid(), SIGTERM);
      sshd_->finish();
    }
    if (made_run_dir_) std::filesystem::remove("/run/sshd");
  }
  ProcessResult ssh(const std::string& user, const std::string& password,
                    const std::string& command) {
    return run_process({"/usr/bin/sshpass", "-p", password, "/usr/bin/ssh", "-o",
                        "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o",
                        "PreferredAuthentications=password", "-o", "NumberOfPasswordPrompts=1",
                        "-o", "LogLevel=ERROR", "-p", std::to_string(port_), user + "@127.0.0.1",
                        command});
  }

 private:
  TempDir dir_;
  uint16_t port_;
  bool made_run_dir_ = false;
  std::optional<BackgroundProcess> sshd_;
};

TEST(Logins, SshPasswordLoginsAndTheSessionsActivity) {
  C2AUDIT_REQUIRE_ROOT();
  TestUser user("c2t-ssh");
  DefaultDaemon d;
  ASSERT_TRUE(d.daemon.ready());
  LoopbackSshd sshd;
  ProcessResult ok = sshd.ssh(user.name(), kPassword, "cat /proc/self/sessionid");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  uint32_t ses = std::stoul(ok.out);
  ProcessResult wrong = sshd.ssh(user.name(), "wrong-password", "true");
  EXPECT_NE(wrong.exit_code, 0);
  auto records = d.records_after_stop();

  auto failed = of_event(records, "USER_AUTH", "failure");
  ASSERT_FALSE(failed.empty());
  EXPECT_EQ(failed[0]["addr"], "127.0.0.1");
  EXPECT_EQ(failed[0]["service"], "sshd");
  EXPECT_EQ(failed[0]["account"], user.name());

  // The login: a new session, and what the session did carries it.
  auto logins = of_event(records, "LOGIN");
  ASSERT_EQ(logins.size(), 1u);
  EXPECT_EQ(logins[0]["ses"], ses);
  EXPECT_EQ(logins[0]["auid"], user.uid());
  auto session = search_json(d.trail, {"--session", std::to_string(ses)});
  EXPECT_EQ(of_event(session, "LOGIN").size(), 1u);
  auto start = of_event(session, "USER_START");
  ASSERT_EQ(start.size(), 1u);
  EXPECT_EQ(start[0]["addr"], "127.0.0.1");
  EXPECT_EQ(start[0]["account"], user.name());
  EXPECT_EQ(of_event(session, "USER_END").size(), 1u);
  bool cat_exec = false;
  for (const auto& r : session) {
    EXPECT_EQ(r["ses"], ses) << r;
    cat_exec = cat_exec || (has(r, "class", "process.exec") && has(r, "exe", "/usr/bin/cat"));
  }
  EXPECT_TRUE(cat_exec) << "the session's cat is not among its records";

  // --login: the login with its origin and duration, and the failure.
  ProcessResult listed =
      run_process({c2audit_path(), "search", "--trail", d.trail.native(), "--login", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  auto lines = parse_json_lines(listed.out);
  bool login_seen = false, failure_seen = false;
  for (const auto& l : lines) {
    if (l["result"] == "success" && l["ses"] == ses) {
      login_seen = true;
      EXPECT_EQ(l["account"], user.name());
      EXPECT_EQ(l["service"], "sshd");
      EXPECT_EQ(l["addr"], "127.0.0.1");
      EXPECT_TRUE(l.contains("duration_s")) << l;
    }
    failure_seen = failure_seen || (l["result"] == "failure" && l["addr"] == "127.0.0.1");
  }
  EXPECT_TRUE(login_seen) << listed.out;
  EXPECT_TRUE(failure_seen) << listed.out;
}

TEST(Logins, SudoByAnUnprivilegedUserRecordsTheCommand) {
  C2AUDIT_REQUIRE_ROOT();
  TestUser user("c2t-sudo");
  std::filesystem::path rule = "/etc/sudoers.d/c2audit-test";
  std::ofstream(rule) << user.name() << " ALL=(root) NOPASSWD: /usr/bin/id\n";
  std::filesystem::permissions(rule, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::group_read);
  DefaultDaemon d;
  ASSERT_TRUE(d.daemon.ready());
  EXPECT_EQ(run_process(user.as({"/usr/bin/sudo", "-n", "/usr/bin/id", "-u"})).out, "0\n");
  EXPECT_NE(run_process(user.as({"/usr/bin/sudo", "-n", "/usr/bin/cat", "/etc/shadow"})).exit_code,
            0);
  std::filesystem::remove(rule);
  auto records = d.records_after_stop();
  auto ran = of_event(records, "USER_CMD", "success");
  ASSERT_EQ(ran.size(), 1u);
  EXPECT_EQ(ran[0]["class"], "priv.sudo");
  EXPECT_EQ(ran[0]["command"], "/usr/bin/id -u");
  EXPECT_EQ(ran[0]["uid"], user.uid());
  EXPECT_EQ(ran[0]["objective"], "sudo");
  auto refused = of_event(records, "USER_CMD", "failure");
  ASSERT_FALSE(refused.empty());
  EXPECT_EQ(refused[0]["command"], "/usr/bin/cat /etc/shadow");
  EXPECT_EQ(refused[0]["objective"], "sudo");  // every sudo, refused ones too
}

TEST(Logins, AccountChangesNameTheAccountAndTheOperator) {
  C2AUDIT_REQUIRE_ROOT();
  const std::string name = "c2t-acct";
  constexpr uint32_t kOperator = 4242;  // the administrator's login uid
  run_process({"/usr/sbin/userdel", "-r", name});
  DefaultDaemon d;
  ASSERT_TRUE(d.daemon.ready());
  // As an administrator would: in a login session of their own.
  auto in_session = [&](const std::string& command) {
    return std::vector<std::string>{
        "/bin/sh", "-c",
        "echo " + std::to_string(kOperator) + " > /proc/self/loginuid && exec " + command};
  };
  run_ok(in_session("useradd -M " + name));
  EXPECT_EQ(run_on_pty_with_password(in_session("passwd " + name), kPassword), 0);
  run_ok(in_session("usermod -aG users " + name));
  run_ok(in_session("userdel " + name));
  auto records = d.records_after_stop();
  for (const char* event : {"ADD_USER", "USER_CHAUTHTOK", "DEL_USER"}) {
    auto found = of_event(records, event, "success");
    ASSERT_FALSE(found.empty()) << event;
    EXPECT_EQ(found[0]["class"], "admin.account") << event;
    EXPECT_EQ(found[0]["auid"], kOperator) << event;
    EXPECT_EQ(found[0]["objective"], "account-change") << event;
  }
  bool named = false, group_change = false;
  for (const auto& r : records) {
    if (!has(r, "class", "admin.account")) continue;
    named = named || has(r, "account", name);
    group_change = group_change || (has(r, "exe", "/usr/sbin/usermod") && has(r, "account", name));
  }
  EXPECT_TRUE(named);
  EXPECT_TRUE(group_change) << "usermod -aG is not recorded";
  bool password_set = false;
  for (const auto& r : of_event(records, "USER_CHAUTHTOK", "success")) {
    password_set = password_set || (has(r, "service", "passwd") && has(r, "account", name) &&
                                    r["tty"].get<std::string>().starts_with("pts/"));
  }
  EXPECT_TRUE(password_set) << "passwd on a terminal is not recorded";
}

TEST(Logins, RunsBesideAuditdWhichKeepsItsRulesAndMessages) {
  C2AUDIT_REQUIRE_ROOT();
  TestUser target("c2t-target"), caller("c2t-caller");
  TempDir audit_dir;
  std::filesystem::path log = audit_dir.path() / "log" / "audit.log";
  std::filesystem::create_directory(audit_dir.path() / "log");
  std::filesystem::create_directory(audit_dir.path() / "conf");
  run_ok({"/bin/sh", "-c",
          "sed 's|^log_file.*|log_file = " + log.native() + "|' /etc/audit/auditd.conf > " +
              (audit_dir.path() / "conf" / "auditd.conf").native() + " && chmod 640 " +
              (audit_dir.path() / "conf" / "auditd.conf").native()});
  settle_kernel_audit();
  std::string before = kernel_audit_state();
  BackgroundProcess auditd({"/sbin/auditd", "-n", "-c", (audit_dir.path() / "conf").native()});
  for (int i = 0; i < 100 && run_ok({"/sbin/auditctl", "-s"}).find("\npid 0\n") != std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  run_ok({"/sbin/auditctl", "-w", "/etc/c2audit-test-watch", "-p", "wa"});  // auditd's own rule
  std::string rules = run_ok({"/sbin/auditctl", "-l"});
  {
    DefaultDaemon d;
    ASSERT_TRUE(d.daemon.ready());
    EXPECT_NE(run_on_pty_with_password(caller.as({"/usr/bin/su", "-c", "/bin/true", target.name()}),
                                       "wrong-password"),
              0);
    auto records = d.records_after_stop();
    auto failed = of_event(records, "USER_AUTH", "failure");
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0]["account"], target.name());
  }
  EXPECT_EQ(run_ok({"/sbin/auditctl", "-l"}), rules);  // auditd's rules, untouched
  EXPECT_NE(run_ok({"/sbin/auditctl", "-s"}).find("pid " + std::to_string(auditd.pid())),
            std::string::npos);  // and auditd still the audit daemon
  run_ok({"/sbin/auditctl", "-D"});
  kill(auditd.pid(), SIGTERM);
  auditd.finish();
  run_ok({"/sbin/auditctl", "-e", "0"});  // auditd leaves it on; it was off before
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("type=USER_AUTH"), std::string::npos);
  EXPECT_NE(text.find("acct=\"" + target.name() + "\""), std::string::npos);
  EXPECT_EQ(kernel_audit_state(), before);
}

// Sends kernel audit a USER message with exactly this text (libaudit's
// helpers would add fields of their own).
void send_user_message(const std::string& text) {
  FileDescriptor fd(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT));
  ASSERT_TRUE(fd.valid());
  std::vector<char> buffer(NLMSG_SPACE(text.size() + 1), 0);
  auto* h = reinterpret_cast<nlmsghdr*>(buffer.data());
  h->nlmsg_len = NLMSG_LENGTH(text.size() + 1);
  h->nlmsg_type = AUDIT_USER;
  h->nlmsg_flags = NLM_F_REQUEST;
  std::memcpy(NLMSG_DATA(h), text.c_str(), text.size() + 1);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  EXPECT_EQ(sendto(fd.get(), buffer.data(), h->nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel),
                   sizeof kernel),
            static_cast<ssize_t>(h->nlmsg_len));
}

nlohmann::json user_message_status(const DefaultDaemon& d) {
  auto status = run_process({c2audit_path(), "status", "--json", "--control-socket",
                             (d.dir.path() / "sock").native()});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  return status.exit_code == 0 ? nlohmann::json::parse(status.out)["user_messages"]
                               : nlohmann::json::object();
}

TEST(Logins, AMalformedMessageIsCountedNotRecorded) {
  C2AUDIT_REQUIRE_ROOT();
  DefaultDaemon d({}, {"--all"});
  ASSERT_TRUE(d.daemon.ready());
  // Any root process may send kernel audit a user message of its own making.
  send_user_message("op=x acct=\"unterminated");
  send_user_message("op=c2audit-well-formed acct=\"bob\" res=success");
  for (int i = 0; i < 50 && user_message_status(d).value("received", 0) < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto u = user_message_status(d);
  EXPECT_EQ(u["source"], "up");
  EXPECT_EQ(u["decode_errors"], 1);
  EXPECT_NE(u["first_decode_error"].get<std::string>().find("unterminated quote"),
            std::string::npos)
      << u;
  auto records = d.records_after_stop();
  auto users = of_event(records, "USER");
  ASSERT_EQ(users.size(), 1u);  // the well-formed one (--all records user.message too)
  EXPECT_EQ(users[0]["op"], "c2audit-well-formed");
  EXPECT_EQ(users[0]["class"], "user.message");
}

TEST(Logins, WithoutCapAuditReadTheSourceIsDownAndSyscallsAreStillAudited) {
  C2AUDIT_REQUIRE_ROOT();
  settle_kernel_audit();
  std::string before = kernel_audit_state();
  DefaultDaemon d({"/usr/bin/setpriv", "--bounding-set", "-audit_read", "--"});
  ASSERT_TRUE(d.daemon.ready());
  auto u = user_message_status(d);
  EXPECT_EQ(u["source"], "down");
  EXPECT_NE(u["state"].get<std::string>().find("Operation not permitted"), std::string::npos) << u;
  EXPECT_EQ(kernel_audit_state(), before);  // nothing changed while it cannot read
  run_ok({"/usr/bin/true"});
  auto records = d.records_after_stop();
  bool exec_seen = false;
  for (const auto& r : records) exec_seen = exec_seen || has(r, "exe", "/usr/bin/true");
  EXPECT_TRUE(exec_seen);
  std::ifstream err(d.daemon.stderr_path());
  std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("warning: kernel audit user messages"), std::string::npos) << text;
}

TEST(Logins, WhatAKilledDaemonChangedIsPutBackByTheNext) {
  C2AUDIT_REQUIRE_ROOT();
  settle_kernel_audit();
  std::string before = kernel_audit_state();
  ASSERT_NE(before.find("enabled 0"), std::string::npos) << "kernel audit is on: nothing to show";
  {
    DefaultDaemon killed;
    ASSERT_TRUE(killed.daemon.ready());
    killed.daemon.kill_hard();
  }
  EXPECT_NE(kernel_audit_state(), before);  // nothing ran to put it back
  {
    DefaultDaemon next;
    ASSERT_TRUE(next.daemon.ready());
    auto u = user_message_status(next);
    EXPECT_EQ(u["source"], "up");
    EXPECT_NE(u["state"].get<std::string>().find("when it was killed"), std::string::npos) << u;
    EXPECT_EQ(next.daemon.stop(), 0);
  }
  EXPECT_EQ(kernel_audit_state(), before);
  EXPECT_FALSE(std::filesystem::exists("/run/c2audit/kernel-audit-changes"));
}

}  // namespace
}  // namespace c2audit::test
