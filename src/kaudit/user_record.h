// The trail record a kernel audit user message becomes: its class (what an
// objective selects), its sender, and what the sender says it did.
#pragma once

#include <cstdint>
#include <string_view>

#include "kaudit/user_message.h"
#include "record/audit_record.h"

namespace c2audit {

// auth.login, auth.session, auth.logout, auth.credential, admin.account,
// priv.sudo, or user.message for any other user message (docs/records.md).
std::string_view user_message_class(uint16_t type);

// The message's name as kernel audit tools print it ("USER_AUTH"), or
// "UNKNOWN[1234]".
std::string user_message_event(uint16_t type);

// kind user; seq, user name, objective are for later stages to fill.
AuditRecord user_message_record(const UserMessage& m);

}  // namespace c2audit
