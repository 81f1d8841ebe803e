// Syslog over a TCP stream in clear (the framing and the closing that TLS
// shares), against a listener on loopback that plays the collector: what
// it reads is exactly the octet-counted messages, and a close is a success
// only when the collector read to the end.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "common/file_descriptor.h"
#include "forward/syslog_stream_session.h"

namespace c2audit {
namespace {

class Listener {
 public:
  Listener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    EXPECT_EQ(::listen(fd_.get(), 1), 0);
  }
  FileDescriptor accept() { return FileDescriptor(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC)); }

  ForwardDestination destination() const {
    ForwardDestination d;
    d.transport = Transport::syslog;
    d.tls = false;
    d.host = "127.0.0.1";
    d.port = port_;
    d.url = "syslog://127.0.0.1:" + std::to_string(port_);
    return d;
  }

 private:
  FileDescriptor fd_;
  uint16_t port_ = 0;
};

TEST(SyslogStreamSession, SendsEachMessageAfterItsLengthAndClosesOnTheCollectorsEnd) {
  Listener listener;
  std::string received;
  std::thread collector([&] {
    FileDescriptor peer = listener.accept();
    char buf[4096];
    for (ssize_t n; (n = ::read(peer.get(), buf, sizeof buf)) > 0;) received.append(buf, static_cast<size_t>(n));
  });  // ends its side after reading to the end, as rsyslog's imtcp does
  auto session = SyslogStreamSession::connect(listener.destination(), 5);
  ASSERT_TRUE(session) << session.error().message;
  EXPECT_EQ((*session)->window(), 0u);
  ASSERT_TRUE((*session)->send("<109>1 a b\nc"));  // a line break is inside the message, not a frame's end
  ASSERT_TRUE((*session)->send("xyz"));
  auto closed = (*session)->close();
  collector.join();
  EXPECT_TRUE(closed) << closed.error().message;
  EXPECT_EQ(received, "12 <109>1 a b\nc3 xyz");
}

TEST(SyslogStreamSession, ACollectorThatLeavesBytesUnreadFailsTheClose) {
  Listener listener;
  std::thread collector([&] {
    FileDescriptor peer = listener.accept();
    pollfd ready{.fd = peer.get(), .events = POLLIN, .revents = 0};
    ::poll(&ready, 1, 5000);
  });  // closes with the messages unread: the kernel resets the connection
  auto session = SyslogStreamSession::connect(listener.destination(), 5);
  ASSERT_TRUE(session) << session.error().message;
  ASSERT_TRUE((*session)->send(std::string(1000, 'm')));
  auto closed = (*session)->close();
  collector.join();
  ASSERT_FALSE(closed);
  EXPECT_NE(closed.error().message.find("close: "), std::string::npos) << closed.error().message;
}

// A collector that ended the session on its own (a restart, an idle
// timeout) must not pass for one answering our end: what we sent after it
// was never read.
TEST(SyslogStreamSession, ACollectorThatEndedFirstProvesNothing) {
  Listener listener;
  std::thread collector([&] { FileDescriptor peer = listener.accept(); });  // closes at once
  auto session = SyslogStreamSession::connect(listener.destination(), 5);
  ASSERT_TRUE(session) << session.error().message;
  collector.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // its end has arrived
  ASSERT_TRUE((*session)->send("sent after the collector left"));
  auto closed = (*session)->close();
  ASSERT_FALSE(closed);
  EXPECT_NE(closed.error().message.find("delivery unproven"), std::string::npos) << closed.error().message;
}

TEST(SyslogStreamSession, NothingListeningIsAClearError) {
  ForwardDestination d = Listener().destination();  // closed again: the port is free
  auto session = SyslogStreamSession::connect(d, 2);
  ASSERT_FALSE(session);
  EXPECT_NE(session.error().message.find("connect: 127.0.0.1:"), std::string::npos) << session.error().message;
}

}  // namespace
}  // namespace c2audit
