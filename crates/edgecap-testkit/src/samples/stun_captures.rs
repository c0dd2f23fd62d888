//! The STUN/TURN/MS-TURN sample captures: what no open peer produces
//! (MS-TURN on UDP 3478 in both header forms, MS-TURN over pseudo-TLS on
//! TCP 443) and the RFC stream framings (messages split and coalesced over
//! TCP, RFC 4571, ChannelData), built from docs/protocols.md's byte layouts.
//!
//! Each generator also returns the STUN messages tshark cannot see (MS-TURN
//! framing on TCP 443, docs/protocols.md §5.2–§5.3 and §8.1 item 7) with the frame
//! at which their last byte becomes available in order, so the differential
//! test can demand that edgecap decodes them.

use super::{sa, Clock, T0};
use crate::stun::{
    self as s, addr_attr, error_code, ms_frame, ms_magic_cookie, rfc4571, u32_attr, Integrity,
};
use crate::writer::{PcapOptions, PcapWriter};
use crate::{link, TcpConversation};
use edgecap_capture::{LinkType, Timestamp};
use edgecap_net::Direction::{ToClient, ToServer};
use edgecap_net::TcpFlags;
use edgecap_proto::stun::{long_term_key, ms_turn_long_term_key};
use std::io;
use std::net::SocketAddr;

pub(super) mod field_cases;
mod topology_cases;
pub use topology_cases::ice_call;
pub(super) mod vantage_cases;

/// MS-TURN credentials of the generated allocations (as MRAS would hand
/// them out, docs/protocols.md §6.3): a binary-ish USERNAME, the realm with its
/// quotes as on the wire, and this password. With them the
/// MESSAGE-INTEGRITY of every authenticated MS-TURN message verifies.
pub const MS_USERNAME: &[u8] = &[
    0x02, 0x00, 0x00, 0x00, 0x9d, 0x1b, 0xe2, 0x47, b'A', b'g', b'A', b'A', b'J', b'K', 0x00, 0xff,
    0x81, b'=', b'=', 0x01,
];
/// MS-TURN REALM value, quotes included ([MS-TURN] 2.2.2.14, Teams capture).
pub const MS_REALM: &[u8] = b"\"rtcmedia\"";
/// Password for [`MS_USERNAME`].
pub const MS_PASSWORD: &[u8] = b"EdgeCap-MRAS-secret";
/// The USERNAME of the second client that the edge does not know (436).
pub const MS_UNKNOWN_USERNAME: &[u8] = &[
    0x02, 0x00, 0x00, 0x00, 0x13, 0x37, b'p', b'o', b'o', b'l', b'2',
];
/// RFC long-term credentials of the TURN-over-TCP-80 allocation.
pub const RFC_USERNAME: &str = "alice";
/// RFC realm.
pub const RFC_REALM: &str = "edgecap.test";
/// RFC password.
pub const RFC_PASSWORD: &str = "edgecap-pw";
/// ICE short-term password of the RFC 4571 connectivity checks.
pub const ICE_PASSWORD: &str = "edgecapIcePassword0123";

const MS_NONCE: [u8; 20] = [
    0x8a, 0x51, 0x0c, 0x7e, 0x33, 0x90, 0xd4, 0x02, 0x5b, 0xee, 0x17, 0x60, 0xa9, 0x4d, 0x21, 0xc8,
    0x06, 0x3f, 0xb2, 0x95,
];
const RFC_NONCE: &[u8] = b"a3c2b1e0f9d8c7b6";
/// Teams' 401 phrase (docs/protocols.md §4.2): 57 bytes, so ERROR-CODE is 61 long.
const MS_401_REASON: &str = "The request did not contain a Message-Integrity attribute";
/// The OCS 2007 R2 field case (docs/protocols.md §4.3).
const MS_436_REASON: &str = "The Username Supplied in the request is not known";

