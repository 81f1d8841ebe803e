// The control socket's replies, each field named once. The daemon fills
// these and sends them as JSON; `c2audit` reads them back into the same
// types. A member's name is its JSON key: `c2audit status --json` and
// `objectives list --json` print the reply as sent, and are a public
// interface (docs/architecture.md, "The consumers"), so a rename here is a
// change of that interface. Reading tolerates a key that is absent (its default), so an
// older daemon's reply still reads; a key of the wrong type does not.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace c2audit {

// One --forward destination (forward/forwarder.h).
struct ForwardDestinationStatus {
  std::string destination;
  std::string state;        // "connecting", "up", "down: why", "stopped"
  std::string last_error;   // the latest failure, kept after recovery
  uint64_t acked_seq = 0;   // the highest seq the collector acknowledged
  uint64_t sent_seq = 0;    // the highest seq sent
  uint64_t unconfirmed = 0; // sent, acknowledgement not yet known
  uint64_t lag_records = 0; // in the trail, not yet sent
  double lag_seconds = 0;   // since the last acknowledged record's time, while behind
  uint64_t sent = 0;        // messages sent, resends included
  uint64_t resent = 0;      // sent again after a cut
  uint64_t connects = 0;    // sessions opened
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ForwardDestinationStatus, destination, state, last_error,
                                                acked_seq, sent_seq, unconfirmed, lag_records, lag_seconds,
                                                sent, resent, connects)

// The second source: kernel audit's user messages (kaudit/).
struct UserMessagesStatus {
  std::string source = "down";  // "up", "down" or "off"
  std::string state;            // the same, with the reason
  uint64_t received = 0;
  uint64_t recorded = 0;
  uint64_t not_selected = 0;
  uint64_t decode_errors = 0;
  uint64_t lost = 0;
  std::string first_decode_error;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(UserMessagesStatus, source, state, received, recorded,
                                                not_selected, decode_errors, lost, first_decode_error)

// "status": how the daemon is doing.
struct StatusReply {
  int pid = 0;
  double uptime_s = 0;
  std::string mode;                 // "all" or the policy's description
  uint32_t policy_generation = 0;
  std::string trail;                // the trail directory
  std::string active_segment;
  uint64_t last_seq = 0;
  uint64_t events_received = 0;     // records that crossed from the kernel
  uint64_t events_recorded = 0;     // written to the trail
  uint64_t events_not_selected = 0; // received, selected by no objective
  uint64_t events_filtered_in_kernel = 0;
  uint64_t lost = 0;                // reported lost by the kernel
  uint64_t not_kept = 0;            // selected while recording was suspended (disk full)
  bool recording_suspended = false;
  uint64_t decode_errors = 0;
  double events_per_s = 0;
  unsigned consumers = 0;
  uint64_t ring_bytes = 0;          // all rings
  uint64_t ring_fill_bytes = 0;
  double ring_fill_percent = 0;
  std::string overflow;             // --overflow: "throttle" or "drop"
  uint64_t throttle_episodes = 0;
  uint64_t throttle_held_ms = 0;
  uint64_t throttle_bound_reached = 0;
  UserMessagesStatus user_messages;
  std::vector<ForwardDestinationStatus> forward;  // one per --forward
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(StatusReply, pid, uptime_s, mode, policy_generation, trail,
                                                active_segment, last_seq, events_received, events_recorded,
                                                events_not_selected, events_filtered_in_kernel, lost, not_kept,
                                                recording_suspended, decode_errors, events_per_s, consumers,
                                                ring_bytes, ring_fill_bytes, ring_fill_percent, overflow,
                                                throttle_episodes, throttle_held_ms, throttle_bound_reached,
                                                user_messages, forward)

// "objectives": the policy in force, each objective where it was written.
struct ObjectiveStatus {
  std::string name;
  std::string criticality;
  std::string action;  // "record" or "ignore"
  uint64_t hits = 0;
  std::string file;
  int line = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ObjectiveStatus, name, criticality, action, hits, file, line)

struct ObjectivesReply {
  std::string policy;  // its description
  uint32_t generation = 0;
  std::vector<std::string> files;
  std::vector<ObjectiveStatus> objectives;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ObjectivesReply, policy, generation, files, objectives)

// "reload": whether the new objectives were taken, and what was said of them.
struct ReloadReply {
  bool accepted = false;
  std::string message;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ReloadReply, accepted, message)

}  // namespace c2audit
