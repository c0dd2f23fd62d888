#!/usr/bin/env bash
# Records genuine TURN traffic between coturn's turnserver and turnutils_uclient
# on loopback and writes it to captures/coturn-loopback.pcap.
#
# Sessions, in order: a UDP allocation with channel data, a TCP allocation,
# a wrong password, and an unknown user. Needs root (tcpdump on lo) and the
# Debian packages coturn and tcpdump (scripts/install-deps.sh installs them).
# Run it again only to regenerate the capture; tests use the committed file.
set -euo pipefail
cd "$(dirname "$0")/.."
out=captures/coturn-loopback.pcap
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

turnserver -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port=3478 \
  --lt-cred-mech --user=alice:secret --realm=edgecap.test --no-tls --no-dtls \
  --min-port=50000 --max-port=50100 --allow-loopback-peers --no-cli \
  --log-file=stdout --simple-log >"$work/turnserver.log" 2>&1 &
turnutils_peer -L 127.0.0.1 -p 3480 >"$work/peer.log" 2>&1 &
sleep 1
tcpdump -i lo -U -Z root -s 262144 -w "$work/raw.pcap" \
  'udp port 3478 or tcp port 3478 or udp portrange 50000-50100 or udp port 3480' \
  >"$work/tcpdump.log" 2>&1 &
tcpdump_pid=$!
sleep 1

uclient() { timeout 20 turnutils_uclient "$@" 127.0.0.1 >>"$work/uclient.log" 2>&1 || true; }
# 1. UDP allocation, channel binds and channel data to the peer.
uclient -u alice -w secret -e 127.0.0.1 -r 3480 -n 3 -m 1 -c -X
# 2. TCP allocation (TURN over TCP to 3478), Send indications (-s).
uclient -t -s -u alice -w secret -e 127.0.0.1 -r 3480 -n 2 -m 1 -c -X
# 3. Wrong password: the authenticated Allocate is refused.
uclient -u alice -w wrong -e 127.0.0.1 -r 3480 -n 1 -m 1 -c -X
# 4. Unknown user.
uclient -u mallory -w secret -e 127.0.0.1 -r 3480 -n 1 -m 1 -c -X
sleep 1
kill "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null || true
cp "$work/raw.pcap" "$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
