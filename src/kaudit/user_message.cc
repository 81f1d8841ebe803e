#include "kaudit/user_message.h"

#include <fmt/format.h>
#include <linux/audit.h>

#include <algorithm>
#include <array>

#include "common/decimal.h"

namespace c2audit {
namespace {

constexpr std::string_view kStampOpen = "audit(";
constexpr std::string_view kStampClose = "): ";
constexpr std::string_view kSenderOpen = "msg='";
constexpr int64_t kNsPerSecond = 1'000'000'000;
constexpr int64_t kNsPerMilli = 1'000'000;
constexpr size_t kMilliDigits = 3;  // the kernel prints "%03lu"

// Values libaudit writes either "quoted" or, when they hold a space, a quote
// or a control character, as upper-case hex (audit_encode_nv_string).
constexpr std::array<std::string_view, 11> kEncodedKeys = {
    "acct", "cmd", "exe", "comm", "cwd", "grp", "user", "new-user", "old-user", "new-group",
    "old-group"};

// Values libaudit writes as they are, spaces and all ("op=adding user to
// group", "op=changing /etc/group; group x/1003, new name: y"): such a value
// runs to the first key libaudit writes after it.
constexpr std::array<std::string_view, 2> kFreeTextKeys = {"op", "text"};
constexpr std::array<std::string_view, 8> kKeysAfterFreeText = {
    " acct=", " id=", " grantors=", " exe=", " hostname=", " addr=", " terminal=", " res="};

template <size_t N>
bool listed(const std::array<std::string_view, N>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// Where a free-text value that starts at `start` ends.
size_t free_text_end(std::string_view text, size_t start) {
  size_t end = text.size();
  for (std::string_view next : kKeysAfterFreeText) end = std::min(end, text.find(next, start));
  return end;
}

bool is_upper_hex(std::string_view v) {
  return !v.empty() && v.size() % 2 == 0 && std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
  });
}

std::string decode_hex(std::string_view v) {
  auto digit = [](char c) { return c <= '9' ? c - '0' : c - 'A' + 10; };
  std::string out;
  out.reserve(v.size() / 2);
  for (size_t i = 0; i < v.size(); i += 2) {
    out += static_cast<char>(digit(v[i]) << 4 | digit(v[i + 1]));
  }
  return out;
}

// "1733081234.123:456" into time and serial.
Result<void> parse_stamp(std::string_view stamp, UserMessage& m) {
  size_t dot = stamp.find('.');
  size_t colon = stamp.find(':');
  if (dot == std::string_view::npos || colon == std::string_view::npos || colon < dot ||
      colon - dot - 1 != kMilliDigits) {
    return fail(fmt::format("malformed time stamp '{}'", stamp));
  }
  auto seconds = parse_decimal<uint32_t>(stamp.substr(0, dot));
  auto millis = parse_decimal<uint32_t>(stamp.substr(dot + 1, kMilliDigits));
  auto serial = parse_decimal<uint64_t>(stamp.substr(colon + 1));
  if (!seconds || !millis || !serial) return fail(fmt::format("malformed time stamp '{}'", stamp));
  m.time_ns = int64_t{*seconds} * kNsPerSecond + int64_t{*millis} * kNsPerMilli;
  m.serial = *serial;
  return {};
}

// Splits "k=v k2="v 2" …" into fields. A quoted value runs to the next
// quote; a bare one to the next space. Words without '=' are left out.
Result<void> split_fields(std::string_view text, bool decode, UserMessage::Fields& out) {
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    size_t word_end = text.find(' ', i);
    size_t eq = text.find('=', i);
    if (eq == std::string_view::npos || eq >= std::min(word_end, text.size()) || eq == i) {
      i = word_end == std::string_view::npos ? text.size() : word_end;  // not key=value
      continue;
    }
    std::string_view key = text.substr(i, eq - i);
    size_t start = eq + 1;
    std::string value;
    if (start < text.size() && text[start] == '"') {
      size_t close = text.find('"', start + 1);
      if (close == std::string_view::npos) return fail(fmt::format("unterminated quote in '{}'", key));
      value = text.substr(start + 1, close - start - 1);
      i = close + 1;
    } else {
      size_t end = decode && listed(kFreeTextKeys, key) ? free_text_end(text, start)
                                                        : std::min(text.find(' ', start), text.size());
      std::string_view bare = text.substr(start, end - start);
      bool encoded = decode && listed(kEncodedKeys, key);
      value = encoded && is_upper_hex(bare) ? decode_hex(bare) : std::string(bare);
      i = end;
    }
    out.emplace_back(std::string(key), std::move(value));
  }
  return {};
}

std::string_view find_field(const UserMessage::Fields& fields, std::string_view key) {
  for (const auto& [k, v] : fields) {
    if (k == key) return v == "?" || v == "(null)" ? std::string_view() : std::string_view(v);
  }
  return {};
}

}  // namespace

std::string_view UserMessage::kernel_field(std::string_view key) const {
  return find_field(kernel, key);
}

std::string_view UserMessage::sender_field(std::string_view key) const {
  return find_field(sender, key);
}

bool is_user_message_type(uint16_t type) {
  // AUDIT_USER: the first, free-form user message; AUDIT_LOGIN: the kernel's
  // record of a login uid and session being set.
  return type == AUDIT_USER || type == AUDIT_LOGIN ||
         (type >= AUDIT_FIRST_USER_MSG && type <= AUDIT_LAST_USER_MSG) ||
         (type >= AUDIT_FIRST_USER_MSG2 && type <= AUDIT_LAST_USER_MSG2);
}

Result<UserMessage> parse_user_message(uint16_t type, std::string_view text) {
  UserMessage m;
  m.type = type;
  while (!text.empty() && (text.back() == '\0' || text.back() == '\n')) text.remove_suffix(1);
  if (!text.starts_with(kStampOpen)) return fail("no 'audit(' time stamp");
  size_t close = text.find(kStampClose);
  if (close == std::string_view::npos) return fail("time stamp not closed by '): '");
  if (auto ok = parse_stamp(text.substr(kStampOpen.size(), close - kStampOpen.size()), m); !ok) {
    return tl::unexpected(ok.error());
  }
  std::string_view rest = text.substr(close + kStampClose.size());
  // The sender's text is everything from msg=' to the last quote, which ends
  // the message: it may hold quotes and spaces of its own.
  size_t sender_at = rest.find(kSenderOpen);
  std::string_view kernel_part = rest.substr(0, sender_at);
  if (auto ok = split_fields(kernel_part, false, m.kernel); !ok) return tl::unexpected(ok.error());
  if (sender_at == std::string_view::npos) return m;
  std::string_view sender = rest.substr(sender_at + kSenderOpen.size());
  if (sender.empty() || sender.back() != '\'') return fail("msg=' not closed by a quote");
  sender.remove_suffix(1);
  if (auto ok = split_fields(sender, true, m.sender); !ok) return tl::unexpected(ok.error());
  return m;
}

}  // namespace c2audit
