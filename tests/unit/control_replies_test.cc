// The control socket's replies: their JSON keys are a public interface
// (`c2audit status --json`), so the list is pinned here; a reply reads back
// into the type it was written from, an older reply missing a key still
// reads, and a key of the wrong type does not.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "control/control_protocol.h"
#include "control/control_replies.h"

namespace c2audit {
namespace {

std::set<std::string> keys(const nlohmann::json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.items()) out.insert(key);
  return out;
}

TEST(ControlReplies, StatusKeysAreTheDocumentedOnes) {
  StatusReply status;
  status.forward.emplace_back();
  nlohmann::json json = status;
  EXPECT_EQ(keys(json), (std::set<std::string>{
                            "pid", "uptime_s", "mode", "policy_generation", "trail", "active_segment",
                            "last_seq", "events_received", "events_recorded", "events_not_selected",
                            "events_filtered_in_kernel", "lost", "not_kept", "recording_suspended",
                            "decode_errors", "events_per_s", "consumers", "ring_bytes", "ring_fill_bytes",
                            "ring_fill_percent", "overflow", "throttle_episodes", "throttle_held_ms",
                            "throttle_bound_reached", "user_messages", "forward"}));
  EXPECT_EQ(keys(json["user_messages"]),
            (std::set<std::string>{"source", "state", "received", "recorded", "not_selected", "decode_errors",
                                   "lost", "first_decode_error"}));
  EXPECT_EQ(keys(json["forward"][0]),
            (std::set<std::string>{"destination", "state", "last_error", "acked_seq", "sent_seq", "unconfirmed",
                                   "lag_records", "lag_seconds", "sent", "resent", "connects"}));
}

TEST(ControlReplies, ReadBackAsWrittenAndAMissingKeyIsItsDefault) {
  StatusReply status;
  status.pid = 42;
  status.events_recorded = 7;
  status.forward.push_back({.destination = "relp+tls://logs:2514",
                            .state = "up",
                            .last_error = "",
                            .acked_seq = 3,
                            .sent_seq = 5,
                            .unconfirmed = 2,
                            .lag_records = 0,
                            .lag_seconds = 0,
                            .sent = 5,
                            .resent = 0,
                            .connects = 1});
  auto back = nlohmann::json(status).get<StatusReply>();
  EXPECT_EQ(back.pid, 42);
  EXPECT_EQ(back.events_recorded, 7u);
  ASSERT_EQ(back.forward.size(), 1u);
  EXPECT_EQ(back.forward[0].destination, "relp+tls://logs:2514");
  EXPECT_EQ(back.forward[0].unconfirmed, 2u);

  auto older = nlohmann::json::parse(R"({"pid": 9, "last_seq": 100})").get<StatusReply>();
  EXPECT_EQ(older.pid, 9);
  EXPECT_EQ(older.last_seq, 100u);
  EXPECT_TRUE(older.forward.empty());
  EXPECT_EQ(older.user_messages.source, "down");

  EXPECT_THROW(nlohmann::json::parse(R"({"pid": "nine"})").get<StatusReply>(), nlohmann::json::exception);
}

TEST(ControlReplies, EachRequestWordParsesToItsRequest) {
  for (auto request : {ControlRequest::status, ControlRequest::objectives, ControlRequest::reload}) {
    EXPECT_EQ(parse_control_request(std::string(request_word(request)) + "\r\n"), request);
  }
  EXPECT_FALSE(parse_control_request("stat"));
  EXPECT_FALSE(parse_control_request(""));
}

}  // namespace
}  // namespace c2audit
