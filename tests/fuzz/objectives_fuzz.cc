// Objective files: any text is parsed to objectives or to an error naming
// where; what parses is compiled (globs, candidate index) and judged once.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "policy/objective_file.h"
#include "policy/objective_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto no_users = [](const std::string&) -> std::optional<uint32_t> { return std::nullopt; };
  auto objectives = c2audit::parse_objectives(text, "fuzz.toml", no_users);
  if (!objectives) return 0;
  c2audit::ObjectiveSet set("fuzz", std::move(*objectives), {"fuzz.toml"});
  c2audit::AuditRecord rec;
  rec.event = "openat";
  rec.event_class = "file.read";
  rec.path = "/etc/shadow";
  rec.exe = "/usr/bin/cat";
  (void)set.match(rec);
  return 0;
}
