#include "forward/stream_follower.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "record/record_codec.h"
#include "trail/segment_format.h"
#include "trail/segment_tail.h"

namespace c2audit {
namespace {

// Read from a growing segment this much at a time. Records are handed on a
// batch at a time, and scan_batch refuses one longer than kMaxBatchSpan, so
// the window never holds much more than one batch and one chunk.
constexpr size_t kReadChunk = 1u << 20;

bool is_seal(std::span<const uint8_t> payload) {
  return !payload.empty() && payload[0] == static_cast<uint8_t>(FrameType::seal);
}

Error at(const std::filesystem::path& file, uint64_t offset, const std::string& what) {
  return Error{fmt::format("{}: offset {}: {}", file.native(), offset, what)};
}

}  // namespace

StreamFollower::StreamFollower(std::filesystem::path dir, StreamPosition from)
    : dir_(std::move(dir)), position_(from) {}

Result<std::optional<AuditRecord>> StreamFollower::next() {
  std::optional<AuditRecord> out;
  while (true) {
    auto step_taken = step(out);
    if (!step_taken) return tl::unexpected(step_taken.error());
    if (*step_taken == Step::record) return out;
    if (*step_taken == Step::wait) return std::nullopt;
  }
}

Result<StreamFollower::Step> StreamFollower::step(std::optional<AuditRecord>& out) {
  if (!open_) {
    auto opened = open_segment();
    if (!opened) return tl::unexpected(opened.error());
    if (!*opened) return Step::wait;
  }
  FrameScan frame;
  if (next_frame_ >= batch_end_) {
    // Records are handed on once the tag after them is there.
    BatchScan batch = scan_batch(bytes_, next_frame_ - window_base_, version_);
    if (batch.status == FrameStatus::corrupt) {
      return tl::unexpected(at(path_, window_base_ + batch.problem_offset, batch.problem));
    }
    frame.status = batch.status;
    if (batch.status == FrameStatus::complete) {
      batch_end_ = window_base_ + batch.next_offset;
      position_.offset = next_frame_;  // a reader starts afresh at a batch
      decoder_.start_batch();
    }
  }
  if (next_frame_ < batch_end_) {
    frame = scan_frame(bytes_, next_frame_ - window_base_);  // whole: the batch was scanned
    if (frame.status != FrameStatus::complete) {
      return tl::unexpected(at(path_, next_frame_, frame.problem));
    }
    uint64_t offset = std::exchange(next_frame_, window_base_ + frame.next_offset);
    if (is_seal(frame.payload)) {
      auto moved = move_to_next_segment();
      if (!moved) return tl::unexpected(moved.error());
      return *moved ? Step::moved : Step::wait;
    }
    if (is_tag_frame(frame.payload, version_)) {
      position_.offset = next_frame_;  // the batch is all handed on
      return Step::moved;
    }
    auto split = split_record_frame(frame.payload, version_);
    if (!split) return tl::unexpected(at(path_, offset, "unknown frame type"));
    if (auto ok = decoder_.decode(split->encoding, record_); !ok) {
      return tl::unexpected(at(path_, offset, ok.error().message));
    }
    if (record_.seq <= position_.last_seq) return Step::moved;  // handed on before
    position_.last_seq = record_.seq;
    out = record_;
    return Step::record;
  }
  // The end of what is there, or a frame not yet whole.
  auto more = read_more();
  if (!more) return tl::unexpected(more.error());
  if (*more) return Step::moved;
  if (!zstd_ && !saw_newer_) {
    // The writer starts a newer segment only after the last write to this
    // one (a seal, or a crash): once one exists, one more read sees all.
    auto listed = list_segments(dir_);
    if (!listed) return tl::unexpected(listed.error());
    saw_newer_ = std::any_of(listed->begin(), listed->end(), [&](const SegmentFile& s) {
      return s.first_seq > position_.segment;
    });
    return saw_newer_ ? Step::moved : Step::wait;
  }
  if (frame.status == FrameStatus::torn) {
    warnings_.push_back(
        fmt::format("{}: offset {}: torn write at end of segment (crash?), passed over",
                    path_.native(), next_frame_));
  }
  auto moved = move_to_next_segment();
  if (!moved) return tl::unexpected(moved.error());
  return *moved ? Step::moved : Step::wait;
}

Result<bool> StreamFollower::open_segment() {
  auto listed = list_segments(dir_);
  if (!listed) return tl::unexpected(listed.error());
  // The position's segment, or, when it is gone (removed by retention), the
  // oldest one after it.
  auto found = std::find_if(listed->begin(), listed->end(), [&](const SegmentFile& s) {
    return s.first_seq >= position_.segment;
  });
  if (found == listed->end()) return false;
  if (found->first_seq != position_.segment) {
    position_.segment = found->first_seq;
    position_.offset = 0;
  }
  path_ = found->path;
  bytes_.clear();
  packed_.clear();
  packed_at_ = 0;
  frame_done_ = false;
  window_base_ = 0;
  saw_newer_ = false;
  zstd_.reset(found->compressed ? ZSTD_createDCtx() : nullptr);
  if (found->compressed && !zstd_) return fail(fmt::format("{}: zstd: out of memory", path_.native()));
  fd_.reset(::open(path_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd_.valid()) {
    if (errno == ENOENT) return false;  // compressed or removed meanwhile: found next time
    return fail(fmt::format("{}: {}", path_.native(), std::strerror(errno)));
  }
  uint64_t resume_at = position_.offset;
  position_.offset = 0;  // nothing read may be dropped before the header is
  while (bytes_.size() < kMaxSegmentHeaderSize) {  // the header, and frames after it
    auto more = read_more();
    if (!more) return tl::unexpected(more.error());
    if (!*more) break;
  }
  if (bytes_.size() < sizeof(SegmentHeader)) {
    position_.offset = resume_at;
    if (zstd_) return fail(fmt::format("{}: compressed segment shorter than its header", path_.native()));
    return false;  // its header is being written
  }
  auto header = decode_segment_header(bytes_, kMaxSegmentBytes, found->first_seq);
  if (!header) return tl::unexpected(with_context(path_.native(), header.error()));
  position_.offset = std::max<uint64_t>(resume_at, header->header_size);
  next_frame_ = position_.offset;
  version_ = header->version;
  batch_end_ = 0;
  open_ = true;
  compact();
  return true;
}

// Drops what was read. A raw segment is read from any offset, so a resumed
// position skips straight to it; a compressed one is decompressed up to it.
void StreamFollower::compact() {
  uint64_t drop = std::min<uint64_t>(position_.offset - window_base_, bytes_.size());
  if (drop > 0) bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(drop));
  window_base_ += drop;
  if (!zstd_ && window_base_ < position_.offset) window_base_ = position_.offset;
}

Result<bool> StreamFollower::read_more() {
  compact();
  if (zstd_) return decompress_more();
  size_t had = bytes_.size();
  bytes_.resize(had + kReadChunk);
  ssize_t got = ::pread(fd_.get(), bytes_.data() + had, kReadChunk,
                        static_cast<off_t>(window_base_ + had));
  if (got < 0) {
    bytes_.resize(had);
    return fail(fmt::format("{}: {}", path_.native(), std::strerror(errno)));
  }
  bytes_.resize(had + static_cast<size_t>(got));
  return got > 0;
}

// Up to kReadChunk more bytes out of the zstd frame; false once it ended.
Result<bool> StreamFollower::decompress_more() {
  if (frame_done_) return false;
  if (window_base_ + bytes_.size() >= kMaxSegmentBytes) {
    return fail(fmt::format("{}: decompresses to more than a segment can hold", path_.native()));
  }
  size_t had = bytes_.size();
  bytes_.resize(had + kReadChunk);
  ZSTD_outBuffer out{bytes_.data(), bytes_.size(), had};
  while (out.pos < out.size && !frame_done_) {
    if (packed_at_ == packed_.size()) {
      packed_.resize(kReadChunk);
      ssize_t got = ::read(fd_.get(), packed_.data(), packed_.size());
      if (got < 0) return fail(fmt::format("{}: {}", path_.native(), std::strerror(errno)));
      packed_.resize(static_cast<size_t>(got));
      packed_at_ = 0;
      if (got == 0) return fail(fmt::format("{}: not a complete zstd-compressed segment", path_.native()));
    }
    ZSTD_inBuffer in{packed_.data(), packed_.size(), packed_at_};
    size_t left = ZSTD_decompressStream(zstd_.get(), &out, &in);
    if (ZSTD_isError(left)) return fail(fmt::format("{}: zstd: {}", path_.native(), ZSTD_getErrorName(left)));
    packed_at_ = in.pos;
    frame_done_ = left == 0;
  }
  bytes_.resize(out.pos);
  return out.pos > had;
}

Result<bool> StreamFollower::move_to_next_segment() {
  auto listed = list_segments(dir_);
  if (!listed) return tl::unexpected(listed.error());
  auto later = std::find_if(listed->begin(), listed->end(), [&](const SegmentFile& s) {
    return s.first_seq > position_.segment;
  });
  if (later == listed->end()) return false;  // sealed, and no successor yet
  position_.segment = later->first_seq;
  position_.offset = next_frame_ = 0;
  open_ = false;
  fd_.reset();
  zstd_.reset();
  bytes_.clear();
  return true;
}

}  // namespace c2audit
