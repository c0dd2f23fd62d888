#!/usr/bin/env bash
# Renders the HTML report (`edgecap report`) of two bundled captures to PNG
# with headless Chromium, for the README: assets/report-NAME.png.
# Needs the Debian package chromium (scripts/test.sh installs it).
# Rerun when the report's look or the captures change.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for name in field-desktop-sharing-refused field-healthy-call; do
  "${CARGO_TARGET_DIR:-target}/release/edgecap" report "captures/$name.pcap" -o "$tmp/$name.html"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$tmp/profile" --window-size=1100,1500 \
    --screenshot="assets/report-$name.png" "file://$tmp/$name.html" 2>/dev/null
  echo "assets/report-$name.png: $(stat -c %s "assets/report-$name.png") bytes"
done