/// A STUN message tshark cannot decode, and where edgecap must report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlindStun {
    /// File name in `captures/`.
    pub capture: &'static str,
    /// Frame holding the message's last byte (the in-order release frame).
    pub frame: u64,
    /// Message type code as on the wire.
    pub typ: u16,
    /// edgecap's `framing` value.
    pub framing: &'static str,
    /// Why tshark cannot see it.
    pub why: &'static str,
}

/// tshark's TLS dissector owns TCP 443 and shows MS-TURN frames as "Ignored
/// Unknown Record" / "Continuation Data" (docs/protocols.md §5.3, §8.1 item 7).
const WHY_443: &str = "MS-TURN framing on TCP 443: tshark's TLS dissector shows no STUN";
/// tshark's STUN-over-TCP PDU reassembly takes the RFC 4571 record of RTP as
/// a STUN length and waits for bytes that never come, so every later record
/// of that direction stays "[TCP segment of a reassembled PDU]".
const WHY_4571: &str =
    "RFC 4571 stream after a non-STUN record: tshark's STUN/TCP reassembly stalls";

/// Writes Ethernet frames with a clock and counts frame numbers.
struct Cap {
    w: PcapWriter<Vec<u8>>,
    clock: Clock,
    frame: u64,
}

impl Cap {
    fn new(secs: i64, step_ns: i64) -> io::Result<Cap> {
        Ok(Cap {
            w: PcapWriter::new(Vec::new(), PcapOptions::default())?,
            clock: Clock::new(secs, step_ns),
            frame: 0,
        })
    }
    /// Writes one IP packet; returns its frame number.
    fn put(&mut self, ip: &[u8]) -> io::Result<u64> {
        let frame = link::wrap(LinkType::ETHERNET, ip);
        let ts: Timestamp = self.clock.tick();
        self.w.write_packet(ts, &frame, frame.len() as u32)?;
        self.frame += 1;
        Ok(self.frame)
    }
    fn udp(&mut self, src: SocketAddr, dst: SocketAddr, payload: &[u8]) -> io::Result<u64> {
        self.put(&crate::ip::udp(src, dst, payload))
    }
    fn all(&mut self, packets: impl IntoIterator<Item = Vec<u8>>) -> io::Result<u64> {
        let mut last = 0;
        for p in packets {
            last = self.put(&p)?;
        }
        Ok(last)
    }
    fn finish(self) -> io::Result<Vec<u8>> {
        self.w.into_inner()
    }
}

/// A 128-bit transaction id field: the RFC cookie then 12 bytes derived from
/// `n`, or (cookieless, OCS 2007 style) 16 bytes derived from `n`.
fn txid(cookie: bool, n: u8) -> [u8; 16] {
    let mut t = [0u8; 16];
    for (i, b) in t.iter_mut().enumerate() {
        *b = n.wrapping_mul(37).wrapping_add((i as u8).wrapping_mul(29)) ^ 0x5c;
    }
    if cookie {
        t[..4].copy_from_slice(&edgecap_proto::stun::MAGIC_COOKIE.to_be_bytes());
    } else {
        t[0] |= 0x80; // never the cookie
    }
    t
}

/// A minimal RTP packet (version 2, PT 0, `seq`, 12 + 8 bytes).
fn rtp(seq: u16) -> Vec<u8> {
    let mut p = vec![0x80, 0x00];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&(u32::from(seq) * 160).to_be_bytes());
    p.extend_from_slice(&0x0ED9_E5C1u32.to_be_bytes());
    p.extend_from_slice(&[0xd5; 8]);
    p
}

/// The messages of one MS-TURN allocation (docs/protocols.md §4.4, MS-TURN part).
struct MsAllocation {
    cookie: bool,
    base: u8,
    relayed: SocketAddr,
    reflexive: SocketAddr,
    peer: SocketAddr,
    username: &'static [u8],
}

