#!/usr/bin/env bash
# Linear-time benchmark of `edgecap summary` (issue 11, "busy edges").
#
# For each capture shape of examples/gen_scale_capture.rs (relay, errors,
# resets, clients, allocations, pairs, oneshot) generates the capture at
# scale factors 1, 2, 4 and 8 in bench-data/ (git-ignored, reused when
# present), times `edgecap summary --json --fail-on none` on each with
# /usr/bin/time, and prints a table: shape, factor, units, file MB, wall s,
# CPU (user) s, µs of CPU per unit and peak RSS. Factors 1 and 2 are run three
# times and the fastest run is kept, to limit noise on short runs. In the same
# run, `tshark -q -z conv,udp` reads each file once (its own UDP conversation
# table, the cheapest tshark pass that dissects every packet): its CPU seconds
# and how many times faster edgecap is ("× tshark", CPU against CPU), so the
# ratio holds even when the shared machine's absolute speed drifts.
#
# Then, per shape, the growth of CPU time per unit from 1x to 8x: linear work
# keeps it flat. Prints `FAIL: SHAPE time per unit grew N % from 1x to 8x`
# for every shape over 30 % (or whose 8x run exceeds the time limit) and exits
# 1; otherwise prints PASS.
#
# Usage: scripts/scale.sh [SHAPE…]   (default: every shape; needs /usr/bin/time
# and tshark; SCALE_TSHARK=0 leaves tshark out)
# Environment: SCALE_TIMEOUT = seconds allowed per run (default 600);
# SCALE_BIN = the edgecap binary to time (default: the one just built), e.g. a
# saved copy of an older build to compare with.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
all_shapes=(relay errors resets clients allocations pairs oneshot)
shapes=("$@")
[ ${#shapes[@]} -eq 0 ] && shapes=("${all_shapes[@]}")
limit=${SCALE_TIMEOUT:-600}
target=${CARGO_TARGET_DIR:-target}
mkdir -p bench-data
cargo build --release --quiet --bin edgecap --example gen_scale_capture
bin=${SCALE_BIN:-$target/release/edgecap}
gen=$target/release/examples/gen_scale_capture

results=bench-data/scale-results.txt
: >"$results"
with_tshark=${SCALE_TSHARK:-1}
if [ "$with_tshark" = 1 ] && ! command -v tshark >/dev/null; then
  echo "scale.sh: tshark not found (install it, or SCALE_TSHARK=0)" >&2
  exit 2
fi
printf '| %-11s | %6s | %8s | %7s | %8s | %8s | %9s | %8s | %8s | %9s |\n' \
  shape factor units "file MB" "wall s" "CPU s" "µs/unit" "RSS MiB" "tshark s" "× tshark"
echo "| ----------- | -----: | -------: | ------: | -------: | -------: | --------: | -------: | -------: | --------: |"
for shape in "${shapes[@]}"; do
  for factor in 1 2 4 8; do
    file=bench-data/scale-$shape-${factor}x.pcap
    if [ ! -s "$file" ] || [ ! -s "$file.units" ] || [ "$gen" -nt "$file" ]; then
      "$gen" "$file" "$shape" "$factor" >"$file.units"
    fi
    units=$(cat "$file.units")
    runs=1
    [ "$factor" -le 2 ] && runs=3
    best_cpu="" best_wall="" best_rss="" status=ok
    cat "$file" >/dev/null # warm the page cache
    for _ in $(seq "$runs"); do
      if ! timeout "$limit" /usr/bin/time -f '%e %U %M' -o bench-data/scale-time.txt \
        "$bin" summary --json --fail-on none "$file" >/dev/null 2>bench-data/scale-stderr.txt; then
        status=timeout
        break
      fi
      read -r wall cpu rss_kb <bench-data/scale-time.txt
      if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then
        best_cpu=$cpu best_wall=$wall best_rss=$rss_kb
      fi
    done
    mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1e6 }')
    if [ "$status" = timeout ]; then
      printf '| %-11s | %6s | %8s | %7s | %8s | %8s | %9s | %8s | %8s | %9s |\n' \
        "$shape" "${factor}x" "$units" "$mb" ">$limit" "-" "-" "-" "-" "-"
      echo "$shape $factor $units timeout" >>"$results"
      break
    fi
    tshark_cpu=-
    if [ "$with_tshark" = 1 ] &&
      timeout "$limit" /usr/bin/time -f '%U' -o bench-data/scale-tshark-time.txt \
        tshark -q -z conv,udp -r "$file" >/dev/null 2>&1; then
      tshark_cpu=$(cat bench-data/scale-tshark-time.txt)
    fi
    awk -v s="$shape" -v f="${factor}x" -v u="$units" -v mb="$mb" -v w="$best_wall" \
      -v c="$best_cpu" -v r="$best_rss" -v t="$tshark_cpu" 'BEGIN {
        ratio = (t == "-" || c <= 0) ? "-" : sprintf("%.1f", t / c)
        printf "| %-11s | %6s | %8d | %7s | %8.2f | %8.2f | %9.2f | %8.1f | %8s | %9s |\n",
          s, f, u, mb, w, c, c * 1e6 / u, r / 1024, t, ratio }'
    echo "$shape $factor $units $best_cpu" >>"$results"
  done
done

echo
fail=0
for shape in "${shapes[@]}"; do
  verdict=$(awk -v s="$shape" '
    $1 == s && $2 == 1 && $4 != "timeout" { base = $4 / $3 }
    $1 == s && $4 == "timeout" { timed_out = $2 }
    $1 == s && $2 == 8 && $4 != "timeout" { last = $4 / $3 }
    END {
      if (timed_out != "") { printf "FAIL: %s timed out at %sx\n", s, timed_out; exit }
      if (base == "" || last == "") { printf "FAIL: %s has no 1x or 8x run\n", s; exit }
      g = (base > 0) ? (last / base - 1) * 100 : 0
      if (g > 30) printf "FAIL: %s time per unit grew %.0f %% from 1x to 8x\n", s, g
      else printf "ok: %s time per unit grew %.0f %% from 1x to 8x\n", s, g
    }' "$results")
  echo "$verdict"
  case $verdict in FAIL*) fail=1 ;; esac
done
if [ "$fail" -eq 1 ]; then
  exit 1
fi
echo PASS
