// HostKey: the per-host secret that authenticates the trail's hash chain and
// seals. Created at first start (32 random bytes from OpenSSL's CSPRNG) in a
// root-only file outside the trail directory, so that a copy of the trail
// (backup, forwarded segments) never carries the means to re-seal it.
//
// File format, one line: "c2audit-host-key v1 <64 hex digits>\n", mode 0400.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include "common/result.h"

namespace c2audit {

inline constexpr const char* kDefaultKeyFile = "/etc/c2audit/host.key";
inline constexpr size_t kHostKeyBytes = 32;
inline constexpr size_t kKeyIdBytes = 8;

using KeyId = std::array<uint8_t, kKeyIdBytes>;

struct HostKey {
  std::array<uint8_t, kHostKeyBytes> secret{};
  KeyId id{};  // first bytes of SHA-256(secret): names the key without revealing it

  ~HostKey();  // wipes the secret
};

// Reads the key at `path`; fails (naming the file) when it is missing,
// unreadable, malformed, or readable by group/others.
Result<HostKey> load_host_key(const std::filesystem::path& path);

// Loads the key, or creates it (and its directory, 0700) when the file does
// not exist yet. Refuses a key path inside `trail_dir`.
Result<HostKey> load_or_create_host_key(const std::filesystem::path& path,
                                        const std::filesystem::path& trail_dir);

std::string key_id_hex(const KeyId& id);

}  // namespace c2audit
