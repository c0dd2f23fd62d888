//! Writes seed inputs derived from the committed captures:
//! `cargo run --release --example make_seeds -- CAPTURE... ` (see seed.sh).
//!
//! * `corpus/net_decode/`: each capture's frames in the net_decode format,
//!   up to 64 frames per seed (one seed per link type and 64-frame window),
//!   once with default limits and once with small limits.
//! * `corpus/tcp_reassembly/`: hand-written operation sequences.
//! * `corpus/stun_decode/`: RFC 5769 vectors and hand-built MS-TURN, MS-ICE2,
//!   RFC 3489, ChannelData and 0xFF10 frames (seed.sh adds the STUN payloads
//!   of the captures, extracted with tshark).
//! * synthetic packets (`edgecap_testkit`): a TCP conversation with reordering,
//!   UDP, IPv4 and IPv6 fragments, wrapped in every link type, as
//!   net_decode seeds and as pcap / pcapng / gzip files for
//!   `corpus/capture_reader/` and `corpus/pipeline/`.
//! * `corpus/netmon_reader/`: each NetMon capture given (`*.cap`) in the
//!   netmon_reader format, and synthetic NetMon 1.1 / 2.3 files (every kind
//!   of media type, NetEvent and network-info records, a reordered frame
//!   table, a hole), also whole in `corpus/capture_reader/`, `pipeline/` and
//!   `frame_source/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use edgecap_capture::{CaptureReader, LinkType, Timestamp};
use edgecap_core::endian::Endianness;
use edgecap_core::tsresol::TsResolution;
use edgecap_fuzz::{link_index, net_decode_input, netmon_input, op};
use edgecap_net::Direction;
use edgecap_testkit::writer::{gzip, PcapNgWriter, PcapOptions, PcapWriter};
use edgecap_testkit::{tcp::TcpConversation, IpBuilder};

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::create_dir_all(dir).expect("create corpus dir");
    std::fs::write(dir.join(name), bytes).expect("write seed");
}

fn net_decode_seeds(corpus: &Path, cap: &Path) {
    let stem = cap.file_name().and_then(|n| n.to_str()).unwrap_or("cap");
    let Ok(mut reader) = CaptureReader::open(cap) else {
        eprintln!("{}: not a capture, skipped", cap.display());
        return;
    };
    // Frames per link type, with the timestamp step to the previous frame.
    let mut by_link: BTreeMap<u8, Vec<(u8, Vec<u8>)>> = BTreeMap::new();
    let mut last_ts = None;
    while let Some(frame) = reader.next_frame() {
        let Some(idx) = link_index(frame.link) else {
            continue;
        };
        let step = last_ts.map_or(0, |t: i64| ((frame.ts.0 - t) / 500_000_000).clamp(0, 126));
        last_ts = Some(frame.ts.0);
        let mut flags = u8::try_from(step).unwrap_or(0);
        if frame.is_truncated() {
            flags |= 0x80;
        }
        by_link
            .entry(idx)
            .or_default()
            .push((flags, frame.data.to_vec()));
    }
    let dir = corpus.join("net_decode");
    for (idx, frames) in by_link {
        for (w, window) in frames.chunks(64).enumerate().take(8) {
            let refs: Vec<(u8, &[u8])> = window.iter().map(|(f, d)| (*f, &d[..])).collect();
            write(
                &dir,
                &format!("{stem}-link{idx}-w{w}"),
                &net_decode_input(idx, 0, &refs),
            );
            let small = net_decode_input(idx | 0x80, 0, &refs);
            write(&dir, &format!("{stem}-link{idx}-w{w}-small"), &small);
        }
    }
}

/// `[per_dir][total][first seq]` then ops.
fn reasm(per_dir: u8, total: u8, ops: &[&[u8]]) -> Vec<u8> {
    let mut out = vec![per_dir, total, 0xff, 0xff, 0xff, 0xf0];
    for o in ops {
        out.extend_from_slice(o);
    }
    out
}

