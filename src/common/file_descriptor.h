// FileDescriptor: sole owner of one open file descriptor. Move-only; closes the
// descriptor in its destructor, so no code path can leak or double-close it.
#pragma once

#include <unistd.h>

#include <utility>

namespace c2audit {

class FileDescriptor {
 public:
  static constexpr int kInvalid = -1;

  FileDescriptor() = default;
  // Takes ownership of `fd` (kInvalid, or any negative value, means none).
  explicit FileDescriptor(int fd) : fd_(fd < 0 ? kInvalid : fd) {}

  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  ~FileDescriptor() { reset(); }

  bool valid() const { return fd_ != kInvalid; }
  int get() const { return fd_; }

  // Gives up ownership without closing; the caller now owns the descriptor.
  int release() { return std::exchange(fd_, kInvalid); }

  // Closes the current descriptor (if any) and takes ownership of `fd`.
  // Errors from close(2) are ignored: there is nothing left to do with them,
  // and callers that need durability call fdatasync() first.
  void reset(int fd = kInvalid) {
    if (fd_ != kInvalid) ::close(fd_);
    fd_ = fd < 0 ? kInvalid : fd;
  }

 private:
  int fd_ = kInvalid;
};

}  // namespace c2audit
