#!/usr/bin/env bash
# The Debian package, built and installed for real: cpack makes the .deb
# from the build, apt installs it, the daemon starts as its systemd unit
# says (the unit's command line, within the unit's capability bounding set
# and no-new-privs; with systemd as PID 1, through systemctl), `c2audit
# status` and `doctor` answer, SIGHUP reloads, and `apt remove` and
# `apt purge` leave the trail in place, still verifying.
#   C2AUDIT_PACKAGE_TEST=1 package_install.sh BUILD_DIR
# It changes the machine's packages, so it runs only when asked (the test
# suite asks; without it the test is reported skipped). Needs root.
# Refuses to run where c2audit was ever installed or configured, and, under
# systemd, where c2audit's default paths exist: it must not touch an
# administrator's c2audit.
set -euo pipefail
build=$(cd "$1" && pwd)
dev_c2audit=$build/src/cli/c2audit
unit=/lib/systemd/system/c2auditd.service
work=$(mktemp -d)
daemon_pid=""
installed=false
made=()

say() { echo "package_install: $*"; }
fail() { say "FAIL: $*"; exit 1; }

cleanup() {
  if [[ $daemon_pid =~ ^[1-9][0-9]*$ ]] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid"; wait "$daemon_pid" || true
  fi
  if $installed; then DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq c2audit >/dev/null 2>&1 || true; fi
  for path in "${made[@]}"; do
    chattr -R -a "$path" 2>/dev/null || true
    rm -rf "$path"
  done
  chattr -R -a "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [[ ${C2AUDIT_PACKAGE_TEST:-} != 1 ]]; then
  say "not run: it installs and removes a package; set C2AUDIT_PACKAGE_TEST=1"
  exit 77
fi
[[ $(id -u) -eq 0 ]] || fail "needs root"
if dpkg-query -W c2audit >/dev/null 2>&1; then
  fail "dpkg knows a c2audit package here ($(dpkg-query -W -f='${Status}' c2audit)); this test would replace it"
fi
[[ ! -e /etc/c2audit/c2auditd.toml ]] || fail "/etc/c2audit/c2auditd.toml exists: this test would take it over"

# The paths the package's daemon uses by default: the test uses them when
# none is there yet, else paths of its own. Whatever did not exist before
# (the package's postinst makes some) is removed at the end.
defaults=(/var/log/c2audit /var/lib/c2audit /etc/c2audit)
fresh=true
for path in "${defaults[@]}" /run/c2audit; do
  if [[ -e $path ]]; then
    [[ $path == /run/c2audit ]] || fresh=false  # any daemon run leaves it; nothing kept there
  else
    made+=("$path")
  fi
done
if $fresh; then
  trail=/var/log/c2audit key=/etc/c2audit/host.key socket=/run/c2audit/control.sock
  seal_log=/var/lib/c2audit/seals.log
  overrides=()
elif [[ -d /run/systemd/system ]]; then
  fail "c2audit's default paths exist and systemd would start the package's daemon on them"
else
  say "c2audit's default paths exist here: the daemon uses paths under $work"
  trail=$work/trail key=$work/host.key socket=$work/control.sock seal_log=$work/seals.log
  overrides=(--trail "$trail" --key-file "$key" --seal-log "$seal_log" --control-socket "$socket")
fi

say "building the package"
(cd "$build" && cpack -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/pkg/c2audit_*_amd64.deb)
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for file in ./usr/sbin/c2auditd ./usr/sbin/c2audit ./lib/systemd/system/c2auditd.service \
            ./etc/c2audit/c2auditd.toml ./usr/share/man/man8/c2auditd.8.gz \
            ./usr/share/man/man8/c2audit.8.gz ./usr/share/man/man5/c2audit-objectives.5.gz \
            ./usr/share/bash-completion/completions/c2audit ./usr/share/doc/c2audit/copyright \
            ./usr/share/doc/c2audit/changelog.gz; do
  grep -qx "$file" <<<"$contents" || fail "$file is not in the package"
done
dpkg-deb -f "$deb" Depends | grep -q libbpf1 || fail "Depends does not name libbpf1"
[[ $(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles) == /etc/c2audit/c2auditd.toml ]] ||
  fail "c2auditd.toml is not a conffile"
# Debian's own checks; the project has no mail address of its own to give.
lintian --suppress-tags bogus-mail-host,bogus-mail-host-in-debian-changelog "$deb" \
  >"$work/lintian.log" 2>&1 || { cat "$work/lintian.log"; fail "lintian"; }
if grep -E '^(E|W):' "$work/lintian.log"; then fail "lintian found errors or warnings"; fi

say "installing $(basename "$deb")"
installed=true  # from here on, whatever happens, cleanup purges it
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log"; fail "apt-get install"; }
[[ -x /usr/sbin/c2auditd && -x /usr/sbin/c2audit ]] || fail "the programs were not installed"
[[ $(stat -c %a /var/log/c2audit) == 750 ]] || fail "/var/log/c2audit is not 0750"
man -w c2auditd >/dev/null && man -w c2audit-objectives >/dev/null || fail "man pages not found"
systemd-analyze verify "$unit" || fail "systemd-analyze verify $unit"
[[ -L /etc/systemd/system/sysinit.target.wants/c2auditd.service ]] || fail "the service is not enabled"
exposure=$(systemd-analyze security --offline=true "$unit" | sed -n 's/.*exposure level for c2auditd.service: \([0-9.]*\).*/\1/p')
say "systemd-analyze security: exposure $exposure"
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 4.5) }' || fail "exposure $exposure is above 4.5"
offered=$(bash -c '
  source /usr/share/bash-completion/bash_completion
  source /usr/share/bash-completion/completions/c2audit
  complete_line() {  # what bash offers at the end of the line
    COMP_LINE=$1; COMP_POINT=${#COMP_LINE}
    read -r -a COMP_WORDS <<<"$COMP_LINE"; [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
    _c2audit; echo "${COMPREPLY[*]}"
  }
  complete_line "c2audit "; complete_line "c2audit report --by "')
grep -q "report status objectives verify doctor" <<<"$offered" && grep -q "summary user objective" <<<"$offered" ||
  fail "bash completion offers: $offered"

say "starting the daemon as the unit says"
if [[ -d /run/systemd/system ]]; then
  systemctl start c2auditd.service
  daemon_pid=$(systemctl show -p MainPID --value c2auditd.service)
  [[ $daemon_pid =~ ^[1-9][0-9]*$ ]] || fail "systemd did not start c2auditd"
else
  read -r -a exec_start <<<"$(sed -n 's/^ExecStart=//p' "$unit")"
  caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
  grep -q '^NoNewPrivileges=yes' "$unit" || fail "the unit does not set NoNewPrivileges"
  setpriv --bounding-set "-all,$caps" --no-new-privs "${exec_start[@]}" "${overrides[@]}" \
    >"$work/daemon.out" 2>&1 &
  daemon_pid=$!
fi
for _ in $(seq 300); do
  /usr/sbin/c2audit status --control-socket "$socket" >"$work/status" 2>/dev/null && break
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.out"; fail "the daemon exited"; }
  sleep 0.1
done
grep -q "^c2auditd pid $daemon_pid" "$work/status" || { cat "$work/status"; fail "c2audit status did not answer"; }
/usr/sbin/c2audit doctor --trail "$trail" --key-file "$key" --control-socket "$socket" >"$work/doctor" ||
  { cat "$work/doctor"; fail "c2audit doctor found a failure"; }
grep -q "^ok    daemon" "$work/doctor" || { cat "$work/doctor"; fail "doctor did not find the daemon"; }

kill -HUP "$daemon_pid"
for _ in $(seq 100); do
  "$dev_c2audit" search --trail "$trail" --event config 2>/dev/null | grep -q "reload by" && break
  sleep 0.1
done
"$dev_c2audit" search --trail "$trail" --event config | grep -q "reload by" || fail "SIGHUP did not reload"
if [[ -d /run/systemd/system ]]; then systemctl stop c2auditd.service; else
  kill -TERM "$daemon_pid"; wait "$daemon_pid" || fail "the daemon did not stop cleanly"
fi
daemon_pid=""

say "removing the package"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq c2audit >/dev/null
[[ ! -e /usr/sbin/c2auditd ]] || fail "apt remove left /usr/sbin/c2auditd"
ls "$trail"/segment-* >/dev/null || fail "apt remove took the trail"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq c2audit >/dev/null
installed=false
ls "$trail"/segment-* >/dev/null || fail "apt purge took the trail"
[[ -f $key ]] || fail "apt purge took the host key"
"$dev_c2audit" verify --trail "$trail" --key-file "$key" --seal-log "$seal_log" --quiet || fail "the trail left behind does not verify"
say "ok: built, installed, started within the unit's capabilities, answered, reloaded, removed; the trail stayed"
