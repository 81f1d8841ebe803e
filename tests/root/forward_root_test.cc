// Forwarding the trail to a real rsyslog (imrelp over TLS on loopback):
// every record arrives, in order, through a collector killed mid-stream, a
// daemon killed mid-forward, and never to a collector with the wrong
// certificate. The collector and each daemon are started and stopped here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "collector.h"
#include "harness.h"

namespace c2audit::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The sanitizer build (scripts/test.sh runs these tests there too) slows the
// daemon several times over: the same tests send a tenth as much there.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define C2AUDIT_FORWARD_TESTS_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(C2AUDIT_FORWARD_TESTS_UNDER_ASAN)
constexpr int kStormOpens = 10'000;
#else
constexpr int kStormOpens = 100'000;
#endif

nlohmann::json daemon_status(const fs::path& socket) {
  auto ran = run_process({c2audit_path(), "status", "--json", "--socket", socket.native()});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  return ran.exit_code == 0 ? nlohmann::json::parse(ran.out) : nlohmann::json::object();
}

nlohmann::json forward_status(const fs::path& socket) {
  auto status = daemon_status(socket);
  auto list = status.value("forward", nlohmann::json::array());
  return list.empty() ? nlohmann::json::object() : list[0];
}

// Waits until the daemon took everything from its ring and the forwarder
// sent every record it wrote (the last window is confirmed at the stop);
// returns the last seq.
uint64_t wait_until_forwarded(const fs::path& socket, std::chrono::seconds limit = 90s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  uint64_t last = 0;
  for (int settled = 0; settled < 5 && std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(200ms)) {
    auto status = daemon_status(socket);
    uint64_t now = status.value("last_seq", 0ul);
    settled = now == last && status.value("ring_fill_bytes", 1ul) == 0 ? settled + 1 : 0;
    last = now;
  }
  while (forward_status(socket).value("sent_seq", 0ul) < last) {
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "not forwarded within the limit: " << forward_status(socket).dump();
      break;
    }
    std::this_thread::sleep_for(200ms);
  }
  return last;
}

struct Arrivals {
  std::map<uint64_t, int> times_by_seq;
  bool in_order = true;  // each first arrival after the one before
  std::set<std::string> hosts, host_ids;
};

Arrivals arrivals(const Collector& collector) {
  Arrivals a;
  uint64_t last_new = 0;
  for (const auto& rec : collector.records()) {
    uint64_t seq = rec.value("seq", 0ul);
    if (a.times_by_seq[seq]++ == 0) {
      if (seq < last_new) a.in_order = false;
      last_new = seq;
    }
    a.hosts.insert(rec.value("host", ""));
    a.host_ids.insert(rec.value("host_id", ""));
  }
  return a;
}

size_t arrived_twice(const Arrivals& a) {
  size_t twice = 0;
  for (const auto& [seq, times] : a.times_by_seq) twice += times > 1;
  return twice;
}

// Every record of the trail up to `last` reached the collector; the trail
// holds at least `storm_opens` of the storm's.
void expect_all_arrived(const fs::path& trail, const Arrivals& a, uint64_t last, const fs::path& target,
                        size_t storm_opens) {
  size_t storm = 0;
  for (const auto& rec : search_json(trail)) {
    uint64_t seq = rec.value("seq", 0ul);
    if (seq > last) continue;
    storm += rec.value("path", "") == target.native();
    EXPECT_TRUE(a.times_by_seq.contains(seq)) << "never arrived: " << rec.dump();
  }
  EXPECT_GE(storm, storm_opens);
  EXPECT_EQ(a.hosts.size(), 1u);
  EXPECT_EQ(a.host_ids.size(), 1u);
  EXPECT_EQ(a.host_ids.begin()->size(), 32u);
}

class ForwardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    C2AUDIT_REQUIRE_ROOT();
    fs::create_directories(dir_.path() / "certs");
    certs_ = make_test_certificates(dir_.path() / "certs");
    target_ = dir_.path() / "opened";
    std::ofstream(target_) << "x";
    // Only the storm's opens: the test's own status requests add nothing.
    objectives_ = dir_.path() / "objectives";
    fs::create_directories(objectives_);
    std::ofstream(objectives_ / "storm.toml")
        << "[[objective]]\nname = \"storm\"\nevents = [\"openat\"]\npaths = [\"" << target_.native() << "\"]\n";
  }

  std::vector<std::string> daemon_args(const Collector& collector) const { return daemon_args(collector.url()); }

  std::vector<std::string> storm(int opens = kStormOpens) const {
    return {load_path(), "opens", target_.native(), std::to_string(opens)};
  }

  std::vector<std::string> daemon_args(const std::string& url) const {
    return {"--objectives", objectives_.native(), "--no-user-messages", "--consumers", "1",
            "--forward", url, "--forward-ca", certs_.ca.native()};
  }

  void collector_killed_and_back(Collector::Protocol protocol, size_t most_twice);

  static void wait_for_lines(const Collector& collector, size_t count) {
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (collector.lines() < count && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
  }

  TempDir dir_;
  TestCertificates certs_;
  fs::path target_, objectives_;
};

