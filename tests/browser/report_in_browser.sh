#!/usr/bin/env bash
# The HTML report in a real browser: writes a sample trail (with a record
# whose user, program and path are markup), reports it as HTML and JSON,
# and has report_check.mjs open the page in headless Chromium.
#   report_in_browser.sh SAMPLE_TRAIL_TOOL C2AUDIT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sample=$1 c2audit=$2
if [[ ! -d $here/node_modules/playwright-core ]]; then
  echo "report_in_browser: $here/node_modules is missing: run scripts/install-deps.sh" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$sample" --trail "$work/trail" --key "$work/host.key" --records 50000 --paths 2000 --hostile
"$c2audit" report --trail "$work/trail" --html --output "$work/report.html"
"$c2audit" report --trail "$work/trail" --json --output "$work/report.json"
node "$here/report_check.mjs" "$work/report.html" "$work/report.json"
