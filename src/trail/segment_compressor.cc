#include "trail/segment_compressor.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "common/c_ptr.h"
#include "common/file_descriptor.h"

namespace c2audit {
namespace {

constexpr mode_t kFileMode = 0640;  // closed segments: root, and the audit group may read
constexpr size_t kPrefixInputChunk = 4096;
constexpr size_t kDecompressStartBytes = 1 << 20;
constexpr unsigned long long kMostBelievableRatio = 64;  // trail segments compress 4-10x

std::string errno_message(const std::filesystem::path& path, const char* what) {
  return fmt::format("{}: {}: {}", path.native(), what, std::strerror(errno));
}

}  // namespace

Result<void> read_file_at_most(const std::filesystem::path& path, size_t limit,
                               std::vector<uint8_t>& out) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0) return fail(errno_message(path, "read"));
  if (static_cast<uint64_t>(st.st_size) > limit) {
    return fail(fmt::format("{}: {} bytes, more than a segment can hold ({}): not a segment "
                            "c2auditd wrote",
                            path.native(), st.st_size, limit));
  }
  out.resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd.get(), out.data() + done, out.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno_message(path, "read"));
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  out.resize(done);
  return {};
}

namespace {

Result<void> write_all(int fd, const std::filesystem::path& path, const uint8_t* data,
                       size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno_message(path, "write"));
    done += static_cast<size_t>(n);
  }
  return {};
}

// Streams `raw` through zstd into `out` in chunks, so compressing a segment
// never holds it in memory (the daemon's RSS would grow by twice its size).
// The frame records the content size: readers size their buffer from it.
Result<void> compress_stream(const std::filesystem::path& raw, const std::filesystem::path& out) {
  FileDescriptor in(::open(raw.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!in.valid() || ::fstat(in.get(), &st) != 0) return fail(errno_message(raw, "read"));
  ::unlink(out.c_str());  // a temporary left by a crash
  FileDescriptor fd(::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kFileMode));
  if (!fd.valid()) return fail(errno_message(out, "create"));
  CPtr<ZSTD_CCtx, ZSTD_freeCCtx> ctx(ZSTD_createCCtx());
  if (!ctx) return fail(fmt::format("{}: zstd: out of memory", raw.native()));
  ZSTD_CCtx_setParameter(ctx.get(), ZSTD_c_compressionLevel, kSegmentZstdLevel);
  ZSTD_CCtx_setPledgedSrcSize(ctx.get(), static_cast<unsigned long long>(st.st_size));
  std::vector<uint8_t> chunk(ZSTD_CStreamInSize()), packed(ZSTD_CStreamOutSize());
  for (bool last = false; !last;) {
    ssize_t n = ::read(in.get(), chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno_message(raw, "read"));
    last = n == 0;
    ZSTD_inBuffer input{chunk.data(), static_cast<size_t>(n), 0};
    for (bool done = false; !done;) {
      ZSTD_outBuffer output{packed.data(), packed.size(), 0};
      size_t left = ZSTD_compressStream2(ctx.get(), &output, &input, last ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(left)) return fail(fmt::format("{}: zstd: {}", raw.native(), ZSTD_getErrorName(left)));
      if (auto ok = write_all(fd.get(), out, packed.data(), output.pos); !ok) return ok;
      done = last ? left == 0 : input.pos == input.size;
    }
  }
  if (::fchmod(fd.get(), kFileMode) != 0 || ::fdatasync(fd.get()) != 0) {
    return fail(errno_message(out, "sync"));
  }
  return {};
}

Result<void> sync_dir(const std::filesystem::path& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) return fail(errno_message(dir, "fsync"));
  return {};
}

}  // namespace

Result<std::filesystem::path> compress_segment(const std::filesystem::path& raw) {
  auto temp = compress_segment_to_temp(raw);
  if (!temp) return tl::unexpected(temp.error());
  return commit_compressed_segment(raw, *temp);
}

Result<std::filesystem::path> compress_segment_to_temp(const std::filesystem::path& raw) {
  std::filesystem::path final_path = raw.native() + ".zst";
  std::filesystem::path temp = raw.parent_path() / ("." + final_path.filename().native() + ".tmp");
  auto written = compress_stream(raw, temp);
  if (!written) {
    ::unlink(temp.c_str());
    return tl::unexpected(written.error());
  }
  return temp;
}

