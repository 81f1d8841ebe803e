// The fields of an AuditRecord after its header (kind, seq, time), listed
// once. The binary encoding (record_codec.cc) writes them in this order and
// names them in its errors; JSON (record_json.cc) and text (record_text.cc)
// show them by what each entry says. A new field is a member of AuditRecord
// and one line here, at the end: the order is the encoding's, so a field put
// anywhere else would make older trails decode wrong.
#pragma once

#include <cstdint>
#include <string_view>

#include "record/audit_record.h"

namespace c2audit {

// Sets of record kinds, one bit per RecordKind.
constexpr uint8_t kind_bit(RecordKind kind) { return uint8_t(1u << static_cast<unsigned>(kind)); }
inline constexpr uint8_t kSyscallKind = kind_bit(RecordKind::syscall);
inline constexpr uint8_t kLostKind = kind_bit(RecordKind::lost);
inline constexpr uint8_t kUserKind = kind_bit(RecordKind::user);
inline constexpr uint8_t kMessageKinds =
    kind_bit(RecordKind::config) | kind_bit(RecordKind::daemon);
inline constexpr uint8_t kActionKinds = kSyscallKind | kUserKind;  // someone did something

// How a value reads where it is not a plain string or number.
enum class Look : uint8_t {
  plain,
  time,     // nanoseconds since the epoch, as RFC 3339
  device,   // the kernel's major << 20 | minor, as "major:minor"
  octal,    // permission bits: a number in JSON, 0644 in text
  hex,      // bit flags: a number in JSON, 0x241 in text
  request,  // an ioctl request, by name where the sensor knows it
  signal,   // a signal's number: a number in JSON, SIGKILL in text
  arch,     // the ia32 flag as the ABI's name: "i386" or "x86_64"
};

// How the text line shows a field of the record's kind.
enum class InText : uint8_t {
  when_set,  // " name=value" when it holds a value
  by_hand,   // record_text.cc writes it in its own place and form
  never,     // JSON only: too long or too rare for a line a person reads
};

struct FieldSpec {
  std::string_view name;  // JSON and text key; decoding errors name it too
  uint8_t kinds = 0;      // the record kinds that have it (others never show it)
  uint8_t always_in = 0;  // kinds whose JSON shows it even when it holds its absent value
  Look look = Look::plain;
  InText text = InText::when_set;
  bool by_hand = false;        // JSON writes it itself (the header's event, class, result, errno)
  bool with_previous = false;  // shown whenever the kind's field before it is (port with addr)

  constexpr FieldSpec always(uint8_t in_kinds) const {
    return with(&FieldSpec::always_in, in_kinds);
  }
  constexpr FieldSpec looks(Look how) const { return with(&FieldSpec::look, how); }
  constexpr FieldSpec in_text(InText how) const { return with(&FieldSpec::text, how); }
  constexpr FieldSpec shown_with_previous() const { return with(&FieldSpec::with_previous, true); }
  constexpr FieldSpec written_by_hand() const {
    return with(&FieldSpec::by_hand, true).in_text(InText::by_hand);
  }