impl MsAllocation {
    fn key(&self) -> [u8; 16] {
        ms_turn_long_term_key(self.username, MS_REALM, MS_PASSWORD)
    }
    fn t(&self, i: u8) -> [u8; 16] {
        txid(self.cookie, self.base.wrapping_add(i))
    }
    fn auth_attrs(&self) -> Vec<(u16, Vec<u8>)> {
        vec![
            (0x0006, self.username.to_vec()),
            (0x0015, MS_REALM.to_vec()),
            (0x0014, MS_NONCE.to_vec()),
        ]
    }
    /// Anonymous Allocate: MAGIC-COOKIE, MS-VERSION, LIFETIME.
    fn allocate(&self) -> Vec<u8> {
        let attrs = [
            ms_magic_cookie(),
            u32_attr(0x8008, 2),
            u32_attr(0x000D, 3600),
        ];
        s::ms(0x0003, &self.t(0), &attrs).bytes()
    }
    /// 401 with REALM 0x0015 and NONCE 0x0014 (unpadded, odd ERROR-CODE).
    fn unauthorized(&self) -> Vec<u8> {
        let attrs = [
            ms_magic_cookie(),
            (0x0009, error_code(401, MS_401_REASON)),
            (0x0015, MS_REALM.to_vec()),
            (0x0014, MS_NONCE.to_vec()),
            u32_attr(0x8008, 2),
        ];
        s::ms(0x0113, &self.t(0), &attrs).bytes()
    }
    /// Allocate with USERNAME, REALM, NONCE and MESSAGE-INTEGRITY.
    fn allocate_auth(&self) -> Vec<u8> {
        let mut attrs = vec![
            ms_magic_cookie(),
            u32_attr(0x8008, 2),
            u32_attr(0x000D, 3600),
        ];
        attrs.extend(self.auth_attrs());
        s::ms(0x0003, &self.t(1), &attrs)
            .integrity(Integrity::MsTurn, &self.key())
            .bytes()
    }
    /// Allocate success: MAPPED-ADDRESS = relayed, 0x8020 = reflexive.
    fn success(&self) -> Vec<u8> {
        let t = self.t(1);
        let attrs = [
            ms_magic_cookie(),
            u32_attr(0x000D, 480),
            addr_attr(0x0001, self.relayed, None),
            addr_attr(0x8020, self.reflexive, Some(&t)),
            u32_attr(0x8008, 2),
            (0x8022, b"RTC/4.0".to_vec()),
        ];
        s::ms(0x0103, &t, &attrs)
            .integrity(Integrity::MsTurn, &self.key())
            .bytes()
    }
    /// 436 Unknown User.
    fn unknown_user(&self) -> Vec<u8> {
        let attrs = [
            ms_magic_cookie(),
            (0x0009, error_code(436, MS_436_REASON)),
            u32_attr(0x8008, 2),
        ];
        s::ms(0x0113, &self.t(1), &attrs).bytes()
    }
    /// Set Active Destination (0x0006) to the peer, authenticated.
    fn set_active_destination(&self) -> Vec<u8> {
        let mut attrs = vec![
            ms_magic_cookie(),
            u32_attr(0x8008, 2),
            addr_attr(0x0011, self.peer, None),
        ];
        attrs.extend(self.auth_attrs());
        s::ms(0x0006, &self.t(2), &attrs)
            .integrity(Integrity::MsTurn, &self.key())
            .bytes()
    }
    /// Set Active Destination response (0x0106).
    fn sad_success(&self) -> Vec<u8> {
        s::ms(0x0106, &self.t(2), &[ms_magic_cookie()])
            .integrity(Integrity::MsTurn, &self.key())
            .bytes()
    }
    /// Send request (0x0004): DESTINATION-ADDRESS + DATA.
    fn send(&self, data: &[u8]) -> Vec<u8> {
        let attrs = [
            ms_magic_cookie(),
            u32_attr(0x8008, 2),
            addr_attr(0x0011, self.peer, None),
            (0x0013, data.to_vec()),
        ];
        s::ms(0x0004, &self.t(3), &attrs).bytes()
    }
    /// Data Indication (0x0115): REMOTE-ADDRESS (plain, docs/protocols.md §9.1) + DATA.
    fn data_indication(&self, data: &[u8]) -> Vec<u8> {
        let attrs = [
            ms_magic_cookie(),
            addr_attr(0x0012, self.peer, None),
            (0x0013, data.to_vec()),
        ];
        s::ms(0x0115, &self.t(4), &attrs).bytes()
    }
}

