// Segment creation is crash-safe: a new segment is written (header only) to a
// hidden temporary file, synced, and then hard-linked under its final name.
// link(2) never replaces an existing file, so a segment name that is already
// taken is an error rather than an overwrite, and a segment file on disk
// always starts with a complete header.
#include "trail/trail_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>

#include "common/byte_span.h"
#include "common/clock.h"
#include "common/file_descriptor.h"
#include "record/record_codec.h"
#include "trail/append_only.h"
#include "trail/compression_worker.h"
#include "trail/hash_chain.h"
#include "trail/quarantine.h"
#include "trail/seal.h"
#include "trail/seal_log.h"
#include "trail/segment_format.h"
#include "trail/segment_tail.h"

namespace c2audit {
namespace {

constexpr mode_t kDirMode = 0750;
constexpr mode_t kActiveMode = 0600;
constexpr mode_t kClosedMode = 0640;
constexpr uint64_t kWritebackStepBytes = 8ull << 20;
constexpr const char* kTempPrefix = ".";
constexpr const char* kTempSuffix = ".tmp";

std::string errno_message(const std::filesystem::path& path, const char* what) {
  return fmt::format("{}: {}: {}", path.native(), what, std::strerror(errno));
}

// Writes all of `data`, retrying partial writes and EINTR; `done` counts the
// bytes written so far, also when an error stops it.
Result<void> write_all(int fd, std::string_view data, size_t& done,
                       const std::filesystem::path& path) {
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno_message(path, "write"));
    done += static_cast<size_t>(n);
  }
  return {};
}

// Creates `dir` (0750) if it does not exist; an existing directory is
// brought to 0750 too.
// A stream's directory, inside the trail, must not be a link: root writes there.
Result<void> ensure_directory(const std::filesystem::path& dir, bool follow_link) {
  if (::mkdir(dir.c_str(), kDirMode) != 0 && errno != EEXIST) {
    return fail(errno_message(dir, "cannot create trail directory"));
  }
  struct stat st {};
  if ((follow_link ? ::stat(dir.c_str(), &st) : ::lstat(dir.c_str(), &st)) != 0) {
    return fail(errno_message(dir, "stat"));
  }
  if (!S_ISDIR(st.st_mode)) return fail(fmt::format("{}: not a directory", dir.native()));
  if ((st.st_mode & 07777) != kDirMode && ::chmod(dir.c_str(), kDirMode) != 0) {
    return fail(errno_message(dir, "chmod"));
  }
  return {};
}

}  // namespace

struct TrailWriter::State {
  TrailOptions options;
  TrailResume resume;
  HostKey key;
  std::optional<ChainMac> mac;
  uint64_t last_seq = 0;
  FileDescriptor dir_fd;  // for fsync after a segment is linked in
  // How the predecessor of the next segment ended (its header names it).
  PreviousEnd prev_end = PreviousEnd::none;
  uint64_t prev_last_seq = 0;
  Digest prev_digest{};
  // The active segment, while segment_fd is valid.
  FileDescriptor segment_fd;
  std::filesystem::path active;
  int64_t active_created_ns = 0;
  uint64_t active_size = 0;
  uint64_t writeback_started = 0;  // bytes of the active segment handed to writeback
  Seal pending_seal;   // first_seq, count, time range and chain head so far
  std::string buffer;  // frames not yet written
  RecordEncoder encoder;  // its batch: the record frames after `untagged`
  size_t written = 0;  // bytes of buffer already in the file
  size_t untagged = 0;  // where the record frames no tag frame covers yet start in buffer
  size_t untagged_records = 0;  // how many there are
  bool closed = false;
  bool last_seal_final = true;  // nothing sealed for rotation yet by this writer
  std::vector<std::string> notes;
  std::unique_ptr<CompressionWorker> compressor;  // with compress_closed
  std::optional<SealLog> seal_log;                 // with options.seal_log
  std::string trail_root;                          // canonical: how the seal log names the trail

