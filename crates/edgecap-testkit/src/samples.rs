//! The synthetic sample captures committed in `captures/`, built from the
//! project's own capture writer and packet builder (deterministic: the same
//! bytes on every run; `tests/samples.rs` checks the committed files match):
//!
//! * `link-types.pcapng.gz` — every link type edgecap decodes, two pcapng
//!   sections of opposite byte order, several timestamp resolutions
//!   (power of 10 and power of 2), a Simple Packet Block, an unknown block,
//!   VLAN double tags, IPv6 extension headers, IPv4 fragments, an unsupported
//!   link type; gzip-compressed.
//! * `tcp-outcomes.pcap` — big-endian nanosecond pcap with one TCP connection
//!   per outcome (closed, refused ×3 from one relay port, reset, SYN
//!   unanswered, mid-stream), plus out-of-order, retransmitted and
//!   overlapping segments, sequence wraparound and a snaplen-cut frame.
//! * `damaged-truncated.pcap` — `tcp-outcomes.pcap` cut in the middle of its last record.
//! * `damaged-corrupt.pcapng` — a pcapng whose third packet block has a lying length.
//! * `msturn-udp.pcap` — MS-TURN allocations on UDP 3478 with and without the
//!   RFC cookie in the header, Set Active Destination, Send, Data Indication,
//!   RTP after SAD, and a 436 Unknown User ([`msturn_udp`]).
//! * `msturn-tcp443.pcap` — MS-TURN over pseudo-TLS on TCP 443 with split,
//!   out-of-order and retransmitted segments, a connection starting directly
//!   with MS-TURN frames, and the refused relay connections of field case 1
//!   ([`msturn_tcp443`]).
//! * `rfc-tcp-framings.pcap` — RFC STUN over TCP 80 (coalesced and split
//!   messages), RFC 4571 ICE-TCP checks, ChannelData on UDP and padded on TCP,
//!   a bad FINGERPRINT, IPv6 XOR addresses, TLS 1.2 on 5061 ending in a fatal
//!   alert ([`rfc_tcp_framings`]).
//! * `field-desktop-sharing-refused.pcap`, `field-unknown-user.pcap`,
//!   `field-mras-refused.pcap`, `field-udp-blocked.pcap`,
//!   `field-healthy-call.pcap` — one small capture per field case of the
//!   field cases of docs/field-cases.md, with their key frames ([`field_case_key_frames`];
//!   generators in [`field_captures`]).
//!
//! * `hostile-strings.pcap` — STUN/TURN, MS-TURN and TLS text fields
//!   (USERNAME, REALM, NONCE, SOFTWARE, reason phrases, SNI, ALPN) carrying
//!   terminal escape sequences, control characters, bidi overrides,
//!   zero-width spaces, byte-order marks and invalid UTF-8
//!   ([`hostile_strings`]).
//!
//! * `icmp-unreachable.pcap`, `tls13-hello-retry.pcap`,
//!   `modified-format.pcap`, `other-transports.pcap` — STUN rejected with
//!   ICMP / ICMPv6 errors, a TLS 1.3 HelloRetryRequest, the "modified"
//!   (Kuznetzov) pcap format and SCTP / ESP / VRRP flows
//!   ([`decoding_gaps`]).
//! * `sip-signalling.pcap`, `lync-client.uccapilog`, `lync-fe-sipstack.txt`
//!   — SIP on clear TCP and UDP (MRAS 504 / 1038 and 200 with credentials,
//!   an INVITE with relay candidates split across segments, 51007, 52017)
//!   and the client's and front end's logs of the same story ([`sip_signalling`]).
//!
//! `cargo run --example gen_captures` writes them.

pub mod decoding_gaps;
mod hostile;
mod sip;
mod stun_captures;

pub use hostile::{
    hostile, hostile_strings, HOSTILE_ALPN, HOSTILE_INVISIBLE, HOSTILE_SNI, HOSTILE_TAIL,
};

