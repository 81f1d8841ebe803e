#include "sensor/sensor.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include "c2audit/filter_decision.h"
#include "sensor/kernel_filter.h"
#include "sensor.skel.h"

namespace c2audit {
namespace {

std::string errno_text(int err) { return std::strerror(err < 0 ? -err : err); }

// libbpf prints verifier logs through this; keep warnings, drop debug chatter.
int print_libbpf(enum libbpf_print_level level, const char* format, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  return vfprintf(stderr, format, args);
}

// Each CPU wakes its consumer when its own output crosses a multiple of
// this. Every CPU of a ring may be just short of a crossing while the
// consumer sleeps, so together they must stay well inside the ring: at most
// a quarter of it. The sensor tests for a crossing with a mask: a power of two.
uint64_t per_cpu_wakeup_bytes(const SensorOptions& options, uint64_t ring_bytes, unsigned cpus) {
  unsigned cpus_per_ring = (std::max(cpus, 1u) + options.ring_count - 1) / options.ring_count;
  uint64_t share = ring_bytes / 4 / cpus_per_ring;
  return std::bit_floor(std::max<uint64_t>(std::min(options.wakeup_bytes, share), 1));
}

// Makes the rings. The first is also the template the array of rings is
// made with (libbpf cannot size the template of a map-in-map declaration).
Result<std::vector<FileDescriptor>> make_rings(uint32_t count, uint64_t ring_bytes) {
  std::vector<FileDescriptor> rings;
  for (uint32_t i = 0; i < count; ++i) {
    FileDescriptor ring(bpf_map_create(BPF_MAP_TYPE_RINGBUF, "c2a_ring", 0, 0,
                                       static_cast<uint32_t>(ring_bytes), nullptr));
    if (!ring.valid()) {
      return fail(
          fmt::format("making ring buffer {} of {} bytes: {}", i, ring_bytes, errno_text(errno)));
    }
    rings.push_back(std::move(ring));
  }
  return rings;
}

// Puts the rings in the loaded sensor's array of rings.
Result<void> install_rings(struct sensor* skel, const std::vector<FileDescriptor>& rings) {
  for (uint32_t i = 0; i < rings.size(); ++i) {
    int fd = rings[i].get();
    if (bpf_map_update_elem(bpf_map__fd(skel->maps.rings), &i, &fd, BPF_ANY) != 0) {
      return fail(fmt::format("installing ring buffer {}: {}", i, errno_text(errno)));
    }
  }
  return {};
}

// A per-CPU counter map of one entry, summed over the CPUs.
uint64_t sum_per_cpu(const struct bpf_map* map) {
  int cpus = libbpf_num_possible_cpus();
  std::vector<uint64_t> per_cpu(cpus > 0 ? cpus : 1);
  uint32_t zero = 0;
  if (bpf_map_lookup_elem(bpf_map__fd(map), &zero, per_cpu.data()) != 0) return 0;
  uint64_t total = 0;
  for (uint64_t n : per_cpu) total += n;
  return total;
}

// Whether a policy fits its slot's half of each map (both slots are held
// while one replaces the other), said before anything is written.
Result<void> fits_one_slot(const KernelFilter& filter, size_t watched) {
  struct Count {
    size_t used, entries;
    const char* what;
  };
  for (const Count& c : {Count{filter.users.size(), C2A_USER_ENTRIES, "users"},
                         Count{filter.errnos.size(), C2A_ERRNO_ENTRIES, "errnos"},
                         Count{filter.prefixes.size(), C2A_PREFIX_ENTRIES, "path prefixes"},
                         Count{watched, C2A_WATCHED_ENTRIES, "watched files and directories"}}) {
    if (c.used > c.entries / C2A_POLICY_SLOTS) {
      return fail(fmt::format("the objectives name {} {}; the kernel filter holds {} per policy",
                              c.used, c.what, c.entries / C2A_POLICY_SLOTS));
    }
  }
  return {};
}

}  // namespace

Sensor::Sensor(std::unique_ptr<struct sensor, void (*)(struct sensor*)> skel,
               std::vector<FileDescriptor> rings, uint64_t ring_bytes)
    : skel_(std::move(skel)), rings_(std::move(rings)), ring_bytes_(ring_bytes) {}
Sensor::Sensor(Sensor&&) noexcept = default;
Sensor& Sensor::operator=(Sensor&&) noexcept = default;
Sensor::~Sensor() = default;

Result<Sensor> Sensor::load(const SensorOptions& options) {
  libbpf_set_print(print_libbpf);
  std::unique_ptr<struct sensor, void (*)(struct sensor*)> skel(sensor::open(), sensor::destroy);
  if (!skel) {
    return fail(fmt::format("opening BPF sensor: {}", errno_text(errno)));
  }
  skel->rodata->self_tgid = options.self_tgid;
  if (options.ring_count == 0) return fail("ring buffers: at least one is needed");
  uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  uint64_t ring_bytes = std::bit_floor(options.ring_bytes / options.ring_count);
  if (ring_bytes < page || ring_bytes > (1ull << 31)) {
    return fail(
        fmt::format("ring buffers: {} bytes for {} rings leaves {} bytes a ring, not "
                    "between a page and 2 GiB",
                    options.ring_bytes, options.ring_count, ring_bytes));
  }
  skel->rodata->ring_count = options.ring_count;
  auto rings = make_rings(options.ring_count, ring_bytes);
  if (!rings) return tl::unexpected(rings.error());
  int err = bpf_map__set_max_entries(skel->maps.rings, options.ring_count);
  if (!err) err = bpf_map__set_inner_map_fd(skel->maps.rings, (*rings)[0].get());
  if (err) {
    return fail(fmt::format("ring buffers ({} of {} bytes): {}", options.ring_count, ring_bytes,
                            errno_text(err)));
  }
  int cpus = libbpf_num_possible_cpus();
  err = cpus > 0 ? bpf_map__set_max_entries(skel->maps.scratch_space, cpus) : cpus;
  if (err) {
    return fail(fmt::format("sizing per-CPU scratch: {}", errno_text(err)));
  }
  skel->rodata->wakeup_bytes =
      per_cpu_wakeup_bytes(options, ring_bytes, static_cast<unsigned>(cpus));
  err = sensor::load(skel.get());
  if (err) {
    return fail(fmt::format("loading BPF sensor: {}{}", errno_text(err),
                            err == -EPERM ? " (run as root with CAP_BPF and CAP_PERFMON)" : ""));
  }
  if (auto ok = install_rings(skel.get(), *rings); !ok) return tl::unexpected(ok.error());
  return Sensor(std::move(skel), std::move(*rings), ring_bytes);
}

void Sensor::clear_slot(uint32_t slot) {
  auto remove_all = [](const struct bpf_map* map, auto& keys) {
    for (const auto& key : keys) bpf_map_delete_elem(bpf_map__fd(map), &key);
    keys.clear();
  };
  remove_all(skel_->maps.user_masks, user_keys_[slot]);
  remove_all(skel_->maps.path_prefixes, prefix_keys_[slot]);
  remove_all(skel_->maps.errno_masks, errno_keys_[slot]);
  remove_all(skel_->maps.top_components, top_keys_[slot]);
  remove_all(skel_->maps.watched_inodes, inode_keys_[slot]);
}

namespace {

// The bits the watched files set (c2a_watched_bit), and those of the file
// systems they are on (c2a_device_bit).
struct WatchedBits {
  c2a_watched_bits files{};
  c2a_watched_devices devices{};