/// `msturn-udp.pcap`.
pub fn msturn_udp() -> io::Result<Vec<u8>> {
    let mut c = Cap::new(T0 + 10_800, 20_000_000)?;
    let edge = sa("10.3.0.34:3478");
    let peer = sa("1.1.1.1:50704");
    let rounds = [
        (true, sa("10.98.2.1:50040"), sa("2.2.2.2:58138"), 0x10u8),
        (false, sa("10.98.2.1:50042"), sa("2.2.2.2:58140"), 0x40),
    ];
    for (cookie, client, relayed, base) in rounds {
        let a = MsAllocation {
            cookie,
            base,
            relayed,
            reflexive: client,
            peer,
            username: MS_USERNAME,
        };
        c.udp(client, edge, &a.allocate())?;
        c.udp(edge, client, &a.unauthorized())?;
        c.udp(client, edge, &a.allocate_auth())?;
        c.udp(edge, client, &a.success())?;
        c.udp(client, edge, &a.set_active_destination())?;
        c.udp(edge, client, &a.sad_success())?;
        // After Set Active Destination media flows unencapsulated.
        c.udp(client, edge, &rtp(u16::from(base)))?;
        c.udp(edge, client, &rtp(u16::from(base) + 1000))?;
        c.udp(client, edge, &a.send(&rtp(u16::from(base) + 1)))?;
        c.udp(
            edge,
            client,
            &a.data_indication(&rtp(u16::from(base) + 1001)),
        )?;
        c.clock.wait_ms(200);
    }
    // Field case 2: a user homed on another pool is unknown to this edge.
    let client = sa("10.98.2.9:50060");
    let a = MsAllocation {
        cookie: false,
        base: 0x70,
        relayed: sa("2.2.2.2:58142"),
        reflexive: client,
        peer,
        username: MS_UNKNOWN_USERNAME,
    };
    c.udp(client, edge, &a.allocate())?;
    c.udp(edge, client, &a.unauthorized())?;
    c.udp(client, edge, &a.allocate_auth())?;
    c.udp(edge, client, &a.unknown_user())?;
    c.finish()
}

