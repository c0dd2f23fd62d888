#!/usr/bin/env python3
"""Seeds the SIP parser targets from the committed captures and logs.

sip_message: every SIP payload of ../captures (tshark -Y sip) and each TCP
stream of a SIP capture whole (tshark -z follow,tcp,raw); sip_sdp: each SDP
body alone and prefixed by its Content-Type line; sip_diagnostics: every
ms-diagnostics / ms-client-diagnostics value; mras_xml: every MRAS body;
sip_log: the sample logs. Seeds are named by content hash. Needs tshark.
"""
import glob, hashlib, os, re, subprocess

CAPS = sorted(glob.glob("../captures/*.pcap") + glob.glob("../captures/*.pcapng"))


def put(target, data):
    if not data:
        return
    os.makedirs(f"corpus/{target}", exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(f"corpus/{target}/seed-{name}", "wb") as f:
        f.write(data)


def tshark(*args):
    r = subprocess.run(["tshark", *args], capture_output=True, text=True)
    return r.stdout


for cap in CAPS:
    out = tshark("-r", cap, "-Y", "sip", "-T", "fields", "-e", "tcp.stream", "-e", "tcp.payload", "-e", "udp.payload")
    streams = set()
    for line in out.splitlines():
        stream, tcp, udp = (line.split("\t") + ["", "", ""])[:3]
        if stream:
            streams.add(stream)
        for h in (tcp, udp):
            if h:
                payload = bytes.fromhex(h.replace(":", ""))
                put("sip_message", payload)
                for msg in re.split(rb"(?=^(?:[A-Z]+ \S+ SIP/2\.0|SIP/2\.0 \d{3})\r\n)", payload, flags=re.M):
                    head, _, body = msg.partition(b"\r\n\r\n")
                    ct = re.search(rb"^(?:content-type|c):\s*(.*?)\r?$", head, re.I | re.M)
                    for d in re.findall(rb"^ms-(?:client-)?diagnostics:\s*(.*?)\r?$", head, re.I | re.M):
                        put("sip_diagnostics", d)
                    if ct and body:
                        if b"sdp" in ct.group(1).lower():
                            put("sip_sdp", body)
                            put("sip_sdp", ct.group(1) + b"\n" + body)
                        if b"media-relay-auth" in ct.group(1).lower():
                            put("mras_xml", body)
    for s in sorted(streams):
        raw = tshark("-r", cap, "-q", "-z", f"follow,tcp,raw,{s}")
        data = b"".join(bytes.fromhex(l.strip()) for l in raw.splitlines() if re.fullmatch(r"\s*[0-9a-f]+", l))
        put("sip_message", data)

for log in sorted(glob.glob("../captures/*.uccapilog") + glob.glob("../captures/*sipstack*.txt")):
    with open(log, "rb") as f:
        put("sip_log", f.read())

# The diagnostics the field notes quote that the captures do not carry.
for d in [
    b'2;reason="See response code and reason phrase";source="se1";HRESULT="0xC3E93C69(SIPPROXY_E_CONNECTION_FAILED)"',
    b'9006;source="edge";reason="Forbidden";component="Media Relay Authentication Service"',
    b'3080;reason="Internal Error: AddUser failed";source="fe"',
]:
    put("sip_diagnostics", d)
