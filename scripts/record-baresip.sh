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
set -euo pipefail
cd "$(dirname "$0")/.."
out=captures/baresip-ice-call.pcap
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# The tone: 1 s of 440 Hz, 8 kHz mono 16-bit PCM (baresip's aufile source).
python3 - "$work/tone.wav" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 8000))) for i in range(4000)))
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
timeout 15 baresip -f "$work/bob" -t 6 </dev/null >"$work/bob.log" 2>&1 &
bob_pid=$!
sleep 1.5
timeout 15 baresip -f "$work/alice" -e "/dial sip:bob@127.0.0.1:5080" -t 4 </dev/null >"$work/alice.log" 2>&1 || true
wait "$bob_pid" || true
sleep 1
kill "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null || true
cp "$work/raw.pcap" "$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
