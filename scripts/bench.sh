#!/usr/bin/env bash
# Reproducible throughput and memory benchmark of `edgecap summary`.
#
# Generates a synthetic capture of small UDP and TCP packets (default 1000 MB,
# examples/gen_bench_capture.rs), then times `edgecap summary --json` on it and,
# in the same run, tshark on the same file: `tshark -q -z conv,udp` for the
# plain profile, `tshark -o stun.stunversion:Auto -Y stun -T fields …` for the
# STUN-heavy profile (--stun). Reports packets/s, MB/s and peak RSS (from
# /usr/bin/time). The capture is kept in bench-data/ (git-ignored) and reused.
#
# Usage: scripts/bench.sh [MEGABYTES] [--stun]   (needs /usr/bin/time; tshark optional)
set -euo pipefail
source "$(dirname "$0")/bench-capture.sh" "$@"
packets=$(./target/release/edgecap summary --json --fail-on none "$file" | python3 -c 'import json,sys; print(json.load(sys.stdin)["capture"]["packets"])')

measure() { # label, command...
  local label=$1; shift
  # Warm the page cache so both tools read from memory.
  cat "$file" >/dev/null
  /usr/bin/time -f '%e %M' -o bench-data/time.txt "$@" >/dev/null 2>bench-data/stderr.txt || true
  read -r secs rss_kb <bench-data/time.txt
  python3 - "$label" "$secs" "$rss_kb" "$packets" "$bytes" <<'PY'
import sys
label, secs, rss_kb, packets, size = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
secs = max(secs, 0.001)
print(f"| {label} | {secs:.2f} s | {packets / secs / 1e6:.2f} M packets/s | {size / secs / 1e6:.0f} MB/s | {rss_kb / 1024:.1f} MiB |")
PY
}

echo "capture: $file, $packets packets, $bytes bytes ($(nproc) cores, $(date -u +%Y-%m-%d))"
echo "| command | wall time | packets/s | MB/s | peak RSS |"
echo "| --- | --- | --- | --- | --- |"
measure "edgecap summary --json" ./target/release/edgecap summary --json --fail-on none "$file"
if command -v tshark >/dev/null; then
  if [ "$profile" = "--stun" ]; then
    measure "tshark -Y stun -T fields" tshark -r "$file" -o stun.stunversion:Auto -Y stun -T fields \
      -e frame.number -e stun.type -e stun.id -e stun.att.error -e stun.att.ipv4 -e stun.att.port
  else
    measure "tshark -q -z conv,udp" tshark -q -z conv,udp -r "$file"
  fi
fi
