// Watched files: the files objectives name literally ("/etc/shadow"), known
// by identity as well as by name. A hard link or a bind mount gives a file
// another name; the kernel judges an fd's object by its identity
// (c2a_inode_key), so an objective on /etc/shadow selects every open of that
// file, by any name, and the record names the watched file it really is.
//
// Identities change when a file is replaced (passwd renames a new
// /etc/shadow into place): the daemon resolves them again when a directory
// holding a watched file changes (common/directory_watch.h).
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

namespace c2audit {

// Which file a name leads to, as the kernel knows it: its superblock's device
// (major << 20 | minor) and inode.
struct FileIdentity {
  uint32_t dev = 0;
  uint64_t ino = 0;
  auto operator<=>(const FileIdentity&) const = default;
};

// The identity of what `path` names now, symlinks followed as an open follows
// them; nullopt when nothing is there.
std::optional<FileIdentity> identity_of(const std::string& path);

// One policy's watched files, resolved once.
struct WatchedFiles {
  std::map<std::string, uint64_t> watches;         // literal path -> objective bits
  std::map<std::string, FileIdentity> identities;  // of those that exist now

  // Resolves every watched path.
  static WatchedFiles resolve(std::map<std::string, uint64_t> watches);

  // Each existing file's identity and the objectives naming it (by any of
  // its watched names), as the kernel's map holds them.
  std::map<FileIdentity, uint64_t> masks() const;

  // The directories to watch for replacements: each file's parent, or the
  // nearest ancestor that exists when its parent does not (yet).
  std::vector<std::string> directories() const;
};

// Identity -> watched path, for the consumers naming a record's object:
// shared by threads. Entries are added and never removed while the daemon
// runs, so a record of a file's previous identity, still on its way from the
// kernel, is named all the same.
class WatchedNames {
 public:
  void add(const WatchedFiles& files);
  std::optional<std::string> path_of(FileIdentity identity) const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<FileIdentity, std::string> names_;
};

}  // namespace c2audit
