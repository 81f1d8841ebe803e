#include "trail/seal_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/byte_span.h"
#include "common/hex.h"
#include "common/private_path.h"
#include "trail/append_only.h"
#include "trail/segment_compressor.h"
#include "trail/segment_format.h"
#include "trail/segment_tail.h"
#include "trail/trail_streams.h"

namespace c2audit {
namespace {

using nlohmann::json;

constexpr size_t kMaxLogBytes = 64u << 20;  // a line per seal: years of 64 MiB segments

// The line's fields without its tag, as the tag covers them (keys sorted).
json fields_of(const LoggedSeal& seal) {
  return json{{"trail", seal.trail},     {"stream", seal.stream},
              {"segment", seal.segment}, {"last_seq", seal.last_seq},
              {"seal", to_hex(seal.mac)}};
}

std::string tag_of(ChainMac& mac, const json& fields) {
  return to_hex(mac.next(Digest{}, ChainDomain::seal_log, bytes_of(fields.dump())));
}

Result<LoggedSeal> parse_line(std::string_view line, ChainMac& mac) {
  json j = json::parse(line, nullptr, false);
  if (!j.is_object() || !j.contains("tag") || !j["tag"].is_string()) return fail("not a seal line");
  std::string tag = j["tag"];
  j.erase("tag");
  if (tag != tag_of(mac, j)) return fail("does not authenticate (edited, or another host key)");
  LoggedSeal seal;
  try {
    seal.trail = j.at("trail").get<std::string>();
    seal.stream = j.at("stream").get<unsigned>();
    seal.segment = j.at("segment").get<std::string>();
    seal.last_seq = j.at("last_seq").get<uint64_t>();
    if (!parse_digest_hex(j.at("seal").get<std::string>(), seal.mac)) return fail("bad seal");
  } catch (const json::exception&) {
    return fail("missing or mistyped field");
  }
  return seal;
}

// The segment of `dir` whose file is `name` (raw or compressed), if any.
std::optional<SegmentFile> find_segment(const std::vector<SegmentFile>& segments,
                                        const std::string& name) {
  for (const auto& segment : segments) {
    std::string file = segment.path.filename().native();
    if (file == name || file == name + kCompressedSuffix) return segment;
  }
  return std::nullopt;
}

// Why the trail lacks the stream's last logged seal; nullopt when it has it.
std::optional<std::string> lacks(const std::filesystem::path& dir, const LoggedSeal& seal) {
  std::string label = stream_file_label(seal.stream, seal.segment);
  std::vector<std::filesystem::path> not_files;
  auto segments = list_segments(dir, &not_files);
  if (!segments) return fmt::format("{}: {}", label, segments.error().message);
  auto segment = find_segment(*segments, seal.segment);
  if (!segment) {
    for (const auto& other : *segments) {
      if (other.first_seq > seal.last_seq) return std::nullopt;  // older: retention's, checked by verify
    }
    return fmt::format("{}: sealed after seq {} by the seal log, but not in the trail (the newest "
                       "segments were removed)",
                       label, seal.last_seq);
  }
  std::vector<uint8_t> bytes;
  auto end = read_segment_bytes(*segment, bytes)
                 ? find_segment_end(bytes, segment->first_seq)
                 : Result<SegmentEnd>(fail("unreadable"));
  if (end && end->seal && end->seal->mac == seal.mac) return std::nullopt;
  return fmt::format("{}: sealed after seq {} by the seal log, but it holds {} (records cut off: "
                     "it would read as a crash)",
                     label, seal.last_seq,
                     !end ? "damage" : end->seal ? "another seal" : "no seal");
}

}  // namespace

SealLog::SealLog(FileDescriptor fd, std::filesystem::path path, ChainMac mac)
    : fd_(std::move(fd)), path_(std::move(path)), mac_(std::move(mac)) {}

Result<SealLog> SealLog::open(const std::filesystem::path& path, const HostKey& key) {
  auto dir = path.parent_path();
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail(fmt::format("{}: cannot create seal log directory: {}", dir.native(),
                            std::strerror(errno)));
  }
  if (auto ok = check_private_directory(dir, "seal log directory"); !ok) {
    return tl::unexpected(ok.error());
  }
  FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
                           0600));
  if (!fd.valid()) {
    return fail(fmt::format("{}: cannot open seal log: {}", path.native(), std::strerror(errno)));
  }
  set_append_only(fd.get(), true);  // where the file system has the flag
  auto mac = ChainMac::create(key);
  if (!mac) return tl::unexpected(mac.error());
  return SealLog(std::move(fd), path, std::move(*mac));
}

Result<void> SealLog::append(const LoggedSeal& seal) {
  json line = fields_of(seal);
  line["tag"] = tag_of(mac_, line);
  std::string text = line.dump() + "\n";
  // O_APPEND: one write of a short line lands whole, whatever other streams write.
  if (::write(fd_.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
      ::fdatasync(fd_.get()) != 0) {
    return fail(fmt::format("{}: cannot append: {}", path_.native(), std::strerror(errno)));
  }
  return {};
}

Result<std::optional<std::map<unsigned, LoggedSeal>>> read_seal_log(
    const std::filesystem::path& path, const HostKey& key, const std::filesystem::path& trail) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) return std::nullopt;
  std::vector<uint8_t> bytes;
  if (auto ok = read_file_at_most(path, kMaxLogBytes, bytes); !ok) return tl::unexpected(ok.error());
  auto mac = ChainMac::create(key);
  if (!mac) return tl::unexpected(mac.error());
  std::string canonical = std::filesystem::weakly_canonical(trail, ec).native();
  std::map<unsigned, LoggedSeal> last;
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  for (size_t number = 1; !text.empty(); ++number) {
    size_t end = text.find('\n');
    if (end == std::string_view::npos) break;  // a torn last line: a crash mid-write
    auto seal = parse_line(text.substr(0, end), *mac);
    if (!seal) {
      return fail(fmt::format("{}: line {}: {}", path.native(), number, seal.error().message));
    }
    if (seal->trail == canonical) last[seal->stream] = std::move(*seal);
    text.remove_prefix(end + 1);
  }
  return last;
}

std::vector<std::string> missing_logged_seals(const std::filesystem::path& trail,
                                              const std::map<unsigned, LoggedSeal>& last) {
  std::vector<std::string> missing;
  for (const auto& [stream, seal] : last) {
    if (auto why = lacks(stream_dir(trail, stream), seal)) missing.push_back(std::move(*why));
  }
  return missing;
}

}  // namespace c2audit
