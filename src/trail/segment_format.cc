#include "trail/segment_format.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <libdeflate.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/file_descriptor.h"
#include "common/little_endian.h"
#include "trail/segment_compressor.h"

namespace c2audit {
namespace {

std::string errno_message(const std::filesystem::path& path) {
  return fmt::format("{}: {}", path.native(), std::strerror(errno));
}

void append_u32(std::string& out, uint32_t v) { append_le(out, v); }
void append_u64(std::string& out, uint64_t v) { append_le(out, v); }

bool all_zero(std::span<const uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

// The CRC-32 of zlib and gzip; libdeflate's computes it with carry-less
// multiplication, ~10x faster than zlib's on the trail's small frames.
uint32_t crc_of(std::span<const uint8_t> payload) {
  return libdeflate_crc32(0, payload.data(), payload.size());
}

FrameScan torn(std::string problem) {
  return FrameScan{FrameStatus::torn, {}, 0, std::move(problem)};
}

FrameScan corrupt(std::string problem) {
  return FrameScan{FrameStatus::corrupt, {}, 0, std::move(problem)};
}

}  // namespace

std::string segment_file_name(uint64_t first_seq) {
  return fmt::format("{}{:0{}}{}", kSegmentPrefix, first_seq, kSegmentSeqDigits, kSegmentSuffix);
}

std::optional<uint64_t> parse_segment_file_name(const std::string& name) {
  if (name.ends_with(kCompressedSuffix)) {
    return parse_segment_file_name(name.substr(0, name.size() - std::strlen(kCompressedSuffix)));
  }
  const std::string prefix = kSegmentPrefix;
  const std::string suffix = kSegmentSuffix;
  if (name.size() != prefix.size() + kSegmentSeqDigits + suffix.size() ||
      !name.starts_with(prefix) || !name.ends_with(suffix)) {
    return std::nullopt;
  }
  std::string digits = name.substr(prefix.size(), kSegmentSeqDigits);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  errno = 0;
  unsigned long long seq = std::strtoull(digits.c_str(), nullptr, 10);
  if (errno == ERANGE) return std::nullopt;  // 20 digits can exceed uint64_t
  return static_cast<uint64_t>(seq);
}

Result<std::vector<SegmentFile>> list_segments(const std::filesystem::path& dir,
                                               std::vector<std::filesystem::path>* not_files) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) return fail(fmt::format("{}: {}", dir.native(), ec.message()));
  std::vector<SegmentFile> segments;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    auto first_seq = parse_segment_file_name(it->path().filename().native());
    if (!first_seq) continue;
    if (it->is_symlink(ec) || !it->is_regular_file(ec)) {
      if (!not_files) return fail(fmt::format("{}: not a regular file", it->path().native()));
      not_files->push_back(it->path());
      continue;
    }
    bool compressed = it->path().native().ends_with(kCompressedSuffix);
    segments.push_back(SegmentFile{it->path(), *first_seq, compressed});
  }
  if (ec) return fail(fmt::format("{}: {}", dir.native(), ec.message()));
  // Raw before compressed for one seq, so that the duplicate can be dropped.
  std::sort(segments.begin(), segments.end(), [](const SegmentFile& a, const SegmentFile& b) {
    return a.first_seq != b.first_seq ? a.first_seq < b.first_seq : a.compressed < b.compressed;
  });
  segments.erase(std::unique(segments.begin(), segments.end(),
                             [](const SegmentFile& a, const SegmentFile& b) {
                               return a.first_seq == b.first_seq;
                             }),
                 segments.end());
  return segments;
}

std::string encode_segment_header(const SegmentHeader& header) {
  std::string out(kSegmentMagic, sizeof(kSegmentMagic));
  append_u32(out, kSegmentVersion);
  append_u32(out, sizeof(SegmentHeader));
  append_u64(out, header.first_seq);
  append_u64(out, static_cast<uint64_t>(header.created_ns));
  append_u32(out, static_cast<uint32_t>(header.prev_end));
  append_le(out, header.stream);
  append_le(out, header.streams);
  append_u64(out, header.prev_last_seq);
  out.append(reinterpret_cast<const char*>(header.prev_digest.data()), header.prev_digest.size());
  out.append(reinterpret_cast<const char*>(header.key_id.data()), header.key_id.size());
  return out;
}

