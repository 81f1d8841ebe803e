#include "trail/seal.h"

#include <cstring>

#include "common/byte_span.h"
#include "common/little_endian.h"
#include "trail/segment_format.h"

namespace c2audit {
namespace {

constexpr size_t kMagicOffset = 1;
constexpr size_t kFieldsOffset = kMagicOffset + sizeof(kSealMagic);
constexpr size_t kMacOffset = kSealPayloadBytes - kDigestBytes;

void put_u64(std::string& out, uint64_t v) { append_le(out, v); }

uint64_t get_u64(std::span<const uint8_t> bytes, size_t& offset) {
  uint64_t v = load_le<uint64_t>(bytes, offset);
  offset += sizeof(v);
  return v;
}

template <size_t N>
void put_bytes(std::string& out, const std::array<uint8_t, N>& bytes) {
  out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

template <size_t N>
void get_bytes(std::span<const uint8_t> bytes, size_t& offset, std::array<uint8_t, N>& out) {
  std::memcpy(out.data(), bytes.data() + offset, N);
  offset += N;
}

// Everything the MAC covers: the payload without the MAC.
std::string seal_body(const Seal& seal) {
  std::string out(1, static_cast<char>(FrameType::seal));
  out.append(kSealMagic, sizeof(kSealMagic));
  put_bytes(out, seal.key_id);
  put_u64(out, seal.first_seq);
  put_u64(out, seal.last_seq);
  put_u64(out, seal.record_count);
  put_u64(out, seal.final_seal ? 1 : 0);
  put_u64(out, static_cast<uint64_t>(seal.first_time_ns));
  put_u64(out, static_cast<uint64_t>(seal.last_time_ns));
  put_u64(out, static_cast<uint64_t>(seal.sealed_ns));
  put_bytes(out, seal.chain_head);
  return out;
}

Digest compute_mac(ChainMac& mac, const Seal& seal) {
  std::string body = seal_body(seal);
  return mac.next(seal.chain_head, ChainDomain::seal, bytes_of(body));
}

}  // namespace

void authenticate_seal(ChainMac& mac, Seal& seal) { seal.mac = compute_mac(mac, seal); }

bool seal_is_authentic(ChainMac& mac, const Seal& seal) {
  return compute_mac(mac, seal) == seal.mac;
}

std::string encode_seal(const Seal& seal) {
  std::string out = seal_body(seal);
  put_bytes(out, seal.mac);
  return out;
}

std::optional<Seal> decode_seal(std::span<const uint8_t> payload) {
  if (payload.size() != kSealPayloadBytes || payload[0] != static_cast<uint8_t>(FrameType::seal) ||
      std::memcmp(payload.data() + kMagicOffset, kSealMagic, sizeof(kSealMagic)) != 0) {
    return std::nullopt;
  }
  Seal seal;
  size_t offset = kFieldsOffset;
  get_bytes(payload, offset, seal.key_id);
  seal.first_seq = get_u64(payload, offset);
  seal.last_seq = get_u64(payload, offset);
  seal.record_count = get_u64(payload, offset);
  seal.final_seal = get_u64(payload, offset) != 0;
  seal.first_time_ns = static_cast<int64_t>(get_u64(payload, offset));
  seal.last_time_ns = static_cast<int64_t>(get_u64(payload, offset));
  seal.sealed_ns = static_cast<int64_t>(get_u64(payload, offset));
  get_bytes(payload, offset, seal.chain_head);
  get_bytes(payload, offset, seal.mac);
  return offset == kMacOffset + kDigestBytes ? std::optional<Seal>(seal) : std::nullopt;
}

bool looks_like_seal(std::span<const uint8_t> payload) {
  if (payload.empty()) return false;
  if (payload[0] == static_cast<uint8_t>(FrameType::seal)) return true;
  return payload.size() >= kFieldsOffset &&
         std::memcmp(payload.data() + kMagicOffset, kSealMagic, sizeof(kSealMagic)) == 0;
}

}  // namespace c2audit
