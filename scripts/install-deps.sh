#!/usr/bin/env bash
# Installs every Debian 12 package c2audit needs to build, run and test.
# Idempotent; run as root. Skips apt when everything is already present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  clang llvm libclang-rt-14-dev libbpf-dev bpftool libelf-dev zlib1g-dev
  libcli11-dev libfmt-dev libtomlplusplus-dev libexpected-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libssl-dev libzstd-dev libdeflate-dev
  liburing-dev
  librelp-dev  # RELP, to forward the trail to a collector
  libsystemd-dev  # sd_notify: c2auditd tells systemd when it is ready
  libaudit-dev  # kernel audit's netlink: its user messages (logins, sudo, accounts)
  libcap2-bin  # setcap, for the tests of file capabilities
  strace
  # The real programs the identification and authentication tests drive,
  # and kernel audit's own daemon, which c2auditd must run beside.
  auditd openssh-server openssh-client sshpass sudo passwd login
  # The collector the forwarding tests send to: rsyslog's imrelp over TLS.
  rsyslog rsyslog-relp rsyslog-openssl openssl
  # The browser the HTML report is tested in (driven by Playwright from npm).
  chromium
  # The package test completes c2audit commands with the real bash-completion
  # and checks the .deb with Debian's lintian.
  bash-completion lintian
)
# Node.js runs the browser tests; the machine's own when it has one (npm
# packages need a recent one), else Debian's.
command -v node >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Installing auditd or openssh-server would start them as services: the
  # tests start their own and nothing else may be left running. Debian's
  # policy-rc.d keeps package scripts from starting services.
  policy=/usr/sbin/policy-rc.d
  made_policy=false
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=true
  fi
  trap 'if $made_policy; then rm -f "$policy"; fi' EXIT
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Playwright, pinned by tests/browser/package-lock.json; it drives Debian's
# Chromium and downloads no browser of its own.
browser_tests=$(cd "$(dirname "$0")/../tests/browser" && pwd)
if [[ ! -d $browser_tests/node_modules/playwright-core ]]; then
  (cd "$browser_tests" && npm ci --no-audit --no-fund --loglevel=error)
fi
