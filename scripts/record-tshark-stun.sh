#!/usr/bin/env bash
# Records tshark's STUN / classic-STUN decode of every committed capture next
# to it, as captures/NAME.stun.tsv (one line per frame, every frame), for the
# differential test tests/stun_tshark_diff.rs, which needs no tshark.
# Called by scripts/record-tshark.sh; rerun whenever a capture changes.
# Needs the Debian package tshark (4.0.17 was used).
#
# The exact command, per capture:
#   tshark -r CAPTURE -o stun.stunversion:Auto -d tcp.port==80,stun \
#     -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator='|' \
#     -e frame.number -e _ws.col.Protocol -e stun.type ... (FIELDS below)
#
# * `-o stun.stunversion:Auto`: a first attribute 0x000F (MS-TURN MAGIC-COOKIE)
#   switches the stun dissector to MS-TURN rules (no padding, REALM 0x0015
#   shown with its quotes, NONCE 0x0014, USERNAME as opaque bytes); without it
#   MS-TURN messages with odd attribute lengths are malformed (docs/protocols.md §8.3).
# * `-d tcp.port==80,stun`: tshark binds STUN only to 3478 (plus a TCP
#   heuristic that needs the cookie at offset 4 or 6 of a segment's first
#   bytes); rfc-tcp-framings.pcap carries TURN over TCP port 80.
# * Multi-valued fields list every occurrence in the frame, in attribute
#   order, joined by `|` (several messages of one TCP segment are joined too;
#   `stun.length` has one entry per message and per ChannelData).
#   `stun.att.port`/`ipv4`/`ipv6` mix plain and XOR-decoded (generated)
#   values; `stun.att.family` has one entry per address attribute.
# * `stun.att.error` is the number only (code mod 100); `stun.att.crc32.status`
#   is 1 good / 0 bad.
# * Cookieless messages fall to the `classicstun` heuristic; its
#   `classicstun.att.port`/`ipv4` hold the XOR-decoded values too.
# * tshark does NOT decode MS-TURN inside pseudo-TLS or MS-TURN framing on
#   TCP 443 ("Ignored Unknown Record" / "Continuation Data"): for those frames
#   the oracle is the generator (edgecap_testkit::samples::tshark_blind_stun).
set -euo pipefail
cd "$(dirname "$0")/.."
FIELDS=(
  frame.number _ws.col.Protocol
  stun.type stun.id stun.length stun.network_version stun.channel turnchannel.id
  stun.att.type stun.att.length stun.att.family stun.att.port stun.att.ipv4 stun.att.ipv6
  stun.att.error.class stun.att.error stun.att.error.reason
  stun.att.realm stun.att.lifetime stun.att.username stun.att.username.opaque stun.att.software
  stun.att.crc32.status stun.att.magic_cookie stun.att.ms.version
  classicstun.type classicstun.id classicstun.att.type classicstun.att.family
  classicstun.att.port classicstun.att.ipv4 classicstun.att.ipv6
  classicstun.att.port-xord classicstun.att.ipv4-xord
  classicstun.att.error.class classicstun.att.error classicstun.att.error.reason
  classicstun.att.lifetime classicstun.att.magic.cookie
)
args=()
for f in "${FIELDS[@]}"; do args+=(-e "$f"); done
for cap in captures/*.pcap captures/*.pcapng captures/*.pcap.gz captures/*.pcapng.gz captures/*.cap; do
  [ -e "$cap" ] || continue
  base=${cap%.gz}
  out="${base}.stun.tsv"
  # tshark exits non-zero on a cut-off file after printing every frame it read.
  tshark -r "$cap" -o stun.stunversion:Auto -d tcp.port==80,stun \
    -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator='|' \
    "${args[@]}" >"$out" 2>/dev/null || true
  stun=$(awk -F'\t' 'NR > 1 && ($3 != "" || $26 != "") { n++ } END { print n + 0 }' "$out")
  echo "$out: $(($(wc -l <"$out") - 1)) frames, $stun with STUN"
done
