// A real collector for the forwarding tests: rsyslog's imrelp over TLS, or
// its imtcp with TLS (RFC 5425), on a loopback port, writing each message it
// takes, whole, as one line of a file. Its certificates come from a CA made for the test by the openssl
// command; a second CA makes the wrong ones. Started and stopped by the test.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace c2audit::test {

struct TestCertificates {
  std::filesystem::path ca, server_cert, server_key;        // for localhost and 127.0.0.1
  std::filesystem::path other_ca, other_cert, other_key;    // another CA's, same names
  std::filesystem::path wrong_name_cert, wrong_name_key;    // the right CA's, for another host
};

// Made under `dir` with the openssl command.
TestCertificates make_test_certificates(const std::filesystem::path& dir);

// A loopback port nothing listens on now.
uint16_t free_port();

class Collector {
 public:
  enum class Presents { right, other_ca, wrong_name };
  enum class Protocol { relp_tls, syslog_tls };
  // On `port`, or a free one when 0.
  Collector(const std::filesystem::path& dir, const TestCertificates& certs,
            Presents presents = Presents::right, Protocol protocol = Protocol::relp_tls, uint16_t port = 0);
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  void start();      // waits until it takes connections
  void kill_hard();  // SIGKILL
  void stop();       // SIGTERM and wait
  uint16_t port() const { return port_; }
  std::string url() const;  // relp+tls:// or syslog+tls://, localhost:<port>

  // The JSON body of each message received so far, in the order written.
  std::vector<nlohmann::json> records() const;
  size_t lines() const;

 private:
  std::filesystem::path dir_, conf_, output_, pid_file_;
  Protocol protocol_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// No collector at all: something else on the collector's port, which takes
// each connection and answers `reply` then hangs up, or, given no reply,
// holds the connection and says nothing. It counts the connections.
class BadCollector {
 public:
  explicit BadCollector(std::string reply);  // listens on a free loopback port
  ~BadCollector();
  BadCollector(const BadCollector&) = delete;
  BadCollector& operator=(const BadCollector&) = delete;

  void stop();  // no longer listens, and drops what it holds
  uint16_t port() const { return port_; }
  int connections() const { return connections_.load(); }

 private:
  void serve();

  std::string reply_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::vector<int> held_;
  std::atomic<int> connections_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace c2audit::test
