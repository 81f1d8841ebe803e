// CPtr<T, Free>: sole owner of a C library's object (OpenSSL, zstd, libc),
// freed by that library's own function when it goes.
#pragma once

#include <memory>

namespace c2audit {

template <typename T, auto Free>
struct CFree {
  void operator()(T* p) const { Free(p); }
};

template <typename T, auto Free>
using CPtr = std::unique_ptr<T, CFree<T, Free>>;

}  // namespace c2audit