/// `msturn-tcp443.pcap` and the messages in it that tshark cannot decode.
pub fn msturn_tcp443() -> io::Result<(Vec<u8>, Vec<BlindStun>)> {
    const NAME: &str = "msturn-tcp443.pcap";
    let mut c = Cap::new(T0 + 14_400, 10_000_000)?;
    let mut blind = Vec::new();
    let mut saw = |frame: u64, msg: &[u8], framing: &'static str| {
        blind.push(BlindStun {
            capture: NAME,
            frame,
            typ: u16::from_be_bytes([msg[0], msg[1]]),
            framing,
            why: WHY_443,
        });
    };
    const PT: &str = "pseudo-tls+ms-turn";
    let a = MsAllocation {
        cookie: true,
        base: 0x20,
        relayed: sa("2.2.2.2:58138"),
        reflexive: sa("10.98.2.1:50124"),
        peer: sa("1.1.1.1:50704"),
        username: MS_USERNAME,
    };
    let mut t = TcpConversation::new(sa("10.98.2.1:50124"), sa("10.3.0.34:443"));
    c.all(t.handshake())?;
    c.put(&t.data(ToServer, &s::PSEUDO_TLS_CLIENT_HELLO))?;
    let random: [u8; 32] = core::array::from_fn(|i| (i as u8).wrapping_mul(7) ^ 0x3c);
    let session: [u8; 32] = core::array::from_fn(|i| (i as u8).wrapping_mul(13) ^ 0xa5);
    c.put(&t.data(ToClient, &s::pseudo_tls_server_hello(&random, &session)))?;
    // Anonymous Allocate split inside the 4-byte MS-TURN frame header.
    let alloc = a.allocate();
    let framed = ms_frame(2, &alloc);
    c.put(&t.data(ToServer, &framed[..3]))?;
    let f = c.put(&t.data(ToServer, &framed[3..]))?;
    saw(f, &alloc, PT);
    let m = a.unauthorized();
    let f = c.put(&t.data(ToClient, &ms_frame(2, &m)))?;
    saw(f, &m, PT);
    // Authenticated Allocate in two segments, the second sent first.
    let m = a.allocate_auth();
    let framed = ms_frame(2, &m);
    let (head, tail) = framed.split_at(40);
    let first = t.data(ToServer, head);
    let second = t.data(ToServer, tail);
    c.put(&second)?;
    let f = c.put(&first)?;
    saw(f, &m, PT);
    // The success, then an exact retransmission of its segment.
    let m = a.success();
    let seg = t.data(ToClient, &ms_frame(2, &m));
    let f = c.put(&seg)?;
    saw(f, &m, PT);
    c.put(&seg)?;
    let m = a.set_active_destination();
    let f = c.put(&t.data(ToServer, &ms_frame(2, &m)))?;
    saw(f, &m, PT);
    let m = a.sad_success();
    let f = c.put(&t.data(ToClient, &ms_frame(2, &m)))?;
    saw(f, &m, PT);
    // End-to-end data (type 3) to the active destination.
    c.put(&t.data(ToServer, &ms_frame(3, &rtp(1))))?;
    // A data frame and a Data Indication in one segment.
    let m = a.data_indication(&rtp(2001));
    let mut both = ms_frame(3, &rtp(2000));
    both.extend(ms_frame(2, &m));
    let f = c.put(&t.data(ToClient, &both))?;
    saw(f, &m, PT);
    c.put(&t.fin(ToServer))?;
    c.put(&t.fin(ToClient))?;
    c.put(&t.ack(ToServer))?;

    // A second connection that starts directly with MS-TURN frames (no
    // pseudo-TLS), cookieless header form.
    c.clock.wait_ms(300);
    let a2 = MsAllocation {
        cookie: false,
        base: 0x30,
        reflexive: sa("10.98.2.1:50126"),
        ..a
    };
    let mut t = TcpConversation::new(sa("10.98.2.1:50126"), sa("10.3.0.34:443"));
    c.all(t.handshake())?;
    let m = a2.allocate();
    let f = c.put(&t.data(ToServer, &ms_frame(2, &m)))?;
    saw(f, &m, "ms-turn");
    let m = a2.unauthorized();
    let f = c.put(&t.data(ToClient, &ms_frame(2, &m)))?;
    saw(f, &m, "ms-turn");
    c.put(&t.fin(ToServer))?;
    c.put(&t.fin(ToClient))?;
    c.put(&t.ack(ToServer))?;

    // Field case 1: federated desktop sharing. The external edge connects
    // from its relay port to the remote edge and is refused three times.
    c.clock.wait_ms(1000);
    for (i, isn) in [0x5100_0000u32, 0x5200_0000, 0x5300_0000]
        .into_iter()
        .enumerate()
    {
        let mut r =
            TcpConversation::new(sa("10.3.0.40:58138"), sa("1.1.1.1:50704")).with_isn(isn, 0);
        c.put(&r.syn())?;
        c.put(&r.emit(ToClient, TcpFlags::RST | TcpFlags::ACK, b"", 0))?;
        if i < 2 {
            c.clock.wait_ms(500);
        }
    }
    Ok((c.finish()?, blind))
}

/// TLS record of content type `ct` (version TLS 1.2).
fn tls_record(ct: u8, body: &[u8]) -> Vec<u8> {
    let mut r = vec![ct, 0x03, 0x03];
    r.extend_from_slice(&(body.len() as u16).to_be_bytes());
    r.extend_from_slice(body);
    r
}

fn tls_handshake(typ: u8, body: &[u8]) -> Vec<u8> {
    let n = body.len();
    let mut h = vec![typ, (n >> 16) as u8, (n >> 8) as u8, n as u8];
    h.extend_from_slice(body);
    h
}

