// Segment files an intruder crafted: sizes come from what is really there,
// bounded by the format, never from a length written in the file.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zstd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "scratch_files.h"
#include "trail/segment_compressor.h"
#include "trail/segment_format.h"
#include "trail/trail_reader.h"

namespace c2audit {
namespace {

namespace fs = std::filesystem;

class SegmentBoundsTest : public testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(scratch_.path().empty()); }
  fs::path at(const std::string& name) { return scratch_.path() / name; }
  testing_files::ScratchDir scratch_{"c2audit-bounds"};
};

// A zstd frame whose header claims 1 TiB of content, holding 16 bytes: one
// raw, last block (RFC 8878: frame header descriptor 0xE0 = 8-byte content
// size, single segment).
std::vector<uint8_t> frame_claiming_a_terabyte() {
  std::vector<uint8_t> frame = {0x28, 0xB5, 0x2F, 0xFD, 0xE0};
  uint64_t claimed = 1ull << 40;
  for (int i = 0; i < 8; ++i) frame.push_back(static_cast<uint8_t>(claimed >> (8 * i)));
  uint32_t block = 1 | (0 << 1) | (16 << 3);  // last, raw, 16 bytes
  for (int i = 0; i < 3; ++i) frame.push_back(static_cast<uint8_t>(block >> (8 * i)));
  frame.insert(frame.end(), 16, 'x');
  return frame;
}

TEST_F(SegmentBoundsTest, ZstdFrameClaimingATerabyteIsAnErrorNotAnAllocation) {
  fs::path file = at(segment_file_name(1) + kCompressedSuffix);
  testing_files::write_bytes(file, frame_claiming_a_terabyte());
  std::vector<uint8_t> out;
  auto read = read_segment_bytes({file, 1, true}, out);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find(file.native()), std::string::npos) << read.error().message;
  EXPECT_LT(out.capacity(), 64u << 20) << "sized from the frame's claim";
}

TEST_F(SegmentBoundsTest, DecompressionStopsAtTheLimit) {
  std::vector<uint8_t> zeros(8 << 20, 0);
  std::vector<uint8_t> packed(ZSTD_compressBound(zeros.size()));
  size_t n = ZSTD_compress(packed.data(), packed.size(), zeros.data(), zeros.size(), 1);
  ASSERT_FALSE(ZSTD_isError(n));
  packed.resize(n);
  fs::path file = at("bomb.zst");
  testing_files::write_bytes(file, packed);
  std::vector<uint8_t> out;
  auto read = read_compressed_file(file, 1 << 20, out);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("more than a segment can hold"), std::string::npos)
      << read.error().message;
  EXPECT_TRUE(read_compressed_file(file, 8 << 20, out)) << "the same frame within the limit";
  EXPECT_EQ(out.size(), zeros.size());
}

TEST_F(SegmentBoundsTest, SparseTerabyteSegmentIsRefusedUnread) {
  fs::path file = at(segment_file_name(1));
  SegmentHeader header{};
  header.first_seq = 1;
  std::string bytes = encode_segment_header(header);  // a header that reads as valid
  testing_files::write_bytes(file, std::vector<uint8_t>(bytes.begin(), bytes.end()));
  ASSERT_EQ(::truncate(file.c_str(), 1ll << 40), 0);
  std::vector<uint8_t> out;
  auto read = read_segment_bytes({file, 1, false}, out);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("more than a segment can hold"), std::string::npos)
      << read.error().message;
  EXPECT_TRUE(out.empty());

  auto reader = TrailReader::open(scratch_.path());
  ASSERT_TRUE(reader) << reader.error().message;
  auto done = reader->for_each([](const AuditRecord&) { return true; });
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().message.find(file.native()), std::string::npos) << done.error().message;
}

}  // namespace
}  // namespace c2audit
