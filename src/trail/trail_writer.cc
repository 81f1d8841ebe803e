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

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "common/clock.h"
#include "common/file_descriptor.h"
#include "record/record_codec.h"
#include "trail/segment_format.h"

namespace c2audit {
namespace {

constexpr mode_t kDirMode = 0700;
constexpr mode_t kFileMode = 0600;
constexpr const char* kTempPrefix = ".";
constexpr const char* kTempSuffix = ".tmp";

// One encoded frame waiting in the write buffer.
struct PendingFrame {
  size_t end;    // offset just past the frame in the buffer
  uint64_t seq;  // seq of its record
};

// What the newest segment ends with.
struct SegmentTail {
  bool has_record = false;
  uint64_t last_seq = 0;
  int64_t last_time_ns = 0;
  bool torn = false;
  uint64_t size = 0;
};

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

// Creates `dir` with mode 0700 if it does not exist; an existing directory
// keeps its mode.
Result<void> ensure_directory(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), kDirMode) == 0) {
    if (::chmod(dir.c_str(), kDirMode) != 0) return fail(errno_message(dir, "chmod"));
    return {};
  }
  if (errno != EEXIST) return fail(errno_message(dir, "cannot create trail directory"));
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return fail(errno_message(dir, "stat"));
  if (!S_ISDIR(st.st_mode)) return fail(fmt::format("{}: not a directory", dir.native()));
  return {};
}

// Reads the newest segment in full: every frame must be intact and decodable,
// except a torn final frame.
Result<SegmentTail> scan_newest(const SegmentFile& segment) {
  std::vector<uint8_t> bytes;
  if (auto ok = read_segment_bytes(segment.path, bytes); !ok) return tl::unexpected(ok.error());
  auto header = decode_segment_header(bytes, bytes.size(), segment.first_seq);
  if (!header) return tl::unexpected(with_context(segment.path.native(), header.error()));
  SegmentTail tail;
  tail.size = bytes.size();
  for (size_t offset = header->header_size;;) {
    FrameScan frame = scan_frame(bytes, offset);
    if (frame.status == FrameStatus::end) return tail;
    if (frame.status == FrameStatus::torn) {
      tail.torn = true;
      return tail;
    }
    std::string problem = frame.problem;
    if (frame.status == FrameStatus::complete) {
      auto rec = decode_record(frame.payload);
      if (rec) {
        tail = SegmentTail{true, rec->seq, rec->time_ns, false, bytes.size()};
        offset = frame.next_offset;
        continue;
      }
      problem = rec.error().message;
    }
    return fail(fmt::format("{}: offset {}: {}", segment.path.native(), offset, problem));
  }
}

}  // namespace

struct TrailWriter::State {
  TrailOptions options;
  TrailResume resume;
  uint64_t last_seq = 0;
  FileDescriptor dir_fd;         // for fsync after a segment is linked in
  FileDescriptor segment_fd;     // active segment, once one is open
  std::filesystem::path active;  // its path, or the one the next segment gets
  uint64_t active_size = 0;
  std::string buffer;  // frames not yet written
  size_t written = 0;  // bytes of buffer already in the file
  std::vector<PendingFrame> frames;

  ~State();
  Result<void> flush();
  Result<void> start_segment(uint64_t first_seq);
  Result<FileDescriptor> create_temp_segment(const std::filesystem::path& temp, uint64_t first_seq);
  Result<void> reuse_segment(const SegmentFile& segment, uint64_t size);
  Result<void> resume_after(const std::vector<SegmentFile>& segments);
  Result<void> write_until(size_t end);
  size_t chunk_end(size_t first_frame) const;
};

TrailWriter::State::~State() { (void)flush(); }

// Opens a temporary file holding only the header, synced to disk.
Result<FileDescriptor> TrailWriter::State::create_temp_segment(const std::filesystem::path& temp,
                                                               uint64_t first_seq) {
  ::unlink(temp.c_str());  // left over from a crash during rotation
  FileDescriptor fd(
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, kFileMode));
  if (!fd.valid()) return fail(errno_message(temp, "create"));
  std::string header = encode_segment_header(first_seq, realtime_ns());
  size_t done = 0;
  Result<void> ok = ::fchmod(fd.get(), kFileMode) == 0 ? write_all(fd.get(), header, done, temp)
                                                       : fail(errno_message(temp, "fchmod"));
  if (ok && ::fdatasync(fd.get()) != 0) ok = fail(errno_message(temp, "fdatasync"));
  if (!ok) {
    ::unlink(temp.c_str());
    return tl::unexpected(ok.error());
  }
  return fd;
}

// Makes a new segment whose first record will be `first_seq` the active one.
// The previous segment is synced first so that a later sync() covers it too.
Result<void> TrailWriter::State::start_segment(uint64_t first_seq) {
  if (segment_fd.valid() && ::fdatasync(segment_fd.get()) != 0) {
    return fail(errno_message(active, "fdatasync"));
  }
  std::string name = segment_file_name(first_seq);
  std::filesystem::path path = options.dir / name;
  std::filesystem::path temp = options.dir / (kTempPrefix + name + kTempSuffix);
  auto fd = create_temp_segment(temp, first_seq);
  if (!fd) return tl::unexpected(fd.error());
  int linked = ::link(temp.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked != 0) {
    errno = link_errno;
    return fail(errno_message(path, "cannot create segment"));
  }
  if (::fsync(dir_fd.get()) != 0) return fail(errno_message(options.dir, "fsync"));
  segment_fd = std::move(*fd);
  active = path;
  active_size = sizeof(SegmentHeader);
  return {};
}