pub use sip::{
    sip_signalling, sipstack_log, uccapi_log, CALL_ID, MEDIATION_CALL_ID, MRAS_CALL_ID,
    MRAS_PASSWORD, UCCAPI_OFFSET_NS,
};
pub use stun_captures::field_cases::{
    desktop_sharing_refused, field_captures, healthy_call, mras_refused, udp_blocked, unknown_user,
    FieldCapture, KeyFrame, FIELD_ICE_LOCAL, FIELD_ICE_REMOTE,
};
pub use stun_captures::vantage_cases::{
    client_and_edge, edge_nat_pair, EDGE_NAT_OFFSET_MS, VANTAGE_CLIENT, VANTAGE_EDGE, VANTAGE_NAT,
    VANTAGE_OFFSET_MS,
};
pub use stun_captures::{
    ice_call, msturn_tcp443, msturn_udp, rfc_tcp_framings, BlindStun, ICE_PASSWORD, MS_PASSWORD,
    MS_REALM, MS_UNKNOWN_USERNAME, MS_USERNAME, RFC_PASSWORD, RFC_REALM, RFC_USERNAME,
};

use super::{link, IpBuilder, Ipv6Ext, Tcp, TcpConversation};
use crate::writer::{gzip, PcapNgWriter, PcapOptions, PcapWriter};
use edgecap_capture::{endian::Endianness, tsresol::TsResolution, LinkType, Timestamp};
use edgecap_net::Direction::{ToClient, ToServer};
use edgecap_net::TcpFlags;
use std::io;
use std::net::SocketAddr;

fn sa(s: &str) -> SocketAddr {
    s.parse().expect("valid socket address")
}

/// A clock that advances by a fixed step per packet.
struct Clock {
    now: Timestamp,
    step_ns: i64,
}

impl Clock {
    fn new(secs: i64, step_ns: i64) -> Self {
        Clock {
            now: Timestamp::from_secs_nanos(secs, 0),
            step_ns,
        }
    }
    fn tick(&mut self) -> Timestamp {
        self.now = Timestamp(self.now.0 + self.step_ns);
        self.now
    }
    fn wait_ms(&mut self, ms: i64) {
        self.now = Timestamp(self.now.0 + ms * 1_000_000);
    }
}

/// 2026-11-26T09:00:00Z, the start of every generated capture.
const T0: i64 = 1_795_683_600;

