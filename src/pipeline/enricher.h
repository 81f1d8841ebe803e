// Enricher: adds names the kernel does not know: the user name of auid (or of
// uid when auid is unset). Looked-up names are cached; a uid with no passwd
// entry is shown as its number.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "record/audit_record.h"

namespace c2audit {

class Enricher {
 public:
  void enrich(AuditRecord& rec);

 private:
  const std::string& user_name(uint32_t uid);
  std::unordered_map<uint32_t, std::string> names_;
};

}  // namespace c2audit
