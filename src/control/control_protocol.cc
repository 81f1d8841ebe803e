#include "control/control_protocol.h"

namespace c2audit {
namespace {

constexpr ControlRequest kRequests[] = {ControlRequest::status, ControlRequest::objectives,
                                        ControlRequest::reload};

}  // namespace

const char* request_word(ControlRequest request) {
  switch (request) {
    case ControlRequest::status: return "status";
    case ControlRequest::objectives: return "objectives";
    case ControlRequest::reload: return "reload";
  }
  return "";  // unreachable: every request is named above
}

std::optional<ControlRequest> parse_control_request(std::string_view received) {
  std::string_view line = received.substr(0, received.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);
  for (ControlRequest request : kRequests) {
    if (line == request_word(request)) return request;
  }
  return std::nullopt;
}

}  // namespace c2audit
