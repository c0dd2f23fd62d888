#!/usr/bin/env bash
# Records a genuine SIP call between two baresip user agents on loopback,
# with ICE through coturn's turnserver, and writes it to
# captures/baresip-ice-call.pcap.
#
# alice (UDP 5060) calls bob (UDP 5080, auto-answer) directly, no registrar.
# Both gather host, server-reflexive and relay candidates on the TURN server
# 127.0.0.1:3478 (user alice, realm edgecap.test), run ICE, and send a 0.5 s
# 440 Hz PCMU tone; when the tone ends the call is hung up (BYE). Needs root
# (tcpdump on lo) and the Debian packages baresip, coturn and tcpdump. Run it
# again only to regenerate the capture (then scripts/record-tshark.sh); tests
# use the committed file.
#
# `scripts/record-baresip.sh relay` records the same call with the media
# forced through the relays (captures/baresip-relay-call.pcap): it runs in a
# network namespace of its own (only its loopback, with 127.0.0.1 and
# 192.0.2.2, the host address of the first recording), whose nftables filter drops every UDP datagram that is neither
# from nor to the TURN server (3478), a SIP port (5060, 5080) or the relay
# ports (50000-50100): the host and server-reflexive pairs fail their
# checks, a pair with a relay candidate wins. Needs nftables too.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-direct}
case $mode in
direct) out=captures/baresip-ice-call.pcap ;;
relay) out=captures/baresip-relay-call.pcap ;;
*) echo "usage: $0 [relay]" >&2 && exit 2 ;;
esac
if [ "$mode" = relay ] && [ -z "${EDGECAP_RELAY_NETNS:-}" ]; then
  ns=edgecap-relay-$$
  ip netns add "$ns"
  trap 'ip netns del "$ns"' EXIT
  ip netns exec "$ns" ip link set lo up
  # baresip's ICE wants a host address besides 127.0.0.1 for its default
  # candidate: 192.0.2.2 (the first recording's host address) on lo.
  ip netns exec "$ns" ip addr add 192.0.2.2/32 dev lo
  ip netns exec "$ns" nft -f - <<'NFT'
table inet relayonly {
  chain out {
    type filter hook output priority 0; policy accept;
    udp sport != { 3478, 5060, 5080, 50000-50100 } udp dport != { 3478, 5060, 5080, 50000-50100 } drop
  }
}
NFT
  EDGECAP_RELAY_NETNS=$ns ip netns exec "$ns" "$0" relay
  exit
fi
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# The tone: 0.5 s of 440 Hz, 8 kHz mono 16-bit PCM (baresip's aufile
# source); 1.5 s through the relays, whose checks take longer to complete than
# a short tone lasts.
samples=4000 alice_secs=4 bob_secs=6
if [ "$mode" = relay ]; then samples=12000 alice_secs=7 bob_secs=9; fi
python3 - "$work/tone.wav" "$samples" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 8000))) for i in range(int(sys.argv[2]))))
w.close()
PY
for ua in alice:5060 bob:5080; do
  user=${ua%:*} port=${ua#*:}
  mkdir -p "$work/$user"
  cat >"$work/$user/config" <<CFG
poll_method epoll
sip_listen 127.0.0.1:$port
sip_transports udp
net_interface 127.0.0.1
audio_player aufile,$work/$user/heard.wav
audio_source aufile,$work/tone.wav
audio_alert aufile,/dev/null
audio_srate 8000
audio_channels 1
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module ice.so
module turn.so
module stdio.so
module_app account.so
module_app menu.so
CFG
  echo "<sip:$user@127.0.0.1:$port>;regint=0;answermode=auto;audio_codecs=PCMU;medianat=ice;stunserver=\"turn:127.0.0.1:3478\";stunuser=alice;stunpass=secret" \
    >"$work/$user/accounts"
done

turnserver -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port=3478 \
  --lt-cred-mech --user=alice:secret --realm=edgecap.test --no-tls --no-dtls \
  --min-port=50000 --max-port=50100 --allow-loopback-peers --no-cli \
  --log-file=stdout --simple-log >"$work/turnserver.log" 2>&1 &
sleep 1
tcpdump -i lo -U -Z root -s 262144 -w "$work/raw.pcap" udp >"$work/tcpdump.log" 2>&1 &
tcpdump_pid=$!
sleep 1
timeout 15 baresip -f "$work/bob" -t "$bob_secs" </dev/null >"$work/bob.log" 2>&1 &
bob_pid=$!
sleep 1.5
timeout 15 baresip -f "$work/alice" -e "/dial sip:bob@127.0.0.1:5080" -t "$alice_secs" </dev/null >"$work/alice.log" 2>&1 || true
wait "$bob_pid" || true
sleep 1
kill "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null || true
cp "$work/raw.pcap" "$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
