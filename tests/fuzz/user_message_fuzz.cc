// Kernel audit user messages: their text is partly written by whichever
// program sent them (an account name typed at a login prompt, a sudo
// command line). The first two bytes pick the message type.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kaudit/user_message.h"
#include "kaudit/user_record.h"
#include "record/record_codec.h"
#include "record/record_json.h"
#include "record/record_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  uint16_t type = static_cast<uint16_t>(data[0] | data[1] << 8);
  std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
  auto message = c2audit::parse_user_message(type, text);
  if (!message) return 0;
  c2audit::AuditRecord rec = c2audit::user_message_record(*message);
  std::string encoded;
  c2audit::encode_record(rec, encoded);
  auto back = c2audit::decode_record(
      {reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size()});
  if (!back || !(*back == rec)) __builtin_trap();  // what is recorded reads back the same
  (void)c2audit::to_json_line(rec);
  (void)c2audit::to_text(rec);
  return 0;
}