Result<SegmentHeader> decode_segment_header(std::span<const uint8_t> bytes, uint64_t file_size,
                                            uint64_t expected_first_seq) {
  constexpr size_t kVersionEnd = offsetof(SegmentHeader, header_size);
  SegmentHeader h{};
  if (bytes.size() >= kVersionEnd) {
    std::memcpy(h.magic, bytes.data(), sizeof(h.magic));
    if (std::memcmp(h.magic, kSegmentMagic, sizeof(kSegmentMagic)) != 0) {
      return fail("not a c2audit trail segment (bad magic)");
    }
    h.version = load_le<uint32_t>(bytes, offsetof(SegmentHeader, version));
    if (h.version < kOldestSegmentVersion || h.version > kSegmentVersion) {
      return fail(fmt::format("unsupported segment version {} (this c2audit reads versions {}-{})",
                              h.version, kOldestSegmentVersion, kSegmentVersion));
    }
  }
  if (bytes.size() < sizeof(SegmentHeader)) {
    return fail(
        fmt::format("bad segment header: file is {} bytes, shorter than a header", bytes.size()));
  }
  h.header_size = load_le<uint32_t>(bytes, offsetof(SegmentHeader, header_size));
  h.first_seq = load_le<uint64_t>(bytes, offsetof(SegmentHeader, first_seq));
  h.created_ns =
      static_cast<int64_t>(load_le<uint64_t>(bytes, offsetof(SegmentHeader, created_ns)));
  h.prev_end =
      static_cast<PreviousEnd>(load_le<uint32_t>(bytes, offsetof(SegmentHeader, prev_end)));
  h.stream = load_le<uint16_t>(bytes, offsetof(SegmentHeader, stream));
  h.streams = load_le<uint16_t>(bytes, offsetof(SegmentHeader, streams));
  h.prev_last_seq = load_le<uint64_t>(bytes, offsetof(SegmentHeader, prev_last_seq));
  std::memcpy(h.prev_digest.data(), bytes.data() + offsetof(SegmentHeader, prev_digest),
              h.prev_digest.size());
  std::memcpy(h.key_id.data(), bytes.data() + offsetof(SegmentHeader, key_id), h.key_id.size());
  if (h.prev_end > PreviousEnd::crashed) {
    return fail(fmt::format("bad previous-segment kind {}", static_cast<uint32_t>(h.prev_end)));
  }
  if (h.streams > kMaxSegmentStreams || (h.streams ? h.stream >= h.streams : h.stream != 0)) {
    return fail(fmt::format("bad stream {} of {}", h.stream, h.streams));
  }
  if (h.header_size < sizeof(SegmentHeader) || h.header_size > kMaxSegmentHeaderSize ||
      h.header_size > file_size) {
    return fail(fmt::format("bad segment header size {}", h.header_size));
  }
  if (h.first_seq != expected_first_seq) {
    return fail(fmt::format("header first seq {} does not match the file name ({})", h.first_seq,
                            expected_first_seq));
  }
  return h;
}

Result<SegmentHeader> read_segment_header(const SegmentFile& segment) {
  if (segment.compressed) {
    std::vector<uint8_t> prefix;
    if (auto ok = read_compressed_prefix(segment.path, kMaxSegmentHeaderSize, prefix); !ok) {
      return tl::unexpected(ok.error());
    }
    // header_size is checked against what was decompressed, not the file size.
    auto header = decode_segment_header(prefix, prefix.size(), segment.first_seq);
    if (!header) return tl::unexpected(with_context(segment.path.native(), header.error()));
    return header;
  }
  FileDescriptor fd(::open(segment.path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0) return fail(errno_message(segment.path));
  uint8_t bytes[sizeof(SegmentHeader)];
  ssize_t n;
  do {
    n = ::pread(fd.get(), bytes, sizeof(bytes), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return fail(errno_message(segment.path));
  auto header = decode_segment_header(std::span<const uint8_t>(bytes, static_cast<size_t>(n)),
                                      static_cast<uint64_t>(st.st_size), segment.first_seq);
  if (!header) return tl::unexpected(with_context(segment.path.native(), header.error()));
  return header;
}

Result<void> read_segment_bytes(const SegmentFile& segment, std::vector<uint8_t>& out) {
  if (segment.compressed) return read_compressed_file(segment.path, kMaxSegmentBytes, out);
  return read_file_at_most(segment.path, kMaxSegmentBytes, out);
}

void encode_frame_header(std::span<const uint8_t> payload, std::string& out) {
  append_u32(out, static_cast<uint32_t>(payload.size()));
  append_u32(out, crc_of(payload));
}

void put_frame_header(std::span<const uint8_t> payload, char* out) {
  uint32_t fields[] = {to_le(static_cast<uint32_t>(payload.size())), to_le(crc_of(payload))};
  static_assert(sizeof(fields) == sizeof(FrameHeader));
  std::memcpy(out, fields, sizeof(fields));
}

FrameScan scan_frame(std::span<const uint8_t> segment, size_t offset) {
  if (offset >= segment.size()) return FrameScan{};
  size_t left = segment.size() - offset;
  if (left < sizeof(FrameHeader)) return torn("partial frame header");
  uint32_t length = load_le<uint32_t>(segment, offset + offsetof(FrameHeader, length));
  uint32_t crc = load_le<uint32_t>(segment, offset + offsetof(FrameHeader, crc32));
  if (length == 0) {
    // A file system may extend a file with zeros when it crashes mid-write.
    if (all_zero(segment.subspan(offset))) return torn("zero-filled tail");
    return corrupt("empty frame");
  }
  if (length > kMaxFramePayload) {
    return corrupt(fmt::format("frame length {} exceeds limit {}", length, kMaxFramePayload));
  }
  left -= sizeof(FrameHeader);
  if (length > left) return torn("frame payload past end of file");
  auto payload = segment.subspan(offset + sizeof(FrameHeader), length);
  if (crc_of(payload) != crc) {
    if (length == left) return torn("crc mismatch on the last frame");
    return corrupt("frame crc mismatch");
  }
  return FrameScan{FrameStatus::complete, payload, offset + sizeof(FrameHeader) + length, {}};
}

}  // namespace c2audit