  ~State();
  Result<void> flush();
  void tag_batch();
  Result<void> start_segment(uint64_t first_seq);
  Result<FileDescriptor> create_temp_segment(const std::filesystem::path& temp,
                                             const std::string& header);
  Result<void> seal_active(bool final_seal);
  void log_seal(const Seal& seal);
  Result<void> close_active();
  void start_writeback();
  void queue_closed_segments();
  Result<std::vector<SegmentFile>> settle_segments();
  Result<void> set_aside(const std::filesystem::path& file, const std::string& why);
  Result<std::optional<std::string>> resume_after(const std::vector<SegmentFile>& segments);
  std::optional<std::string> breaks_continuity(const SegmentEnd& newest,
                                               const SegmentFile& predecessor);
  bool needs_rotation() const;
};

TrailWriter::State::~State() {
  if (!closed && segment_fd.valid()) (void)seal_active(true);
}

// Opens a temporary file holding only the header, synced to disk.
Result<FileDescriptor> TrailWriter::State::create_temp_segment(const std::filesystem::path& temp,
                                                               const std::string& header) {
  ::unlink(temp.c_str());  // left over from a crash during rotation
  FileDescriptor fd(
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, kActiveMode));
  if (!fd.valid()) return fail(errno_message(temp, "create"));
  size_t done = 0;
  Result<void> ok = ::fchmod(fd.get(), kActiveMode) == 0 ? write_all(fd.get(), header, done, temp)
                                                         : fail(errno_message(temp, "fchmod"));
  if (ok && ::fdatasync(fd.get()) != 0) ok = fail(errno_message(temp, "fdatasync"));
  if (!ok) {
    ::unlink(temp.c_str());
    return tl::unexpected(ok.error());
  }
  return fd;
}

// Makes a new segment whose first record will be `first_seq` the active one;
// its header names how the previous segment ended.
Result<void> TrailWriter::State::start_segment(uint64_t first_seq) {
  SegmentHeader h{};
  h.first_seq = first_seq;
  h.stream = options.stream;
  h.streams = options.streams;
  h.created_ns = realtime_ns();
  h.prev_end = prev_end;
  h.prev_last_seq = prev_last_seq;
  h.prev_digest = prev_digest;
  h.key_id = key.id;
  std::string header = encode_segment_header(h);
  std::string name = segment_file_name(first_seq);
  std::filesystem::path path = options.dir / name;
  std::filesystem::path temp = options.dir / (kTempPrefix + name + kTempSuffix);
  auto fd = create_temp_segment(temp, header);
  if (!fd) return tl::unexpected(fd.error());
  int linked = ::link(temp.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked != 0) {
    errno = link_errno;
    return fail(errno_message(path, "cannot create segment"));
  }
  if (::fsync(dir_fd.get()) != 0) return fail(errno_message(options.dir, "fsync"));
  set_append_only(fd->get(), true);
  segment_fd = std::move(*fd);
  active = path;
  active_created_ns = h.created_ns;
  active_size = header.size();
  writeback_started = 0;
  pending_seal = Seal{};
  pending_seal.key_id = key.id;
  pending_seal.first_seq = first_seq;
  pending_seal.last_seq = first_seq - 1;
  pending_seal.chain_head = mac->next(Digest{}, ChainDomain::header, bytes_of(header));
  if (compressor) queue_closed_segments();
  return {};
}

// Every raw segment but the active one goes to the compressor: after a
// rotation, and after a restart (the crashed segment, or a crash during
// compression). Listed here, where the active segment is known for sure.
void TrailWriter::State::queue_closed_segments() {
  auto segments = list_segments(options.dir);
  if (!segments) {
    notes.push_back(segments.error().message);
    return;
  }
  std::vector<std::filesystem::path> closed;
  for (const auto& segment : *segments) {
    if (!segment.compressed && segment.path != active) closed.push_back(segment.path);
  }
  compressor->request(std::move(closed));
}

