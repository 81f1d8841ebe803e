// What the forwarder reads and writes: its cursor file (root's, but read
// back after crashes), destinations as flags or a config file give them, and
// the syslog forms of any record the trail may hold.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "forward/forward_cursor.h"
#include "forward/forward_destination.h"
#include "forward/syslog_message.h"
#include "record/record_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (auto cursor = c2audit::parse_cursor(text)) {
    auto again = c2audit::parse_cursor(c2audit::format_cursor(*cursor));
    if (!again || !(*again == *cursor)) std::abort();  // what is saved reads back the same
  }
  c2audit::ForwardFlags flags;
  flags.plaintext = true;
  (void)c2audit::parse_destination(text, flags);
  if (auto rec = c2audit::decode_record(std::span<const uint8_t>(data, size))) {
    c2audit::HostIdentity host{"fuzz", std::string(32, '0')};
    for (auto format : {c2audit::ForwardFormat::json, c2audit::ForwardFormat::snare, c2audit::ForwardFormat::cef}) {
      (void)c2audit::syslog_message(*rec, host, format);
    }
  }
  return 0;
}
