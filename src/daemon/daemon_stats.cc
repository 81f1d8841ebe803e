#include "daemon/daemon_stats.h"

#include <fmt/format.h>

#include "common/clock.h"
#include "policy/objective_set.h"

namespace c2audit {
namespace {

constexpr double kNsPerSecond = 1e9;

double fill_percent(const DaemonStats& s) {
  return s.ring_bytes ? 100.0 * static_cast<double>(s.ring_fill) / s.ring_bytes : 0.0;
}

UserMessagesStatus user_messages_status(const UserMessageStats& u) {
  return {.source = u.up ? "up" : u.state.starts_with("off") ? "off" : "down",
          .state = u.state,
          .received = u.received,
          .recorded = u.recorded,
          .not_selected = u.not_selected,
          .decode_errors = u.decode_errors,
          .lost = u.lost,
          .first_decode_error = u.first_decode_error};
}

// Lag is what the trail holds that was not sent yet; `unconfirmed` was sent,
// and is confirmed once a window more has been, or the session closes.
ForwardDestinationStatus destination_status(const ForwardStatus& f, uint64_t last_seq) {
  uint64_t done = std::max(f.sent_seq, f.acked_seq);
  uint64_t lag = last_seq > done ? last_seq - done : 0;
  double lag_seconds = 0;
  if (lag > 0 && f.acked_time_ns > 0) {
    lag_seconds = std::max(0.0, static_cast<double>(realtime_ns() - f.acked_time_ns) / kNsPerSecond);
  }
  return {.destination = f.destination,
          .state = f.state,
          .last_error = f.last_error,
          .acked_seq = f.acked_seq,
          .sent_seq = f.sent_seq,
          .unconfirmed = f.unconfirmed,
          .lag_records = lag,
          .lag_seconds = lag_seconds,
          .sent = f.sent,
          .resent = f.resent,
          .connects = f.connects};
}

}  // namespace

StatusReply status_reply(const DaemonIdentity& id, const DaemonStats& s) {
  StatusReply r;
  r.pid = id.pid;
  r.uptime_s = static_cast<double>(realtime_ns() - id.started_ns) / kNsPerSecond;
  r.mode = id.mode;
  r.policy_generation = id.policy_generation;
  r.trail = id.trail_dir;
  r.active_segment = id.active_segment;
  r.last_seq = id.last_seq;
  r.events_received = s.received;
  r.events_recorded = s.recorded;
  r.events_not_selected = s.not_selected;
  r.events_filtered_in_kernel = s.filtered;
  r.lost = s.lost;
  r.not_kept = s.not_kept;
  r.recording_suspended = s.suspended;
  r.decode_errors = s.decode_errors;
  r.events_per_s = s.events_per_s;
  r.consumers = s.consumers;
  r.ring_bytes = s.ring_bytes;
  r.ring_fill_bytes = s.ring_fill;
  r.ring_fill_percent = fill_percent(s);
  r.overflow = s.overflow;
  r.throttle_episodes = s.throttle.episodes;
  r.throttle_held_ms = s.throttle.held_ns / 1'000'000;
  r.throttle_bound_reached = s.throttle.bound_reached;
  r.user_messages = user_messages_status(s.user_messages);
  for (const auto& f : s.forward) r.forward.push_back(destination_status(f, id.last_seq));
  return r;
}

std::string throttle_summary(const DaemonStats& s) {
  if (s.throttle.episodes == 0) return {};
  return fmt::format("; producers held back {} times, {} ms in all ({} at the --overflow-wait bound)",
                     s.throttle.episodes, s.throttle.held_ns / 1'000'000, s.throttle.bound_reached);
}

ObjectivesReply objectives_reply(const ObjectiveSet& set, uint32_t generation) {
  ObjectivesReply r{.policy = set.description(), .generation = generation, .files = set.files(), .objectives = {}};
  std::vector<uint64_t> hits = set.hits();
  for (size_t i = 0; i < set.objectives().size(); ++i) {
    const Objective& o = set.objectives()[i];
    r.objectives.push_back({.name = o.name,
                            .criticality = o.criticality,
                            .action = o.action == ObjectiveAction::record ? "record" : "ignore",
                            .hits = hits[i],
                            .file = o.where.file,
                            .line = o.where.line});
  }
  return r;
}

std::string status_line(const DaemonStats& s, uint64_t last_seq) {
  return fmt::format("{:.0f} events/s | {} recorded | {} lost | ring {:.1f}% full | seq {}{}",
                     s.events_per_s, s.recorded, s.lost, fill_percent(s), last_seq,
                     s.suspended ? fmt::format(" | DISK FULL: {} not kept", s.not_kept) : "");
}

}  // namespace c2audit
