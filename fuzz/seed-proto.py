#!/usr/bin/env python3
"""Seeds fuzz/corpus/proto_stream/ from the committed captures: the TCP
payloads of each STUN/TLS flow and the UDP payloads of MS-TURN, in the
proto_stream op format (see `proto_stream` in src/lib.rs). Needs tshark."""
import os, subprocess, sys

PORTS = [3478, 443, 5061, 5062, 80, 40000]  # must match PROTO_PORTS in src/lib.rs
os.chdir(os.path.dirname(os.path.abspath(__file__)))
out_dir = "corpus/proto_stream"
os.makedirs(out_dir, exist_ok=True)

def ops(head, chunks):
    out = bytes([head])
    for kind, data in chunks:
        for i in range(0, len(data), 200):
            part = data[i:i + 200]
            out += bytes([kind, len(part)]) + part
    return out

def payloads(cap, display_filter, port_field, payload_field, server_port):
    r = subprocess.run(["tshark", "-r", cap, "-Y", display_filter, "-T", "fields",
                        "-e", port_field, "-e", payload_field], capture_output=True, text=True)
    chunks = []
    for line in r.stdout.splitlines():
        src, _, hexdata = line.partition("\t")
        if hexdata:
            kind = 1 if src and int(src) == server_port else 0
            chunks.append((kind, bytes.fromhex(hexdata.replace(":", ""))))
    return chunks

seeds = {
    "seed-msturn-tcp443": ("../captures/msturn-tcp443.pcap", "tcp.port==443 && tcp.len>0", 1, "tcp"),
    "seed-rfc-tcp80": ("../captures/rfc-tcp-framings.pcap", "tcp.port==80 && tcp.len>0", 4, "tcp"),
    "seed-tls-5061": ("../captures/rfc-tcp-framings.pcap", "tcp.port==5061 && tcp.len>0", 2, "tcp"),
    "seed-coturn-tcp3478": ("../captures/coturn-loopback.pcap", "tcp.port==3478 && tcp.len>0", 0, "tcp"),
    "seed-msturn-udp": ("../captures/msturn-udp.pcap", "udp", 0, "udp"),
}
for name, (cap, flt, port_idx, transport) in seeds.items():
    head = port_idx if transport == "tcp" else 0x80 | port_idx
    chunks = payloads(cap, flt, f"{transport}.srcport", f"{transport}.payload", PORTS[port_idx])
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(ops(head, chunks))
print(f"seed-proto.py: {len(seeds)} seeds in {out_dir}", file=sys.stderr)
