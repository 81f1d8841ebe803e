// c2audit-bench-record-cost: what one selected open costs a consumer thread
// in user space, stage by stage, without the kernel's noise: a raw sensor
// record of an open (as the ring hands it over) is decoded, judged against
// one objective, encoded, chained and written to a real trail on disk.
// Issue 12 asks for ≤ 0.5 µs per record for the consumer as a whole; the
// storm figures of bench.py add the ring and the write() system calls.
// Run: build/bench/c2audit-bench-record-cost [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "c2audit/wire.h"
#include "common/byte_span.h"
#include "common/clock.h"
#include "pipeline/enricher.h"
#include "pipeline/event_decoder.h"
#include "policy/objective_file.h"
#include "policy/objective_set.h"
#include "record/record_codec.h"
#include "trail/hash_chain.h"
#include "trail/segment_format.h"
#include "trail/trail_writer.h"

namespace c2audit {
namespace {

constexpr const char* kStormFile = "/var/tmp/c2audit-bench/storm-file";
constexpr const char* kStormExe = "/work/main/build/bench/c2audit-bench-open-storm";
constexpr int kOpenat = 257;
constexpr size_t kRecordsPerFlush = 4096;  // about what one wakeup drains in a storm

[[noreturn]] void die(const char* what, const std::string& message) {
  fmt::print(stderr, "{}: {}\n", what, message);
  std::exit(1);
}

template <typename T>
T check(Result<T> result, const char* what) {
  if (!result) die(what, result.error().message);
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

// The bytes the sensor hands over for a successful openat of the storm's file.
std::vector<uint8_t> raw_open() {
  c2a_event ev{};
  ev.kind = C2A_KIND_SYSCALL;
  ev.time_ns = boottime_ns();
  ev.cgroup_id = 1;
  ev.ret = 3;
  ev.open_flags = 02000000;  // O_CLOEXEC
  ev.syscall_nr = kOpenat;
  ev.pid = 4242;
  ev.tid = 4243;
  ev.ppid = 4000;
  ev.auid = ev.ses = 0xffffffffu;
  ev.obj_ino = 11068840;
  ev.obj_dev = 254u << 20;
  std::memcpy(ev.comm, "c2audit-bench-o", 15);
  std::string_view path = kStormFile, exe = kStormExe;
  ev.len[C2A_F_OBJ1] = static_cast<uint16_t>(path.size());
  ev.len[C2A_F_EXE] = static_cast<uint16_t>(exe.size());
  ev.size = static_cast<uint32_t>(sizeof(ev) + path.size() + exe.size());
  std::vector<uint8_t> raw(ev.size);
  std::memcpy(raw.data(), &ev, sizeof(ev));
  std::memcpy(raw.data() + sizeof(ev), path.data(), path.size());
  std::memcpy(raw.data() + sizeof(ev) + path.size(), exe.data(), exe.size());
  return raw;
}

ObjectiveSet storm_policy() {
  auto text = fmt::format(
      "[[objective]]\nname = \"storm\"\nevents = [\"openat\"]\npaths = [\"{}\"]\n", kStormFile);
  return ObjectiveSet("bench", check(parse_objectives(text, "<bench>"), "policy"));
}

// A decoded, judged and enriched record, as the writer is handed it.
AuditRecord selected_record(const ObjectiveSet& policy) {
  BootToWallClock clock;
  AuditRecord rec;
  auto raw = raw_open();
  check(EventDecoder(clock).decode(raw, rec), "decode");
  const Objective* objective = policy.match(rec);
  if (!objective) die("policy", "the storm's objective does not select its open");
  Enricher().enrich(rec);
  rec.objective = objective->name;
  rec.criticality = objective->criticality;
  return rec;
}

struct TempTrail {
  std::filesystem::path dir;
  TempTrail() {
    std::filesystem::create_directories("/var/tmp/c2audit-bench");
    char name[] = "/var/tmp/c2audit-bench/record-cost-XXXXXX";
    if (!mkdtemp(name)) die("trail", "mkdtemp failed");
    dir = name;
  }
  ~TempTrail() { std::filesystem::remove_all(dir); }
  TrailWriter open() const {
    TrailOptions options;
    options.dir = dir / "trail";
    options.key_file = dir / "key";
    options.compress_closed = false;  // on its own thread in the daemon
    return check(TrailWriter::open(options), "trail");
  }
};

void decode(benchmark::State& state) {
  BootToWallClock clock;
  EventDecoder decoder(clock);
  auto raw = raw_open();
  AuditRecord rec;
  for (auto _ : state) {
    benchmark::DoNotOptimize(decoder.decode(raw, rec));
  }
}

void judge(benchmark::State& state) {
  ObjectiveSet policy = storm_policy();
  AuditRecord rec = selected_record(policy);
  for (auto _ : state) benchmark::DoNotOptimize(policy.match(rec));
}

// A storm's record after the one before it in its batch: seq and time move.
void encode(benchmark::State& state) {
  AuditRecord rec = selected_record(storm_policy());
  RecordEncoder encoder;
  std::string out;
  encoder.encode(rec, out);
  for (auto _ : state) {
    ++rec.seq;
    rec.time_ns += 3000;
    out.clear();
    encoder.encode(rec, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] = static_cast<double>(out.size());
}

// The same record on its own: what the first record of a batch costs.
void encode_first(benchmark::State& state) {
  AuditRecord rec = selected_record(storm_policy());
  RecordEncoder encoder;
  std::string out;
  for (auto _ : state) {
    out.clear();
    encoder.start_batch();
    encoder.encode(rec, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] = static_cast<double>(out.size());
}

// The chain's share of one record: its frame's bytes in the HMAC of a
// batch (kMaxBatchBytes of frames, one tag each).
void chain(benchmark::State& state) {
  AuditRecord rec = selected_record(storm_policy());
  RecordEncoder encoder;
  std::string first;
  encoder.encode(rec, first);
  ++rec.seq;
  rec.time_ns += 3000;
  std::string payload(1, static_cast<char>(FrameType::record));
  encoder.encode(rec, payload);  // a storm's record: told against the one before
  std::string batch;
  size_t records = 0;
  for (; batch.size() < kMaxBatchBytes; ++records) {
    encode_frame_header(bytes_of(payload), batch);
    batch += payload;
  }
  TempTrail temp;
  HostKey key = check(load_or_create_host_key(temp.dir / "key", temp.dir / "trail"), "key");
  ChainMac mac = check(ChainMac::create(key), "mac");
  Digest tag{};
  for (auto _ : state) tag = mac.next(tag, ChainDomain::batch, bytes_of(batch));
  benchmark::DoNotOptimize(tag);
  state.counters["per_record"] = benchmark::Counter(
      static_cast<double>(records), benchmark::Counter::kIsIterationInvariantRate |
                                        benchmark::Counter::kInvert);
}

// Encode, chain, frame and write (flushed as a storm's wakeup would).
void append(benchmark::State& state) {
  AuditRecord rec = selected_record(storm_policy());
  TempTrail temp;
  TrailWriter writer = temp.open();
  size_t n = 0;
  for (auto _ : state) {
    rec.time_ns += 3000;
    check(writer.append(rec), "append");
    if (++n % kRecordsPerFlush == 0) check(writer.flush(), "flush");
  }
}

// What a consumer does per record: decode, judge, enrich, append.
void whole(benchmark::State& state) {
  ObjectiveSet policy = storm_policy();
  BootToWallClock clock;
  EventDecoder decoder(clock);
  Enricher enricher;
  auto raw = raw_open();
  AuditRecord rec;
  TempTrail temp;
  TrailWriter writer = temp.open();
  size_t n = 0;
  for (auto _ : state) {
    check(decoder.decode(raw, rec), "decode");
    const Objective* objective = policy.match(rec);
    enricher.enrich(rec);
    rec.objective = objective->name;
    rec.criticality = objective->criticality;
    check(writer.append(rec), "append");
    if (++n % kRecordsPerFlush == 0) check(writer.flush(), "flush");
  }
}

}  // namespace
}  // namespace c2audit

int main(int argc, char** argv) {
  using namespace c2audit;
  benchmark::RegisterBenchmark("record/decode", decode);
  benchmark::RegisterBenchmark("record/judge", judge);
  benchmark::RegisterBenchmark("record/encode", encode);
  benchmark::RegisterBenchmark("record/encode_first", encode_first);
  benchmark::RegisterBenchmark("record/chain", chain);
  benchmark::RegisterBenchmark("record/append", append);
  benchmark::RegisterBenchmark("record/whole", whole);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
