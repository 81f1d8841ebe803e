#include "trail/hash_chain.h"

// The low-level SHA-256 interface is deprecated in OpenSSL 3 but kept
// through 3.x. It is used because its context is a plain struct: HMAC
// through EVP duplicates a provider context (an allocation, a copy and a
// cleanse) for every tag, which was over a quarter of the daemon's CPU in
// an open storm, the MAC itself included.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "common/hex.h"

namespace c2audit {
namespace {

constexpr size_t kBlockBytes = SHA256_CBLOCK;
static_assert(kHostKeyBytes <= kBlockBytes, "a longer key would first be hashed (RFC 2104)");

// SHA-256 state after absorbing the key XORed with one HMAC pad.
SHA256_CTX padded_key_state(const HostKey& key, uint8_t pad) {
  std::array<uint8_t, kBlockBytes> block{};
  for (size_t i = 0; i < block.size(); ++i) {
    block[i] = static_cast<uint8_t>((i < key.secret.size() ? key.secret[i] : 0) ^ pad);
  }
  SHA256_CTX state;
  SHA256_Init(&state);
  SHA256_Update(&state, block.data(), block.size());
  OPENSSL_cleanse(block.data(), block.size());
  return state;
}

}  // namespace

// HMAC-SHA256 (RFC 2104) from the two padded-key states, derived once.
struct ChainMac::Impl {
  SHA256_CTX inner, outer;
  ~Impl() { OPENSSL_cleanse(this, sizeof(*this)); }  // they stand for the key
};

Result<ChainMac> ChainMac::create(const HostKey& key) {
  auto impl = std::make_unique<Impl>();
  impl->inner = padded_key_state(key, 0x36);
  impl->outer = padded_key_state(key, 0x5c);
  return ChainMac(std::move(impl));
}

ChainMac::ChainMac(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ChainMac::ChainMac(ChainMac&&) noexcept = default;
ChainMac& ChainMac::operator=(ChainMac&&) noexcept = default;
ChainMac::~ChainMac() = default;

Digest ChainMac::next(const Digest& previous, ChainDomain domain, std::span<const uint8_t> body) {
  auto tag = static_cast<uint8_t>(domain);
  Digest inner_digest{}, out{};
  SHA256_CTX state = impl_->inner;
  SHA256_Update(&state, previous.data(), previous.size());
  SHA256_Update(&state, &tag, 1);
  SHA256_Update(&state, body.data(), body.size());
  SHA256_Final(inner_digest.data(), &state);
  state = impl_->outer;
  SHA256_Update(&state, inner_digest.data(), inner_digest.size());
  SHA256_Final(out.data(), &state);
  return out;
}

std::string digest_hex(const Digest& digest) { return to_hex(digest); }

bool parse_digest_hex(const std::string& text, Digest& out) { return parse_hex(text, out); }

}  // namespace c2audit