/// `link-types.pcapng` (uncompressed; [`all`] gzips it).
pub fn link_types() -> io::Result<Vec<u8>> {
    let mut w = PcapNgWriter::with_endianness(Vec::new(), Endianness::Little)?;
    let mut clock = Clock::new(T0, 1_000_000);
    let client = sa("192.0.2.10:50000");
    let server = sa("198.51.100.20:3478");
    // Section 1 (little-endian): one interface per link type, µs resolution
    // except where noted.
    let kinds = [
        (LinkType::ETHERNET, TsResolution::Pow10(6)),
        (LinkType::LINUX_SLL, TsResolution::Pow10(9)),
        (LinkType::LINUX_SLL2, TsResolution::Pow2(20)),
        (LinkType::RAW, TsResolution::Pow10(3)),
        (LinkType::RAW_12, TsResolution::Pow10(6)),
        (LinkType::RAW_14, TsResolution::Pow10(6)),
        (LinkType::IPV4, TsResolution::Pow10(6)),
        (LinkType::NULL, TsResolution::Pow10(6)),
        (LinkType::LOOP, TsResolution::Pow10(6)),
    ];
    for (i, (lt, res)) in kinds.into_iter().enumerate() {
        let iface = w.interface(lt, 0, res, 0)?;
        let c = SocketAddr::new(client.ip(), client.port() + i as u16);
        let ping = crate::ip::udp(c, server, format!("ping via {lt}").as_bytes());
        let pong = crate::ip::udp(server, c, b"pong");
        for ip in [ping, pong] {
            let frame = link::wrap(lt, &ip);
            w.enhanced_packet(iface, clock.tick(), &frame, frame.len() as u32)?;
        }
    }
    // 802.1ad + 802.1Q double tag, then three tags.
    let eth = w.interface(LinkType::ETHERNET, 0, TsResolution::Pow10(6), 0)?;
    for vlans in [&[100u16, 200][..], &[10, 20, 30][..]] {
        let ip = crate::ip::udp(sa("10.1.0.1:40000"), sa("10.2.0.1:3479"), b"tagged");
        let frame = link::ethernet_with_vlans(vlans, &ip);
        w.enhanced_packet(eth, clock.tick(), &frame, frame.len() as u32)?;
    }
    // IPv6 with a chain of extension headers carrying TCP.
    let v6 = IpBuilder::new(
        "2001:db8::1".parse::<std::net::IpAddr>().expect("v6"),
        "2001:db8::2".parse::<std::net::IpAddr>().expect("v6"),
    )
    .ipv6_ext(Ipv6Ext::HopByHop)
    .ipv6_ext(Ipv6Ext::DestinationOptions)
    .ipv6_ext(Ipv6Ext::Routing);
    let syn = v6.tcp(&Tcp::new(51000, 443).seq(7).syn(), b"");
    let frame = link::wrap(LinkType::ETHERNET, &syn);
    w.enhanced_packet(eth, clock.tick(), &frame, frame.len() as u32)?;
    // A UDP datagram split into three IPv4 fragments, the last one sent first.
    let big = IpBuilder::v4([10, 3, 0, 34], [10, 98, 2, 1])
        .identification(0x4242)
        .udp(3478, 50001, &[0xab; 3000]);
    let mut frags = crate::frag::ipv4(&big, 1480);
    frags.rotate_right(1);
    for f in frags {
        let frame = link::wrap(LinkType::ETHERNET, &f);
        w.enhanced_packet(eth, clock.tick(), &frame, frame.len() as u32)?;
    }
    // A Simple Packet Block belongs to interface 0 (Ethernet).
    let ip = crate::ip::udp(
        sa("192.0.2.99:5000"),
        sa("192.0.2.98:5001"),
        b"simple packet block",
    );
    let frame = link::wrap(LinkType::ETHERNET, &ip);
    w.simple_packet(&frame, frame.len() as u32)?;
    // An unknown block type is skipped.
    w.block(0x0BAD_0001, b"edgecap test block\0\0")?;

    // Section 2 (big-endian): IPv6 link type, nanoseconds, and an unsupported link type.
    w.section(Endianness::Big)?;
    let v6if = w.interface(LinkType::IPV6, 0, TsResolution::Pow10(9), 0)?;
    let user0 = w.interface(LinkType(147), 0, TsResolution::Pow10(6), 0)?;
    let (c6, s6) = (sa("[2001:db8:1::10]:50010"), sa("[2001:db8:2::20]:3478"));
    for ip in [
        crate::ip::udp(c6, s6, b"ipv6 request"),
        crate::ip::udp(s6, c6, b"ipv6 reply"),
    ] {
        w.enhanced_packet(v6if, clock.tick(), &ip, ip.len() as u32)?;
    }
    w.enhanced_packet(user0, clock.tick(), b"opaque user link", 16)?;
    w.into_inner()
}