fn seg(dir: u8, off: i16, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![op::byte(op::SEGMENT, dir)];
    v.extend_from_slice(&off.to_be_bytes());
    v.push(u8::try_from(payload.len()).expect("short payload"));
    v.extend_from_slice(payload);
    v
}

fn small(code: u8, dir: u8, off: i16) -> Vec<u8> {
    let mut v = vec![op::byte(code, dir)];
    v.extend_from_slice(&off.to_be_bytes());
    v
}

fn tcp_reassembly_seeds(corpus: &Path) {
    let dir = corpus.join("tcp_reassembly");
    let syn0 = small(op::SYN, 0, 0);
    let syn1 = small(op::SYN, 1, 0);
    let in_order = reasm(
        15,
        63,
        &[
            &syn0,
            &syn1,
            &seg(0, 0, b"hello "),
            &seg(0, 0, b"world"),
            &seg(1, 0, b"ok"),
        ],
    );
    write(&dir, "in-order", &in_order);
    let ooo = reasm(
        3,
        5,
        &[
            &syn0,
            &seg(0, 10, b"0123456789"),
            &seg(0, 30, b"abcdefghij"),
            &seg(0, 5, b"XXXXXXXXXXXXXXXX"),
            &small(op::ACK, 0, 60),
            &seg(0, 0, b"late"),
        ],
    );
    write(&dir, "out-of-order-gap", &ooo);
    let overlap = reasm(
        8,
        8,
        &[
            &seg(1, 0, b"AAAA"),
            &seg(1, 8, b"CCCCCCCC"),
            &seg(1, 10, b"cccc"),
            &seg(1, -2, b"AABBBB"),
            &small(op::FIN, 1, 16),
            &small(op::ACK, 1, 17),
            &[op::byte(op::FLUSH, 1)],
        ],
    );
    write(&dir, "overlap-mismatch-fin", &overlap);
    let mut far = vec![op::byte(op::SEGMENT_FAR, 0)];
    far.extend_from_slice(&0x7fff_0000i32.to_be_bytes());
    far.extend_from_slice(&2000u16.to_be_bytes());
    let mut ack_far = vec![op::byte(op::ACK_FAR, 0)];
    ack_far.extend_from_slice(&(-5i32).to_be_bytes());
    let cap = reasm(
        0,
        1,
        &[
            &seg(0, 0, b"x"),
            &seg(0, 200, &[7u8; 200]),
            &far,
            &ack_far,
            &seg(1, 100, &[1u8; 100]),
            &[op::byte(op::DISCARD, 1)],
            &seg(1, 0, b"y"),
        ],
    );
    write(&dir, "caps-far-discard", &cap);
}

