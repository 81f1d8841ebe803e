// A segment file's bytes, as search, verify and the daemon's resume read
// them: header, every frame, each record, tag and seal, batches, and the
// tail scan.
#include <cstddef>
#include <cstdint>
#include <span>

#include "record/record_codec.h"
#include "trail/seal.h"
#include "trail/segment_format.h"
#include "trail/segment_tail.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  (void)c2audit::find_segment_end(bytes, 1);
  auto header = c2audit::decode_segment_header(bytes, size, 1);
  size_t offset = header ? header->header_size : sizeof(c2audit::SegmentHeader);
  uint32_t version = header ? header->version : c2audit::kSegmentVersion;
  (void)c2audit::scan_batch(bytes, offset, version);
  c2audit::RecordDecoder decoder;
  c2audit::AuditRecord rec;
  for (;;) {
    c2audit::FrameScan frame = c2audit::scan_frame(bytes, offset);
    if (frame.status != c2audit::FrameStatus::complete) break;
    if (auto split = c2audit::split_record_frame(frame.payload, version)) {
      (void)decoder.decode(split->encoding, rec);
    } else if (c2audit::split_tag_frame(frame.payload)) {
      decoder.start_batch();
    } else {
      (void)c2audit::decode_seal(frame.payload);
    }
    offset = frame.next_offset;
  }
  return 0;
}