 private:
  template <typename T>
  constexpr FieldSpec with(T FieldSpec::*member, T value) const {
    FieldSpec copy = *this;
    copy.*member = value;
    return copy;
  }
};

constexpr FieldSpec field(std::string_view name, uint8_t kinds) {
  FieldSpec spec;
  spec.name = name;
  spec.kinds = kinds;
  return spec;
}

// Calls visit for each field of a record in encoding order with a pointer
// to its member: visit(spec, member) for strings and argv (absent: empty),
// visit(spec, member, absent value) for numbers and flags.
template <typename Visit>
[[gnu::always_inline]] inline void for_each_member(Visit&& visit) {
  constexpr uint8_t kAll = kActionKinds | kLostKind | kMessageKinds;
  constexpr uint8_t kWhoKinds = kActionKinds | kMessageKinds;
  constexpr InText kByHand = InText::by_hand;
  constexpr InText kJsonOnly = InText::never;
  using R = AuditRecord;
  visit(field("event", kAll).written_by_hand(), &R::event);
  visit(field("class", kAll).written_by_hand(), &R::event_class);
  visit(field("syscall", kSyscallKind).always(kSyscallKind).in_text(kJsonOnly), &R::syscall_nr, 0u);
  visit(field("ret", kSyscallKind).written_by_hand(), &R::ret, int64_t{0});
  visit(field("errno", kSyscallKind).written_by_hand(), &R::errno_name);
  visit(field("pid", kWhoKinds).always(kActionKinds).in_text(kByHand), &R::pid, 0u);
  visit(field("tid", kSyscallKind).always(kSyscallKind).in_text(kJsonOnly), &R::tid, 0u);
  visit(field("ppid", kSyscallKind).always(kSyscallKind).in_text(kJsonOnly), &R::ppid, 0u);
  // A config or daemon record names a uid with its sender's pid.
  visit(field("uid", kWhoKinds).always(kActionKinds).shown_with_previous().in_text(kByHand),
        &R::uid, 0u);
  visit(field("euid", kSyscallKind).always(kSyscallKind).in_text(kByHand), &R::euid, 0u);
  visit(field("gid", kSyscallKind).always(kSyscallKind).in_text(kJsonOnly), &R::gid, 0u);
  visit(field("egid", kSyscallKind).always(kSyscallKind).in_text(kJsonOnly), &R::egid, 0u);
  visit(field("auid", kActionKinds).always(kActionKinds).in_text(kByHand), &R::auid, kUnsetId);
  visit(field("ses", kActionKinds).always(kActionKinds).in_text(kByHand), &R::ses, kUnsetId);
  visit(field("user", kWhoKinds).in_text(kByHand), &R::user);
  visit(field("comm", kSyscallKind).in_text(kByHand), &R::comm);
  visit(field("exe", kActionKinds).in_text(kByHand), &R::exe);
  visit(field("tty", kActionKinds).in_text(kByHand), &R::tty);
  visit(field("cgroup_id", kSyscallKind).in_text(kJsonOnly), &R::cgroup_id, uint64_t{0});
  visit(field("path", kSyscallKind), &R::path);
  visit(field("path2", kSyscallKind), &R::path2);
  visit(field("argv", kSyscallKind), &R::argv);  // an exec's shows even when empty
  visit(field("addr", kActionKinds), &R::addr);
  visit(field("port", kSyscallKind).shown_with_previous(), &R::port, uint16_t{0});
  visit(field("flags", kSyscallKind).looks(Look::hex), &R::flags, uint64_t{0});
  visit(field("mode", kSyscallKind).looks(Look::octal), &R::mode, 0u);
  visit(field("xattr", kSyscallKind), &R::xattr);
  visit(field("request", kSyscallKind).looks(Look::request), &R::request, 0u);
  visit(field("inode", kSyscallKind), &R::inode, uint64_t{0});
  visit(field("dev", kSyscallKind).looks(Look::device).shown_with_previous(), &R::dev, 0u);
  visit(field("watched_path", kSyscallKind), &R::watched_path);
  visit(field("objective", kActionKinds), &R::objective);
  visit(field("criticality", kActionKinds), &R::criticality);
  visit(field("count", kLostKind).always(kLostKind), &R::lost_count, uint64_t{0});
  visit(field("cpu", kLostKind).always(kLostKind), &R::cpu, 0u);
  visit(field("window_start", kLostKind).always(kLostKind).looks(Look::time), &R::window_start_ns,
        int64_t{0});
  visit(field("window_end", kLostKind).always(kLostKind).looks(Look::time), &R::window_end_ns,
        int64_t{0});
  visit(field("message", kMessageKinds).always(kMessageKinds), &R::message);
  visit(field("result", kActionKinds).written_by_hand(), &R::success, true);
  visit(field("path_unresolved", kSyscallKind), &R::path_unresolved, false);
  visit(field("path2_unresolved", kSyscallKind), &R::path2_unresolved, false);
  visit(field("argv_truncated", kSyscallKind).in_text(kByHand), &R::argv_truncated, false);
  visit(field("arch", kSyscallKind).always(kSyscallKind).looks(Look::arch), &R::ia32, false);
  visit(field("io_uring", kSyscallKind), &R::io_uring, false);
  // Added after the first version-2 trails: at the end, so theirs keep their bits.
  visit(field("op", kUserKind), &R::op);
  visit(field("account", kUserKind), &R::account);
  visit(field("service", kUserKind), &R::service);
  visit(field("hostname", kUserKind), &R::hostname);
  visit(field("command", kUserKind), &R::command);
  visit(field("target_pid", kSyscallKind), &R::target_pid, kNoTarget);
  visit(field("signal", kSyscallKind).looks(Look::signal), &R::signal, kNoSignal);
  visit(field("module", kSyscallKind), &R::module);
  visit(field("obj_mode", kSyscallKind).looks(Look::octal), &R::obj_mode, 0u);
  visit(field("obj_uid", kSyscallKind), &R::obj_uid, kUnsetId);
  visit(field("obj_gid", kSyscallKind), &R::obj_gid, kUnsetId);
  visit(field("family", kSyscallKind), &R::family);
  visit(field("new_time", kSyscallKind).looks(Look::time), &R::new_time, kNoTime);
  visit(field("clock", kSyscallKind), &R::clock, kNoClock);
  visit(field("adjustment", kSyscallKind), &R::adjustment);
  visit(field("pgid", kSyscallKind).in_text(kJsonOnly), &R::pgid, 0u);
}

// The same with the member of `rec` (const or not): visit(spec, value) or
// visit(spec, value, absent value).
template <typename Record, typename Visit>
[[gnu::always_inline]] inline void for_each_field(Record& rec, Visit&& visit) {
  for_each_member([&](const FieldSpec& spec, auto member, auto... absent)
                      __attribute__((always_inline)) { visit(spec, rec.*member, absent...); });
}

// The same with the member of both records, for a record told against
// another: visit(spec, a's value, b's value[, absent value]).
template <typename RecordA, typename RecordB, typename Visit>
[[gnu::always_inline]] inline void for_each_field_pair(RecordA& a, RecordB& b, Visit&& visit) {
  for_each_member([&](const FieldSpec& spec, auto member, auto... absent) __attribute__((
      always_inline)) { visit(spec, a.*member, b.*member, absent...); });
}

// Which fields a record of one kind shows, asked field by field in list order
// (a field may go with the one before it).
class ShownFields {
 public:
  // Text lines show only what is set; JSON also what always_in names.
  enum Absent : bool { left_out, shown_where_always };
  ShownFields(RecordKind kind, Absent absent) : kind_(kind_bit(kind)), absent_(absent) {}

  // `set`: the field holds something other than its absent value.
  bool shows(const FieldSpec& spec, bool set) {
    if (!(spec.kinds & kind_)) return false;
    bool always = absent_ == shown_where_always && (spec.always_in & kind_);
    bool shown = set || always || (spec.with_previous && previous_shown_);
    previous_shown_ = shown;
    return shown;
  }

 private:
  uint8_t kind_;
  Absent absent_;
  bool previous_shown_ = false;
};

// How many fields for_each_field lists. The encoding's present bits have one
// each, in one 64-bit varint: record_codec_test checks they fit.
inline unsigned record_field_count() {
  static const unsigned count = [] {
    unsigned n = 0;
    auto count_one = [&n](const FieldSpec&, const auto&...) { ++n; };
    AuditRecord rec;
    for_each_field(rec, count_one);
    return n;
  }();
  return count;
}

}  // namespace c2audit
