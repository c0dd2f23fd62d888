#!/usr/bin/env bash
# Linear-time check of joining captures (issue 14, several vantage points).
#
# Generates pairs of captures of the same calls from two vantage points
# (examples/gen_vantage_pair.rs: clients behind a NAT and the edge's
# external side, one lost Allocate in 50) at scale factors 1, 2, 4 and 8 in
# bench-data/ (git-ignored, reused when present), and times
# `edgecap summary --json --fail-on none CLIENT EDGE` on each pair with
# /usr/bin/time: both analyses and the join. Prints a table: factor, calls,
# MB of both files, wall s, CPU (user) s, µs of CPU per call, peak RSS, and
# the messages the `path.lost` findings count (one per lost Allocate).
# Factors 1 and 2 are run three times and the fastest run is kept.
#
# Then the growth of CPU time per call from 1x to 8x: linear work keeps it
# flat. Prints FAIL and exits 1 over 30 %, or when the messages found lost
# are not one per 50 calls; otherwise PASS.
#
# Usage: scripts/scale-join.sh   (needs /usr/bin/time and python3)
# Environment: SCALE_TIMEOUT = seconds allowed per run (default 600).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
limit=${SCALE_TIMEOUT:-600}
target=${CARGO_TARGET_DIR:-target}
mkdir -p bench-data
cargo build --release --quiet --bin edgecap --example gen_vantage_pair
bin=$target/release/edgecap
gen=$target/release/examples/gen_vantage_pair
printf '| %6s | %8s | %7s | %8s | %8s | %9s | %8s | %9s |\n' \
  factor calls "file MB" "wall s" "CPU s" "µs/call" "RSS MiB" "path.lost"
echo "| -----: | -------: | ------: | -------: | -------: | --------: | -------: | --------: |"
fail=0 base="" last=""
for factor in 1 2 4 8; do
  prefix=bench-data/join-${factor}x
  if [ ! -s "$prefix-edge.pcap" ] || [ ! -s "$prefix.calls" ] || [ "$gen" -nt "$prefix.calls" ]; then
    "$gen" "$prefix" "$factor" >"$prefix.calls"
  fi
  calls=$(cat "$prefix.calls")
  runs=1
  [ "$factor" -le 2 ] && runs=3
  best_cpu="" best_wall="" best_rss=""
  cat "$prefix-client.pcap" "$prefix-edge.pcap" >/dev/null # warm the page cache
  for _ in $(seq "$runs"); do
    if ! timeout "$limit" /usr/bin/time -f '%e %U %M' -o bench-data/join-time.txt \
      "$bin" summary --json --fail-on none "$prefix-client.pcap" "$prefix-edge.pcap" \
      >bench-data/join-out.json 2>bench-data/join-stderr.txt; then
      echo "FAIL: ${factor}x timed out or failed"; exit 1
    fi
    read -r wall cpu rss_kb <bench-data/join-time.txt
    if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then
      best_cpu=$cpu best_wall=$wall best_rss=$rss_kb
    fi
  done
  # Messages found lost: details.count of the (merged) path.lost findings.
  lost=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sum(f["details"]["count"] for f in d["join"]["findings"] if f["id"] == "path.lost"))' bench-data/join-out.json)
  mb=$(awk -v a="$(stat -c %s "$prefix-client.pcap")" -v b="$(stat -c %s "$prefix-edge.pcap")" \
    'BEGIN { printf "%.1f", (a + b) / 1e6 }')
  awk -v f="${factor}x" -v u="$calls" -v mb="$mb" -v w="$best_wall" -v c="$best_cpu" \
    -v r="$best_rss" -v l="$lost" 'BEGIN {
      printf "| %6s | %8d | %7s | %8.2f | %8.2f | %9.2f | %8.1f | %9d |\n",
        f, u, mb, w, c, c * 1e6 / u, r / 1024, l }'
  if [ "$lost" -ne $((calls / 50)) ]; then
    echo "FAIL: ${factor}x: $lost messages found lost, want $((calls / 50))"; fail=1
  fi
  per=$(awk -v c="$best_cpu" -v u="$calls" 'BEGIN { print c / u }')
  [ "$factor" -eq 1 ] && base=$per
  [ "$factor" -eq 8 ] && last=$per
done
growth=$(awk -v a="$base" -v b="$last" 'BEGIN { printf "%.0f", (a > 0) ? (b / a - 1) * 100 : 0 }')
echo
if [ "$growth" -gt 30 ]; then
  echo "FAIL: time per call grew $growth % from 1x to 8x"; fail=1
else
  echo "ok: time per call grew $growth % from 1x to 8x"
fi
[ "$fail" -eq 1 ] && exit 1
echo PASS
