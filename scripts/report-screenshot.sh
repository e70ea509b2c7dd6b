#!/usr/bin/env bash
# The README's picture of the report (docs/report-screenshot.png): the report `plexodus demo
# --report` writes, rendered by Debian's headless Chromium. The top 1200 × 1900 pixels show the
# overview, the options, the three charts and the first person. Run it after changing how the
# report looks, and commit the picture.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
chromium="${CHROMIUM:-/usr/bin/chromium}"
work="$(mktemp -d "${TMPDIR:-/tmp}/plexodus-screenshot-XXXXXX")"
trap 'rm -rf "$work"' EXIT

npm run --silent build
(cd "$work" && node "$root/bin/plexodus.js" demo --report report.html >demo.txt 2>&1) ||
  { cat "$work/demo.txt"; exit 1; }
# --no-sandbox: CI and containers run as root. The report loads nothing, so no network is used.
"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --window-size=1200,1900 --screenshot="$work/report.png" "file://$work/report.html" 2>"$work/chromium.log" ||
  { cat "$work/chromium.log"; exit 1; }
mv "$work/report.png" "$root/docs/report-screenshot.png"
echo "wrote docs/report-screenshot.png"