fn tls_ext(typ: u16, body: &[u8]) -> Vec<u8> {
    let mut e = typ.to_be_bytes().to_vec();
    e.extend_from_slice(&(body.len() as u16).to_be_bytes());
    e.extend_from_slice(body);
    e
}

fn len16(items: &[u8]) -> Vec<u8> {
    let mut v = (items.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(items);
    v
}

/// A TLS 1.2 ClientHello record with SNI `sni` (RFC 5246 §7.4.1.2, RFC 6066 §3).
fn tls12_client_hello(sni: &str) -> Vec<u8> {
    let mut b = vec![0x03, 0x03];
    b.extend((0..32u8).map(|i| i.wrapping_mul(11) ^ 0x6b));
    b.push(0); // session id
    b.extend(len16(&[0xc0, 0x30, 0xc0, 0x2f, 0x00, 0x9d, 0x00, 0x9c]));
    b.extend_from_slice(&[1, 0]); // null compression
    let mut name = vec![0];
    name.extend(len16(sni.as_bytes()));
    let mut exts = tls_ext(0x0000, &len16(&name));
    exts.extend(tls_ext(0x000a, &len16(&[0x00, 0x17, 0x00, 0x18])));
    exts.extend(tls_ext(0x000b, &[1, 0]));
    exts.extend(tls_ext(
        0x000d,
        &len16(&[0x04, 0x01, 0x05, 0x01, 0x02, 0x01]),
    ));
    exts.extend(tls_ext(0xff01, &[0]));
    b.extend(len16(&exts));
    tls_record(22, &tls_handshake(1, &b))
}

/// ServerHello (TLS 1.2, ECDHE-RSA-AES256-GCM-SHA384), an empty Certificate
/// list and ServerHelloDone in one record.
fn tls12_server_flight() -> Vec<u8> {
    let mut b = vec![0x03, 0x03];
    b.extend((0..32u8).map(|i| i.wrapping_mul(5) ^ 0x91));
    b.push(32);
    b.extend((0..32u8).map(|i| i ^ 0x44));
    b.extend_from_slice(&[0xc0, 0x30, 0]);
    b.extend(len16(&tls_ext(0xff01, &[0])));
    let mut hs = tls_handshake(2, &b);
    hs.extend(tls_handshake(11, &[0, 0, 0]));
    hs.extend(tls_handshake(14, &[]));
    tls_record(22, &hs)
}

/// `rfc-tcp-framings.pcap` and the messages in it that tshark cannot decode.
pub fn rfc_tcp_framings() -> io::Result<(Vec<u8>, Vec<BlindStun>)> {
    let mut blind = Vec::new();
    let mut c = Cap::new(T0 + 18_000, 5_000_000)?;
    let key = long_term_key(
        RFC_USERNAME.as_bytes(),
        RFC_REALM.as_bytes(),
        RFC_PASSWORD.as_bytes(),
    );
    let soft = (0x8022, b"edgecap synth".to_vec()); // 13 bytes: padded
    let auth = |v: &mut Vec<(u16, Vec<u8>)>| {
        v.push((0x0006, RFC_USERNAME.as_bytes().to_vec()));
        v.push((0x0014, RFC_REALM.as_bytes().to_vec()));
        v.push((0x0015, RFC_NONCE.to_vec()));
    };
    let signed = |typ: u16, t: &[u8; 16], attrs: &[(u16, Vec<u8>)]| {
        s::rfc(typ, t, attrs)
            .integrity(Integrity::Rfc5389, &key)
            .fingerprint(false)
            .bytes()
    };
    let plain = |typ: u16, t: &[u8; 16], attrs: &[(u16, Vec<u8>)]| {
        s::rfc(typ, t, attrs).fingerprint(false).bytes()
    };

    // TURN over TCP on port 80 (a relay reachable through web proxies).
    let client = sa("10.98.2.1:50500");
    let turn = sa("203.0.113.80:80");
    let reflexive = sa("192.0.2.200:61000");
    let relayed = sa("203.0.113.80:49160");
    let peer = sa("198.51.100.33:5004");
    let mut t = TcpConversation::new(client, turn);
    c.all(t.handshake())?;
    // A Binding request and an anonymous Allocate in one segment.
    let (tb, ta) = (s::rfc_txid(0xb1), s::rfc_txid(0xa1));
    let mut seg = plain(0x0001, &tb, std::slice::from_ref(&soft));
    seg.extend(plain(
        0x0003,
        &ta,
        &[
            u32_attr(0x0019, 17 << 24),
            u32_attr(0x000D, 600),
            soft.clone(),
        ],
    ));
    c.put(&t.data(ToServer, &seg))?;
    // Their answers in one segment.
    let mut seg = plain(
        0x0101,
        &tb,
        &[
            addr_attr(0x0001, reflexive, None),
            addr_attr(0x0020, reflexive, Some(&tb)),
            soft.clone(),
        ],
    );
    seg.extend(plain(
        0x0113,
        &ta,
        &[
            (0x0009, error_code(401, "Unauthorized")),
            (0x0014, RFC_REALM.as_bytes().to_vec()),
            (0x0015, RFC_NONCE.to_vec()),
            soft.clone(),
        ],
    ));
    c.put(&t.data(ToClient, &seg))?;
    // The authenticated Allocate across three segments.
    let ta2 = s::rfc_txid(0xa2);
    let mut attrs = vec![u32_attr(0x0019, 17 << 24), u32_attr(0x000D, 600)];
    auth(&mut attrs);
    let m = signed(0x0003, &ta2, &attrs);
    let (p1, rest) = m.split_at(7);
    let (p2, p3) = rest.split_at(30);
    for part in [p1, p2, p3] {
        c.put(&t.data(ToServer, part))?;
    }
    let m = signed(
        0x0103,
        &ta2,
        &[
            addr_attr(0x0016, relayed, Some(&ta2)),
            u32_attr(0x000D, 600),
            addr_attr(0x0020, reflexive, Some(&ta2)),
            soft.clone(),
        ],
    );
    c.put(&t.data(ToClient, &m))?;
    let tc = s::rfc_txid(0xc1);
    let mut attrs = vec![
        u32_attr(0x000C, 0x4001 << 16),
        addr_attr(0x0012, peer, Some(&tc)),
    ];
    auth(&mut attrs);
    c.put(&t.data(ToServer, &signed(0x0009, &tc, &attrs)))?;
    c.put(&t.data(ToClient, &signed(0x0109, &tc, &[])))?;
    // Padded ChannelData both ways (21 bytes of RTP → 24 on the wire).
    let mut media = rtp(7);
    media.push(0xee);
    c.put(&t.data(ToServer, &s::channel_data(0x4001, &media, true)))?;
    c.put(&t.data(ToClient, &s::channel_data(0x4001, &media, true)))?;
    // ChannelData then a Refresh (lifetime 0) in one segment.
    let tr = s::rfc_txid(0xd1);
    let mut attrs = vec![u32_attr(0x000D, 0)];
    auth(&mut attrs);
    let mut seg = s::channel_data(0x4001, &media, true);
    seg.extend(signed(0x0004, &tr, &attrs));
    c.put(&t.data(ToServer, &seg))?;
    c.put(&t.data(ToClient, &signed(0x0104, &tr, &[u32_attr(0x000D, 0)])))?;
    c.put(&t.fin(ToServer))?;
    c.put(&t.fin(ToClient))?;
    c.put(&t.ack(ToServer))?;

    // ICE-TCP (RFC 6544) connectivity checks with RFC 4571 framing.
    let active = sa("10.98.2.1:50600");
    let passive = sa("192.0.2.50:50610");
    let mut t = TcpConversation::new(active, passive);
    c.all(t.handshake())?;
    let ice = ICE_PASSWORD.as_bytes();
    let check = |t: &[u8; 16], user: &str, role: u16| {
        s::rfc(
            0x0001,
            t,
            &[
                (0x0006, user.as_bytes().to_vec()),
                u32_attr(0x0024, 0x6e7f_00ff),
                (role, vec![0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]),
            ],
        )
        .integrity(Integrity::Rfc5389, ice)
        .fingerprint(false)
        .bytes()
    };
    let answer = |t: &[u8; 16], addr: SocketAddr| {
        s::rfc(0x0101, t, &[addr_attr(0x0020, addr, Some(t))])
            .integrity(Integrity::Rfc5389, ice)
            .fingerprint(false)
            .bytes()
    };
    let t1 = s::rfc_txid(0xe1);
    c.put(&t.data(ToServer, &rfc4571(&check(&t1, "R7x2:L9q4", 0x802A))))?;
    c.put(&t.data(ToClient, &rfc4571(&answer(&t1, active))))?;
    c.put(&t.data(ToServer, &rfc4571(&rtp(100))))?;
    // The triggered check back, behind an RTP record in the same segment.
    let t2 = s::rfc_txid(0xe2);
    let mut seg = rfc4571(&rtp(200));
    seg.extend(rfc4571(&check(&t2, "L9q4:R7x2", 0x8029)));
    for (typ, frame) in [
        (0x0001, c.put(&t.data(ToClient, &seg))?),
        (
            0x0101,
            c.put(&t.data(ToServer, &rfc4571(&answer(&t2, passive))))?,
        ),
    ] {
        blind.push(BlindStun {
            capture: "rfc-tcp-framings.pcap",
            frame,
            typ,
            framing: "rfc4571",
            why: WHY_4571,
        });
    }
    c.put(&t.fin(ToServer))?;
    c.put(&t.fin(ToClient))?;
    c.put(&t.ack(ToServer))?;

    // ChannelData on UDP 3478: counted, not STUN.
    let client = sa("10.98.2.1:50700");
    let server = sa("203.0.113.80:3478");
    let tu = s::rfc_txid(0xc2);
    let mut attrs = vec![
        u32_attr(0x000C, 0x4000 << 16),
        addr_attr(0x0012, peer, Some(&tu)),
    ];
    auth(&mut attrs);
    c.udp(client, server, &signed(0x0009, &tu, &attrs))?;
    c.udp(server, client, &signed(0x0109, &tu, &[]))?;
    for i in 0..2u16 {
        c.udp(
            client,
            server,
            &s::channel_data(0x4000, &rtp(300 + i), false),
        )?;
        c.udp(server, client, &s::channel_data(0x4000, &media, false))?;
    }
    // A keepalive Binding indication whose FINGERPRINT is wrong.
    let tk = s::rfc_txid(0xf1);
    let bad = s::rfc(0x0011, &tk, std::slice::from_ref(&soft))
        .fingerprint(true)
        .bytes();
    c.udp(client, server, &bad)?;

    // IPv6 Binding: MAPPED-ADDRESS then XOR-MAPPED-ADDRESS (key = cookie ‖ txid).
    let c6 = sa("[2001:db8:98::1]:50800");
    let s6 = sa("[2001:db8:3::34]:3478");
    let t6 = s::rfc_txid_from([
        0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
    ]);
    c.udp(c6, s6, &plain(0x0001, &t6, std::slice::from_ref(&soft)))?;
    let public6 = sa("[2001:db8:1234:5678:11:2233:4455:6677]:32853");
    c.udp(
        s6,
        c6,
        &plain(
            0x0101,
            &t6,
            &[
                addr_attr(0x0001, public6, None),
                addr_attr(0x0020, public6, Some(&t6)),
                soft,
            ],
        ),
    )?;

    // SIP over real TLS 1.2 on 5061 (federation), ending in a fatal alert.
    let mut t = TcpConversation::new(sa("10.3.0.40:50900"), sa("192.0.2.61:5061"));
    c.all(t.handshake())?;
    c.put(&t.data(ToServer, &tls12_client_hello("sip.fabrikam.com")))?;
    c.put(&t.data(ToClient, &tls12_server_flight()))?;
    // fatal (2) unknown_ca (48)
    c.put(&t.data(ToServer, &tls_record(21, &[2, 48])))?;
    c.put(&t.fin(ToServer))?;
    c.put(&t.rst(ToClient))?;
    Ok((c.finish()?, blind))
}
