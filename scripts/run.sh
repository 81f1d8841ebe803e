#!/usr/bin/env bash
# Installs what c2audit needs, builds it, and runs c2auditd in the foreground
# on the objectives in /etc/c2audit/objectives.d (without any: the embedded
# defaults). Extra arguments go to c2auditd
# (e.g. --all, --trail DIR). Stop with Ctrl-C: buffers are drained first.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $(id -u) -ne 0 ]]; then
  echo "run.sh: run as root (installs packages, loads BPF programs)" >&2
  exit 1
fi
scripts/install-deps.sh
scripts/build.sh
echo "c2auditd: query it from another shell with: build/src/cli/c2audit status" >&2
echo "c2auditd: read the trail with:            build/src/cli/c2audit search --since -10m" >&2
echo "c2auditd: check its integrity with:      build/src/cli/c2audit verify" >&2
exec build/src/daemon/c2auditd "$@"
