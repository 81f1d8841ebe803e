#!/usr/bin/env bash
# Builds c2audit and runs the whole suite: unit tests and the root tests
# (both also under ASan+UBSan), every parser's fuzz target for a fixed time;
# the root tests load the real BPF sensor and run the real daemon.
# Fails if the root tests did not all run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $(id -u) -ne 0 ]]; then
  echo "test.sh: run as root (the root tests load BPF programs)" >&2
  exit 1
fi
scripts/install-deps.sh
scripts/build.sh

echo "== fuzz targets (libFuzzer, clang, ASan+UBSan), 15 s each"
scripts/fuzz.sh 15

# The same clang ASan+UBSan build (build-fuzz, made by fuzz.sh) runs the unit
# tests and the root tests too: one sanitizer build, not two. All root tests
# but those that measure keeping up with storms: sanitizers slow the daemon
# several times over, so those would measure the sanitizer. The crash test
# runs under one flush policy there: the three share the resume code.
echo "== unit and root tests under ASan+UBSan (all but the storm and timing ones)"
cmake --build build-fuzz -j"$(nproc)" --target c2audit_unit_tests c2audit_root_tests
build-fuzz/tests/c2audit_unit_tests --gtest_brief=1
asan_speed_tests="ThrottleKeeps|EachCpuFills|GrepTest|UnderLoad|IdleClientsAreDropped|HaltSeals"
asan_speed_tests+="|SuspendCounts|LostRecordsAccount|KillNine.*(interval|sync)"
# The logins tests drive real su, sshd, sudo and auditd; the parser they feed
# runs under the sanitizers in its fuzz target and in AMalformedMessage.
asan_speed_tests+="|Logins\.(Su|Ssh|Sudo|AccountChanges|RunsBeside|WithoutCap|WhatAKilled)"
# Forwarding: two collectors at once (RELP and syslog over TLS, each session
# whole), the RELP collector's kill (sending, a cut, sending again), the
# silent collector and the TLS refusals run; the others take the same paths
# (the 100,000-record run, the syslog collector's kill, the garbage answer's
# failed handshake and backoff), and the daemon's kill resumes from the
# cursor (unit-tested under them).
asan_speed_tests+="|AHundredThousandRecords|ADaemonKilledMidForward|RotateOldestSaysWhich"
asan_speed_tests+="|ASyslogTlsCollectorKilled|ACollectorAnsweringGarbage"
(cd build-fuzz && LSAN_OPTIONS="suppressions=$PWD/../tests/lsan.supp" \
  C2AUDIT_REQUIRE_ROOT_TESTS=1 ctest -L root -E "$asan_speed_tests" --output-on-failure)

root_tests=$(cd build && ctest -N -L root | sed -n 's/^Total Tests: //p')
if [[ -z "$root_tests" || "$root_tests" -eq 0 ]]; then
  echo "test.sh: no root tests were found; refusing to pass without them" >&2
  exit 1
fi

echo "== all tests (unit + $root_tests root)"
cd build
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The package test installs and removes the .deb on this machine: asked for here.
C2AUDIT_REQUIRE_ROOT_TESTS=1 C2AUDIT_PACKAGE_TEST=1 ctest --output-on-failure 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if grep -q "Skipped" "$log"; then
  echo "test.sh: some tests were skipped; root tests must run here" >&2
  exit 1
fi
exit "$status"
