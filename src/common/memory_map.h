// MemoryMap: sole owner of one mmap(2) region. Move-only; unmaps it in its
// destructor, so a mapping cannot outlive its owner or be unmapped twice.
#pragma once

#include <sys/mman.h>
#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>
#include <utility>

#include "common/result.h"

namespace c2audit {

class MemoryMap {
 public:
  MemoryMap() = default;

  // Maps `length` bytes of `fd` from `offset`, shared, with `protection`.
  static Result<MemoryMap> map_shared(int fd, off_t offset, size_t length, int protection) {
    void* addr = ::mmap(nullptr, length, protection, MAP_SHARED, fd, offset);
    if (addr == MAP_FAILED) {
      return fail(std::string("mmap: ") + std::strerror(errno));
    }
    return MemoryMap(addr, length);
  }

  MemoryMap(const MemoryMap&) = delete;
  MemoryMap& operator=(const MemoryMap&) = delete;
  MemoryMap(MemoryMap&& other) noexcept
      : addr_(std::exchange(other.addr_, nullptr)), length_(std::exchange(other.length_, 0)) {}
  MemoryMap& operator=(MemoryMap&& other) noexcept {
    if (this != &other) {
      reset();
      addr_ = std::exchange(other.addr_, nullptr);
      length_ = std::exchange(other.length_, 0);
    }
    return *this;
  }
  ~MemoryMap() { reset(); }

  void reset() {
    if (addr_) ::munmap(addr_, length_);
    addr_ = nullptr;
    length_ = 0;
  }

  bool mapped() const { return addr_ != nullptr; }
  unsigned char* data() const { return static_cast<unsigned char*>(addr_); }
  size_t size() const { return length_; }

 private:
  MemoryMap(void* addr, size_t length) : addr_(addr), length_(length) {}

  void* addr_ = nullptr;
  size_t length_ = 0;
};

}  // namespace c2audit
