#include "policy/watched_files.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <mutex>
#include <set>

#include "record/audit_record.h"  // kDeviceMinorBits

namespace c2audit {
namespace {

uint32_t kernel_device(dev_t dev) {
  return static_cast<uint32_t>(major(dev) << kDeviceMinorBits | minor(dev));
}

// The directory whose entries decide what `path` names: its parent, or the
// nearest ancestor that exists.
std::string directory_deciding(const std::string& path) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  while (!dir.empty() && dir != dir.root_path() && !std::filesystem::is_directory(dir, ec)) {
    dir = dir.parent_path();
  }
  return dir.empty() ? "/" : dir.native();
}

}  // namespace

std::optional<FileIdentity> identity_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileIdentity{kernel_device(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

WatchedFiles WatchedFiles::resolve(std::map<std::string, uint64_t> watches) {
  WatchedFiles out;
  for (const auto& [path, objectives] : watches) {
    if (auto identity = identity_of(path)) out.identities.emplace(path, *identity);
  }
  out.watches = std::move(watches);
  return out;
}

std::map<FileIdentity, uint64_t> WatchedFiles::masks() const {
  std::map<FileIdentity, uint64_t> out;
  for (const auto& [path, identity] : identities) out[identity] |= watches.at(path);
  return out;
}

std::vector<std::string> WatchedFiles::directories() const {
  std::set<std::string> dirs;
  for (const auto& [path, objectives] : watches) dirs.insert(directory_deciding(path));
  return {dirs.begin(), dirs.end()};
}

void WatchedNames::add(const WatchedFiles& files) {
  std::unique_lock lock(mutex_);
  for (const auto& [path, identity] : files.identities) names_.insert_or_assign(identity, path);
}

std::optional<std::string> WatchedNames::path_of(FileIdentity identity) const {
  std::shared_lock lock(mutex_);
  auto found = names_.find(identity);
  if (found == names_.end()) return std::nullopt;
  return found->second;
}

}  // namespace c2audit