// Continues appending to an intact newest segment.
Result<void> TrailWriter::State::reuse_segment(const SegmentFile& segment, uint64_t size) {
  FileDescriptor fd(::open(segment.path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  if (!fd.valid()) return fail(errno_message(segment.path, "open"));
  if (::fchmod(fd.get(), kFileMode) != 0) return fail(errno_message(segment.path, "fchmod"));
  segment_fd = std::move(fd);
  active = segment.path;
  active_size = size;
  return {};
}

// Finds where the existing trail ends and picks the segment to continue in:
// the newest one if it is intact, else (torn tail) a new one, created on the
// first flush.
Result<void> TrailWriter::State::resume_after(const std::vector<SegmentFile>& segments) {
  const SegmentFile& newest = segments.back();
  auto tail = scan_newest(newest);
  if (!tail) return tl::unexpected(tail.error());
  if (tail->has_record) {
    last_seq = tail->last_seq;
    resume.last_time_ns = tail->last_time_ns;
  } else {
    // A segment with no complete record yet: its name says what came before.
    last_seq = std::max<uint64_t>(newest.first_seq, 1) - 1;
    if (segments.size() > 1) {
      auto previous = scan_newest(segments[segments.size() - 2]);
      if (!previous) return tl::unexpected(previous.error());
      resume.last_time_ns = previous->last_time_ns;
    }
  }
  resume.last_seq = last_seq;
  if (!tail->torn) return reuse_segment(newest, tail->size);
  resume.torn_tail = true;
  resume.torn_segment = newest.path.filename().native();
  // A torn segment without any complete record holds the name the next segment
  // would get; its first seq was lost in the crash, so continue after it.
  if (newest.first_seq == last_seq + 1) last_seq = newest.first_seq;
  return {};
}

// Where a write starting at frame `first_frame` should stop: after as many
// whole frames as keep the segment below segment_bytes (at least one).
size_t TrailWriter::State::chunk_end(size_t first_frame) const {
  size_t end = frames[first_frame].end;
  uint64_t size = active_size + (end - written);
  for (size_t k = first_frame + 1; k < frames.size() && size < options.segment_bytes; ++k) {
    size += frames[k].end - end;
    end = frames[k].end;
  }
  return end;
}

Result<void> TrailWriter::State::write_until(size_t end) {
  size_t done = 0;
  std::string_view chunk(buffer.data() + written, end - written);
  auto ok = write_all(segment_fd.get(), chunk, done, active);
  written += done;
  active_size += done;
  return ok;
}

Result<void> TrailWriter::State::flush() {
  while (written < buffer.size()) {
    auto next = std::upper_bound(frames.begin(), frames.end(), written,
                                 [](size_t pos, const PendingFrame& f) { return pos < f.end; });
    size_t index = static_cast<size_t>(next - frames.begin());
    size_t frame_start = index == 0 ? 0 : frames[index - 1].end;
    bool at_boundary = written == frame_start;  // never rotate inside a frame
    if (at_boundary && (!segment_fd.valid() || active_size >= options.segment_bytes)) {
      if (auto ok = start_segment(frames[index].seq); !ok) return ok;
    }
    if (auto ok = write_until(chunk_end(index)); !ok) return ok;
  }
  buffer.clear();
  frames.clear();
  written = 0;
  return {};
}

Result<TrailWriter> TrailWriter::open(const TrailOptions& options) {
  if (options.segment_bytes == 0) return fail("trail: segment_bytes must be positive");
  if (auto ok = ensure_directory(options.dir); !ok) return tl::unexpected(ok.error());
  auto state = std::make_unique<State>();
  state->options = options;
  state->dir_fd.reset(::open(options.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!state->dir_fd.valid()) return fail(errno_message(options.dir, "open"));
  auto segments = list_segments(options.dir);
  if (!segments) return tl::unexpected(segments.error());
  for (const auto& segment : *segments) {
    if (auto header = read_segment_header(segment); !header) return tl::unexpected(header.error());
  }
  if (!segments->empty()) {
    if (auto ok = state->resume_after(*segments); !ok) return tl::unexpected(ok.error());
  }
  if (!state->segment_fd.valid()) {
    state->active = options.dir / segment_file_name(state->last_seq + 1);
  }
  return TrailWriter(std::move(state));
}

TrailWriter::TrailWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
TrailWriter::TrailWriter(TrailWriter&&) noexcept = default;
TrailWriter& TrailWriter::operator=(TrailWriter&&) noexcept = default;
TrailWriter::~TrailWriter() = default;  // State's destructor flushes

const TrailResume& TrailWriter::resume() const { return state_->resume; }

Result<void> TrailWriter::append(AuditRecord& rec) {
  State& s = *state_;
  if (s.last_seq == std::numeric_limits<uint64_t>::max()) return fail("trail: seq exhausted");
  uint64_t old_seq = std::exchange(rec.seq, s.last_seq + 1);
  size_t start = s.buffer.size();
  s.buffer.append(sizeof(FrameHeader), '\0');
  encode_record(rec, s.buffer);
  auto payload = std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(s.buffer.data()) + start + sizeof(FrameHeader),
      s.buffer.size() - start - sizeof(FrameHeader));
  if (payload.size() > kMaxFramePayload) {
    s.buffer.resize(start);
    rec.seq = old_seq;
    return fail(fmt::format("trail: record of {} bytes exceeds the frame limit of {}",
                            payload.size(), kMaxFramePayload));
  }
  std::string header;
  encode_frame_header(payload, header);
  s.buffer.replace(start, header.size(), header);
  s.last_seq = rec.seq;
  s.frames.push_back(PendingFrame{s.buffer.size(), rec.seq});
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

uint64_t TrailWriter::last_seq() const { return state_->last_seq; }

std::filesystem::path TrailWriter::active_segment() const { return state_->active; }

}  // namespace c2audit
