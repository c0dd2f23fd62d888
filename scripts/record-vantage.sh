#!/usr/bin/env bash
# Records one TURN client's traffic with coturn at two vantage points with a
# NAT between them, and writes captures/real-nat-client.pcap (the client's
# interface) and captures/real-nat-edge.pcap (the TURN server's interface).
#
# Three network namespaces joined by veth pairs:
#   ec-client 192.168.77.2 ── 192.168.77.1 ec-nat 203.0.113.1 ── 203.0.113.10 ec-edge
# ec-nat forwards and masquerades (nftables) what leaves toward ec-edge, so
# the edge sees the client as 203.0.113.1 with ports the NAT chose. Its
# forward chain also drops the 3rd client-to-server packet of each UDP
# flow (the client retransmits it) and answers the 6th packet of the
# TCP allocation with a RST in the server's name (`reject with tcp reset`):
# a loss and a RST the edge never sent, made by a real NAT and stack.
# coturn's turnserver runs in ec-edge, turnutils_uclient in ec-client,
# tcpdump in both. Needs root and the Debian packages coturn, tcpdump,
# nftables and iproute2. Run it again only to regenerate the captures;
# tests use the committed files.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  for ns in ec-client ec-nat ec-edge; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for ns in ec-client ec-nat ec-edge; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip link add c0 netns ec-client type veth peer name c1 netns ec-nat
ip link add s0 netns ec-edge type veth peer name s1 netns ec-nat
ip -n ec-client addr add 192.168.77.2/24 dev c0
ip -n ec-nat addr add 192.168.77.1/24 dev c1
ip -n ec-nat addr add 203.0.113.1/24 dev s1
ip -n ec-edge addr add 203.0.113.10/24 dev s0
for l in "ec-client c0" "ec-nat c1" "ec-nat s1" "ec-edge s0"; do
  set -- $l; ip -n "$1" link set "$2" up
  # No offloads: tcpdump sees the packets as they are on the wire.
  ip netns exec "$1" ethtool -K "$2" tx off rx off >/dev/null 2>&1 || true
done
ip -n ec-client route add default via 192.168.77.1
ip netns exec ec-nat sysctl -qw net.ipv4.ip_forward=1
ip netns exec ec-nat sysctl -qw net.netfilter.nf_conntrack_acct=1 2>/dev/null || true
ip netns exec ec-nat nft -f - <<'NFT'
table ip nat {
  chain post { type nat hook postrouting priority srcnat; oifname "s1" masquerade random; }
}
table ip filter {
  chain through {
    type filter hook forward priority filter;
    iifname "c1" udp dport 3478 ct original packets 3 drop
    iifname "c1" tcp dport 3478 ct original packets 6 reject with tcp reset
  }
}
NFT
ip netns exec ec-nat sysctl -qw net.netfilter.nf_conntrack_acct=1
ip netns exec ec-edge turnserver -n --listening-ip=203.0.113.10 --relay-ip=203.0.113.10 \
  --listening-port=3478 --lt-cred-mech --user=alice:secret --realm=edgecap.test --no-tls \
  --no-dtls --min-port=50000 --max-port=50100 --no-cli --log-file=stdout --simple-log \
  >"$work/turnserver.log" 2>&1 &
ip netns exec ec-edge turnutils_peer -L 203.0.113.10 -p 3480 >"$work/peer.log" 2>&1 &
sleep 1
filter='udp port 3478 or tcp port 3478 or udp portrange 50000-50100 or udp port 3480'
ip netns exec ec-client tcpdump -i c0 -U -Z root -s 262144 -w "$work/client.pcap" "$filter" \
  >"$work/tcpdump-client.log" 2>&1 &
client_dump=$!
ip netns exec ec-edge tcpdump -i s0 -U -Z root -s 262144 -w "$work/edge.pcap" "$filter" \
  >"$work/tcpdump-edge.log" 2>&1 &
edge_dump=$!
sleep 1
uclient() { timeout 20 ip netns exec ec-client turnutils_uclient "$@" 203.0.113.10 >>"$work/uclient.log" 2>&1 || true; }
# 1. UDP allocation, a channel and data to the peer.
uclient -u alice -w secret -e 203.0.113.10 -r 3480 -n 2 -m 1 -c -X
# 2. TCP allocation: the NAT resets it in the server's name.
uclient -t -u alice -w secret -e 203.0.113.10 -r 3480 -n 2 -m 1 -c -X
sleep 1
kill "$client_dump" "$edge_dump"
wait "$client_dump" "$edge_dump" 2>/dev/null || true
cp "$work/client.pcap" captures/real-nat-client.pcap
cp "$work/edge.pcap" captures/real-nat-edge.pcap
for f in captures/real-nat-client.pcap captures/real-nat-edge.pcap; do
  echo "wrote $f ($(stat -c %s "$f") bytes)"
done
