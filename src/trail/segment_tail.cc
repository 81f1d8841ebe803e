#include "trail/segment_tail.h"

#include <fmt/format.h>

#include <cstring>

#include "record/record_codec.h"

namespace c2audit {

std::optional<RecordFrame> split_record_frame(std::span<const uint8_t> payload) {
  if (payload.size() <= 1 + kDigestBytes || payload[0] != static_cast<uint8_t>(FrameType::record)) {
    return std::nullopt;
  }
  RecordFrame frame;
  frame.encoding = payload.subspan(1, payload.size() - 1 - kDigestBytes);
  std::memcpy(frame.tag.data(), payload.data() + payload.size() - kDigestBytes, kDigestBytes);
  return frame;
}

Result<SegmentEnd> find_segment_end(std::span<const uint8_t> bytes, uint64_t expected_first_seq,
                                    ChainMac* mac) {
  auto header = decode_segment_header(bytes, bytes.size(), expected_first_seq);
  if (!header) return tl::unexpected(header.error());
  Digest head{};  // with `mac`: the chain so far
  if (mac) head = mac->next(Digest{}, ChainDomain::header, bytes.first(header->header_size));
  SegmentEnd end;
  end.header = *header;
  end.size = bytes.size();
  end.last_seq = header->first_seq - 1;
  for (size_t offset = header->header_size;;) {
    end.durable_end = offset;
    FrameScan frame = scan_frame(bytes, offset);
    if (frame.status == FrameStatus::end) return end;
    if (frame.status == FrameStatus::torn && !end.seal) {
      end.torn = true;
      return end;
    }
    if (end.seal) return fail(fmt::format("offset {}: data after the seal", offset));
    if (frame.status != FrameStatus::complete) {
      return fail(fmt::format("offset {}: {}", offset, frame.problem));
    }
    if (auto seal = decode_seal(frame.payload)) {
      if (mac && (seal->chain_head != head || !seal_is_authentic(*mac, *seal))) {
        return fail(fmt::format("offset {}: the seal does not authenticate", offset));
      }
      end.seal = seal;
    } else if (auto record = split_record_frame(frame.payload)) {
      auto rec = decode_record(record->encoding);
      if (!rec) return fail(fmt::format("offset {}: {}", offset, rec.error().message));
      if (mac) {
        head = mac->next(head, ChainDomain::record, record->encoding);
        if (head != record->tag) {
          return fail(fmt::format("offset {}: record tag does not authenticate", offset));
        }
      }
      ++end.record_count;
      end.last_seq = rec->seq;
      end.last_time_ns = rec->time_ns;
      end.has_tag = true;
      end.last_tag = record->tag;
    } else {
      return fail(fmt::format("offset {}: unknown frame type", offset));
    }
    offset = frame.next_offset;
  }
}

}  // namespace c2audit
