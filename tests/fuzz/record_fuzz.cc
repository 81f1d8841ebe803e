// One record encoding: it decodes or is refused; what decodes encodes again
// and decodes to the same record, and prints as JSON that parses (bytes that
// are not UTF-8 go as hex) and as a text line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "record/record_codec.h"
#include "record/record_json.h"
#include "record/record_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto rec = c2audit::decode_record(std::span<const uint8_t>(data, size));
  if (!rec) return 0;
  std::string again;
  c2audit::encode_record(*rec, again);
  auto back = c2audit::decode_record(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(again.data()), again.size()));
  if (!back || *back != *rec) {
    std::abort();  // a decoded record must survive its own encoding
  }
  if (nlohmann::json::accept(c2audit::to_json_line(*rec)) == false) std::abort();
  if (c2audit::to_text(*rec).find('\n') != std::string::npos) std::abort();  // one line
  return 0;
}
