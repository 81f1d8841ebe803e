#include "forward/forward_cursor.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/decimal.h"
#include "common/file_descriptor.h"
#include "trail/trail_streams.h"

namespace c2audit {
namespace {

constexpr std::string_view kMagic = "c2audit forward cursor 1";
constexpr size_t kMaxCursorBytes = 64u << 10;  // 256 streams take ~15 KiB

std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> words;
  size_t at = 0;
  while (at < line.size()) {
    size_t end = line.find(' ', at);
    if (end == std::string_view::npos) end = line.size();
    words.push_back(line.substr(at, end - at));
    at = end + 1;
  }
  return words;
}

// "stream <i> segment <first seq> offset <n> seq <last seq>"
Result<void> parse_stream_line(std::string_view line, ForwardCursor& cursor) {
  auto words = words_of(line);
  if (words.size() != 8 || words[2] != "segment" || words[4] != "offset" || words[6] != "seq") {
    return fail("expected 'stream <n> segment <seq> offset <n> seq <seq>'");
  }
  auto index = parse_decimal<unsigned>(words[1]);
  auto segment = parse_decimal<uint64_t>(words[3]);
  auto offset = parse_decimal<uint64_t>(words[5]);
  auto seq = parse_decimal<uint64_t>(words[7]);
  if (!index || !segment || !offset || !seq) return fail("not a number where one belongs");
  if (*index >= kMaxStreams) return fail(fmt::format("stream {} past the last ({})", *index, kMaxStreams - 1));
  if (!cursor.streams.emplace(*index, StreamPosition{*segment, *offset, *seq}).second) {
    return fail(fmt::format("stream {} named twice", *index));
  }
  return {};
}

Result<void> write_all(int fd, std::string_view text, const std::filesystem::path& path) {
  while (!text.empty()) {
    ssize_t wrote = ::write(fd, text.data(), text.size());
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0) return fail(fmt::format("{}: {}", path.native(), std::strerror(errno)));
    text.remove_prefix(static_cast<size_t>(wrote));
  }
  return {};
}

}  // namespace

std::string format_cursor(const ForwardCursor& cursor) {
  std::string text = fmt::format("{}\ndestination {}\n", kMagic, cursor.destination);
  for (const auto& [index, at] : cursor.streams) {
    text += fmt::format("stream {} segment {} offset {} seq {}\n", index, at.segment, at.offset,
                        at.last_seq);
  }
  return text;
}

Result<ForwardCursor> parse_cursor(std::string_view text) {
  ForwardCursor cursor;
  size_t number = 0;
  bool have_destination = false;
  while (!text.empty()) {
    size_t end = text.find('\n');
    if (end == std::string_view::npos) return fail(fmt::format("line {}: no newline at its end", number + 1));
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    ++number;
    Result<void> ok;
    if (number == 1) {
      if (line != kMagic) ok = fail(fmt::format("not a forward cursor (expected '{}')", kMagic));
    } else if (number == 2) {
      if (line.starts_with("destination ")) {
        cursor.destination = line.substr(std::strlen("destination "));
        have_destination = true;
      } else {
        ok = fail("expected 'destination <url>'");
      }
    } else if (line.starts_with("stream ")) {
      ok = parse_stream_line(line, cursor);
    } else {
      ok = fail("expected 'stream ...'");
    }
    if (!ok) return fail(fmt::format("line {}: {}", number, ok.error().message));
  }
  if (!have_destination) return fail(fmt::format("line {}: ends before 'destination'", number + 1));
  return cursor;
}

Result<ForwardCursor> load_cursor(const std::filesystem::path& file) {
  FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return ForwardCursor{};
    return fail(fmt::format("{}: {}", file.native(), std::strerror(errno)));
  }
  std::string text(kMaxCursorBytes + 1, '\0');
  size_t have = 0;
  while (have < text.size()) {
    ssize_t got = ::read(fd.get(), text.data() + have, text.size() - have);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail(fmt::format("{}: {}", file.native(), std::strerror(errno)));
    if (got == 0) break;
    have += static_cast<size_t>(got);
  }
  if (have > kMaxCursorBytes) {
    return fail(fmt::format("{}: larger than a cursor can be ({} bytes)", file.native(), kMaxCursorBytes));
  }
  text.resize(have);
  auto cursor = parse_cursor(text);
  if (!cursor) return tl::unexpected(with_context(file.native(), cursor.error()));
  return cursor;
}

Result<void> save_cursor(const std::filesystem::path& file, const ForwardCursor& cursor) {
  std::filesystem::path next = file;
  next += ".new";
  ::unlink(next.c_str());  // a crash's leftover; O_EXCL below refuses anything planted since
  FileDescriptor fd(::open(next.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return fail(fmt::format("{}: {}", next.native(), std::strerror(errno)));
  if (auto ok = write_all(fd.get(), format_cursor(cursor), next); !ok) return ok;
  if (::fsync(fd.get()) != 0) return fail(fmt::format("{}: {}", next.native(), std::strerror(errno)));
  if (::rename(next.c_str(), file.c_str()) != 0) {
    return fail(fmt::format("{}: {}", file.native(), std::strerror(errno)));
  }
  FileDescriptor dir(::open(file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.valid()) ::fsync(dir.get());  // the rename itself made durable
  return {};
}

std::string cursor_file_name(const std::string& host, uint16_t port) {
  std::string safe;
  for (char c : host) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-';
    safe += plain ? c : '_';
  }
  return fmt::format("forward-{}-{}.cursor", safe, port);
}

}  // namespace c2audit
