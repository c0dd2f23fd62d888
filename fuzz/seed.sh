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

for d in corpus/*/; do
    printf '%-28s %5d files %8s\n' "$d" "$(find "$d" -type f | wc -l)" "$(du -sh "$d" | cut -f1)"
done

