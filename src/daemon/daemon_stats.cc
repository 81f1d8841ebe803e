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

nlohmann::json user_messages_json(const UserMessageStats& u) {
  std::string source = u.up ? "up" : u.state.starts_with("off") ? "off" : "down";
  return {{"source", source},
          {"state", u.state},
          {"received", u.received},
          {"recorded", u.recorded},
          {"not_selected", u.not_selected},
          {"decode_errors", u.decode_errors},
          {"lost", u.lost},
          {"first_decode_error", u.first_decode_error}};
}

// Lag is what the trail holds that was not sent yet; `unconfirmed` was sent,
// and is confirmed once a window more has been, or the session closes.
nlohmann::json destination_json(const ForwardStatus& f, uint64_t last_seq) {
  uint64_t done = std::max(f.sent_seq, f.acked_seq);
  uint64_t lag = last_seq > done ? last_seq - done : 0;
  double lag_seconds = 0;
  if (lag > 0 && f.acked_time_ns > 0) {
    lag_seconds = std::max(0.0, static_cast<double>(realtime_ns() - f.acked_time_ns) / kNsPerSecond);
  }
  return {{"destination", f.destination},
          {"state", f.state},
          {"last_error", f.last_error},
          {"acked_seq", f.acked_seq},
          {"sent_seq", f.sent_seq},
          {"unconfirmed", f.unconfirmed},
          {"lag_records", lag},
          {"lag_seconds", lag_seconds},
          {"sent", f.sent},
          {"resent", f.resent},
          {"connects", f.connects}};
}

// One entry per destination (an empty list without --forward).
nlohmann::json forward_json(const std::vector<ForwardStatus>& destinations, uint64_t last_seq) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : destinations) list.push_back(destination_json(f, last_seq));
  return list;
}

}  // namespace

nlohmann::json status_json(const DaemonIdentity& id, const DaemonStats& s) {
  return {
      {"pid", id.pid},
      {"uptime_s", static_cast<double>(realtime_ns() - id.started_ns) / kNsPerSecond},
      {"mode", id.mode},
      {"policy_generation", id.policy_generation},
      {"trail", id.trail_dir},
      {"active_segment", id.active_segment},
      {"last_seq", id.last_seq},
      {"events_received", s.received},
      {"events_recorded", s.recorded},
      {"events_not_selected", s.not_selected},
      {"events_filtered_in_kernel", s.filtered},
      {"lost", s.lost},
      {"not_kept", s.not_kept},
      {"recording_suspended", s.suspended},
      {"decode_errors", s.decode_errors},
      {"events_per_s", s.events_per_s},
      {"consumers", s.consumers},
      {"ring_bytes", s.ring_bytes},
      {"ring_fill_bytes", s.ring_fill},
      {"ring_fill_percent", fill_percent(s)},
      {"overflow", s.overflow},
      {"throttle_episodes", s.throttle.episodes},
      {"throttle_held_ms", s.throttle.held_ns / 1'000'000},
      {"throttle_bound_reached", s.throttle.bound_reached},
      {"user_messages", user_messages_json(s.user_messages)},
      {"forward", forward_json(s.forward, id.last_seq)},
  };
}

std::string throttle_summary(const DaemonStats& s) {
  if (s.throttle.episodes == 0) return {};
  return fmt::format("; producers held back {} times, {} ms in all ({} at the --overflow-wait bound)",
                     s.throttle.episodes, s.throttle.held_ns / 1'000'000, s.throttle.bound_reached);
}

nlohmann::json policy_json(const ObjectiveSet& set, uint32_t generation) {
  nlohmann::json objectives = nlohmann::json::array();
  std::vector<uint64_t> hits = set.hits();
  for (size_t i = 0; i < set.objectives().size(); ++i) {
    const Objective& o = set.objectives()[i];
    objectives.push_back({{"name", o.name},
                          {"criticality", o.criticality},
                          {"action", o.action == ObjectiveAction::record ? "record" : "ignore"},
                          {"hits", hits[i]},
                          {"file", o.where.file},
                          {"line", o.where.line}});
  }
  return {{"policy", set.description()},
          {"generation", generation},
          {"files", set.files()},
          {"objectives", objectives}};
}

std::string status_line(const DaemonStats& s, uint64_t last_seq) {
  return fmt::format("{:.0f} events/s | {} recorded | {} lost | ring {:.1f}% full | seq {}{}",
                     s.events_per_s, s.recorded, s.lost, fill_percent(s), last_seq,
                     s.suspended ? fmt::format(" | DISK FULL: {} not kept", s.not_kept) : "");
}

}  // namespace c2audit
