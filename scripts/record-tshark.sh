#!/usr/bin/env bash
# Records tshark's per-frame view of every committed capture next to it, as
# captures/NAME.tshark.tsv, for the differential test (tests/tshark_diff.rs).
# The test reads these files and needs no tshark; rerun this script whenever a
# capture changes. Needs the Debian package tshark (4.0 was used).
set -euo pipefail
cd "$(dirname "$0")/.."
for cap in captures/*.pcap captures/*.pcapng captures/*.pcap.gz captures/*.pcapng.gz captures/*.cap; do
  [ -e "$cap" ] || continue
  base=${cap%.gz}
  out="${base}.tshark.tsv"
  # tshark exits non-zero on a cut-off file after printing every frame it read.
  tshark -r "$cap" -o stun.stunversion:Auto -T fields -E header=y -E separator=/t -E occurrence=f \
    -e frame.number -e frame.len -e frame.time_epoch -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst \
    -e tcp.stream -e udp.stream -e tcp.srcport -e tcp.dstport -e udp.srcport -e udp.dstport \
    -e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.reset -e icmp.type -e icmpv6.type \
    -e ip.proto -e ipv6.nxt \
    >"$out" 2>/dev/null || true
  echo "$out: $(($(wc -l <"$out") - 1)) frames"
done
# tshark's STUN decode of the same captures (captures/NAME.stun.tsv).
scripts/record-tshark-stun.sh
# tshark's SIP decode of the captures that carry SIP (captures/NAME.sip.tsv).
scripts/record-tshark-sip.sh
