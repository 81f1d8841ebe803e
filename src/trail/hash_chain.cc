#include "trail/hash_chain.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "common/hex.h"

namespace c2audit {
namespace {

struct MacDeleter {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

}  // namespace

struct ChainMac::Impl {
  std::unique_ptr<EVP_MAC, MacDeleter> mac;
  std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> keyed;  // key set once, reused per tag
};

Result<ChainMac> ChainMac::create(const HostKey& key) {
  auto impl = std::make_unique<Impl>();
  impl->mac.reset(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!impl->mac) return fail("OpenSSL: HMAC not available");
  impl->keyed.reset(EVP_MAC_CTX_new(impl->mac.get()));
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                         OSSL_PARAM_construct_end()};
  if (!impl->keyed ||
      EVP_MAC_init(impl->keyed.get(), key.secret.data(), key.secret.size(), params) != 1) {
    return fail("OpenSSL: cannot key HMAC-SHA256");
  }
  return ChainMac(std::move(impl));
}

ChainMac::ChainMac(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ChainMac::ChainMac(ChainMac&&) noexcept = default;
ChainMac& ChainMac::operator=(ChainMac&&) noexcept = default;
ChainMac::~ChainMac() = default;

Digest ChainMac::next(const Digest& previous, ChainDomain domain, std::span<const uint8_t> body) {
  // Re-initialising without a key reuses the HMAC pads derived at create().
  EVP_MAC_CTX* ctx = impl_->keyed.get();
  auto tag = static_cast<uint8_t>(domain);
  Digest out{};
  size_t out_len = 0;
  if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(ctx, previous.data(), previous.size()) != 1 ||
      EVP_MAC_update(ctx, &tag, 1) != 1 || EVP_MAC_update(ctx, body.data(), body.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &out_len, out.size()) != 1) {
    // Only allocation failure gets here; an all-zero tag never verifies.
    out.fill(0);
  }
  return out;
}

std::string digest_hex(const Digest& digest) { return to_hex(digest); }

bool parse_digest_hex(const std::string& text, Digest& out) { return parse_hex(text, out); }

}  // namespace c2audit