// Writes the seal after every buffered frame, syncs, and closes the segment.
Result<void> TrailWriter::State::seal_active(bool final_seal) {
  if (auto ok = flush(); !ok) return ok;
  Seal& seal = pending_seal;
  seal.sealed_ns = realtime_ns();
  seal.final_seal = final_seal;
  last_seal_final = final_seal;
  authenticate_seal(*mac, seal);
  std::string payload = encode_seal(seal);
  std::string frame;
  encode_frame_header(bytes_of(payload), frame);
  frame += payload;
  size_t done = 0;
  if (auto ok = write_all(segment_fd.get(), frame, done, active); !ok) return ok;
  if (::fdatasync(segment_fd.get()) != 0) return fail(errno_message(active, "fdatasync"));
  log_seal(seal);
  set_append_only(segment_fd.get(), false);
  ::fchmod(segment_fd.get(), kClosedMode);
  segment_fd.reset();
  prev_end = PreviousEnd::sealed;
  prev_last_seq = seal.last_seq;
  prev_digest = seal.mac;
  return {};
}

// The stream's segments, once every file the writer cannot continue from
// is in quarantine (quarantine.h), and resumed after the newest. Each pass
// sets at least one file aside or ends.
Result<std::vector<SegmentFile>> TrailWriter::State::settle_segments() {
  for (;;) {
    std::vector<std::filesystem::path> not_files;
    auto segments = list_segments(options.dir, &not_files);
    if (!segments) return segments;
    for (const auto& path : not_files) {
      if (auto ok = set_aside(path, "not a regular file"); !ok) return tl::unexpected(ok.error());
    }
    std::vector<SegmentFile> readable;
    for (const auto& segment : *segments) {
      if (auto header = read_segment_header(segment); header) {
        readable.push_back(segment);
      } else if (auto ok = set_aside(segment.path, header.error().message); !ok) {
        return tl::unexpected(ok.error());
      }
    }
    if (readable.empty()) return readable;
    auto damage = resume_after(readable);
    if (!damage) return tl::unexpected(damage.error());
    if (!*damage) return readable;
    if (auto ok = set_aside(readable.back().path, **damage); !ok) return tl::unexpected(ok.error());
  }
}

// Moves a file the trail cannot continue from into quarantine, and says so
// in a daemon record (a note).
Result<void> TrailWriter::State::set_aside(const std::filesystem::path& file,
                                           const std::string& why) {
  auto moved = quarantine_file(options.dir, file);
  if (!moved) {
    return fail(fmt::format("{} ({}), and it could not be set aside: {}", file.native(), why,
                            moved.error().message));
  }
  std::string what = why.starts_with(file.native()) ? why : file.native() + ": " + why;
  notes.push_back(fmt::format("quarantined {}; moved to {}; the trail continues without it", what,
                              moved->native()));
  return {};
}

// A newest segment with no record and no seal has nothing that authenticates
// its header: it must follow its predecessor exactly, or a forged one could
// name any seq (one near 2^64 would end the trail). In a trail of several
// streams a segment's first seq comes from a shared counter, so only what the
// header says of its predecessor can be checked.
std::optional<std::string> TrailWriter::State::breaks_continuity(const SegmentEnd& newest,
                                                                 const SegmentFile& predecessor) {
  std::vector<uint8_t> bytes;
  if (!read_segment_bytes(predecessor, bytes)) return std::nullopt;  // its own problem
  auto before = find_segment_end(bytes, predecessor.first_seq);
  if (!before) return std::nullopt;
  const SegmentHeader& h = newest.header;
  uint64_t expected = before->last_seq + 1 + (before->record_count == 0 ? 1 : 0);
  if (h.prev_last_seq == before->last_seq && (options.streams || h.first_seq == expected)) {
    return std::nullopt;
  }
  return fmt::format("an empty segment whose header does not follow {} (seq {}, then {})",
                     predecessor.path.filename().native(), before->last_seq, h.first_seq);
}

