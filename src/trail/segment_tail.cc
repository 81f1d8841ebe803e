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

bool is_tag_frame(std::span<const uint8_t> payload, uint32_t version) {
  return version > 2 && is_type(payload, FrameType::batch_tag);
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

namespace {

// Walks a segment's frames in order, keeping how far it is whole and
// authenticated; with `mac`, checking every tag and the seal on the way.
class TailWalk {
 public:
  TailWalk(std::span<const uint8_t> bytes, const SegmentHeader& header, ChainMac* mac)
      : bytes_(bytes), version_(header.version), mac_(mac) {
    if (mac_) head_ = mac_->next(Digest{}, ChainDomain::header, bytes.first(header.header_size));
    end_.header = header;
    end_.size = bytes.size();
    end_.last_seq = header.first_seq - 1;
    end_.durable_end = header.header_size;
    tagged_ = end_;
  }

  Result<SegmentEnd> run() {
    for (size_t offset = end_.header.header_size;;) {
      if (!batch_open()) end_.durable_end = offset;
      FrameScan frame = scan_frame(bytes_, offset);
      if (frame.status == FrameStatus::end && !batch_open()) return end_;
      if ((frame.status == FrameStatus::torn && !end_.seal) || frame.status == FrameStatus::end) {
        tagged_.torn = true;  // records with no tag after them are part of the torn write
        return tagged_;
      }
      if (end_.seal) return fail(fmt::format("offset {}: data after the seal", offset));
      if (frame.status != FrameStatus::complete) {
        return fail(fmt::format("offset {}: {}", offset, frame.problem));
      }
      if (auto ok = take(frame, offset); !ok) return tl::unexpected(ok.error());
      offset = frame.next_offset;
    }
  }

 private:
  bool batch_open() const { return end_.record_count != tagged_.record_count; }

  Result<void> take(const FrameScan& frame, size_t offset) {
    if (auto seal = decode_seal(frame.payload)) return take_seal(*seal, offset);
    if (version_ > 2) {
      if (auto tag = split_tag_frame(frame.payload)) return take_tag(*tag, frame, offset);
    }
    if (auto record = split_record_frame(frame.payload, version_)) {
      return take_record(*record, frame, offset);
    }
    return fail(fmt::format("offset {}: unknown frame type", offset));
  }

  Result<void> take_seal(const Seal& seal, size_t offset) {
    if (batch_open()) {
      return fail(fmt::format("offset {}: records with no tag before the seal", offset));
    }
    if (mac_ && (seal.chain_head != head_ || !seal_is_authentic(*mac_, seal))) {
      return fail(fmt::format("offset {}: the seal does not authenticate", offset));
    }
    end_.seal = seal;
    return {};
  }

  Result<void> take_tag(const Digest& tag, const FrameScan& frame, size_t offset) {
    if (!batch_open()) {
      return fail(fmt::format("offset {}: a tag with no records before it", offset));
    }
    if (mac_) {
      size_t start = tagged_.durable_end;
      head_ = mac_->next(head_, ChainDomain::batch, bytes_.subspan(start, offset - start));
      if (head_ != tag) {
        return fail(fmt::format("offset {}: batch tag does not authenticate", offset));
      }
    }
    mark_tagged(tag, frame);
    decoder_.start_batch();
    return {};
  }

  Result<void> take_record(const RecordFrame& record, const FrameScan& frame, size_t offset) {
    if (auto ok = decoder_.decode(record.encoding, rec_); !ok) {
      return fail(fmt::format("offset {}: {}", offset, ok.error().message));
    }
    if (!record.tag && frame.next_offset - tagged_.durable_end > kMaxBatchSpan) {
      return fail(fmt::format("offset {}: records with no tag for longer than any batch",
                              tagged_.durable_end));
    }
    ++end_.record_count;
    end_.last_seq = rec_.seq;
    end_.last_time_ns = rec_.time_ns;
    if (!record.tag) return {};  // version 3: its batch's tag frame follows
    if (mac_) {                  // version 2: the record is its own batch
      head_ = mac_->next(head_, ChainDomain::record, record.encoding);
      if (head_ != *record.tag) {
        return fail(fmt::format("offset {}: record tag does not authenticate", offset));
      }
    }
    mark_tagged(*record.tag, frame);
    return {};
  }

  void mark_tagged(const Digest& tag, const FrameScan& frame) {
    end_.has_tag = true;
    end_.last_tag = tag;
    tagged_ = end_;
    tagged_.durable_end = frame.next_offset;
  }

  std::span<const uint8_t> bytes_;
  uint32_t version_;
  ChainMac* mac_;
  Digest head_{};      // with mac_: the chain so far
  SegmentEnd end_;     // as far as the walk has come
  SegmentEnd tagged_;  // as of the last tag: what a torn batch falls back to
  RecordDecoder decoder_;  // the records since the last tag
  AuditRecord rec_;
};

}  // namespace

Result<SegmentEnd> find_segment_end(std::span<const uint8_t> bytes, uint64_t expected_first_seq,
                                    ChainMac* mac) {
  auto header = decode_segment_header(bytes, bytes.size(), expected_first_seq);
  if (!header) return tl::unexpected(header.error());
  return TailWalk(bytes, *header, mac).run();
}

}  // namespace c2audit
