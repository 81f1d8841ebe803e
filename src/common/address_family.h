// Address families by the names kernel audit's saddr_fam gives them: what a
// record's `family` holds, what objectives' `families` take, what
// import-auditd turns auditctl's numbers into.
#pragma once

#include <sys/socket.h>

#include <optional>
#include <string_view>

namespace c2audit {

struct AddressFamilyName {
  int number;  // AF_*
  std::string_view name;
};

inline constexpr AddressFamilyName kAddressFamilies[] = {
    {AF_UNIX, "unix"},       {AF_INET, "inet"},     {AF_INET6, "inet6"},
    {AF_NETLINK, "netlink"}, {AF_PACKET, "packet"}, {AF_VSOCK, "vsock"}};

inline std::optional<std::string_view> address_family_name(int number) {
  for (const auto& family : kAddressFamilies) {
    if (family.number == number) return family.name;
  }
  return std::nullopt;
}

inline bool is_address_family_name(std::string_view name) {
  for (const auto& family : kAddressFamilies) {
    if (family.name == name) return true;
  }
  return false;
}

}  // namespace c2audit
