#include "trail/trail_verifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "record/record_codec.h"
#include "trail/hash_chain.h"
#include "trail/quarantine.h"
#include "trail/removal_note.h"
#include "trail/run_marker.h"
#include "trail/seal.h"
#include "trail/seal_log.h"
#include "trail/segment_format.h"
#include "trail/segment_tail.h"
#include "trail/trail_streams.h"

namespace c2audit {
namespace {

// What one stream says about the trail's other streams.
struct StreamSummary {
  unsigned streams_named = 0;   // the most streams any of its segment headers names
  uint64_t head_first_seq = 0;  // first seq of its oldest segment present; 0 when none
  struct RunSeen {
    unsigned streams = 0;
    uint64_t seq = 0;  // of the record that marks the run
  };
  std::map<uint64_t, RunSeen> runs;  // run id -> its marker in this stream
};

// How a verified segment ended, for checking its successor's header.
struct Ending {
  std::string file;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  uint64_t records = 0;
  bool sealed = false;
  bool final_seal = false;  // sealed by a clean stop, not a rotation
  Digest digest{};          // seal MAC, or tag of the last durable frame
  bool torn = false;
  bool interleaved = false;  // one stream of several: its seqs only increase
  size_t durable_end = 0;
  size_t size = 0;
  int64_t first_ns = 0, last_ns = 0;  // times of its first and last record
};

class Verifier {
 public:
  Verifier(const HostKey& key, ChainMac mac, unsigned stream, VerifyReport& report)
      : key_(key), mac_(std::move(mac)), stream_(stream), report_(report) {}

  // Verifies one segment; false when it found tampering (report filled).
  Result<bool> segment(const SegmentFile& file);
  bool check_head();
  const std::optional<Ending>& previous() const { return previous_; }
  const StreamSummary& summary() const { return summary_; }

 private:
  bool tamper(const std::string& file, uint64_t offset, uint64_t seq, std::string what);
  bool check_link(const SegmentHeader& h, const std::string& file);
  bool frames(std::span<const uint8_t> bytes, const SegmentHeader& h, const std::string& file,
              Ending& ending);
  bool record(std::span<const uint8_t> payload, size_t offset, const std::string& file,
              Ending& ending, Digest& chain);
  bool batch_tag(std::span<const uint8_t> bytes, const FrameScan& frame, size_t offset,
                 const std::string& file, Ending& ending, Digest& chain);
  bool seal(std::span<const uint8_t> payload, size_t offset, const std::string& file,
            Ending& ending, const Digest& chain);
  // What a daemon record tells the checks of the trail's head and streams.
  struct DaemonNote {
    uint64_t seq = 0;
    std::optional<RemovalNote> removal;
    std::optional<RunMarker> run;
  };
  static std::optional<DaemonNote> daemon_note(const AuditRecord& rec);
  void apply(const DaemonNote& note);

