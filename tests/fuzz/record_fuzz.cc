// One record encoding: it decodes or is refused; what decodes encodes again
// and decodes to the same record.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "record/record_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto rec = c2audit::decode_record(std::span<const uint8_t>(data, size));
  if (!rec) return 0;
  std::string again;
  c2audit::encode_record(*rec, again);
  auto back = c2audit::decode_record(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(again.data()), again.size()));
  if (!back || back->seq != rec->seq || back->path != rec->path || back->time_ns != rec->time_ns) {
    std::abort();  // a decoded record must survive its own encoding
  }
  return 0;
}
