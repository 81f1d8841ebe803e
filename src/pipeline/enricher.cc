#include "pipeline/enricher.h"

#include <pwd.h>

#include <vector>

namespace c2audit {
namespace {

constexpr size_t kPasswdBufferBytes = 16384;

std::string lookup_user(uint32_t uid) {
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(kPasswdBufferBytes);
  if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found) {
    return entry.pw_name;
  }
  return std::to_string(uid);
}

}  // namespace

const std::string& Enricher::user_name(uint32_t uid) {
  auto it = names_.find(uid);
  if (it == names_.end()) it = names_.emplace(uid, lookup_user(uid)).first;
  return it->second;
}

void Enricher::enrich(AuditRecord& rec) {
  rec.user = user_name(subject_id(rec));
}

}  // namespace c2audit