/// `tcp-outcomes.pcap`.
pub fn tcp_outcomes() -> io::Result<Vec<u8>> {
    let opts = PcapOptions {
        endianness: Endianness::Big,
        nanos: true,
        snaplen: 65535,
        link: LinkType::ETHERNET,
    };
    let mut w = PcapWriter::new(Vec::new(), opts)?;
    let mut clock = Clock::new(T0 + 3600, 250_000);
    let put = |w: &mut PcapWriter<Vec<u8>>, clock: &mut Clock, ip: &[u8]| {
        let frame = link::wrap(LinkType::ETHERNET, ip);
        w.write_packet(clock.tick(), &frame, frame.len() as u32)
    };

    // Closed: pseudo-client talks to the internal edge on 443 and closes.
    let mut c = TcpConversation::new(sa("10.98.2.1:50123"), sa("10.3.0.34:443"));
    for p in c.handshake() {
        put(&mut w, &mut clock, &p)?;
    }
    let first = c.data(ToServer, b"first half ");
    let second = c.data(ToServer, b"second half");
    // Out of order, then the hole filled, then an exact retransmission.
    put(&mut w, &mut clock, &second)?;
    put(&mut w, &mut clock, &first)?;
    put(&mut w, &mut clock, &second)?;
    put(&mut w, &mut clock, &c.data(ToClient, b"reply"))?;
    put(&mut w, &mut clock, &c.fin(ToServer))?;
    put(&mut w, &mut clock, &c.fin(ToClient))?;
    put(&mut w, &mut clock, &c.ack(ToServer))?;

    // Refused three times: the external edge's relay port to the remote edge
    // (field case 1), about 0.5 s apart, each attempt with a new ISN.
    for (i, isn) in [0x1000_0000u32, 0x2000_0000, 0x3000_0000]
        .into_iter()
        .enumerate()
    {
        let mut r =
            TcpConversation::new(sa("10.3.0.40:58138"), sa("1.1.1.1:50704")).with_isn(isn, 0);
        put(&mut w, &mut clock, &r.syn())?;
        put(
            &mut w,
            &mut clock,
            &r.emit(ToClient, TcpFlags::RST | TcpFlags::ACK, b"", 0),
        )?;
        if i < 2 {
            clock.wait_ms(500);
        }
    }

    // Reset by the server after data, with sequence numbers wrapping past 2^32.
    let mut r = TcpConversation::new(sa("10.98.2.1:50200"), sa("10.3.0.34:3478"))
        .with_isn(u32::MAX - 5, 77);
    for p in r.handshake() {
        put(&mut w, &mut clock, &p)?;
    }
    put(&mut w, &mut clock, &r.data(ToServer, b"0123456789"))?;
    put(&mut w, &mut clock, &r.data(ToClient, b"abc"))?;
    put(&mut w, &mut clock, &r.rst(ToClient))?;

    // SYN to MRAS on 5062 never answered: three retransmissions with back-off.
    let mut s = TcpConversation::new(sa("10.0.0.5:49800"), sa("10.3.0.34:5062"));
    let syn = s.syn();
    for wait in [0, 1000, 2000] {
        clock.wait_ms(wait);
        put(&mut w, &mut clock, &syn)?;
    }

    // Picked up mid-stream. The client's bytes arrive out of order and
    // overlap with different contents: the first copy of each byte wins.
    let mut m = TcpConversation::new(sa("10.98.2.7:51515"), sa("10.3.0.34:443")).established();
    put(
        &mut w,
        &mut clock,
        &m.data(ToClient, b"server speaks first"),
    )?;
    let (seq, ack) = (m.next_seq(ToServer), m.next_seq(ToClient));
    let client = IpBuilder::v4([10, 98, 2, 7], [10, 3, 0, 34]);
    for (offset, bytes) in [
        (0u32, &b"AAAA"[..]),
        (8, b"CCCCDDDD"),
        (4, b"XXXXYYYY"),
        (0, b"AAAABBBB"),
    ] {
        let seg = Tcp::new(51515, 443).seq(seq.wrapping_add(offset)).ack(ack);
        put(&mut w, &mut clock, &client.tcp(&seg, bytes))?;
    }

    // A long UDP datagram cut by a 128-byte snaplen (as `tcpdump -s 128` would).
    let long = crate::ip::udp(sa("10.98.2.1:50300"), sa("10.3.0.34:3478"), &[0x5a; 400]);
    let frame = link::wrap(LinkType::ETHERNET, &long);
    w.write_packet(clock.tick(), &frame[..128], frame.len() as u32)?;
    w.into_inner()
}

