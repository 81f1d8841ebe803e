// One record from the sensor's ring (include/c2audit/wire.h): it decodes
// or is refused, never read past its end (ASan), and a decoded one names a
// covered call.
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
  if (decoder.decode(std::span<const uint8_t>(data, size), rec) && rec.event.empty()) std::abort();
  return 0;
}
