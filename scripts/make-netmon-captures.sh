#!/usr/bin/env bash
# Regenerates the Microsoft Network Monitor captures in captures/ (NAME.netmon1.cap,
# NAME.netmon2.cap) from the bundled pcap files with Wireshark's editcap, then
# records tshark's view of every capture (scripts/record-tshark.sh). Needs the
# Debian packages tshark and wireshark-common (editcap, mergecap; 4.0 was used).
#
# TZ=UTC: a NetMon header stores the capture start as local wall-clock time
# without a zone; editcap writes it with localtime() and tshark reads it with
# mktime(). edgecap reads it as UTC, so both tools run in UTC here.
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# NetMon 2.0: one media type (Ethernet) for the whole file, microsecond times.
editcap -F netmon2 captures/field-desktop-sharing-refused.pcap captures/field-desktop-sharing-refused.netmon2.cap
editcap -F netmon2 captures/tcp-outcomes.pcap captures/tcp-outcomes.netmon2.cap
# NetMon 1.1: millisecond times, 16-bit lengths.
editcap -F netmon1 captures/msturn-udp.pcap captures/msturn-udp.netmon1.cap
editcap -F netmon1 captures/field-unknown-user.pcap captures/field-unknown-user.netmon1.cap
# NetMon 2.1: a media type per record. editcap writes 2.1 only for a capture
# with several link types: field case 1 (Ethernet) followed by field case 3
# re-labelled as token ring (media type 2), concatenated into one pcapng.
editcap -T tr captures/field-mras-refused.pcap "$tmp/token-ring.pcap"
mergecap -a -F pcapng -w "$tmp/mixed.pcapng" captures/field-desktop-sharing-refused.pcap "$tmp/token-ring.pcap"
editcap -F netmon2 "$tmp/mixed.pcapng" captures/mixed-media.netmon2.cap

scripts/record-tshark.sh
