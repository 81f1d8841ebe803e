// Time and duration arguments (search --since/--until, --retain-age,
// --max-segment-age) and record times shown back.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "record/time_format.h"
#include "trail/storage_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (auto ns = c2audit::parse_time_arg(text, 1'795'545'124'000'000'000)) {
    (void)c2audit::format_rfc3339(*ns);
  }
  (void)c2audit::parse_duration_ns(text);
  if (size >= sizeof(int64_t)) {
    int64_t any;
    std::memcpy(&any, data, sizeof any);
    (void)c2audit::format_rfc3339(any);
  }
  return 0;
}
