// Seal: the last frame of a closed segment. It states what the segment holds
// (seq range, record count, time range, chain head) and is authenticated by
// the host key, so a reader holding the key knows the segment is complete
// and unmodified. The next segment's header names the seal's MAC, which
// links segments into one chain: removing, reordering or truncating whole
// segments breaks a link that cannot be re-forged without the key.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "common/result.h"
#include "trail/hash_chain.h"
#include "trail/host_key.h"

namespace c2audit {

inline constexpr char kSealMagic[8] = {'C', '2', 'S', 'E', 'A', 'L', 0, 0};

struct Seal {
  KeyId key_id{};
  uint64_t first_seq = 0;  // of the segment (from its header)
  uint64_t last_seq = 0;   // first_seq - 1 when the segment holds no record
  uint64_t record_count = 0;
  // A clean stop's seal ends the trail for now; a rotation's seal promises a
  // next segment. A rotation seal with nothing after it means the daemon died
  // between sealing one segment and starting the next: a crash, not a stop.
  bool final_seal = false;
  int64_t first_time_ns = 0, last_time_ns = 0;  // of its records; 0 when none
  int64_t sealed_ns = 0;
  Digest chain_head{};  // tag of the last record (or of the header when none)
  Digest mac{};         // HMAC over everything above, chained from chain_head
};

// Size of a seal frame's payload: type byte, magic, fields, MAC.
inline constexpr size_t kSealPayloadBytes =
    1 + sizeof(kSealMagic) + kKeyIdBytes + 4 * 8 + 3 * 8 + kDigestBytes + kDigestBytes;

// Fills seal.mac from the other fields.
void authenticate_seal(ChainMac& mac, Seal& seal);

// True when seal.mac matches the other fields.
bool seal_is_authentic(ChainMac& mac, const Seal& seal);

// The frame payload ('S' + magic + fields + MAC).
std::string encode_seal(const Seal& seal);

// Parses a seal frame payload; nullopt when it is not one.
std::optional<Seal> decode_seal(std::span<const uint8_t> payload);

// Whether a (possibly damaged) payload was meant as a seal: the type byte or
// the magic says so. One flipped byte cannot hide both.
bool looks_like_seal(std::span<const uint8_t> payload);

}  // namespace c2audit
