#include "collector.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "harness.h"

namespace c2audit::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

void openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto ran = run_process(argv);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
}

// A P-256 key and a certificate signed by `ca` (self-signed when ca is empty).
void make_certificate(const fs::path& dir, const std::string& name, const std::string& subject,
                      const std::string& alt_names, const std::string& ca) {
  auto key = (dir / (name + "-key.pem")).native(), cert = (dir / (name + ".pem")).native();
  if (ca.empty()) {
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
             key, "-out", cert, "-days", "2", "-subj", "/CN=" + subject});
    return;
  }
  auto csr = (dir / (name + ".csr")).native(), ext = (dir / (name + ".ext")).native();
  std::ofstream(ext) << "subjectAltName=" << alt_names << "\n";
  openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out",
           csr, "-subj", "/CN=" + subject});
  openssl({"x509", "-req", "-in", csr, "-CA", (dir / (ca + ".pem")).native(), "-CAkey",
           (dir / (ca + "-key.pem")).native(), "-CAcreateserial", "-out", cert, "-days", "2", "-extfile",
           ext});
}

}  // namespace

uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

namespace {

bool accepts_connections(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return up;
}

}  // namespace

TestCertificates make_test_certificates(const fs::path& dir) {
  make_certificate(dir, "ca", "c2audit test CA", "", "");
  make_certificate(dir, "server", "localhost", "DNS:localhost,IP:127.0.0.1", "ca");
  make_certificate(dir, "other-ca", "another CA", "", "");
  make_certificate(dir, "other", "localhost", "DNS:localhost,IP:127.0.0.1", "other-ca");
  make_certificate(dir, "wrong-name", "collector.example", "DNS:collector.example", "ca");
  return {dir / "ca.pem",       dir / "server.pem",     dir / "server-key.pem",
          dir / "other-ca.pem", dir / "other.pem",      dir / "other-key.pem",
          dir / "wrong-name.pem", dir / "wrong-name-key.pem"};
}

Collector::Collector(const fs::path& dir, const TestCertificates& certs, Presents presents, Protocol protocol,
                     uint16_t port)
    : dir_(dir),
      conf_(dir / "rsyslog.conf"),
      output_(dir / "received.log"),
      pid_file_(dir / "rsyslogd.pid"),
      protocol_(protocol),
      port_(port != 0 ? port : free_port()) {
  fs::create_directories(dir / "work");
  fs::path cert = certs.server_cert, key = certs.server_key;
  if (presents == Presents::other_ca) cert = certs.other_cert, key = certs.other_key;
  if (presents == Presents::wrong_name) cert = certs.wrong_name_cert, key = certs.wrong_name_key;
  // The ruleset runs in the input's own thread (a direct queue), so a
  // message is in the file before imrelp acknowledges it, or before imtcp
  // reads on: a collector killed with SIGKILL loses nothing it took, as one
  // with a disk queue would.
  std::ofstream conf(conf_);
  conf << "global(workDirectory=\"" << (dir / "work").native() << "\" maxMessageSize=\"64k\"";
  if (protocol == Protocol::syslog_tls) {
    conf << " defaultNetstreamDriverCAFile=\"" << certs.ca.native() << "\" defaultNetstreamDriverCertFile=\""
         << cert.native() << "\" defaultNetstreamDriverKeyFile=\"" << key.native() << "\"";
  }
  conf << ")\n"
       << "template(name=\"whole\" type=\"string\" string=\"%rawmsg%\\n\")\n"
       << "ruleset(name=\"collect\" queue.type=\"Direct\") {\n"
       << "  action(type=\"omfile\" file=\"" << output_.native()
       << "\" template=\"whole\" flushOnTXEnd=\"on\" asyncWriting=\"off\")\n}\n";
  if (protocol == Protocol::relp_tls) {
    conf << "module(load=\"imrelp\" tls.tlslib=\"openssl\")\n"
         << "input(type=\"imrelp\" address=\"127.0.0.1\" port=\"" << port_ << "\" tls=\"on\" tls.cacert=\""
         << certs.ca.native() << "\" tls.mycert=\"" << cert.native() << "\" tls.myprivkey=\"" << key.native()
         << "\" maxDataSize=\"64k\" ruleset=\"collect\")\n";
  } else {
    conf << "module(load=\"imtcp\" streamDriver.name=\"ossl\" streamDriver.mode=\"1\" "
         << "streamDriver.authMode=\"anon\")\n"
         << "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" << port_ << "\" ruleset=\"collect\")\n";
  }
}

Collector::~Collector() {
  if (pid_ > 0) kill_hard();
}

std::string Collector::url() const {
  return (protocol_ == Protocol::relp_tls ? "relp+tls://localhost:" : "syslog+tls://localhost:") +
         std::to_string(port_);
}

void Collector::start() {
  fs::remove(pid_file_);  // a killed rsyslogd leaves it, and would not start again
  pid_ = ::fork();
  if (pid_ == 0) {
    int log = ::open((dir_ / "rsyslogd.stderr").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::execl("/usr/sbin/rsyslogd", "rsyslogd", "-n", "-f", conf_.c_str(), "-i", pid_file_.c_str(), nullptr);
    ::_exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!accepts_connections(port_)) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "rsyslogd did not listen on " << port_;
    std::this_thread::sleep_for(50ms);
  }
}

void Collector::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void Collector::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

size_t Collector::lines() const {
  std::ifstream in(output_);
  size_t count = 0;
  for (std::string line; std::getline(in, line);) ++count;
  return count;
}

std::vector<nlohmann::json> Collector::records() const {
  std::vector<nlohmann::json> out;
  std::ifstream in(output_);
  for (std::string line; std::getline(in, line);) {
    if (in.eof()) break;  // no newline yet: the collector is still writing it
    size_t body = line.find(" - {");  // after RFC 5424's header and its "-" for no structured data
    EXPECT_NE(body, std::string::npos) << line;
    if (body == std::string::npos) continue;
    out.push_back(nlohmann::json::parse(line.substr(body + 3)));
  }
  return out;
}

BadCollector::BadCollector(std::string reply) : reply_(std::move(reply)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int on = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  EXPECT_EQ(::listen(listener_, 16), 0);
  thread_ = std::thread([this] { serve(); });
}

BadCollector::~BadCollector() { stop(); }

void BadCollector::serve() {
  while (!stop_.load()) {
    pollfd ready{.fd = listener_, .events = POLLIN, .revents = 0};
    if (::poll(&ready, 1, 50) != 1) continue;
    int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    if (reply_.empty()) {
      held_.push_back(fd);
      continue;
    }
    (void)!::write(fd, reply_.data(), reply_.size());
    ::close(fd);
  }
}

void BadCollector::stop() {
  if (!thread_.joinable()) return;
  stop_.store(true);
  thread_.join();
  for (int fd : held_) ::close(fd);
  held_.clear();
  ::close(listener_);
}

}  // namespace c2audit::test
