#!/usr/bin/env bash
# The benchmark's one command: installs what it compares with (Debian's
# auditd, stress-ng, libbpf-tools, gnuplot), builds c2audit, and runs every
# workload against every auditor. Arguments go to bench.py (--quick, --only).
# Results: bench/results/<UTC timestamp>/{report.md,report.json,chart.png}.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $(id -u) -ne 0 ]]; then
  echo "bench: run as root (loads BPF programs, drives kernel audit)" >&2
  exit 1
fi
scripts/install-deps.sh

# The peers are the bench's concern only: tests do not need them. A package
# that cannot be installed shows up as a "not installed" row, not a failure.
packages=(auditd stress-ng libbpf-tools gnuplot-nox)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  auditd_before=$(pidof auditd || true)
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}") ||
    echo "bench: could not install some of: ${missing[*]} (their rows will say so)" >&2
  # Installing auditd may start it as a service; the bench starts its own, so
  # put back the state from before the install.
  auditd_after=$(pidof auditd || true)
  if [[ -z "$auditd_before" && -n "$auditd_after" ]]; then
    service auditd stop >/dev/null 2>&1 || kill "$auditd_after"
  fi
fi

scripts/build.sh
exec /usr/bin/python3 bench/bench.py "$@"