// Remembers the seal outside the trail once it is on disk. A failure is a
// note: the seal itself is safe, and recording goes on.
void TrailWriter::State::log_seal(const Seal& seal) {
  if (!seal_log) return;
  auto ok = seal_log->append({trail_root, options.stream, active.filename().native(),
                              seal.last_seq, seal.mac});
  if (!ok) notes.push_back(ok.error().message);
}

// Reads how the newest segment ended, to link the next segment to it. A
// damaged or unauthentic one comes back as the reason to set it aside;
// what no quarantine mends (I/O, another host key) fails.
Result<std::optional<std::string>> TrailWriter::State::resume_after(
    const std::vector<SegmentFile>& segments) {
  const SegmentFile& newest = segments.back();
  std::vector<uint8_t> bytes;
  if (auto ok = read_segment_bytes(newest, bytes); !ok) return ok.error().message;
  auto header = decode_segment_header(bytes, bytes.size(), newest.first_seq);
  if (header && header->key_id != key.id) {
    return fail(fmt::format("{}: segment uses host key {}, but {} holds key {}",
                            newest.path.native(), key_id_hex(header->key_id),
                            options.key_file.native(), key_id_hex(key.id)));
  }
  auto end = find_segment_end(bytes, newest.first_seq, &*mac);
  if (!end) return end.error().message;
  if (!end->has_tag && !end->seal && segments.size() > 1) {
    if (auto broken = breaks_continuity(*end, segments[segments.size() - 2])) return broken;
  }
  last_seq = end->last_seq;
  resume.last_seq = last_seq;
  resume.last_time_ns = end->last_time_ns;
  prev_last_seq = end->last_seq;
  if (end->seal) {
    prev_end = PreviousEnd::sealed;
    prev_digest = end->seal->mac;
    resume.crashed = !end->seal->final_seal;  // died right after a rotation
    if (resume.crashed) resume.crashed_segment = newest.path.filename().native();
    return std::nullopt;
  }
  prev_end = PreviousEnd::crashed;
  prev_digest = end->has_tag
                    ? end->last_tag
                    : mac->next(Digest{}, ChainDomain::header,
                                std::span<const uint8_t>(bytes.data(), end->header.header_size));
  resume.crashed = true;
  resume.crashed_segment = newest.path.filename().native();
  if (end->torn) {
    resume.torn_tail = true;
    resume.torn_segment = resume.crashed_segment;
    resume.torn_offset = end->durable_end;
    resume.torn_bytes = end->size - end->durable_end;
  }
  // A record lost in the crash may have held the next seq; never reuse it
  // where a segment already carries that number in its name.
  return std::nullopt;
}

// Asked for every record: the clock is read only when an age limit is set
// (a vDSO call per record was 2% of a consumer's time).
bool TrailWriter::State::needs_rotation() const {
  if (!segment_fd.valid()) return false;
  if (active_size + buffer.size() - written >= options.segment_bytes) return true;
  return options.max_segment_age_ns > 0 &&
         realtime_ns() - active_created_ns >= options.max_segment_age_ns;
}

// Closes the batch of record frames appended since the last tag with a tag
// frame: one HMAC over all of their bytes, chained from the last tag.
void TrailWriter::State::tag_batch() {
  encoder.start_batch();
  untagged_records = 0;
  if (untagged == buffer.size()) return;
  auto batch = bytes_of(std::string_view(buffer).substr(untagged));
  Digest tag = mac->next(pending_seal.chain_head, ChainDomain::batch, batch);
  std::string frame(1, static_cast<char>(FrameType::batch_tag));
  frame.append(reinterpret_cast<const char*>(tag.data()), tag.size());
  encode_frame_header(bytes_of(frame), buffer);
  buffer += frame;
  untagged = buffer.size();
  pending_seal.chain_head = tag;
}

