#!/usr/bin/env bash
# Peak memory of `edgecap summary --json` on the hostile resource-limit
# captures (examples/gen_limits.rs, written to bench-data/, git-ignored): a
# 1.2-million-flow SYN flood, a million TCP connections that carry data and
# stay open, one flow of 100,000 out-of-order segments, a storm of 200,000
# never-completed IPv4 fragments and 10,000 STUN messages of 4000
# attributes. Prints wall time and peak RSS (/usr/bin/time %M, JSON to
# /dev/null) and, from a second run, the counters that show what was dropped
# or finalised early (capture.flows_dropped, capture.flows_evicted, anomaly
# counts). Needs /usr/bin/time and bc.
# Usage: scripts/limits.sh
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bin edgecap --example gen_limits
[ -s bench-data/limits-data-flood.pcap ] || "$target/release/examples/gen_limits" bench-data
printf '%-32s %10s %8s %10s  %s\n' capture MB secs 'peak RSS' 'what was dropped'
for f in syn-flood data-flood out-of-order fragments stun-attributes; do
  file=bench-data/limits-$f.pcap
  # Timed alone, writing to /dev/null (the SYN flood's JSON is ~1.5 GB: a
  # parser reading it as it streams would set the pace), then run again for
  # the counters: flows are the objects of the top-level "flows" array,
  # anomaly counters the lines of "anomalies"."counts", the flow caps'
  # counters the non-zero lines of "capture"."flows_dropped" /
  # "flows_evicted" (pretty-printed layout, README "JSON schema").
  /usr/bin/time -f '%e %M' -o bench-data/time.txt \
    "$target/release/edgecap" summary --json --fail-on none "$file" >/dev/null
  dropped=$("$target/release/edgecap" summary --json --fail-on none "$file" |
    awk '/^  "[a-z_]+": /{top=$1} top=="\"flows\":" && /^    \{/{n++}
         /^    "flows_(dropped|evicted)": \{/{blk=$1; gsub(/[":]/, "", blk); sub(/flows_/, "", blk); next}
         blk && /^    \}/{blk=""}
         blk && /^      "(flows|syn_unanswered|active|untracked)": [1-9]/{
           gsub(/[ ",]/, ""); sub(/:/, "="); extra=extra " " blk "." $0}
         /^    "counts": \{/{c=1; next} c && /^    \}/{c=0}
         c && /buffer_cap|"tcp.gap"|fragment_memory_cap|fragment_timeout|too_many_attributes/{
           gsub(/[ ",]/, ""); sub(/:/, "="); extra=extra " " $0}
         END{print "flows=" n+0 extra}')
  read -r secs rss_kb <bench-data/time.txt
  printf '%-32s %10.1f %8s %7d MiB  %s\n' "$(basename "$file")" \
    "$(echo "$(stat -c %s "$file") / 1048576" | bc -l)" "$secs" $((rss_kb / 1024)) "$dropped"
done

# Shapes whose memory grows with the capture up to the named caps, not yet
# with live state only (issue 11): 100,000 TURN allocations from one client,
# 200,000 Allocate/401 pairs and 100,000 clients each between new hosts, and
# 400,000 one-packet STUN flows between new hosts, from the scaling
# benchmark's generator at 8x. What bounds them: MAX_MESSAGES and
# MAX_MESSAGE_BYTES (decoded messages kept), MAX_FLOW_RECORDS (flow records),
# MAX_FINDINGS_PER_KIND (distinct findings of one id and severity; the
# one-packet flows made one finding each before it). Prints peak RSS and
# bytes per unit, so a regression shows here.
cargo build --release --quiet --example gen_scale_capture
printf '\n%-32s %10s %8s %10s  %s\n' capture MB secs 'peak RSS' 'per unit'
for shape in allocations pairs clients oneshot; do
  file=bench-data/scale-$shape-8x.pcap
  if [ ! -s "$file" ] || [ ! -s "$file.units" ]; then
    "$target/release/examples/gen_scale_capture" "$file" "$shape" 8 >"$file.units"
  fi
  units=$(cat "$file.units")
  /usr/bin/time -f '%e %M' -o bench-data/time.txt \
    "$target/release/edgecap" summary --json --fail-on none "$file" >/dev/null
  read -r secs rss_kb <bench-data/time.txt
  printf '%-32s %10.1f %8s %7d MiB  %d B per %s unit (%d units)\n' "$(basename "$file")" \
    "$(echo "$(stat -c %s "$file") / 1048576" | bc -l)" "$secs" $((rss_kb / 1024)) \
    $((rss_kb * 1024 / units)) "$shape" "$units"
done