  explicit WatchedBits(const std::map<FileIdentity, uint64_t>& watched) {
    for (const auto& [identity, mask] : watched) {
      uint32_t bit = c2a_watched_bit(identity.ino, identity.dev);
      files.words[bit / 64] |= uint64_t{1} << (bit % 64);
      uint32_t device = c2a_device_bit(identity.dev);
      devices.words[device / 64] |= uint64_t{1} << (device % 64);
    }
  }

  // Both sets: while the keys change, each is asked for old and new alike.
  void add(const WatchedBits& other) {
    for (size_t i = 0; i < std::size(files.words); ++i) files.words[i] |= other.files.words[i];
    for (size_t i = 0; i < std::size(devices.words); ++i)
      devices.words[i] |= other.devices.words[i];
  }
};

}  // namespace

// The sensor asks a file's bit before its identity, so a watched file's bit
// is set before its key is written, and cleared only once the keys left
// are the new ones: the bits are first the old and the new together.
Result<void> Sensor::write_watched(uint32_t slot, const std::map<FileIdentity, uint64_t>& watched) {
  int bits_fd = bpf_map__fd(skel_->maps.watched_inode_bits);
  int devices_fd = bpf_map__fd(skel_->maps.watched_devices);
  WatchedBits now(watched), both({});
  if (bpf_map_lookup_elem(bits_fd, &slot, &both.files) != 0) both.files = {};
  if (bpf_map_lookup_elem(devices_fd, &slot, &both.devices) != 0) both.devices = {};
  both.add(now);
  auto write_bits = [&](const WatchedBits& bits) -> Result<void> {
    if (bpf_map_update_elem(bits_fd, &slot, &bits.files, BPF_ANY) != 0 ||
        bpf_map_update_elem(devices_fd, &slot, &bits.devices, BPF_ANY) != 0) {
      return fail(fmt::format("writing the kernel filter (watched bits): {}", errno_text(errno)));
    }
    return {};
  };
  if (auto ok = write_bits(both); !ok) return ok;
  int fd = bpf_map__fd(skel_->maps.watched_inodes);
  std::vector<c2a_inode_key> written;
  for (const auto& [identity, mask] : watched) {
    c2a_inode_key key{.ino = identity.ino, .dev = identity.dev, .slot = slot};
    if (bpf_map_update_elem(fd, &key, &mask, BPF_ANY) != 0) {
      return fail(fmt::format("writing the kernel filter (watched files): {}", errno_text(errno)));
    }
    written.push_back(key);
  }
  auto& keys = inode_keys_[slot];
  for (const auto& old : keys) {
    bool kept = std::any_of(written.begin(), written.end(), [&old](const c2a_inode_key& k) {
      return k.ino == old.ino && k.dev == old.dev;
    });
    if (!kept) bpf_map_delete_elem(fd, &old);
  }
  keys = std::move(written);
  return write_bits(now);
}

uint32_t Sensor::active_slot() const {
  return __atomic_load_n(&skel_->bss->active_slot, __ATOMIC_RELAXED);
}

Result<void> Sensor::update_watched(const std::map<FileIdentity, uint64_t>& watched) {
  return write_watched(active_slot(), watched);
}

Result<void> Sensor::write_slot(uint32_t slot, const KernelFilter& filter, uint32_t generation) {
  auto update = [](int fd, const void* key, const void* value, const char* what) -> Result<void> {
    if (bpf_map_update_elem(fd, key, value, BPF_ANY) != 0) {
      return fail(fmt::format("writing the kernel filter ({}): {}", what, errno_text(errno)));
    }
    return {};
  };
  int syscalls_fd = bpf_map__fd(skel_->maps.syscall_filters);
  for (uint32_t abi = 0; abi < C2A_ABI_COUNT; ++abi) {
    for (uint32_t nr = 0; nr < C2A_SYSCALL_SLOTS; ++nr) {
      uint32_t key = c2a_filter_key(slot, abi, nr);
      if (auto ok = update(syscalls_fd, &key, &filter.entry(abi, nr), "syscalls"); !ok) return ok;
    }
  }
  for (const auto& [id, masks] : filter.users) {
    c2a_user_key key{slot, id};
    if (auto ok = update(bpf_map__fd(skel_->maps.user_masks), &key, &masks, "users"); !ok)
      return ok;
    user_keys_[slot].push_back(key);
  }
  for (const auto& [prefix, mask] : filter.prefixes) {
    c2a_prefix_key key{};
    key.slot = static_cast<uint8_t>(slot);
    std::memcpy(key.path, prefix.data(), std::min(prefix.size(), sizeof(key.path)));
    key.prefixlen = 8 * (1 + std::min(prefix.size(), sizeof(key.path)));
    if (auto ok = update(bpf_map__fd(skel_->maps.path_prefixes), &key, &mask, "paths"); !ok)
      return ok;
    prefix_keys_[slot].push_back(key);
  }
  for (const auto& [err, mask] : filter.errnos) {
    c2a_errno_key key{slot, err};
    if (auto ok = update(bpf_map__fd(skel_->maps.errno_masks), &key, &mask, "errnos"); !ok)
      return ok;
    errno_keys_[slot].push_back(key);
  }
  // Keyed as the kernel keys them: names that share length and first bytes
  // share an entry.
  std::map<std::pair<size_t, std::string>, uint64_t> tops;
  for (const auto& [name, mask] : filter.top_components) {
    tops[{name.size(), name.substr(0, C2A_TOP_NAME)}] |= mask;
  }
  for (const auto& [name, mask] : tops) {
    c2a_top_key key{};
    key.slot = slot;
    key.len = static_cast<uint32_t>(name.first);
    std::memcpy(key.name, name.second.data(), name.second.size());
    if (auto ok = update(bpf_map__fd(skel_->maps.top_components), &key, &mask, "path gate"); !ok)
      return ok;
    top_keys_[slot].push_back(key);
  }
  c2a_policy_masks masks = filter.masks;
  masks.generation = generation;
  return update(bpf_map__fd(skel_->maps.policy_masks), &slot, &masks, "masks");
}

Result<void> Sensor::install_policy(const KernelFilter& filter, uint32_t generation,
                                    const std::map<FileIdentity, uint64_t>& watched) {
  if (auto ok = fits_one_slot(filter, watched.size()); !ok) return ok;
  uint32_t next = 1 - active_slot();
  clear_slot(next);
  if (auto ok = write_watched(next, watched); !ok) return ok;
  if (auto ok = write_slot(next, filter, generation); !ok) return ok;
  __atomic_store_n(&skel_->bss->active_slot, next, __ATOMIC_RELEASE);
  return {};
}

uint64_t Sensor::filtered_count() const { return sum_per_cpu(skel_->maps.filtered); }

std::string Sensor::verified_instructions() const {
  std::string out;
  struct bpf_program* prog = nullptr;  // libbpf 1.1 iterates non-const
  bpf_object__for_each_program(prog, skel_->obj) {
    bpf_prog_info info{};
    uint32_t size = sizeof(info);
    if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &size) != 0) continue;
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", bpf_program__name(prog),
                       info.verified_insns);
  }
  return out;
}


Result<void> Sensor::attach() {
  int err = sensor::attach(skel_.get());
  if (err) {
    return fail(fmt::format("attaching BPF sensor: {}", errno_text(err)));
  }
  return {};
}

void Sensor::detach() { sensor::detach(skel_.get()); }

int Sensor::losses_fd() const { return bpf_map__fd(skel_->maps.losses); }

}  // namespace c2audit
