// Record encodings. The whole input as one record on its own: it decodes or
// is refused; what decodes encodes again and decodes to the same record, and
// prints as JSON that parses (bytes that are not UTF-8 go as hex) and as a
// text line. Then the input as one batch, each record after a byte of its
// length: each decodes against the one before or is refused, the rest of
// the batch with it; what decodes encodes again, after the same records,
// to the same bytes (version 3) and back to the same record.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "record/record_codec.h"
#include "record/record_json.h"
#include "record/record_text.h"

namespace {

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

void one_record(std::span<const uint8_t> input) {
  auto rec = c2audit::decode_record(input);
  if (!rec) return;
  std::string again;
  c2audit::encode_record(*rec, again);
  auto back = c2audit::decode_record(bytes_of(again));
  if (!back || *back != *rec) {
    std::abort();  // a decoded record must survive its own encoding
  }
  if (nlohmann::json::accept(c2audit::to_json_line(*rec)) == false) std::abort();
  if (c2audit::to_text(*rec).find('\n') != std::string::npos) std::abort();  // one line
}

void one_batch(std::span<const uint8_t> input) {
  c2audit::RecordDecoder decoder, check;
  c2audit::RecordEncoder encoder;
  c2audit::AuditRecord rec, back;
  bool failed = false;
  while (!input.empty()) {
    size_t length = std::min<size_t>(input[0], input.size() - 1);
    auto encoding = input.subspan(1, length);
    input = input.subspan(1 + length);
    bool decoded = static_cast<bool>(decoder.decode(encoding, rec));
    if (failed && decoded) std::abort();  // nothing after a failure decodes
    if (!decoded) {
      failed = true;
      continue;
    }
    std::string again;
    encoder.encode(rec, again);
    bool told = !encoding.empty() && encoding[0] == c2audit::kRecordEncodingVersion;
    if (told && again != std::string(encoding.begin(), encoding.end())) std::abort();
    if (!check.decode(bytes_of(again), back) || back != rec) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> input(data, size);
  one_record(input);
  one_batch(input);
  return 0;
}