TEST_F(ForwardTest, AHundredThousandRecordsArriveOverRelpTlsOnceAndInOrder) {
  Collector collector(dir_.path() / "collector", certs_);
  collector.start();
  fs::path trail = dir_.path() / "trail", socket = dir_.path() / "sock";
  // The destination from a configuration file, its URL overridden by the flag.
  fs::path config = dir_.path() / "c2auditd.toml";
  std::ofstream(config) << "forward = \"relp+tls://localhost:1\"\nforward-ca = \"" << certs_.ca.native()
                        << "\"\nforward-format = \"json\"\nconsumers = 1\n";
  DaemonProcess daemon(trail, socket,
                       {"--config", config.native(), "--objectives", objectives_.native(), "--no-user-messages",
                        "--forward", collector.url()});
  ASSERT_TRUE(daemon.ready());
  ASSERT_EQ(run_process(storm()).exit_code, 0);
  uint64_t last = wait_until_forwarded(socket);
  auto forward = forward_status(socket);
  EXPECT_EQ(forward.value("resent", 1ul), 0u) << forward.dump();
  EXPECT_EQ(daemon.stop(), 0);
  Arrivals a = arrivals(collector);
  expect_all_arrived(trail, a, last, target_, kStormOpens);
  EXPECT_TRUE(a.in_order);
  for (const auto& [seq, times] : a.times_by_seq) EXPECT_EQ(times, 1) << "seq " << seq;
}

// Two collectors at once, each with its own cursor: RELP over TLS, and for
// collectors without RELP, RFC 5425 syslog over TLS to rsyslog's imtcp. The
// latter acknowledges nothing; each orderly close of its session (every 8192
// messages, and when sending pauses) confirms what went before.
TEST_F(ForwardTest, TwoCollectorsRelpAndSyslogTlsEachGetEveryRecordOnceAndInOrder) {
  Collector relp(dir_.path() / "relp", certs_);
  Collector syslog(dir_.path() / "syslog", certs_, Collector::Presents::right, Collector::Protocol::syslog_tls);
  relp.start();
  syslog.start();
  fs::path trail = dir_.path() / "trail", socket = dir_.path() / "sock";
  auto args = daemon_args(relp);
  args.insert(args.end(), {"--forward", syslog.url()});
  DaemonProcess daemon(trail, socket, args);
  ASSERT_TRUE(daemon.ready());
  ASSERT_EQ(run_process(storm()).exit_code, 0);
  uint64_t last = wait_until_forwarded(socket);
  // Confirmed while running, not only at the stop: the pause closed the session.
  auto syslog_status = [&] { return daemon_status(socket).value("forward", nlohmann::json::array()).at(1); };
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (syslog_status().value("acked_seq", 0ul) < last && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
  }
  auto forward = syslog_status();
  EXPECT_EQ(forward.value("destination", ""), syslog.url());
  EXPECT_GE(forward.value("acked_seq", 0ul), last) << forward.dump();
  EXPECT_EQ(forward.value("unconfirmed", 1ul), 0u) << forward.dump();
  EXPECT_GE(forward.value("connects", 0ul), kStormOpens / 8192) << forward.dump();
  std::printf("syslog over TLS: %lu sessions, each closed to confirm\n", forward.value("connects", 0ul));
  for (const auto& destination : daemon_status(socket).value("forward", nlohmann::json::array())) {
    EXPECT_EQ(destination.value("resent", 1ul), 0u) << destination.dump();
  }
  EXPECT_EQ(daemon.stop(), 0);
  for (const Collector* collector : {&relp, &syslog}) {
    Arrivals a = arrivals(*collector);
    expect_all_arrived(trail, a, last, target_, kStormOpens);
    EXPECT_TRUE(a.in_order) << collector->url();
    for (const auto& [seq, times] : a.times_by_seq) EXPECT_EQ(times, 1) << collector->url() << " seq " << seq;
  }
}

