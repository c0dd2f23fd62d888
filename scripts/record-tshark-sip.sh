#!/usr/bin/env bash
# Records tshark's SIP decode of every committed capture that carries SIP,
# as captures/NAME.sip.tsv (one line per frame with SIP; several messages of
# one TCP segment are joined by `|`), for the differential test
# tests/sip_tshark_diff.rs, which needs no tshark. A capture without a
# .sip.tsv must have no SIP in edgecap either. Called by
# scripts/record-tshark.sh; rerun whenever a capture changes. Needs the
# Debian package tshark (4.0.17 was used).
#
# The exact command, per capture:
#   tshark -r CAPTURE -Y sip -T fields -E header=y -E separator=/t \
#     -E occurrence=a -E aggregator='|' -e frame.number -e sip.Method \
#     -e sip.Status-Code -e sip.Call-ID -e sip.CSeq.seq -e sip.CSeq.method
#
# tshark's defaults are kept: SIP on UDP/TCP 5060 and its heuristic on
# other ports (it finds 5068 and 5070 in sip-signalling.pcap).
set -euo pipefail
cd "$(dirname "$0")/.."
for cap in captures/*.pcap captures/*.pcapng captures/*.pcap.gz captures/*.pcapng.gz; do
  [ -e "$cap" ] || continue
  base=${cap%.gz}
  out="${base}.sip.tsv"
  tmp=$(mktemp)
  # tshark exits non-zero on a cut-off file after printing every frame it read.
  tshark -r "$cap" -Y sip -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator='|' \
    -e frame.number -e sip.Method -e sip.Status-Code -e sip.Call-ID -e sip.CSeq.seq -e sip.CSeq.method \
    >"$tmp" 2>/dev/null || true
  n=$(($(wc -l <"$tmp") - 1))
  if [ "$n" -gt 0 ]; then
    mv "$tmp" "$out"
    echo "$out: $n frames with SIP"
  else
    rm -f "$tmp" "$out"
  fi
done
