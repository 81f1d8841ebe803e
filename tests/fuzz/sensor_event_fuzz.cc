// One record from the sensor's ring (include/c2audit/wire.h): it decodes
// or is refused, never read past its end (ASan), and a decoded one names a
// covered call. Its watched directory field, if any, lies within it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "pipeline/event_decoder.h"
#include "record/audit_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static c2audit::BootToWallClock clock;
  static c2audit::EventDecoder decoder(clock);
  static c2audit::AuditRecord rec;  // reused, as a consumer does
  std::span<const uint8_t> raw(data, size);
  if (decoder.decode(raw, rec) && rec.event.empty()) std::abort();
  if (auto dir = c2audit::watched_dir_of(raw)) {
    const auto* below = reinterpret_cast<const uint8_t*>(dir->below.data());
    if (below < data || below + dir->below.size() > data + size || !dir->below.starts_with('/'))
      std::abort();
  }
  return 0;
}
