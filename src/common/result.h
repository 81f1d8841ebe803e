// Value-or-error return type used across c2audit. Errors are values, never
// exceptions: each layer adds context, and the CLI or daemon edge renders the
// message once, as one line.
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace c2audit {

struct Error {
  std::string message;  // what failed and where, e.g. "trail.c2a: offset 42: bad crc"
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(std::string message) {
  return tl::unexpected<Error>(Error{std::move(message)});
}

// Prefixes an error with the context it happened in ("reading X: ...").
inline Error with_context(const std::string& context, const Error& inner) {
  return Error{context + ": " + inner.message};
}

}  // namespace c2audit
