// The field list (record_fields.h) drives encoding, JSON and text: every field
// it gives a kind must come through each of them, so a field added there is
// checked here without a test of its own.
#include "record/record_fields.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "record/record_codec.h"
#include "record/record_json.h"
#include "record/record_text.h"

namespace c2audit {
namespace {

constexpr unsigned kPresentBits = 64;  // one varint of present bits

// Sets every field to a value other than its absent one.
struct FillEveryField {
  void operator()(const FieldSpec& spec, std::string& s) { s = std::string(spec.name) + "-value"; }
  void operator()(const FieldSpec& spec, std::vector<std::string>& argv) {
    argv = {std::string(spec.name), "second"};
  }
  template <typename T>
  void operator()(const FieldSpec&, T& v, T absent) {
    v = static_cast<T>(absent + 1);
  }
  void operator()(const FieldSpec&, bool& flag, bool absent) { flag = !absent; }
};

// Expects every field to hold its absent value.
struct ExpectAbsent {
  void operator()(const FieldSpec& spec, const std::string& s) {
    EXPECT_TRUE(s.empty()) << spec.name;
  }
  void operator()(const FieldSpec& spec, const std::vector<std::string>& argv) {
    EXPECT_TRUE(argv.empty()) << spec.name;
  }
  template <typename T>
  void operator()(const FieldSpec& spec, T v, T absent) {
    EXPECT_EQ(v, absent) << spec.name;
  }
};

// The names of the fields a kind has, and of those the text line shows by the list.
struct KindFields {
  explicit KindFields(RecordKind of) : kind(kind_bit(of)) {}
  uint8_t kind;
  std::set<std::string> all, text_by_list;
  void operator()(const FieldSpec& spec, const auto&...) {
    if (!(spec.kinds & kind)) return;
    all.insert(std::string(spec.name));
    if (spec.text == InText::when_set) text_by_list.insert(std::string(spec.name));
  }
};

AuditRecord every_field_set(RecordKind kind) {
  AuditRecord rec;
  for_each_field(rec, FillEveryField{});
  rec.kind = kind;
  return rec;
}

constexpr RecordKind kKinds[] = {RecordKind::syscall, RecordKind::lost, RecordKind::config,
                                 RecordKind::daemon, RecordKind::user};

// The encodings tell a record against one of defaults, and its absent
// fields keep them: each field's default must be its absent value.
TEST(RecordFields, EachDefaultIsTheAbsentValue) {
  const AuditRecord rec;
  for_each_field(rec, ExpectAbsent{});
}

TEST(RecordFields, FitTheEncodingsPresentBitsAndHaveDistinctNames) {
  std::set<std::string> names;
  auto collect = [&names](const FieldSpec& spec, const auto&...) {
    EXPECT_TRUE(names.insert(std::string(spec.name)).second) << spec.name << " twice";
  };
  AuditRecord rec;
  for_each_field(rec, collect);
  EXPECT_EQ(names.size(), record_field_count());
  EXPECT_LE(record_field_count(), kPresentBits);
}

TEST(RecordFields, EveryFieldRoundTripsThroughTheEncoding) {
  for (RecordKind kind : kKinds) {
    AuditRecord rec = every_field_set(kind);
    std::string bytes;
    encode_record(rec, bytes);
    auto decoded = decode_record({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
    ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
    EXPECT_EQ(*decoded, rec);
  }
}

TEST(RecordFields, JsonShowsEveryFieldOfTheKindAndNoOther) {
  for (RecordKind kind : kKinds) {
    KindFields fields(kind);
    AuditRecord none;
    for_each_field(none, fields);
    auto json = to_json(every_field_set(kind));
    for (const auto& name : fields.all) {
      EXPECT_TRUE(json.contains(name)) << name << " missing for kind " << int(kind) << ": " << json;
    }
    for (const auto& [key, value] : json.items()) {
      bool header = key == "seq" || key == "time";
      EXPECT_TRUE(header || fields.all.contains(key)) << key << " shown for kind " << int(kind);
    }
  }
}

TEST(RecordFields, TextShowsEveryFieldItListsForTheKind) {
  for (RecordKind kind : kKinds) {
    KindFields fields(kind);
    AuditRecord none;
    for_each_field(none, fields);
    std::string text = to_text(every_field_set(kind));
    for (const auto& name : fields.text_by_list) {
      EXPECT_NE(text.find(" " + name + "="), std::string::npos)
          << name << " missing for kind " << int(kind) << ": " << text;
    }
  }
}

TEST(RecordFields, TextShowsAValueAsItsLookSays) {
  AuditRecord rec = every_field_set(RecordKind::syscall);
  rec.ia32 = true;
  rec.flags = 0x241;
  rec.mode = 0644;
  rec.dev = (8u << kDeviceMinorBits) | 1;
  rec.window_start_ns = 0;
  std::string text = to_text(rec);
  for (const char* shown : {" arch=i386", " flags=0x241", " mode=0644", " dev=8:1",
                            " io_uring=true", " argv=[argv second ...]"}) {
    EXPECT_NE(text.find(shown), std::string::npos) << shown << " not in " << text;
  }
  rec.ia32 = false;
  EXPECT_EQ(to_text(rec).find(" arch="), std::string::npos) << "x86_64 is the usual: left out";
  EXPECT_EQ(to_json(rec)["arch"], "x86_64");
}

}  // namespace
}  // namespace c2audit
