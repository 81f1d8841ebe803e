#!/usr/bin/env bash
# How long `c2audit report` takes over a large trail, and its peak memory:
# writes a trail of N made-up records (default 10 million, over one day,
# 100,000 distinct paths) with the real writer, then reports it in each form.
# Peak memory through GNU time (Debian's package "time").
#   bench/report_scale.sh [RECORDS] [PATHS]
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x /usr/bin/time ]]; then
  echo "report_scale: needs GNU time for peak memory: apt-get install time" >&2
  exit 1
fi
records=${1:-10000000} paths=${2:-100000}
build=build
work=$(mktemp -d /var/tmp/c2audit-report-scale.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r)"
start=$(date +%s%N)
"$build/tests/tools/c2audit-sample-trail" --trail "$work/trail" --key "$work/host.key" \
  --records "$records" --paths "$paths"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
echo "wrote $records records in $((elapsed_ms / 1000)).$(printf %03d $((elapsed_ms % 1000))) s: $(du -sh "$work/trail" | cut -f1) on disk"

for form in "" --json --csv --html; do
  /usr/bin/time -f "%e s elapsed, %U s user, peak RSS %M KiB" \
    "$build/src/cli/c2audit" report --trail "$work/trail" $form --output "$work/out" 2>"$work/time"
  echo "report ${form:-(text)}: $(tail -1 "$work/time"), output $(stat -c %s "$work/out") bytes"
done
/usr/bin/time -f "%e s elapsed, %U s user, peak RSS %M KiB" \
  "$build/src/cli/c2audit" report --trail "$work/trail" --by path --output "$work/out" 2>"$work/time"
echo "report --by path: $(tail -1 "$work/time"), output $(stat -c %s "$work/out") bytes"
/usr/bin/time -f "%e s elapsed, %U s user, peak RSS %M KiB" \
  "$build/src/cli/c2audit" search --trail "$work/trail" --user nobody-at-all 2>"$work/time"
echo "search reading every record, printing none (the reader's own cost): $(tail -1 "$work/time")"
