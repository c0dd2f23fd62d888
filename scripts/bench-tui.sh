#!/usr/bin/env bash
# Reproducible benchmark of the interactive timeline on a large capture:
# time to first screen, time until fully loaded, and peak RSS.
#
# Runs the release binary in a detached tmux session (200×50) on the same
# synthetic capture as scripts/bench.sh (generated into bench-data/ if
# missing), polls the screen with `tmux capture-pane` every 10 ms, and reads
# the process's peak RSS (VmHWM) from /proc once the findings are on screen.
# "First screen" = the title line is drawn; "loaded" = the Findings pane is
# drawn (the analysis, diagnosis and ladder index are complete).
#
# Then the sessions view (`s`) and the flows sorted by bytes (`o` ×5, `r`):
# the time from the key to the screen showing it.
#
# Usage: scripts/bench-tui.sh [MEGABYTES] [--stun]   (needs tmux)
# Environment: EDGECAP_BIN = the binary to run (default: the release build),
# BENCH_FILE = a capture to open instead of the synthetic one (e.g.
# bench-data/scale-relay-8x.pcap from scripts/scale.sh), BENCH_VIEWS=0 skips
# the sessions and sort timings (for builds without them).
set -euo pipefail
source "$(dirname "$0")/bench-capture.sh" "$@"
if [ -n "${BENCH_FILE:-}" ]; then
  file=$BENCH_FILE
  bytes=$(stat -c %s "$file")
fi
bin=${EDGECAP_BIN:-./target/release/edgecap}
session="edgecap-bench-$$"
cat "$file" >/dev/null # warm the page cache, as scripts/bench.sh does

now() { date +%s%N; } # nanoseconds
screen() { tmux capture-pane -p -t "$session" 2>/dev/null || true; }

start=$(now)
tmux new-session -d -s "$session" -x 200 -y 50 "exec $bin $file"
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT
first=""
while :; do
  s=$(screen)
  if [ -z "$first" ] && grep -q " edgecap " <<<"$s"; then first=$(now); fi
  if grep -q "Findings (" <<<"$s"; then loaded=$(now); break; fi
  if (( $(now) - start > 600000000000 )); then echo "timed out" >&2; exit 1; fi
  sleep 0.01
done
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
# Time from a key to the screen that shows its effect.
key_to() {
  local needle=$1
  shift
  local t0
  t0=$(now)
  tmux send-keys -t "$session" "$@"
  until grep -qF "$needle" <<<"$(screen)"; do
    if (( $(now) - t0 > 600000000000 )); then echo "timed out" >&2; exit 1; fi
    sleep 0.01
  done
  echo $(( $(now) - t0 ))
}
if [ "${BENCH_VIEWS:-1}" = 1 ]; then
sessions_ns=$(key_to "Sessions (" s)
tmux send-keys -t "$session" Escape
sorted_ns=$(key_to "by bytes ▼" o o o o o r)
echo "sessions view: $(awk -v n="$sessions_ns" 'BEGIN { printf "%.3f", n / 1e9 }') s after \`s\`;" \
  "flows sorted by bytes: $(awk -v n="$sorted_ns" 'BEGIN { printf "%.3f", n / 1e9 }') s after \`o\` ×5, \`r\`"
fi
tmux send-keys -t "$session" q
python3 - "$start" "$first" "$loaded" "$hwm_kb" "$bytes" "$file" <<'PY'
import sys
start, first, loaded = (int(x) / 1e9 for x in sys.argv[1:4])
hwm_kb, size, name = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
print(f"capture: {name}, {size} bytes")
print("| first screen | fully loaded | load throughput | peak RSS | RSS / file size |")
print("| --- | --- | --- | --- | --- |")
secs = loaded - start
print(f"| {first - start:.3f} s | {secs:.2f} s | {size / secs / 1e6:.0f} MB/s | "
      f"{hwm_kb / 1024:.1f} MiB | {hwm_kb * 1024 / size * 100:.1f} % |")
PY
