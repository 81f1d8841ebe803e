// A real collector for the forwarding tests: rsyslog's imrelp over TLS on a
// free loopback port, writing each message it takes, whole, as one line of a
// file. Its certificates come from a CA made for the test by the openssl
// command; a second CA makes the wrong ones. Started and stopped by the test.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
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

class Collector {
 public:
  enum class Presents { right, other_ca, wrong_name };
  Collector(const std::filesystem::path& dir, const TestCertificates& certs,
            Presents presents = Presents::right);
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  void start();      // waits until it takes connections
  void kill_hard();  // SIGKILL
  void stop();       // SIGTERM and wait
  uint16_t port() const { return port_; }
  std::string url() const;  // relp+tls://localhost:<port>

  // The JSON body of each message received so far, in the order written.
  std::vector<nlohmann::json> records() const;
  size_t lines() const;

 private:
  std::filesystem::path dir_, conf_, output_, pid_file_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace c2audit::test