void ForwardTest::collector_killed_and_back(Collector::Protocol protocol, size_t most_twice) {
  Collector collector(dir_.path() / "collector", certs_, Collector::Presents::right, protocol);
  collector.start();
  fs::path trail = dir_.path() / "trail", socket = dir_.path() / "sock";
  DaemonProcess daemon(trail, socket, daemon_args(collector));
  ASSERT_TRUE(daemon.ready());
  BackgroundProcess load(storm());
  wait_for_lines(collector, 5000);
  collector.kill_hard();
  EXPECT_EQ(load.finish().exit_code, 0);
  std::this_thread::sleep_for(10s);
  EXPECT_TRUE(forward_status(socket).value("state", "").starts_with("down")) << forward_status(socket).dump();
  collector.start();
  uint64_t last = wait_until_forwarded(socket, 120s);
  auto forward = forward_status(socket);
  EXPECT_EQ(daemon.stop(), 0);
  Arrivals a = arrivals(collector);
  expect_all_arrived(trail, a, last, target_, kStormOpens);
  size_t twice = arrived_twice(a);
  // What arrived twice is what the cut left unconfirmed.
  EXPECT_LE(twice, most_twice);
  std::printf("collector killed: %zu records arrived twice (same seq and host id); status resent %lu\n",
              twice, forward.value("resent", 0ul));
}

TEST_F(ForwardTest, ACollectorKilledMidStreamAndBackTenSecondsLaterMissesNothing) {
  collector_killed_and_back(Collector::Protocol::relp_tls, 128);  // RELP's window
}

TEST_F(ForwardTest, ASyslogTlsCollectorKilledMidStreamMissesNothingEither) {
  // At most what was sent since the last confirming close: 8192, and the
  // batch of 4096 that crossed it.
  collector_killed_and_back(Collector::Protocol::syslog_tls, 8192 + 4096);
}

