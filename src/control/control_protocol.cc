#include "control/control_protocol.h"

namespace c2audit {

std::optional<ControlRequest> parse_control_request(std::string_view received) {
  std::string_view line = received.substr(0, received.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (line == "status") return ControlRequest::status;
  if (line == "objectives") return ControlRequest::objectives;
  if (line == "reload") return ControlRequest::reload;
  return std::nullopt;
}

}  // namespace c2audit
