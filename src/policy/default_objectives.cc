// The embedded C2 baseline, in the objective file format itself: what
// `c2audit objectives show --default` prints and what c2auditd enforces when
// no objective file exists.
#include "policy/default_objectives.h"

namespace c2audit {

std::string_view default_objectives_toml() {
  return R"toml(# c2audit default objectives: a C2 baseline.
# Copy to /etc/c2audit/objectives.d/ and edit; first match wins, in order.

[[objective]]
name = "credential-store-read"
classes = ["file.read"]
paths = ["/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d/**",
         "/etc/security/opasswd", "/etc/ssh/ssh_host_*_key", "/root/.ssh/**",
         "/home/*/.ssh/**"]
criticality = "critical"

[[objective]]
name = "system-file-change"
classes = ["file.write", "file.create", "file.delete", "file.rename", "file.attr"]
paths = ["/etc/**", "/boot/**", "/usr/bin/**", "/usr/sbin/**", "/usr/lib/**",
         "/usr/local/bin/**", "/usr/local/sbin/**", "/bin/**", "/sbin/**", "/lib/**",
         "/lib64/**", "/root/.ssh/**", "/var/spool/cron/**"]
criticality = "high"

[[objective]]
name = "access-denied"
classes = ["file.*"]
result = "failure"
errors = ["EACCES", "EPERM"]
criticality = "medium"

[[objective]]
name = "program-execution"
classes = ["process.exec"]
criticality = "medium"

[[objective]]
name = "privilege-change"
classes = ["priv.change"]
criticality = "high"

[[objective]]
name = "mounts"
classes = ["admin.mount"]
criticality = "high"

[[objective]]
name = "time-change"
classes = ["admin.time"]
criticality = "high"

[[objective]]
name = "module-load"
classes = ["admin.module"]
criticality = "critical"

[[objective]]
name = "host-name-change"
classes = ["admin.host"]
criticality = "high"

[[objective]]
name = "reboot"
classes = ["admin.reboot"]
criticality = "critical"

[[objective]]
name = "process-tracing"
classes = ["admin.ptrace"]
criticality = "high"

[[objective]]
name = "network-listen"
classes = ["net.bind"]
criticality = "medium"
)toml";
}

}  // namespace c2audit
