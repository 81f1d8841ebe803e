// A trail record as one syslog message for a collector (RFC 5424):
//
//   <109>1 2026-12-02T01:32:00.123456Z web-3 c2audit - openat - {"seq":..}
//
// facility 13 ("log audit"), severity notice, or warning for a record of
// loss; the MSGID is the record's event. The body is one of three forms:
//  json:  the record as `c2audit search --json` prints it (docs/records.md),
//         plus "host" and "host_id";
//  snare: tab-separated "name=value" pairs after the host, SNARE's
//         "LinuxAudit" tag and the event, for SNARE-style parsers;
//  cef:   ArcSight's Common Event Format line, for SIEMs that want it.
// Every form names the host and carries the record's seq, so a collector can
// drop a record it is sent twice (same host_id and seq).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "record/audit_record.h"

namespace c2audit {

enum class ForwardFormat : uint8_t { json, snare, cef };

// "json" / "snare" / "cef"; an unknown name is an error listing the three.
Result<ForwardFormat> parse_forward_format(std::string_view name);

struct HostIdentity {
  std::string name;  // the host name (RFC 5424 HOSTNAME: printable ASCII)
  std::string id;    // stable across reboots and renames: 32 hex digits
};

// The host's name, and an id derived from /etc/machine-id (hashed with a
// c2audit label, so the machine id itself does not leave the host). Without
// a machine id the id is derived from the name.
HostIdentity local_host_identity();

// The whole syslog message, without framing.
std::string syslog_message(const AuditRecord& rec, const HostIdentity& host, ForwardFormat format);

}  // namespace c2audit