/// IP packets exercising TCP reassembly and defragmentation.
fn synth_packets() -> Vec<Vec<u8>> {
    let mut conv = TcpConversation::new(
        "10.0.0.1:40000".parse().expect("addr"),
        "10.0.0.2:443".parse().expect("addr"),
    );
    let mut out: Vec<Vec<u8>> = conv.handshake().into_iter().collect();
    out.push(conv.data(Direction::ToServer, b"GET / HTTP/1.1\r\n\r\n"));
    let a = conv.data(Direction::ToClient, &[b'a'; 300]);
    let b = conv.data(Direction::ToClient, &[b'b'; 300]);
    out.push(b);
    out.push(a.clone());
    out.push(a);
    out.push(conv.ack(Direction::ToServer));
    out.push(conv.fin(Direction::ToServer));
    out.push(conv.rst(Direction::ToClient));
    let v4 = IpBuilder::v4([10, 0, 0, 1], [192, 0, 2, 7]);
    out.push(v4.udp(
        50000,
        3478,
        &[
            0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
        ],
    ));
    let big = v4.clone().identification(7).udp(5060, 5060, &[0x55; 2972]);
    let mut frags = edgecap_testkit::frag::ipv4(&big, 1480);
    frags.reverse();
    out.extend(frags.iter().cloned());
    out.push(edgecap_testkit::frag::ipv4_slice(&big, 8, 16));
    let v6 = IpBuilder::v6(
        [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
    );
    let big6 = v6.udp(5000, 5001, &[0x66; 2000]);
    out.extend(edgecap_testkit::frag::ipv6(&big6, 1232, 99));
    out.push(v6.tcp(&edgecap_testkit::ip::Tcp::new(1, 2).seq(5).syn(), b""));
    out.push(v4.raw(1, &[8, 0, 0, 0, 0, 0, 0, 0]));
    out
}

fn synth_seeds(corpus: &Path) {
    let packets = synth_packets();
    let dir = corpus.join("net_decode");
    for (idx, &link) in edgecap_fuzz::LINK_TYPES.iter().enumerate() {
        let idx = u8::try_from(idx).expect("few link types");
        let frames: Vec<Vec<u8>> = packets
            .iter()
            .map(|p| edgecap_testkit::link::wrap(link, p))
            .collect();
        let refs: Vec<(u8, &[u8])> = frames.iter().map(|d| (1, &d[..])).collect();
        write(
            &dir,
            &format!("synth-link{idx}"),
            &net_decode_input(idx, 0, &refs),
        );
        write(
            &dir,
            &format!("synth-link{idx}-small"),
            &net_decode_input(idx | 0x80, 0, &refs),
        );
    }
    // Fragments that wait past the 30 s timeout, and an unknown link type.
    let refs: Vec<(u8, &[u8])> = packets.iter().map(|d| (100, &d[..])).collect();
    write(&dir, "synth-timeout", &net_decode_input(4, 0, &refs));
    write(
        &dir,
        "synth-unknown-link",
        &net_decode_input(10, 147, &refs[..2]),
    );

    let ts = |i: usize| Timestamp::from_secs_nanos(1_700_000_000 + i as i64, 123_456_789);
    // Classic pcap, big-endian, nanoseconds, small snaplen, raw IP.
    let opts = PcapOptions {
        endianness: Endianness::Big,
        nanos: true,
        snaplen: 200,
        link: LinkType::RAW,
    };
    let mut w = PcapWriter::new(Vec::new(), opts).expect("pcap");
    for (i, p) in packets.iter().enumerate() {
        w.write_packet(ts(i), p, u32::try_from(p.len()).expect("len"))
            .expect("write");
    }
    let pcap = w.into_inner().expect("pcap");
    // pcapng: two interfaces, every packet block kind, a second big-endian section.
    let mut w = PcapNgWriter::new(Vec::new()).expect("pcapng");
    let eth = w
        .interface(LinkType::ETHERNET, 0, TsResolution::default(), 0)
        .expect("idb");
    let sll2 = w
        .interface(LinkType::LINUX_SLL2, 128, TsResolution::from_raw(9), -3600)
        .expect("idb");
    for (i, p) in packets.iter().enumerate() {
        let len = u32::try_from(p.len()).expect("len");
        match i % 4 {
            0 => w.enhanced_packet(
                eth,
                ts(i),
                &edgecap_testkit::link::wrap(LinkType::ETHERNET, p),
                len + 14,
            ),
            1 => w.enhanced_packet(
                sll2,
                ts(i),
                &edgecap_testkit::link::wrap(LinkType::LINUX_SLL2, p),
                len + 20,
            ),
            2 => w.obsolete_packet(
                0,
                ts(i),
                &edgecap_testkit::link::wrap(LinkType::ETHERNET, p),
                len + 14,
            ),
            _ => w.simple_packet(
                &edgecap_testkit::link::wrap(LinkType::ETHERNET, p),
                len + 14,
            ),
        }
        .expect("write");
    }
    w.block(0x0000_0BAD, b"custom block").expect("block");
    w.section(Endianness::Big).expect("shb");
    let raw = w
        .interface(LinkType::IPV4, 0, TsResolution::from_raw(0x80 | 10), 0)
        .expect("idb");
    for (i, p) in packets.iter().enumerate().filter(|(_, p)| p[0] >> 4 == 4) {
        let len = u32::try_from(p.len()).expect("len");
        w.enhanced_packet(raw, ts(i), p, len).expect("write");
    }
    let pcapng = w.into_inner().expect("pcapng");
    for target in ["capture_reader", "pipeline"] {
        let dir = corpus.join(target);
        write(&dir, "synth.pcap", &pcap);
        write(&dir, "synth.pcapng", &pcapng);
        write(&dir, "synth.pcapng.gz", &gzip(&pcapng));
        write(&dir, "synth-cut.pcapng", &pcapng[..pcapng.len() * 2 / 3]);
    }
    let dir = corpus.join("capture_reader_gzip");
    write(&dir, "synth.pcap", &pcap);
    write(&dir, "synth.pcapng", &pcapng);
}

/// RFC 5769 §2.1 sample request (short-term, with FINGERPRINT).
const RFC5769_REQUEST: &[u8] = b"\x00\x01\x00\x58\x21\x12\xa4\x42\
\xb7\xe7\xa7\x01\xbc\x34\xd6\x86\xfa\x87\xdf\xae\
\x80\x22\x00\x10STUN test client\
\x00\x24\x00\x04\x6e\x00\x01\xff\
\x80\x29\x00\x08\x93\x2f\xf9\xb1\x51\x26\x3b\x36\
\x00\x06\x00\x09\x65\x76\x74\x6a\x3a\x68\x36\x76\x59\x20\x20\x20\
\x00\x08\x00\x14\x9a\xea\xa7\x0c\xbf\xd8\xcb\x56\x78\x1e\xf2\xb5\xb2\xd3\xf2\x49\xc1\xb5\x71\xa2\
\x80\x28\x00\x04\xe5\x7a\x3b\xcf";

/// RFC 5769 §2.4 sample request with long-term authentication.
const RFC5769_LONG_TERM: &[u8] = b"\x00\x01\x00\x60\x21\x12\xa4\x42\
\x78\xad\x34\x33\xc6\xad\x72\xc0\x29\xda\x41\x2e\
\x00\x06\x00\x12\
\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9\x00\x00\
\x00\x15\x00\x1c\
\x66\x2f\x2f\x34\x39\x39\x6b\x39\x35\x34\x64\x36\x4f\x4c\x33\x34\x6f\x4c\x39\x46\x53\x54\x76\x79\
\x36\x34\x73\x41\
\x00\x14\x00\x0b\x65\x78\x61\x6d\x70\x6c\x65\x2e\x6f\x72\x67\x00\
\x00\x08\x00\x14\xf6\x70\x24\x65\x6d\xd6\x4a\x3e\x02\xb8\xe0\x71\x2e\x85\xc9\xa2\x8c\xa8\x96\x66";

/// A STUN message: header with `typ` and the 16-byte `txid`, then TLVs,
/// padded to 4 bytes when `padded`.
fn stun_msg(typ: u16, txid: &[u8; 16], attrs: &[(u16, Vec<u8>)], padded: bool) -> Vec<u8> {
    let mut body = Vec::new();
    for (t, v) in attrs {
        body.extend_from_slice(&t.to_be_bytes());
        body.extend_from_slice(&u16::try_from(v.len()).expect("short").to_be_bytes());
        body.extend_from_slice(v);
        if padded {
            body.resize(body.len().div_ceil(4) * 4, 0);
        }
    }
    let mut m = typ.to_be_bytes().to_vec();
    m.extend_from_slice(&u16::try_from(body.len()).expect("short").to_be_bytes());
    m.extend_from_slice(txid);
    m.extend_from_slice(&body);
    m
}

fn stun_seeds(corpus: &Path) {
    use edgecap_proto::stun::{encode_address, MS_TURN_MAGIC};
    let dir = corpus.join("stun_decode");
    write(&dir, "rfc5769-request", RFC5769_REQUEST);
    write(&dir, "rfc5769-long-term", RFC5769_LONG_TERM);
    let teams: [u8; 16] = [
        0x21, 0x12, 0xa4, 0x42, 0x22, 0x2f, 0xef, 0xc7, 0xf3, 0x92, 0x4b, 0xd1, 0xb9, 0x97, 0x27,
        0xe4,
    ];
    let classic: [u8; 16] = *b"\x09\x16okZ\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b";
    let magic = (0x000F, MS_TURN_MAGIC.to_be_bytes().to_vec());
    let addr = |s: &str| s.parse().expect("socket address");
    let mut seqnum = vec![0xAB; 20];
    seqnum.extend_from_slice(&[0, 0, 0, 1]);
    for (name, txid) in [("teams", teams), ("cookieless", classic)] {
        let key: [u8; 16] = txid;
        let alloc_ok = vec![
            magic.clone(),
            (0x000D, 60u32.to_be_bytes().to_vec()),
            (0x0001, encode_address(addr("52.114.250.141:3480"), None)),
            (0x8008, 6u32.to_be_bytes().to_vec()),
            (
                0x8020,
                encode_address(addr("80.181.206.72:57543"), Some(&key)),
            ),
            (0x8050, seqnum.clone()),
            (0x8022, b"2.0.1.211".to_vec()),
            (0x0010, 12_000u32.to_be_bytes().to_vec()),
            (0x0008, vec![0x5A; 20]),
        ];
        write(
            &dir,
            &format!("ms-turn-{name}-allocate-ok"),
            &stun_msg(0x0103, &txid, &alloc_ok, false),
        );
        let alloc = vec![
            magic.clone(),
            (0x8095, vec![0x7f, 0x20, 0xc4, 0xdd, 0x4f, 0x84, 0x8d, 0xfa]),
            (0x0006, vec![0x01, 0xFE, 0x00, 0x7F, 0x80, 0x33, 0x44]),
            (0x0014, b"\"rtcmedia\"".to_vec()),
            (0x0015, vec![0xEE; 20]),
            (0x0012, encode_address(addr("10.1.2.3:5000"), None)),
            (0x0008, vec![0x11; 20]),
        ];
        write(
            &dir,
            &format!("ms-turn-{name}-allocate"),
            &stun_msg(0x0003, &txid, &alloc, false),
        );
        let err = vec![
            magic.clone(),
            (0x0009, vec![0, 0, 4, 1, b'U', b'n', b'a', b'u', b't', b'h']),
            (0x0015, b"nonce".to_vec()),
            (0x0014, b"\"rtcmedia\"".to_vec()),
        ];
        write(
            &dir,
            &format!("ms-turn-{name}-401"),
            &stun_msg(0x0113, &txid, &err, false),
        );
        let data_ind = vec![
            magic.clone(),
            (0x0012, encode_address(addr("198.51.100.9:50000"), None)),
            (
                0x0013,
                vec![0x80, 0x60, 0, 1, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78],
            ),
        ];
        write(
            &dir,
            &format!("ms-turn-{name}-data-ind"),
            &stun_msg(0x0115, &txid, &data_ind, false),
        );
    }
    let classic_resp = vec![
        (0x0001, encode_address(addr("192.0.2.44:4000"), None)),
        (0x0004, encode_address(addr("192.0.2.1:3478"), None)),
        (0x0005, encode_address(addr("192.0.2.2:3479"), None)),
    ];
    write(
        &dir,
        "rfc3489-binding-response",
        &stun_msg(0x0101, &classic, &classic_resp, true),
    );
    let ice = vec![
        (0x0006, b"abcd:efgh".to_vec()),
        (0x0024, vec![0x6e, 0, 1, 0xff]),
        (0x8054, vec![0, 0, 0, 1]),
        (0x0008, vec![0x22; 20]),
    ];
    write(
        &dir,
        "ms-ice2-unpadded",
        &stun_msg(0x0001, &teams, &ice, false),
    );
    write(
        &dir,
        "channel-data",
        &[
            0x40, 0x00, 0x00, 0x05, 0xde, 0xad, 0xbe, 0xef, 0x01, 0, 0, 0,
        ],
    );
    let mut mux = vec![0xFF, 0x10, 0x00, 0x0C];
    mux.extend_from_slice(&[0x7f, 0x20, 0xc4, 0xdd, 0x4f, 0x84, 0x8d, 0xfa, 1, 2, 3, 4]);
    write(&dir, "ms-mux-ff10", &mux);
}

/// NetMon seeds: the committed `.cap` files in the netmon_reader format,
/// and synthetic files with what editcap never writes.
fn netmon_seeds(corpus: &Path, caps: &[PathBuf]) {
    use edgecap_testkit::netmon::{NetMonWriter, Record, SystemTime};
    let dir = corpus.join("netmon_reader");
    for cap in caps
        .iter()
        .filter(|c| c.extension().is_some_and(|e| e == "cap"))
    {
        let bytes = std::fs::read(cap).expect("read capture");
        let name = cap.file_name().expect("name").to_string_lossy();
        if let Some(input) = netmon_input(&bytes) {
            write(&dir, &name, &input);
        }
    }
    let start = SystemTime {
        year: 2026,
        month: 12,
        day: 3,
        hour: 10,
        minute: 0,
        second: 0,
        millis: 500,
    };
    let packets = synth_packets();
    for (major, minor) in [(1u8, 1u8), (2, 3)] {
        let mut w = NetMonWriter::new(major, minor, 1, start);
        let mut offsets = Vec::new();
        for (i, p) in packets.iter().enumerate() {
            let (media, data) = match i % 5 {
                0 => (1, edgecap_testkit::link::wrap(LinkType::ETHERNET, p)),
                1 => (0xFFE0, p.clone()),
                2 => (9, p.clone()),
                3 => (0xFFFD, p.clone()),
                _ => (
                    0xE000 | 113,
                    edgecap_testkit::link::wrap(LinkType::LINUX_SLL, p),
                ),
            };
            let data = if major == 1 {
                edgecap_testkit::link::wrap(LinkType::ETHERNET, p)
            } else {
                data
            };
            offsets.push(w.record(&Record {
                delta: 1000 * i as u64,
                orig_len: u32::try_from(data.len()).expect("len"),
                data,
                media,
                filetime: 134_094_312_000_000_000 + 10_000 * i as u64,
            }));
            if i == 3 {
                w.raw(&[0xee; 13]); // a hole the table skips
            }
        }
        let plain = w.finish();
        offsets.swap(0, 1);
        w.set_table(offsets);
        let reordered = w.finish();
        let name = format!("synth-{major}{minor}");
        for target in ["capture_reader", "pipeline", "frame_source"] {
            write(&corpus.join(target), &format!("{name}.cap"), &plain);
        }
        for (tag, file) in [("", &plain), ("-reordered", &reordered)] {
            let input = netmon_input(file).expect("a NetMon file");
            write(&dir, &format!("{name}{tag}"), &input);
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("corpus");
    let caps: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    // The NetMon captures hold the frames of bundled pcaps: no new frames.
    for cap in caps
        .iter()
        .filter(|c| c.extension().is_none_or(|e| e != "cap"))
    {
        net_decode_seeds(&corpus, cap);
    }
    netmon_seeds(&corpus, &caps);
    tcp_reassembly_seeds(&corpus);
    synth_seeds(&corpus);
    stun_seeds(&corpus);
}