  const HostKey& key_;
  ChainMac mac_;
  unsigned stream_;
  StreamSummary summary_;
  VerifyReport& report_;
  std::optional<Ending> previous_;
  std::optional<SegmentHeader> first_header_;
  std::string first_file_;
  std::map<uint64_t, Digest> removals_;  // last seq of a removed segment -> its seal
  std::vector<uint8_t> bytes_;
  // Version 3: the segment as of the last tag frame, and the daemon records
  // after it, which count once their tag is authentic.
  uint32_t version_ = kSegmentVersion;
  RecordDecoder decoder_;  // the records since the last tag frame
  Ending tagged_;
  std::vector<DaemonNote> untagged_notes_;
};

bool Verifier::tamper(const std::string& file, uint64_t offset, uint64_t seq, std::string what) {
  report_.status = VerifyStatus::tampered;
  report_.finding = VerifyFinding{file, offset, seq, std::move(what)};
  return false;
}

// The header must name exactly how the previous segment on disk ended.
bool Verifier::check_link(const SegmentHeader& h, const std::string& file) {
  if (!previous_) return true;  // the head is checked once the whole trail is read
  const Ending& p = *previous_;
  // An authentic seal proves its segment complete; without one, the
  // successor's header says how far the segment reached.
  if (!p.sealed && h.prev_end == PreviousEnd::sealed) {
    return tamper(
        p.file, p.durable_end, p.last_seq + 1,
        fmt::format("truncated: no seal after seq {}, but {} names its seal", p.last_seq, file));
  }
  if (!p.sealed && h.prev_end == PreviousEnd::crashed && h.prev_last_seq > p.last_seq) {
    return tamper(p.file, p.durable_end, p.last_seq + 1,
                  fmt::format("truncated: ends at seq {}, but {} says it reached seq {}",
                              p.last_seq, file, h.prev_last_seq));
  }
  // A segment with no record gave its name's seq up (trail_writer.cc).
  uint64_t expected = p.last_seq + 1 + (p.records == 0 ? 1 : 0);
  if (h.streams || p.interleaved) {
    // Seqs shared with other streams: this one's only increase, so a gap
    // shows in what the header says its predecessor reached.
    if (h.prev_last_seq > p.last_seq) {
      return tamper(file, 0, p.last_seq + 1,
                    fmt::format("missing segment: {} follows a segment that reached seq {}, but "
                                "{} ends at seq {}: segments between them are not in the trail",
                                file, h.prev_last_seq, p.file, p.last_seq));
    }
    if (h.first_seq < expected || h.prev_last_seq != p.last_seq) {
      return tamper(file, 0, h.first_seq,
                    fmt::format("reordered: starts at seq {} after a predecessor ending at seq {}, "
                                "but follows {} (seq {}-{})",
                                h.first_seq, h.prev_last_seq, p.file, p.first_seq, p.last_seq));
    }
  } else if (h.first_seq > expected) {
    return tamper(file, 0, p.last_seq + 1,
                  fmt::format("missing segment: seq {}-{} between {} and {} are not in the trail",
                              p.last_seq + 1, h.first_seq - 1, p.file, file));
  }
  if (!(h.streams || p.interleaved) && (h.first_seq != expected || h.prev_last_seq != p.last_seq)) {
    return tamper(file, 0, h.first_seq,
                  fmt::format("reordered: starts at seq {} after a predecessor ending at seq {}, "
                              "but follows {} (seq {}-{})",
                              h.first_seq, h.prev_last_seq, p.file, p.first_seq, p.last_seq));
  }
  bool kind_ok = h.prev_end == (p.sealed ? PreviousEnd::sealed : PreviousEnd::crashed);
  if (!kind_ok || h.prev_digest != p.digest) {
    return tamper(file, 0, h.first_seq,
                  fmt::format("header does not name {}'s {} (segment replaced or header modified)",
                              p.file, p.sealed ? "seal" : "last record"));
  }
  if (!p.sealed) {
    report_.notes.push_back(fmt::format(
        "{}: not sealed (the daemon crashed) after seq {}{}; {} continues the trail", p.file,
        p.last_seq, p.torn ? fmt::format(", torn write at offset {}", p.durable_end) : "", file));
  }
  return true;
}

std::optional<Verifier::DaemonNote> Verifier::daemon_note(const AuditRecord& rec) {
  if (rec.kind != RecordKind::daemon) return std::nullopt;
  DaemonNote note{rec.seq, parse_removal(rec.message), parse_run_marker(rec.message)};
  if (!note.removal && !note.run) return std::nullopt;
  return note;
}

void Verifier::apply(const DaemonNote& note) {
  if (note.removal) removals_[note.removal->last_seq] = note.removal->seal;
  if (note.run && note.run->stream == stream_) {
    summary_.runs.emplace(note.run->run, StreamSummary::RunSeen{note.run->streams, note.seq});
  }
}

bool Verifier::record(std::span<const uint8_t> payload, size_t offset, const std::string& file,
                      Ending& ending, Digest& chain) {
  uint64_t expected = ending.last_seq + 1;  // the first record bears the header's first seq
  auto frame = split_record_frame(payload, version_);
  if (!frame) return tamper(file, offset, expected, "unknown frame type (forged or modified)");
  AuditRecord rec;
  if (auto ok = decoder_.decode(frame->encoding, rec); !ok) {
    return tamper(file, offset, expected,
                  "record modified: " + ok.error().message + " (crc was recomputed)");
  }
  bool in_order =
      ending.interleaved && ending.records ? rec.seq >= expected : rec.seq == expected;
  if (!in_order) {
    return tamper(file, offset, rec.seq,
                  fmt::format("seq {} where seq {} was expected (records removed, inserted or "
                              "reordered)",
                              rec.seq, expected));
  }
  if (ending.records++ == 0) ending.first_ns = rec.time_ns;
  ending.last_seq = rec.seq;
  ending.last_ns = rec.time_ns;
  auto note = daemon_note(rec);
  if (!frame->tag) {  // version 3: authenticated by the batch's tag frame
    if (offset + sizeof(FrameHeader) + payload.size() - tagged_.durable_end > kMaxBatchSpan) {
      return tamper(file, tagged_.durable_end, tagged_.last_seq + 1,
                    "records with no tag for longer than any batch c2auditd writes (forged)");
    }
    if (note) untagged_notes_.push_back(*note);
    return true;
  }
  Digest tag = mac_.next(chain, ChainDomain::record, frame->encoding);
  if (tag != *frame->tag) {
    return tamper(file, offset, rec.seq,
                  ending.records == 1
                      ? "authentication tag mismatch: record or segment header modified or forged"
                      : "authentication tag mismatch: record modified or forged");
  }
  chain = tag;
  if (note) apply(*note);
  return true;
}

// Version 3: the tag frame after a batch authenticates the bytes of every
// frame since the previous tag (or the header).
bool Verifier::batch_tag(std::span<const uint8_t> bytes, const FrameScan& frame, size_t offset,
                         const std::string& file, Ending& ending, Digest& chain) {
  auto stored = split_tag_frame(frame.payload);
  if (!stored) return tamper(file, offset, ending.last_seq + 1, "malformed tag frame (modified)");
  uint64_t first = tagged_.last_seq + 1, last = ending.last_seq;
  if (ending.records == tagged_.records) {
    return tamper(file, offset, first, "tag frame with no records before it (inserted)");
  }
  size_t start = tagged_.durable_end;
  Digest tag = mac_.next(chain, ChainDomain::batch, bytes.subspan(start, offset - start));
  if (tag != *stored) {
    std::string range = fmt::format("seq {}-{} at offset {}-{}", first, last, start, offset);
    return tamper(
        file, start, first,
        fmt::format("authentication tag mismatch: a record of {} modified, forged, "
                    "inserted or removed{}",
                    range, tagged_.records == 0 ? ", or the segment header modified" : ""));
  }
  chain = tag;
  decoder_.start_batch();
  for (const auto& note : untagged_notes_) apply(note);
  untagged_notes_.clear();
  tagged_ = ending;
  tagged_.durable_end = frame.next_offset;
  tagged_.digest = tag;
  return true;
}

bool Verifier::seal(std::span<const uint8_t> payload, size_t offset, const std::string& file,
                    Ending& ending, const Digest& chain) {
  auto s = decode_seal(payload);
  if (!s) return tamper(file, offset, 0, "bad seal: malformed");
  if (!seal_is_authentic(mac_, *s)) {
    return tamper(file, offset, 0, "bad seal: MAC does not match (seal modified or forged)");
  }
  if (s->chain_head != chain || s->last_seq != ending.last_seq ||
      s->record_count != ending.records || s->first_seq != ending.first_seq ||
      (ending.records &&
       (s->first_time_ns != ending.first_ns || s->last_time_ns != ending.last_ns))) {
    return tamper(file, offset, 0,
                  fmt::format("bad seal: seals seq {}-{} ({} records) but the segment holds seq "
                              "{}-{} ({} records)",
                              s->first_seq, s->last_seq, s->record_count, ending.first_seq,
                              ending.last_seq, ending.records));
  }
  ending.sealed = true;
  ending.final_seal = s->final_seal;
  ending.digest = s->mac;
  return true;
}

bool Verifier::frames(std::span<const uint8_t> bytes, const SegmentHeader& h,
                      const std::string& file, Ending& ending) {
  Digest chain = mac_.next(Digest{}, ChainDomain::header, bytes.first(h.header_size));
  version_ = h.version;
  decoder_.start_batch();
  untagged_notes_.clear();
  ending.size = bytes.size();
  ending.durable_end = h.header_size;
  ending.digest = chain;
  tagged_ = ending;
  for (size_t offset = h.header_size;;) {
    bool batch_open = version_ > 2 && ending.records != tagged_.records;
    if (!ending.sealed && !batch_open) {
      ending.durable_end = offset;
      ending.digest = chain;
      if (version_ > 2) tagged_ = ending;
    }
    FrameScan frame = scan_frame(bytes, offset);
    if (frame.status == FrameStatus::end && !batch_open) return true;
    if (ending.sealed) {
      return tamper(file, offset, ending.last_seq + 1, "data after the seal (appended)");
    }
    auto payload = bytes.subspan(std::min(bytes.size(), offset + sizeof(FrameHeader)));
    if (frame.status == FrameStatus::torn || frame.status == FrameStatus::end) {
      // A whole seal frame with a bad crc is no torn write.
      if (payload.size() == kSealPayloadBytes && looks_like_seal(payload)) {
        return tamper(file, offset, 0, "bad seal: modified (crc mismatch)");
      }
      // Records with no tag after them are part of the torn write.
      if (batch_open) ending = tagged_;
      ending.torn = true;
      return true;
    }
    if (frame.status == FrameStatus::corrupt) {
      bool is_seal = looks_like_seal(payload);
      return tamper(file, offset, is_seal ? 0 : ending.last_seq + 1,
                    fmt::format("{} modified: {}", is_seal ? "seal" : "record", frame.problem));
    }
    bool ok;
    if (looks_like_seal(frame.payload)) {
      ok = batch_open ? tamper(file, tagged_.durable_end, tagged_.last_seq + 1,
                               "records with no tag before the seal (inserted or forged)")
                      : seal(frame.payload, offset, file, ending, chain);
    } else if (is_tag_frame(frame.payload, version_)) {
      ok = batch_tag(bytes, frame, offset, file, ending, chain);
    } else {
      ok = record(frame.payload, offset, file, ending, chain);
    }
    if (!ok) return false;
    offset = frame.next_offset;
  }
}

Result<bool> Verifier::segment(const SegmentFile& file) {
  std::string name = stream_file_label(stream_, file.path);
  if (auto ok = read_segment_bytes(file, bytes_); !ok) {
    if (!file.compressed) return tl::unexpected(ok.error());
    return tamper(name, 0, 0, "compressed segment cannot be decompressed: " + ok.error().message);
  }
  auto header = decode_segment_header(bytes_, bytes_.size(), file.first_seq);
  if (!header) {
    if (header.error().message.starts_with("unsupported segment version")) {
      return tl::unexpected(with_context(file.path.native(), header.error()));
    }
    return tamper(
        name, 0, file.first_seq,
        "bad segment header: " + header.error().message + " (renamed, reordered or modified)");
  }
  if (header->key_id != key_.id) {
    return tamper(name, 0, header->first_seq,
                  fmt::format("segment uses host key {}, not the verifying key {} (forged, or "
                              "wrong --key-file)",
                              key_id_hex(header->key_id), key_id_hex(key_.id)));
  }
  if (header->streams && header->stream != stream_) {
    return tamper(
        name, 0, header->first_seq,
        fmt::format("segment of stream {} found in stream {} (moved)", header->stream, stream_));
  }
  if (!header->streams && stream_ != 0) {
    return tamper(name, 0, header->first_seq,
                  fmt::format("segment of a one-stream trail found in stream {} (moved)", stream_));
  }
  summary_.streams_named = std::max<unsigned>(summary_.streams_named, header->streams);
  if (!check_link(*header, name)) return false;
  if (!first_header_) {
    first_header_ = *header;
    first_file_ = name;
    summary_.head_first_seq = header->first_seq;
  }
  Ending ending{name, header->first_seq, header->first_seq - 1};
  ending.interleaved = header->streams != 0;
  if (!frames(bytes_, *header, name, ending)) return false;
  ++report_.segments;
  report_.compressed_segments += file.compressed;
  report_.records += ending.records;
  if (ending.records && !report_.first_seq) report_.first_seq = header->first_seq;
  if (ending.records) report_.last_seq = ending.last_seq;
  previous_ = ending;
  return true;
}

// The oldest segment present must be the trail's first, or follow a segment
// whose removal an authenticated record announced.
bool Verifier::check_head() {
  if (!first_header_) return true;
  const SegmentHeader& h = *first_header_;
  if (h.prev_end == PreviousEnd::none) {
    if (h.first_seq == 1 || h.streams) return true;  // a stream begins at any seq
    return tamper(first_file_, 0, h.first_seq,
                  fmt::format("header names no predecessor but starts at seq {}", h.first_seq));
  }
  auto removal = removals_.find(h.prev_last_seq);
  if (removal != removals_.end() && removal->second == h.prev_digest) {
    report_.notes.push_back(fmt::format(
        "seq 1-{} were removed by retention (recorded in the trail); the trail starts at {}",
        h.prev_last_seq, first_file_));
    return true;
  }
  return tamper(first_file_, 0, h.prev_last_seq,
                fmt::format("missing segment: seq up to {} precede {} but are not in the trail, "
                            "and no record says they were removed",
                            h.prev_last_seq, first_file_));
}

// Verifies one stream into `report`; `summary` gets what it says of the others.
Result<void> verify_stream(const TrailStream& stream, const HostKey& key,
                           const VerifyOptions& options, VerifyReport& report,
                           StreamSummary& summary) {
  auto segments = list_segments(stream.dir);
  if (!segments) return tl::unexpected(segments.error());
  auto mac = ChainMac::create(key);
  if (!mac) return tl::unexpected(mac.error());
  Verifier verifier(key, std::move(*mac), stream.index, report);
  for (const auto& segment : *segments) {
    auto ok = verifier.segment(segment);
    if (!ok) return tl::unexpected(ok.error());
    if (!*ok) return {};
  }
  summary = verifier.summary();
  if (!verifier.check_head()) return {};
  const auto& last = verifier.previous();
  if (last && last->sealed && !last->final_seal && !options.writer_active) {
    report.status = VerifyStatus::crashed_tail;
    report.finding = VerifyFinding{
        last->file, last->size, last->last_seq,
        fmt::format("sealed for rotation after seq {}, but no next segment follows (the daemon "
                    "crashed between segments; restart it to continue the trail)",
                    last->last_seq)};
  } else if (last && !last->sealed && !options.writer_active) {
    report.status = VerifyStatus::crashed_tail;
    report.finding = VerifyFinding{
        last->file, last->durable_end, last->last_seq,
        fmt::format("unsealed tail: intact up to seq {}, then {} (the daemon crashed or was "
                    "killed; restart it to continue the trail)",
                    last->last_seq,
                    last->torn
                        ? fmt::format("{} bytes of a torn write", last->size - last->durable_end)
                        : "no seal")};
  } else if (last && !last->final_seal) {
    report.notes.push_back(
        fmt::format("{}: open, being written by the running daemon", last->file));
  }
  return {};
}

// Adds one stream's report to the trail's: the first tampering found wins,
// then the first crashed tail.
void merge_stream_report(VerifyReport& trail, VerifyReport&& stream) {
  trail.segments += stream.segments;
  trail.compressed_segments += stream.compressed_segments;
  trail.records += stream.records;
  if (stream.first_seq && (!trail.first_seq || stream.first_seq < trail.first_seq)) {
    trail.first_seq = stream.first_seq;
  }
  trail.last_seq = std::max(trail.last_seq, stream.last_seq);
  for (auto& note : stream.notes) trail.notes.push_back(std::move(note));
  if (stream.status > trail.status) {
    trail.status = stream.status;
    trail.finding = std::move(stream.finding);
  }
}


// Every run that wrote several streams is in each of them (run_marker.h),
// unless the stream's segments that old were removed by retention (checked
// with its head). Else that stream's part of the run was removed: its
// chain does not show it, as the stream goes on after the cut.
std::optional<VerifyFinding> check_runs(const std::vector<StreamSummary>& streams) {
  for (size_t from = 0; from < streams.size(); ++from) {
    for (const auto& [run, seen] : streams[from].runs) {
      for (unsigned other = 0; other < seen.streams; ++other) {
        if (other == from) continue;
        if (other < streams.size()) {
          const StreamSummary& in = streams[other];
          if (in.runs.contains(run)) continue;
          if (in.head_first_seq > seen.seq) continue;  // retention removed that far back
        }
        return VerifyFinding{
            fmt::format("{}{}", kStreamDirPrefix, other), 0, 0,
            fmt::format("missing run: {} says run {} wrote {} streams, but stream {} holds none "
                        "of its records (its segments of that run were removed)",
                        from == 0 ? "stream 0" : fmt::format("{}{}", kStreamDirPrefix, from), run,
                        seen.streams, other)};
      }
    }
  }
  return std::nullopt;
}

// Files c2auditd set aside because it could not continue the trail from
// them (quarantine.h): whatever they held is not in the chain any more.
Result<void> check_quarantine(const std::filesystem::path& trail,
                              const std::vector<TrailStream>& streams, VerifyReport& report) {
  for (const auto& stream : streams) {
    auto quarantined = list_quarantined(stream.dir);
    if (!quarantined) return tl::unexpected(quarantined.error());
    for (const auto& file : *quarantined) {
      std::string name = file.lexically_relative(trail).native();
      report.notes.push_back(fmt::format("{}: set aside by c2auditd (see its daemon record)", name));
      if (report.status == VerifyStatus::tampered) continue;
      report.status = VerifyStatus::tampered;
      report.finding = VerifyFinding{
          name, 0, 0,
          "quarantined: c2auditd could not continue the trail from this file (damaged, forged, "
          "or not a segment) and set it aside; what it held is not in the chain"};
    }
  }
  return {};
}

// The trail's last logged seals must be in it (seal_log.h): a cut seal would
// else read as a crash, removed newest segments as a shorter, whole trail.
void check_seal_log(const std::filesystem::path& trail, const HostKey& key,
                    const std::filesystem::path& log, VerifyReport& report) {
  auto last = read_seal_log(log, key, trail);
  std::vector<std::string> missing;
  if (!last) {
    missing.push_back(last.error().message);
  } else if (!*last) {
    report.notes.push_back(fmt::format("{}: no seal log; the newest seals were not checked", log.native()));
    return;
  } else {
    missing = missing_logged_seals(trail, **last);
  }
  if (missing.empty() || report.status == VerifyStatus::tampered) return;
  report.status = VerifyStatus::tampered;
  report.finding = VerifyFinding{log.filename().native(), 0, 0,
                                 fmt::format("seal log: {}", missing.front())};
}

}  // namespace

Result<VerifyReport> verify_trail(const std::filesystem::path& dir, const HostKey& key,
                                  const VerifyOptions& options) {
  auto streams = list_streams(dir);
  if (!streams) return tl::unexpected(streams.error());
  VerifyReport report;
  unsigned streams_named = 0;
  std::vector<bool> present(kMaxStreams, false);
  std::vector<StreamSummary> summaries(streams->back().index + 1);
  for (const auto& stream : *streams) {
    VerifyReport one;
    StreamSummary& summary = summaries[stream.index];
    if (auto ok = verify_stream(stream, key, options, one, summary); !ok) {
      return tl::unexpected(ok.error());
    }
    present[stream.index] = one.segments > 0;
    streams_named = std::max(streams_named, summary.streams_named);
    merge_stream_report(report, std::move(one));
    if (report.status == VerifyStatus::tampered) return report;
  }
  // Each stream begins with a record of its own (the daemon's start), so a
  // stream its siblings name cannot be empty: whole streams removed.
  for (unsigned index = 0; index < streams_named; ++index) {
    if (present[index]) continue;
    report.status = VerifyStatus::tampered;
    report.finding = VerifyFinding{fmt::format("{}{}", kStreamDirPrefix, index), 0, 0,
                                   fmt::format("missing stream: the trail's segments name {} "
                                               "streams, but stream {} has no segment",
                                               streams_named, index)};
    return report;
  }
  if (auto missing = check_runs(summaries)) {
    report.status = VerifyStatus::tampered;
    report.finding = std::move(missing);
    return report;
  }
  if (auto ok = check_quarantine(dir, *streams, report); !ok) return tl::unexpected(ok.error());
  if (!options.seal_log.empty()) check_seal_log(dir, key, options.seal_log, report);
  return report;
}

}  // namespace c2audit
