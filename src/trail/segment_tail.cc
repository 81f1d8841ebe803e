#include "trail/segment_tail.h"

#include <fmt/format.h>

#include <cstring>

#include "record/record_codec.h"

namespace c2audit {
namespace {

bool is_type(std::span<const uint8_t> payload, FrameType type) {
  return !payload.empty() && payload[0] == static_cast<uint8_t>(type);
}

Digest trailing_digest(std::span<const uint8_t> payload) {
  Digest digest;
  std::memcpy(digest.data(), payload.data() + payload.size() - kDigestBytes, kDigestBytes);
  return digest;
}

}  // namespace

std::optional<RecordFrame> split_record_frame(std::span<const uint8_t> payload, uint32_t version) {
  size_t tag_bytes = version == 2 ? kDigestBytes : 0;
  if (payload.size() <= 1 + tag_bytes || !is_type(payload, FrameType::record)) return std::nullopt;
  RecordFrame frame;
  frame.encoding = payload.subspan(1, payload.size() - 1 - tag_bytes);
  if (tag_bytes) frame.tag = trailing_digest(payload);
  return frame;
}

std::optional<Digest> split_tag_frame(std::span<const uint8_t> payload) {
  if (payload.size() != 1 + kDigestBytes || !is_type(payload, FrameType::batch_tag)) {
    return std::nullopt;
  }
  return trailing_digest(payload);
}

BatchScan scan_batch(std::span<const uint8_t> segment, size_t offset, uint32_t version) {
  for (size_t at = offset;;) {
    FrameScan frame = scan_frame(segment, at);
    if (frame.status == FrameStatus::end) {
      if (at == offset) return BatchScan{};
      return BatchScan{FrameStatus::torn, 0, offset, "records with no tag after them"};
    }
    if (frame.status != FrameStatus::complete) {
      return BatchScan{frame.status, 0, at, std::move(frame.problem)};
    }
    if (version == 2 || !is_type(frame.payload, FrameType::record)) {
      return BatchScan{FrameStatus::complete, frame.next_offset, 0, {}};
    }
    if (frame.next_offset - offset > kMaxBatchSpan) {
      return BatchScan{FrameStatus::corrupt, 0, offset,
                       "records with no tag for longer than any batch c2auditd writes"};
    }
    at = frame.next_offset;
  }
}

Result<SegmentEnd> find_segment_end(std::span<const uint8_t> bytes, uint64_t expected_first_seq,
                                    ChainMac* mac) {
  auto header = decode_segment_header(bytes, bytes.size(), expected_first_seq);
  if (!header) return tl::unexpected(header.error());
  uint32_t version = header->version;
  Digest head{};  // with `mac`: the chain so far
  if (mac) head = mac->next(Digest{}, ChainDomain::header, bytes.first(header->header_size));
  SegmentEnd end;
  end.header = *header;
  end.size = bytes.size();
  end.last_seq = header->first_seq - 1;
  end.durable_end = header->header_size;
  SegmentEnd tagged = end;  // as of the last tag: what a torn batch falls back to
  for (size_t offset = header->header_size;;) {
    bool batch_open = end.record_count != tagged.record_count;
    if (!batch_open) end.durable_end = offset;
    FrameScan frame = scan_frame(bytes, offset);
    if (frame.status == FrameStatus::end && !batch_open) return end;
    if ((frame.status == FrameStatus::torn && !end.seal) || frame.status == FrameStatus::end) {
      tagged.torn = true;
      return tagged;
    }
    if (end.seal) return fail(fmt::format("offset {}: data after the seal", offset));
    if (frame.status != FrameStatus::complete) {
      return fail(fmt::format("offset {}: {}", offset, frame.problem));
    }
    if (auto seal = decode_seal(frame.payload)) {
      if (batch_open) return fail(fmt::format("offset {}: records with no tag before the seal", offset));
      if (mac && (seal->chain_head != head || !seal_is_authentic(*mac, *seal))) {
        return fail(fmt::format("offset {}: the seal does not authenticate", offset));
      }
      end.seal = seal;
    } else if (auto tag = version > 2 ? split_tag_frame(frame.payload) : std::nullopt) {
      if (!batch_open) return fail(fmt::format("offset {}: a tag with no records before it", offset));
      if (mac) {
        head = mac->next(head, ChainDomain::batch, bytes.subspan(tagged.durable_end, offset - tagged.durable_end));
        if (head != *tag) return fail(fmt::format("offset {}: batch tag does not authenticate", offset));
      }
      end.has_tag = true;
      end.last_tag = *tag;
      tagged = end;
      tagged.durable_end = frame.next_offset;
    } else if (auto record = split_record_frame(frame.payload, version)) {
      auto rec = decode_record(record->encoding);
      if (!rec) return fail(fmt::format("offset {}: {}", offset, rec.error().message));
      if (!record->tag && frame.next_offset - tagged.durable_end > kMaxBatchSpan) {
        return fail(fmt::format("offset {}: records with no tag for longer than any batch",
                                tagged.durable_end));
      }
      ++end.record_count;
      end.last_seq = rec->seq;
      end.last_time_ns = rec->time_ns;
      if (record->tag) {  // version 2: the record is its own batch
        if (mac) {
          head = mac->next(head, ChainDomain::record, record->encoding);
          if (head != *record->tag) {
            return fail(fmt::format("offset {}: record tag does not authenticate", offset));
          }
        }
        end.has_tag = true;
        end.last_tag = *record->tag;
        tagged = end;
        tagged.durable_end = frame.next_offset;
      }
    } else {
      return fail(fmt::format("offset {}: unknown frame type", offset));
    }
    offset = frame.next_offset;
  }
}

}  // namespace c2audit
