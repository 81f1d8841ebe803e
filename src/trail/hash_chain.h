// The trail's keyed hash chain. Every tag is
//   tag_i = HMAC-SHA256(host key, tag_{i-1} || domain || body)
// starting from the tag of the segment header, where the body is one record
// (segment version 2) or a batch of record frames (version 3), so each tag
// authenticates everything before it in its segment, and (through the
// header, which names the previous seal) everything before that segment. Keyed rather than plain
// SHA-256 so that a forged or edited record is pinpointed even when the
// forger recomputes every later tag: without the key that is impossible.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "common/result.h"
#include "trail/host_key.h"

namespace c2audit {

inline constexpr size_t kDigestBytes = 32;
using Digest = std::array<uint8_t, kDigestBytes>;

// Domain separators: a header, a record, a batch, a seal and a seal log line
// can never collide.
enum class ChainDomain : uint8_t {
  header = 'H',
  record = 'R',
  batch = 'T',
  seal = 'S',
  seal_log = 'L'
};

class ChainMac {
 public:
  static Result<ChainMac> create(const HostKey& key);

  ChainMac(ChainMac&&) noexcept;
  ChainMac& operator=(ChainMac&&) noexcept;
  ~ChainMac();

  // HMAC(key, previous || domain || body).
  Digest next(const Digest& previous, ChainDomain domain, std::span<const uint8_t> body);

 private:
  struct Impl;
  explicit ChainMac(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

std::string digest_hex(const Digest& digest);
// Parses 64 hex digits; false when malformed.
bool parse_digest_hex(const std::string& text, Digest& out);

}  // namespace c2audit