/// `damaged-corrupt.pcapng`.
pub fn damaged_corrupt() -> io::Result<Vec<u8>> {
    let mut w = PcapNgWriter::new(Vec::new())?;
    let eth = w.interface(LinkType::ETHERNET, 0, TsResolution::Pow10(6), 0)?;
    let mut clock = Clock::new(T0 + 7200, 20_000_000);
    let mut offsets = Vec::new();
    for i in 0..8u16 {
        let ip = crate::ip::udp(
            sa("10.98.2.1:50400"),
            sa("10.3.0.34:3478"),
            format!("datagram {i}").as_bytes(),
        );
        let frame = link::wrap(LinkType::ETHERNET, &ip);
        offsets.push(w.get_ref().len());
        w.enhanced_packet(eth, clock.tick(), &frame, frame.len() as u32)?;
    }
    let mut bytes = w.into_inner()?;
    // The third packet block's total length claims far more than the block holds.
    let at = offsets[2] + 4;
    bytes[at..at + 4].copy_from_slice(&0x0001_0000u32.to_le_bytes());
    Ok(bytes)
}

/// Every sample capture and sample log as (file name in `captures/`, bytes).
pub fn all() -> io::Result<Vec<(&'static str, Vec<u8>)>> {
    let outcomes = tcp_outcomes()?;
    // Cut 10 bytes into the last record's data.
    let truncated = outcomes[..outcomes.len() - 60].to_vec();
    let mut all = vec![
        ("link-types.pcapng.gz", gzip(&link_types()?)),
        ("tcp-outcomes.pcap", outcomes),
        ("damaged-truncated.pcap", truncated),
        ("damaged-corrupt.pcapng", damaged_corrupt()?),
        ("msturn-udp.pcap", msturn_udp()?),
        ("msturn-tcp443.pcap", msturn_tcp443()?.0),
        ("rfc-tcp-framings.pcap", rfc_tcp_framings()?.0),
    ];
    all.extend(field_captures()?.into_iter().map(|f| (f.name, f.bytes)));
    all.push(("hostile-strings.pcap", hostile_strings()?));
    all.push(("icmp-unreachable.pcap", decoding_gaps::icmp_unreachable()?));
    all.push((
        "tls13-hello-retry.pcap",
        decoding_gaps::tls13_hello_retry()?,
    ));
    all.push(("modified-format.pcap", decoding_gaps::modified_format()?));
    all.push(("other-transports.pcap", decoding_gaps::other_transports()?));
    all.push(("sip-signalling.pcap", sip_signalling()?));
    all.push(("lync-client.uccapilog", uccapi_log()?.into_bytes()));
    all.push(("lync-fe-sipstack.txt", sipstack_log()?.into_bytes()));
    Ok(all)
}

/// The STUN messages of the sample captures that tshark cannot decode
/// (MS-TURN framing on TCP 443, with or without pseudo-TLS; RFC 4571 records
/// after a non-STUN record), with the frame at which edgecap must report each.
pub fn tshark_blind_stun() -> io::Result<Vec<BlindStun>> {
    let mut all = msturn_tcp443()?.1;
    all.extend(rfc_tcp_framings()?.1);
    for f in field_captures()? {
        all.extend(f.blind);
    }
    Ok(all)
}

/// The key frames of the field-case captures (which frame shows each
/// Allocate, error, success, refused SYN, RST and alert), in capture and
/// frame order; captures/README.md lists the same numbers.
pub fn field_case_key_frames() -> io::Result<Vec<KeyFrame>> {
    Ok(field_captures()?.into_iter().flat_map(|f| f.keys).collect())
}