Result<std::filesystem::path> commit_compressed_segment(const std::filesystem::path& raw,
                                                        const std::filesystem::path& temp) {
  std::filesystem::path final_path = raw.native() + ".zst";
  int linked = ::link(temp.c_str(), final_path.c_str());
  int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked != 0 && link_errno != EEXIST) {
    errno = link_errno;
    return fail(errno_message(final_path, "link"));
  }
  if (auto ok = sync_dir(raw.parent_path()); !ok) return tl::unexpected(ok.error());
  // Both copies are durable now; only then does the raw one go.
  if (::unlink(raw.c_str()) != 0) return fail(errno_message(raw, "unlink"));
  if (auto ok = sync_dir(raw.parent_path()); !ok) return tl::unexpected(ok.error());
  return final_path;
}

Result<void> read_compressed_file(const std::filesystem::path& path, size_t limit,
                                  std::vector<uint8_t>& out) {
  std::vector<uint8_t> packed;
  if (auto ok = read_file_at_most(path, limit, packed); !ok) return ok;
  CPtr<ZSTD_DCtx, ZSTD_freeDCtx> ctx(ZSTD_createDCtx());
  if (!ctx) return fail(fmt::format("{}: zstd: out of memory", path.native()));
  ZSTD_inBuffer input{packed.data(), packed.size(), 0};
  // The size the frame header states (the compressor pledges it) is only a
  // first guess, bounded by `limit` and by a ratio no trail reaches, so a
  // small file cannot make it allocate much: the loop below checks what
  // really comes out. It spares a segment's worth of doubling and copying.
  unsigned long long stated = ZSTD_getFrameContentSize(packed.data(), packed.size());
  if (stated != ZSTD_CONTENTSIZE_UNKNOWN && stated != ZSTD_CONTENTSIZE_ERROR && stated <= limit &&
      stated / kMostBelievableRatio <= packed.size()) {
    out.resize(static_cast<size_t>(stated));
  } else {
    out.clear();
  }
  size_t produced = 0;
  size_t left_in_frame = 1;  // ZSTD_decompressStream's hint; 0 once the frame is complete
  while (left_in_frame != 0) {
    if (produced == out.size()) {  // grow by what came out so far: no frame header decides
      if (produced == limit) {
        return fail(fmt::format("{}: decompresses to more than a segment can hold ({} bytes)",
                                path.native(), limit));
      }
      out.resize(std::min(limit, std::max(2 * produced, kDecompressStartBytes)));
    }
    ZSTD_outBuffer output{out.data(), out.size(), produced};
    left_in_frame = ZSTD_decompressStream(ctx.get(), &output, &input);
    if (ZSTD_isError(left_in_frame)) {
      return fail(fmt::format("{}: zstd: {}", path.native(), ZSTD_getErrorName(left_in_frame)));
    }
    bool stuck = output.pos == produced && input.pos == input.size;
    produced = output.pos;
    if (stuck && left_in_frame != 0 && produced < out.size()) {
      return fail(fmt::format("{}: not a complete zstd-compressed segment", path.native()));
    }
  }
  if (input.pos != input.size) {
    return fail(fmt::format("{}: data after the zstd frame", path.native()));
  }
  out.resize(produced);
  return {};
}

Result<void> read_compressed_prefix(const std::filesystem::path& path, size_t limit,
                                    std::vector<uint8_t>& out) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fail(errno_message(path, "read"));
  CPtr<ZSTD_DCtx, ZSTD_freeDCtx> ctx(ZSTD_createDCtx());
  if (!ctx) return fail(fmt::format("{}: zstd: out of memory", path.native()));
  out.resize(limit);
  ZSTD_outBuffer output{out.data(), out.size(), 0};
  std::vector<uint8_t> chunk(kPrefixInputChunk);
  while (output.pos < output.size) {
    ssize_t n = ::read(fd.get(), chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno_message(path, "read"));
    if (n == 0) break;
    ZSTD_inBuffer input{chunk.data(), static_cast<size_t>(n), 0};
    while (input.pos < input.size && output.pos < output.size) {
      size_t r = ZSTD_decompressStream(ctx.get(), &output, &input);
      if (ZSTD_isError(r)) {
        return fail(fmt::format("{}: zstd: {}", path.native(), ZSTD_getErrorName(r)));
      }
      if (r == 0) break;  // end of the frame
    }
  }
  out.resize(output.pos);
  return {};
}

}  // namespace c2audit
