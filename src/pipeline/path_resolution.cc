#include "pipeline/path_resolution.h"

#include <vector>

namespace c2audit {

namespace {

// True when `absolute` is already in normal form: starts with '/', and has no
// empty, "." or ".." component and no trailing '/' (the root aside). Most
// paths the kernel hands over are (walked paths always are), and checking is
// far cheaper than rebuilding.
bool is_normal(std::string_view absolute) {
  if (absolute.empty() || absolute.front() != '/') return false;
  if (absolute.size() == 1) return true;
  if (absolute.back() == '/') return false;
  for (size_t i = 0; i != std::string_view::npos; i = absolute.find('/', i + 1)) {
    std::string_view next = absolute.substr(i + 1, 3);
    if (next.starts_with('/') || next == "." || next.starts_with("./") || next == ".." ||
        next == "../") {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string normalize_path(std::string_view absolute) {
  if (is_normal(absolute)) return std::string(absolute);
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < absolute.size()) {
    size_t end = absolute.find('/', i);
    if (end == std::string_view::npos) end = absolute.size();
    std::string_view part = absolute.substr(i, end - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = end + 1;
  }
  std::string out;
  for (auto part : parts) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

void assign_normalized_path(std::string& out, std::string_view absolute) {
  if (is_normal(absolute)) {
    out.assign(absolute);
  } else {
    out = normalize_path(absolute);
  }
}

std::string absolute_path(std::string_view name, std::string_view base_dir) {
  if (!name.empty() && name.front() == '/') return normalize_path(name);
  if (base_dir.empty() || base_dir.front() != '/') return {};
  std::string joined(base_dir);
  joined += '/';
  joined += name;
  return normalize_path(joined);
}

}  // namespace c2audit
