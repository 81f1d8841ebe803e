// auditd rule lines (objectives import-auditd): any line parses to a rule or
// an error, and a rule converts to an objective or says why it cannot.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policy/auditd_convert.h"
#include "policy/auditd_rule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto rule = c2audit::parse_auditd_line(line);
  if (!rule) return 0;
  std::vector<std::string> approximations;
  (void)c2audit::convert_auditd_rule(*rule, approximations);
  return 0;
}
