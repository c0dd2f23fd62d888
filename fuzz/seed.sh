#!/usr/bin/env bash
# Re-seeds fuzz/corpus/ from the committed captures and the synthetic seed
# generator. Safe to re-run: seeds are named by capture or by content hash,
# so running it again only adds what is new. Run from anywhere:
#   fuzz/seed.sh
# Needs cargo; tshark (optional) for the STUN payloads of the captures.
set -euo pipefail
cd "$(dirname "$0")"
caps_dir=../captures
max_copy=$((512 * 1024)) # larger captures are not copied (keep the corpus small)

shopt -s nullglob
caps=("$caps_dir"/*.pcap "$caps_dir"/*.pcapng "$caps_dir"/*.pcap.gz "$caps_dir"/*.pcapng.gz "$caps_dir"/*.cap)
mkdir -p corpus/capture_reader corpus/capture_reader_gzip corpus/pipeline corpus/stun_decode corpus/frame_source

# 1. Capture files, as they are, for the file-level targets.
for cap in "${caps[@]}"; do
    name=$(basename "$cap")
    size=$(stat -c %s "$cap")
    if ((size > max_copy)); then
        echo "seed.sh: $name is $size bytes, not copied" >&2
        continue
    fi
    cp "$cap" corpus/capture_reader/"$name"
    cp "$cap" corpus/pipeline/"$name"
    cp "$cap" corpus/frame_source/"$name"
    case "$name" in
    *.gz) ;;
    *) cp "$cap" corpus/capture_reader_gzip/"$name" ;;
    esac
done

# 2. STUN payloads (UDP datagrams and TCP segments) of every capture.
if command -v tshark >/dev/null; then
    for cap in "${caps[@]}"; do
        # tshark fails on damaged captures after printing what it could read.
        { tshark -r "$cap" -Y stun -T fields -e udp.payload -e tcp.payload 2>/dev/null || true; } |
            tr '\t' '\n' | tr -d ':' | { grep -E '^[0-9a-fA-F]+$' || true; } | sort -u |
            while read -r hex; do
                sum=$(printf '%s' "$hex" | sha1sum | cut -c1-16)
                printf '%s' "$hex" | xxd -r -p >corpus/stun_decode/"cap-$sum"
            done
    done
else
    echo "seed.sh: tshark not installed, STUN payloads of the captures not extracted" >&2
fi

# 3. proto_stream op sequences from the STUN/TLS flows of the captures.
if command -v tshark >/dev/null; then
    python3 seed-proto.py
fi

# 4. net_decode frames of the captures, tcp_reassembly operation sequences,
#    synthetic pcap/pcapng files and hand-built STUN/MS-TURN messages.
cargo run --quiet --release --example make_seeds -- "${caps[@]}"

# 4b. The SIP parser targets: SIP payloads, streams, SDP, diagnostics and MRAS
#    bodies of the captures, and the sample logs.
if command -v tshark >/dev/null; then
    ./seed-sip.py
fi

# 5. The live reader, the join and a log alone: every capture behind four
#    step-size bytes (capture_follow; a different set per capture), the
#    vantage pairs and a few captures paired with themselves or another
#    behind their u16 length (join), the sample logs (log_alone).
mkdir -p corpus/capture_follow corpus/join corpus/log_alone
steps=('\x00\x10\x40\xff' '\x08\x03\x80\x20' '\xff\xff\xff\xff' '\x02\x50\x05\xc0')
k=0
for cap in "${caps[@]}"; do
    name=$(basename "$cap")
    (($(stat -c %s "$cap") > max_copy)) && continue
    { printf "${steps[k % 4]}"; cat "$cap"; } >corpus/capture_follow/"$name"
    k=$((k + 1))
done
pair() { # A B: A's length as a u16, A, B
    local len
    len=$(stat -c %s "$caps_dir/$1")
    {
        printf "\\x$(printf %02x $((len >> 8)))\\x$(printf %02x $((len & 255)))"
        cat "$caps_dir/$1" "$caps_dir/$2"
    } >corpus/join/"${1%%.*}+${2%%.*}"
}
pair multi-client.pcap multi-edge-ext.pcap
pair multi-edge-inside.pcap multi-edge-outside.pcap
pair real-nat-client.pcap real-nat-edge.pcap
pair field-healthy-call.pcap field-healthy-call.pcap
pair field-call-refused.pcap sip-signalling.pcap
pair topology-home-nat.pcap field-relay-private.pcap
pair damaged-corrupt.pcapng link-types.pcapng.gz
cp "$caps_dir"/*.uccapilog "$caps_dir"/*sipstack*.txt corpus/log_alone/

for d in corpus/*/; do
    printf '%-28s %5d files %8s\n' "$d" "$(find "$d" -type f | wc -l)" "$(du -sh "$d" | cut -f1)"
done

