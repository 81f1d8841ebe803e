#include "trail/hash_chain.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

#include "trail/host_key.h"

namespace c2audit {
namespace {

Digest reference_hmac(const HostKey& key, const Digest& previous, char domain,
                      const std::string& body) {
  std::string data(reinterpret_cast<const char*>(previous.data()), previous.size());
  data += domain;
  data += body;
  Digest out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.secret.data(), static_cast<int>(key.secret.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return out;
}

std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(ChainMacTest, EveryTagIsHmacSha256WithTheHostKey) {
  HostKey key;
  for (size_t i = 0; i < key.secret.size(); ++i) key.secret[i] = static_cast<uint8_t>(i * 7 + 1);
  auto mac = ChainMac::create(key);
  ASSERT_TRUE(mac);
  Digest previous{};
  for (int i = 0; i < 3; ++i) {  // the keyed context is reused between tags
    std::string body = "record " + std::to_string(i);
    Digest tag = mac->next(previous, ChainDomain::record, bytes(body));
    EXPECT_EQ(tag, reference_hmac(key, previous, 'R', body)) << i;
    previous = tag;
  }
  HostKey other = key;
  other.secret[0] ^= 1;
  auto other_mac = ChainMac::create(other);
  EXPECT_NE(other_mac->next(Digest{}, ChainDomain::record, bytes("x")),
            mac->next(Digest{}, ChainDomain::record, bytes("x")));
  EXPECT_NE(mac->next(Digest{}, ChainDomain::seal, bytes("x")),
            mac->next(Digest{}, ChainDomain::record, bytes("x")));
}

TEST(ChainMacTest, BodiesOfEveryLengthAcrossBlockBoundariesMatchOpenSslHmac) {
  HostKey key;
  for (size_t i = 0; i < key.secret.size(); ++i) key.secret[i] = static_cast<uint8_t>(0xa5 ^ i);
  auto mac = ChainMac::create(key);
  ASSERT_TRUE(mac);
  Digest previous{};
  std::string body;
  for (size_t len = 0; len <= 300; ++len) {  // SHA-256 blocks are 64 bytes
    Digest tag = mac->next(previous, ChainDomain::record, bytes(body));
    ASSERT_EQ(tag, reference_hmac(key, previous, 'R', body)) << "body of " << len << " bytes";
    previous = tag;
    body += static_cast<char>(len * 31 + 7);
  }
}

TEST(ChainMacTest, DigestHexRoundTrips) {
  Digest d{};
  d[0] = 0xab;
  d[31] = 0x01;
  Digest back{};
  ASSERT_TRUE(parse_digest_hex(digest_hex(d), back));
  EXPECT_EQ(back, d);
  EXPECT_FALSE(parse_digest_hex("zz", back));
}

}  // namespace
}  // namespace c2audit