Result<void> TrailWriter::State::flush() {
  tag_batch();
  if (written == buffer.size()) return {};
  size_t done = 0;
  std::string_view chunk(buffer.data() + written, buffer.size() - written);
  auto ok = write_all(segment_fd.get(), chunk, done, active);
  written += done;
  active_size += done;
  if (!ok) return ok;
  start_writeback();
  buffer.clear();
  written = 0;
  untagged = 0;
  return {};
}

// Hands each written 8 MiB of the active segment to the disk at once
// (asynchronously), so that the fdatasync of its seal waits for the last few
// MiB only, not for the whole segment: the consumer stalled 75-90 ms at each
// seal of a 64 MiB segment, and a small ring filled meanwhile.
void TrailWriter::State::start_writeback() {
  if (active_size - writeback_started < kWritebackStepBytes) return;
  ::sync_file_range(segment_fd.get(), static_cast<off_t>(writeback_started),
                    static_cast<off_t>(active_size - writeback_started), SYNC_FILE_RANGE_WRITE);
  writeback_started = active_size;
}

Result<TrailWriter> TrailWriter::open(const TrailOptions& options) {
  if (options.segment_bytes == 0) return fail("trail: segment_bytes must be positive");
  if (auto ok = ensure_directory(options.dir, options.stream == 0); !ok) return tl::unexpected(ok.error());
  auto state = std::make_unique<State>();
  state->options = options;
  auto key = load_or_create_host_key(options.key_file, options.dir);
  if (!key) return tl::unexpected(key.error());
  state->key = *key;
  auto mac = ChainMac::create(state->key);
  if (!mac) return tl::unexpected(mac.error());
  state->mac.emplace(std::move(*mac));
  state->dir_fd.reset(::open(options.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!state->dir_fd.valid()) return fail(errno_message(options.dir, "open"));
  if (!options.seal_log.empty()) {
    auto log = SealLog::open(options.seal_log, state->key);
    if (!log) return tl::unexpected(log.error());
    state->seal_log.emplace(std::move(*log));
    std::error_code ec;
    state->trail_root = std::filesystem::weakly_canonical(
        options.stream == 0 ? options.dir : options.dir.parent_path(), ec).native();
  }
  auto segments = state->settle_segments();
  if (!segments) return tl::unexpected(segments.error());
  // A segment that holds no record (crashed, or an empty final one) bears
  // the name the next segment would get: continue after it.
  if (!segments->empty() && segments->back().first_seq == state->last_seq + 1) ++state->last_seq;
  if (options.shared_seq) {  // continue after the newest seq of any stream
    uint64_t shared = options.shared_seq->load();
    while (shared < state->last_seq &&
           !options.shared_seq->compare_exchange_weak(shared, state->last_seq)) {
    }
  }
  state->active = options.dir / segment_file_name(state->last_seq + 1);
  if (options.compress_closed) state->compressor = std::make_unique<CompressionWorker>();
  return TrailWriter(std::move(state));
}

TrailWriter::TrailWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
TrailWriter::TrailWriter(TrailWriter&&) noexcept = default;
TrailWriter& TrailWriter::operator=(TrailWriter&&) noexcept = default;
TrailWriter::~TrailWriter() = default;  // State's destructor seals

const TrailResume& TrailWriter::resume() const { return state_->resume; }
const KeyId& TrailWriter::key_id() const { return state_->key.id; }

Result<void> TrailWriter::append(AuditRecord& rec) {
  State& s = *state_;
  if (s.closed) return fail("trail: append after close");
  if (s.last_seq == std::numeric_limits<uint64_t>::max()) return fail("trail: seq exhausted");
  if (s.needs_rotation()) {
    if (auto ok = s.seal_active(false); !ok) return ok;
  }
  // A seq taken from the shared counter and not used (a failed write) is a
  // gap between streams, never within one.
  uint64_t seq = s.options.shared_seq ? s.options.shared_seq->fetch_add(1) + 1 : s.last_seq + 1;
  if (!s.segment_fd.valid()) {
    if (auto ok = s.start_segment(seq); !ok) return ok;
  }
  uint64_t old_seq = std::exchange(rec.seq, seq);
  size_t start = s.buffer.size();
  s.buffer.append(sizeof(FrameHeader), '\0');
  s.buffer.push_back(static_cast<char>(FrameType::record));
  s.encoder.encode(rec, s.buffer);
  size_t payload_size = s.buffer.size() - start - sizeof(FrameHeader);
  if (payload_size > kMaxFramePayload) {
    s.buffer.resize(start);
    s.tag_batch();  // the encoder took the record as the one the next follows
    rec.seq = old_seq;
    return fail(fmt::format("trail: record of {} bytes exceeds the frame limit of {}", payload_size,
                            kMaxFramePayload));
  }
  put_frame_header(bytes_of(std::string_view(s.buffer).substr(start + sizeof(FrameHeader))),
                   s.buffer.data() + start);
  if (s.buffer.size() - s.untagged >= kMaxBatchBytes || ++s.untagged_records == kMaxBatchRecords) {
    s.tag_batch();
  }
  s.last_seq = rec.seq;
  Seal& seal = s.pending_seal;
  seal.last_seq = rec.seq;
  if (seal.record_count++ == 0) seal.first_time_ns = rec.time_ns;
  seal.last_time_ns = rec.time_ns;
  return {};
}

Result<void> TrailWriter::flush() { return state_->flush(); }

Result<void> TrailWriter::sync() {
  if (auto ok = state_->flush(); !ok) return ok;
  if (state_->segment_fd.valid() && ::fdatasync(state_->segment_fd.get()) != 0) {
    return fail(errno_message(state_->active, "fdatasync"));
  }
  return {};
}

Result<void> TrailWriter::rotate() {
  if (!state_->segment_fd.valid()) return {};
  return state_->seal_active(false);
}

Result<void> TrailWriter::close() {
  State& s = *state_;
  if (s.closed) return {};
  s.closed = true;
  auto ok = s.close_active();
  s.compressor.reset();  // finishes what was requested
  return ok;
}

Result<void> TrailWriter::end_chain() {
  State& s = *state_;
  if (s.closed) return {};
  if (!s.segment_fd.valid()) {
    if (auto ok = s.start_segment(s.last_seq + 1); !ok) return ok;
  }
  return close();
}

Result<void> TrailWriter::State::close_active() {
  if (segment_fd.valid()) return seal_active(true);
  if (last_seal_final) return {};
  // The last seal promised a next segment: keep the promise with an empty
  // one, so that the trail does not end the way a crash after rotation does.
  if (auto ok = start_segment(last_seq + 1); !ok) return ok;
  return seal_active(true);
}

size_t TrailWriter::buffered_bytes() const { return state_->buffer.size() - state_->written; }

std::vector<std::string> TrailWriter::take_notes() {
  std::vector<std::string> notes = std::exchange(state_->notes, {});
  if (state_->compressor) {
    for (auto& note : state_->compressor->take_notes()) notes.push_back(std::move(note));
  }
  return notes;
}

std::unique_lock<std::mutex> TrailWriter::lock_segment_files() {
  return state_->compressor ? state_->compressor->lock_segment_files()
                            : std::unique_lock<std::mutex>();
}

uint64_t TrailWriter::last_seq() const { return state_->last_seq; }

std::filesystem::path TrailWriter::active_segment() const { return state_->active; }

int64_t TrailWriter::active_created_ns() const {
  return state_->segment_fd.valid() ? state_->active_created_ns : 0;
}

}  // namespace c2audit
