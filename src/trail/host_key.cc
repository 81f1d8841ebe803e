#include "trail/host_key.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/file_descriptor.h"
#include "common/hex.h"
#include "common/private_path.h"

namespace c2audit {
namespace {

constexpr const char* kKeyPrefix = "c2audit-host-key v1 ";
constexpr mode_t kKeyMode = 0400;
constexpr mode_t kKeyDirMode = 0700;
constexpr mode_t kGroupOtherBits = 0077;
constexpr size_t kMaxKeyFileBytes = 256;

std::string errno_message(const std::filesystem::path& path, const char* what) {
  return fmt::format("key file {}: {}: {}", path.native(), what, std::strerror(errno));
}

void derive_id(HostKey& key) {
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(key.secret.data(), key.secret.size(), digest);
  std::memcpy(key.id.data(), digest, key.id.size());
}

Result<HostKey> parse_key(const std::filesystem::path& path, const std::string& text) {
  std::string prefix = kKeyPrefix;
  size_t hex_chars = 2 * kHostKeyBytes;
  if (!text.starts_with(prefix) || text.size() < prefix.size() + hex_chars) {
    return fail(fmt::format("key file {}: not a c2audit host key", path.native()));
  }
  HostKey key;
  if (!parse_hex(std::string_view(text).substr(prefix.size(), hex_chars), key.secret)) {
    return fail(fmt::format("key file {}: malformed key digits", path.native()));
  }
  derive_id(key);
  return key;
}

Result<void> create_key_file(const std::filesystem::path& path) {
  HostKey key;
  if (RAND_bytes(key.secret.data(), static_cast<int>(key.secret.size())) != 1) {
    return fail(fmt::format("key file {}: no randomness for a new key", path.native()));
  }
  std::string text = kKeyPrefix + to_hex(key.secret) + "\n";
  // O_EXCL: two daemons racing on first start never overwrite each other.
  FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kKeyMode));
  if (!fd.valid()) return fail(errno_message(path, "create"));
  bool ok = ::fchmod(fd.get(), kKeyMode) == 0 &&
            ::write(fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd.get()) == 0;
  OPENSSL_cleanse(text.data(), text.size());
  if (!ok) {
    auto error = errno_message(path, "write");
    ::unlink(path.c_str());
    return fail(error);
  }
  return {};
}

// Whoever could write the key's directory could swap in a key they know.
Result<void> check_key_directory(const std::filesystem::path& key_file) {
  std::filesystem::path parent = key_file.parent_path();
  return check_private_directory(parent.empty() ? std::filesystem::path(".") : parent,
                                 "key directory");
}

bool is_inside(const std::filesystem::path& path, const std::filesystem::path& dir) {
  std::error_code ec;  // a path that cannot be resolved is compared as written
  auto p = std::filesystem::weakly_canonical(path, ec);
  if (ec) p = std::filesystem::absolute(path, ec);
  auto d = std::filesystem::weakly_canonical(dir, ec);
  if (ec) d = std::filesystem::absolute(dir, ec);
  auto rel = p.lexically_normal().lexically_relative(d.lexically_normal());
  return !rel.empty() && *rel.begin() != "..";
}

}  // namespace

HostKey::~HostKey() { OPENSSL_cleanse(secret.data(), secret.size()); }

std::string key_id_hex(const KeyId& id) { return to_hex(id); }

Result<HostKey> load_host_key(const std::filesystem::path& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0) return fail(errno_message(path, "cannot read"));
  if (!S_ISREG(st.st_mode)) {
    return fail(fmt::format("key file {}: not a regular file", path.native()));
  }
  if (auto ok = check_owned_file(st, path, "key file"); !ok) return tl::unexpected(ok.error());
  if (st.st_mode & kGroupOtherBits) {
    return fail(fmt::format("key file {}: readable by group or others (mode {:o}); must be 0400",
                            path.native(), st.st_mode & 07777));
  }
  std::string text(kMaxKeyFileBytes, '\0');
  ssize_t n = ::read(fd.get(), text.data(), text.size());
  if (n < 0) return fail(errno_message(path, "read"));
  text.resize(static_cast<size_t>(n));
  auto key = parse_key(path, text);
  OPENSSL_cleanse(text.data(), text.size());
  return key;
}

Result<HostKey> load_or_create_host_key(const std::filesystem::path& path,
                                        const std::filesystem::path& trail_dir) {
  if (is_inside(path, trail_dir)) {
    return fail(fmt::format("key file {}: must be outside the trail directory {}", path.native(),
                            trail_dir.native()));
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return fail(errno_message(path, "stat"));
    auto parent = path.parent_path();
    if (!parent.empty() && ::mkdir(parent.c_str(), kKeyDirMode) != 0 && errno != EEXIST) {
      return fail(errno_message(parent, "cannot create key directory"));
    }
    if (auto ok = check_key_directory(path); !ok) return tl::unexpected(ok.error());
    if (auto ok = create_key_file(path); !ok) {
      if (auto raced = load_host_key(path)) return raced;  // another daemon made it first
      return tl::unexpected(ok.error());
    }
  } else if (auto ok = check_key_directory(path); !ok) {
    return tl::unexpected(ok.error());
  }
  return load_host_key(path);
}

}  // namespace c2audit
