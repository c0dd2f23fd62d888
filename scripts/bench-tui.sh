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
# Usage: scripts/bench-tui.sh [MEGABYTES] [--stun]   (needs tmux)
set -euo pipefail
source "$(dirname "$0")/bench-capture.sh" "$@"
session="edgecap-bench-$$"
cat "$file" >/dev/null # warm the page cache, as scripts/bench.sh does

now() { date +%s%N; } # nanoseconds
screen() { tmux capture-pane -p -t "$session" 2>/dev/null || true; }

start=$(now)
tmux new-session -d -s "$session" -x 200 -y 50 "exec ./target/release/edgecap $file"
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
