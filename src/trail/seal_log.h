// The seal log: one line for each seal, appended once the seal is on disk,
// to a file outside the trail (default /var/lib/c2audit/seals.log). Cutting
// the seal off a trail's newest segment makes it read as a crash, and
// removing the newest segments leaves a shorter trail that is consistent:
// the chain alone cannot tell. The log remembers how far each stream was
// sealed, so the next start and `verify` report a logged seal the trail no
// longer holds as tampering. Each line carries an HMAC under the host key,
// so a line cannot be edited or forged without it. What no file on the host
// can show: lines removed from the log's end together with the segments
// (root can do both); a copy off the host can (forwarding).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/file_descriptor.h"
#include "common/result.h"
#include "trail/hash_chain.h"
#include "trail/host_key.h"

namespace c2audit {

inline constexpr const char* kDefaultSealLog = "/var/lib/c2audit/seals.log";

struct LoggedSeal {
  std::string trail;    // the trail directory, canonical
  unsigned stream = 0;
  std::string segment;  // file name (without .zst)
  uint64_t last_seq = 0;
  Digest mac{};         // the seal's MAC
};

class SealLog {
 public:
  // Opens (creating it and a root-only directory) the log for appending.
  static Result<SealLog> open(const std::filesystem::path& path, const HostKey& key);

  // Appends one line and syncs it.
  Result<void> append(const LoggedSeal& seal);

 private:
  SealLog(FileDescriptor fd, std::filesystem::path path, ChainMac mac);
  FileDescriptor fd_;
  std::filesystem::path path_;
  ChainMac mac_;
};

// The last seal logged for each stream of `trail` (canonical), from the log
// at `path`; nullopt when there is no log. A line that is malformed or does
// not authenticate fails, naming its line.
Result<std::optional<std::map<unsigned, LoggedSeal>>> read_seal_log(
    const std::filesystem::path& path, const HostKey& key, const std::filesystem::path& trail);

// What the trail lacks of the last logged seals: for each stream, one line
// when the segment the log names is absent and nothing after it is present,
// or present without that seal (cut off, so it reads as a crash). Empty
// when all are there.
std::vector<std::string> missing_logged_seals(const std::filesystem::path& trail,
                                              const std::map<unsigned, LoggedSeal>& last);

}  // namespace c2audit
