// The embedded C2 baseline, in the objective file format itself: what
// `c2audit objectives show --default` prints and what c2auditd enforces when
// no objective file exists.
#include "policy/default_objectives.h"

namespace c2audit {

std::string_view default_objectives_toml() {
  return R"toml(# c2audit default objectives: a C2 baseline.
# Copy to /etc/c2audit/objectives.d/ and edit; first match wins, in order.

# Identification and authentication (kernel audit's user messages, as PAM,
# sshd, su, sudo and the shadow tools send them): every failure, every login
# and logout, every account change, every sudo.
[[objective]]
name = "authentication-failure"
classes = ["auth.*"]
result = "failure"
criticality = "high"

[[objective]]
name = "logins"
classes = ["auth.login", "auth.session", "auth.logout"]
criticality = "medium"

[[objective]]
name = "account-change"
classes = ["admin.account"]
criticality = "high"

[[objective]]
name = "sudo"
classes = ["priv.sudo"]
criticality = "high"

[[objective]]
name = "credential-store-read"
classes = ["file.read"]
paths = ["/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d/**",
         "/etc/security/opasswd", "/etc/ssh/ssh_host_*_key", "/root/.ssh/**",
         "/home/*/.ssh/**"]
criticality = "critical"

# Persistence: a key that lets someone log in, a login shell's startup file,
# a user's autostart or systemd unit (system-wide ones are under /etc).
[[objective]]
name = "login-persistence"
classes = ["file.write", "file.create", "file.delete", "file.rename", "file.attr"]
paths = ["/root/.ssh/**", "/home/*/.ssh/**",
         "/root/.bashrc", "/root/.profile", "/root/.bash_profile", "/root/.bash_login",
         "/root/.zshrc", "/root/.config/autostart/**", "/root/.config/systemd/user/**",
         "/home/*/.bashrc", "/home/*/.profile", "/home/*/.bash_profile", "/home/*/.bash_login",
         "/home/*/.zshrc", "/home/*/.config/autostart/**", "/home/*/.config/systemd/user/**"]
criticality = "critical"

# Privilege kept in a file: a setuid or setgid bit set by chmod, or file
# capabilities set by setcap (or removed), anywhere.
[[objective]]
name = "privilege-bits"
events = ["chmod", "fchmod", "fchmodat", "fchmodat2"]
mode_bits = ["setuid", "setgid"]
criticality = "critical"

[[objective]]
name = "file-capabilities"
events = ["setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr"]
xattrs = ["security.capability"]
criticality = "critical"

# Evasion: logs and shell histories removed, renamed, re-permissioned (a
# history replaced by a link to /dev/null is removed first) or truncated.
[[objective]]
name = "evidence-removal"
classes = ["file.delete", "file.rename", "file.attr"]
paths = ["/var/log/**", "/root/.*_history", "/home/*/.*_history"]
criticality = "high"

[[objective]]
name = "evidence-truncation"
events = ["truncate", "ftruncate"]
paths = ["/var/log/**", "/root/.*_history", "/home/*/.*_history"]
criticality = "high"

# A program run from a directory anyone may write to, or from memory,
# talking to the network: a dropped payload's usual first act.
[[objective]]
name = "outbound-from-writable-dir"
classes = ["net.connect"]
programs = ["/tmp/**", "/var/tmp/**", "/dev/shm/**", "/run/user/**", "memfd:*"]
criticality = "high"

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