// Something else on the collector's port (here a web server's answer): the
// session fails, is tried again after 1, 2, 4... s, not in a busy loop, and
// once a real collector takes the port everything arrives.
TEST_F(ForwardTest, ACollectorAnsweringGarbageIsRetriedWithBackoffAndNothingIsDropped) {
  auto garbage = std::make_unique<BadCollector>("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  uint16_t port = garbage->port();
  fs::path trail = dir_.path() / "trail", socket = dir_.path() / "sock";
  DaemonProcess daemon(trail, socket, daemon_args("relp+tls://localhost:" + std::to_string(port)));
  ASSERT_TRUE(daemon.ready());
  constexpr int kOpens = 10'000;
  ASSERT_EQ(run_process(storm(kOpens)).exit_code, 0);
  std::this_thread::sleep_for(8s);
  auto forward = forward_status(socket);
  EXPECT_TRUE(forward.value("state", "").starts_with("down")) << forward.dump();
  EXPECT_NE(forward.value("last_error", "").find("TLS"), std::string::npos) << forward.dump();
  int tries = garbage->connections();
  EXPECT_GE(tries, 2);
  EXPECT_LE(tries, 5) << "tried again without backing off";  // at 0, 1, 3 and 7 s
  std::printf("garbage on the collector's port: %d tries in 8 s; %s\n", tries,
              forward.value("last_error", "").c_str());
  garbage->stop();
  Collector collector(dir_.path() / "collector", certs_, Collector::Presents::right, Collector::Protocol::relp_tls,
                      port);
  collector.start();
  uint64_t last = wait_until_forwarded(socket, 120s);
  EXPECT_EQ(daemon.stop(), 0);
  expect_all_arrived(trail, arrivals(collector), last, target_, kOpens);
}

// A collector that accepts the connection and then says nothing: the TLS
// handshake gives up after the timeout (10 s), says so, and a stop does not
// wait for it longer than that.
TEST_F(ForwardTest, ASilentSyslogTlsCollectorTimesOutAndDoesNotHoldTheDaemon) {
  BadCollector silent("");
  fs::path trail = dir_.path() / "trail", socket = dir_.path() / "sock";
  DaemonProcess daemon(trail, socket, daemon_args("syslog+tls://localhost:" + std::to_string(silent.port())));
  ASSERT_TRUE(daemon.ready());
  ASSERT_EQ(run_process(storm(100)).exit_code, 0);
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (forward_status(socket).value("last_error", "").find("timed out") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_NE(forward_status(socket).value("last_error", "").find("timed out"), std::string::npos)
      << forward_status(socket).dump();
  auto stopping = std::chrono::steady_clock::now();
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 12s);
}

TEST_F(ForwardTest, ADaemonKilledMidForwardResumesFromItsCursor) {
  Collector collector(dir_.path() / "collector", certs_);
  collector.start();
  fs::path trail = dir_.path() / "trail", socket = dir_.path() / "sock";
  {
    DaemonProcess daemon(trail, socket, daemon_args(collector));
    ASSERT_TRUE(daemon.ready());
    BackgroundProcess load(storm());
    wait_for_lines(collector, 5000);
    daemon.kill_hard();
    EXPECT_EQ(load.finish().exit_code, 0);
  }
  size_t before = collector.lines();
  EXPECT_LT(before, static_cast<size_t>(kStormOpens)) << "the kill came too late to test anything";
  DaemonProcess daemon(trail, socket, daemon_args(collector));
  ASSERT_TRUE(daemon.ready());
  uint64_t last = wait_until_forwarded(socket, 120s);
  EXPECT_EQ(daemon.stop(), 0);
  Arrivals a = arrivals(collector);
  expect_all_arrived(trail, a, last, target_, 1);
  // Resumed from the cursor, not from the start: the first run's records
  // came again only from where the cursor had last been saved.
  EXPECT_LT(arrived_twice(a), before);
}

// Both transports at once (RELP's TLS is librelp's, syslog's is ours): each
// destination refused, saying why, and nothing received.
void expect_refused(const fs::path& dir, const TestCertificates& certs, Collector::Presents presents,
                    const std::string& why) {
  Collector relp(dir / "relp", certs, presents, Collector::Protocol::relp_tls);
  Collector syslog(dir / "syslog", certs, presents, Collector::Protocol::syslog_tls);
  relp.start();
  syslog.start();
  fs::path trail = dir / "trail", socket = dir / "sock";
  DaemonProcess daemon(trail, socket,
                       {"--all", "--syscalls", "openat", "--consumers", "1", "--forward", relp.url(), "--forward",
                        syslog.url(), "--forward-ca", certs.ca.native()});
  ASSERT_TRUE(daemon.ready());
  std::this_thread::sleep_for(3s);
  auto destinations = daemon_status(socket).value("forward", nlohmann::json::array());
  ASSERT_EQ(destinations.size(), 2u);
  for (const auto& forward : destinations) {
    EXPECT_TRUE(forward.value("state", "").starts_with("down")) << forward.dump();
    EXPECT_NE(forward.value("last_error", "").find(why), std::string::npos) << forward.dump();
  }
  EXPECT_EQ(daemon.stop(), 0);
  std::ifstream log(daemon.stderr_path());
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  for (const Collector* collector : {&relp, &syslog}) {
    EXPECT_NE(text.find("forward " + collector->url() + ": "), std::string::npos) << text;
    EXPECT_EQ(collector->lines(), 0u) << collector->url();
  }
  EXPECT_NE(text.find(why), std::string::npos) << text;
}

TEST_F(ForwardTest, ACollectorWithAnotherCasCertificateIsRefusedAndSentNothing) {
  expect_refused(dir_.path(), certs_, Collector::Presents::other_ca, "not valid for the CA");
}

TEST_F(ForwardTest, ACollectorWhoseCertificateNamesAnotherHostIsRefusedAndSentNothing) {
  expect_refused(dir_.path(), certs_, Collector::Presents::wrong_name, "does not name the expected peer");
}

TEST_F(ForwardTest, AMalformedDestinationIsRefusedAtStartWithThePlaceOfTheError) {
  fs::path trail = dir_.path() / "trail";
  auto start = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {c2auditd_path(), "--trail", trail.native(), "--control-socket",
                                     (dir_.path() / "sock").native(), "--key-file",
                                     trail.native() + ".key", "--seal-log",
                                     trail.native() + ".seals"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
  };
  struct Case {
    std::vector<std::string> args;
    std::string says;
  } cases[] = {
      {{"--forward", "relp+tls://localhost:99999", "--forward-ca", certs_.ca.native()}, "port '99999'"},
      {{"--forward", "relp+tls://localhost"}, "needs --forward-ca"},
      {{"--forward", "relp+tls://localhost", "--forward-ca", "/nonexistent/ca.pem"}, "--forward-ca /nonexistent/ca.pem"},
      {{"--forward", "relp://192.0.2.7:2514"}, "in clear"},
      {{"--forward", "udp://localhost"}, "not relp+tls://"},
      {{"--forward", "syslog+tls://localhost"}, "needs --forward-ca"},
      {{"--forward", "relp://127.0.0.1:7000", "--forward", "syslog://127.0.0.1:7000"}, "the same collector"},
      {{"--forward", "relp+tls://localhost", "--forward-ca", certs_.ca.native(), "--forward-cert",
        certs_.server_cert.native()}, "go together"},
      {{"--forward", "relp+tls://localhost", "--forward-ca", certs_.ca.native(), "--forward-format", "xml"},
       "not one of json, snare, cef"},
  };
  for (const auto& c : cases) {
    auto ran = start(c.args);
    EXPECT_EQ(ran.exit_code, 1) << c.says;
    EXPECT_NE(ran.err.find(c.says), std::string::npos) << ran.err;
    EXPECT_FALSE(fs::exists(trail)) << "refused before anything was written";
  }
  // A misspelt key in the configuration file is bad usage, named with the file.
  fs::path config = dir_.path() / "c2auditd.toml";
  std::ofstream(config) << "forwrd = \"relp+tls://localhost\"\n";
  auto ran = start({"--config", config.native()});
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_NE(ran.err.find(config.native() + ": INI was not able to parse forwrd"), std::string::npos) << ran.err;
  EXPECT_FALSE(fs::exists(trail));
}

}  // namespace
}  // namespace c2audit::test
