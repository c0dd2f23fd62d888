//! One small capture per field case of docs/field-cases.md, built from
//! the protocol facts of docs/protocols.md §4–§5 with the same MS-TURN, pseudo-TLS
//! and TLS builders as the other STUN captures:
//!
//! * `field-desktop-sharing-refused.pcap` (case 1) — MS-TURN over pseudo-TLS
//!   on TCP 443 allocates relay 2.2.2.2:58138, then the edge's external
//!   interface is refused three times by the remote edge.
//! * `field-unknown-user.pcap` (case 2) — 436 Unknown User on UDP 3478 and
//!   again on TCP 443.
//! * `field-mras-refused.pcap` (case 3) — SYNs to MRAS on 5062 answered by
//!   RST,ACK with back-off, and an MTLS handshake on 5062 ending in a fatal
//!   alert from the front end.
//! * `field-udp-blocked.pcap` (case 4) — an Allocate on UDP 3478 retransmitted
//!   with RFC 5389 back-off and never answered, then a TCP 443 fallback that
//!   succeeds.
//! * `field-healthy-call.pcap` — a working call: UDP allocation, MS-ICE2
//!   checks on the relay pair, Set Active Destination, media both ways.
//!
//! Every generator returns, besides the bytes, the messages tshark cannot see
//! ([`BlindStun`]) and the key frames ([`KeyFrame`]) that the diagnosis must
//! point at.

use super::{
    tls12_client_hello, tls_ext, tls_handshake, tls_record, txid, BlindStun, Cap, MsAllocation,
    MS_UNKNOWN_USERNAME, MS_USERNAME, WHY_443,
};
use crate::samples::{sa, T0};
use crate::stun::{self as s, addr_attr, ms_frame, u32_attr, Integrity};
use crate::{IpBuilder, Tcp, TcpConversation};
use edgecap_capture::Timestamp;
use edgecap_net::Direction::{self, ToClient, ToServer};
use std::io;
use std::net::SocketAddr;

/// A frame the diagnosis of a field capture must point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyFrame {
    /// File name in `captures/`.
    pub capture: &'static str,
    /// 1-based frame number (Wireshark's `frame.number`).
    pub frame: u64,
    /// What the frame shows.
    pub what: &'static str,
}

/// ICE short-term credentials of the healthy call's MS-ICE2 checks: the
/// local client's ufrag and password (checks the remote edge sends are keyed
/// with it) and the remote side's.
pub const FIELD_ICE_LOCAL: (&str, &str) = ("Lx7Q", "EdgeCapLocalIcePwd+0123");
/// See [`FIELD_ICE_LOCAL`].
pub const FIELD_ICE_REMOTE: (&str, &str) = ("Rm3K", "EdgeCapRemoteIcePwd/4567");

/// Framing label of MS-TURN behind pseudo-TLS (edgecap's `framing` value).
const PT: &str = "pseudo-tls+ms-turn";

/// The addresses of field case 1 in docs/field-cases.md.
pub(super) const CLIENT: &str = "10.98.2.1";
pub(super) const EDGE_INT: &str = "10.3.0.34";
pub(super) const EDGE_EXT: &str = "10.3.0.40";

pub(super) fn at(ip: &str, port: u16) -> SocketAddr {
    sa(&format!("{ip}:{port}"))
}

/// A capture being written, with its tshark-blind messages and key frames.
pub(super) struct Field {
    name: &'static str,
    cap: Cap,
    start: i64,
    blind: Vec<BlindStun>,
    keys: Vec<KeyFrame>,
}

impl Field {
    /// A capture starting at `T0 + offset_s`, one `step_ms` between packets.
    /// The first packet is at exactly the start.
    pub(super) fn new(name: &'static str, offset_s: i64, step_ms: i64) -> io::Result<Field> {
        let mut cap = Cap::new(T0 + offset_s, step_ms * 1_000_000)?;
        cap.clock.now = Timestamp(cap.clock.now.0 - cap.clock.step_ns);
        Ok(Field {
            name,
            cap,
            start: T0 + offset_s,
            blind: Vec::new(),
            keys: Vec::new(),
        })
    }
    /// Moves the clock so the next packet is at `ms` after the start.
    pub(super) fn at_ms(&mut self, ms: i64) {
        let next = Timestamp::from_secs_nanos(self.start, 0).0 + ms * 1_000_000;
        assert!(
            self.cap.frame == 0 || next > self.cap.clock.now.0,
            "timestamps must increase"
        );
        self.cap.clock.now = Timestamp(next - self.cap.clock.step_ns);
    }
    pub(super) fn put(&mut self, ip: &[u8]) -> io::Result<u64> {
        self.cap.put(ip)
    }
    pub(super) fn key(&mut self, frame: u64, what: &'static str) -> u64 {
        self.keys.push(KeyFrame {
            capture: self.name,
            frame,
            what,
        });
        frame
    }
    pub(super) fn udp(
        &mut self,
        src: SocketAddr,
        dst: SocketAddr,
        payload: &[u8],
    ) -> io::Result<u64> {
        self.cap.udp(src, dst, payload)
    }
    pub(super) fn handshake(&mut self, t: &mut TcpConversation) -> io::Result<u64> {
        self.cap.all(t.handshake())
    }
    /// The pseudo-TLS ClientHello and ServerHello + ServerHelloDone.
    pub(super) fn pseudo_tls(&mut self, t: &mut TcpConversation, seed: u8) -> io::Result<()> {
        let f = self.put(&t.data(ToServer, &s::PSEUDO_TLS_CLIENT_HELLO))?;
        self.key(f, "pseudo-TLS ClientHello");
        let random: [u8; 32] = core::array::from_fn(|i| (i as u8).wrapping_mul(7) ^ seed);
        let session: [u8; 32] = core::array::from_fn(|i| (i as u8).wrapping_mul(13) ^ !seed);
        let f = self.put(&t.data(ToClient, &s::pseudo_tls_server_hello(&random, &session)))?;
        self.key(f, "pseudo-TLS ServerHello + ServerHelloDone");
        Ok(())
    }
    /// One MS-TURN control message in a `02 00 len` frame on TCP 443.
    pub(super) fn ms443(
        &mut self,
        t: &mut TcpConversation,
        dir: Direction,
        msg: &[u8],
        what: &'static str,
    ) -> io::Result<u64> {
        let f = self.put(&t.data(dir, &ms_frame(2, msg)))?;
        self.blind.push(BlindStun {
            capture: self.name,
            frame: f,
            typ: u16::from_be_bytes([msg[0], msg[1]]),
            framing: PT,
            why: WHY_443,
        });
        Ok(self.key(f, what))
    }
    /// One MS-TURN allocation on UDP from `client` to `server`: anonymous
    /// Allocate, 401, authenticated Allocate, success (`success` names it).
    pub(super) fn udp_allocation(
        &mut self,
        a: &MsAllocation,
        client: SocketAddr,
        server: SocketAddr,
        success: &'static str,
    ) -> io::Result<()> {
        let f = self.udp(client, server, &a.allocate())?;
        self.key(f, "anonymous Allocate");
        let f = self.udp(server, client, &a.unauthorized())?;
        self.key(f, "401 with realm and nonce");
        let f = self.udp(client, server, &a.allocate_auth())?;
        self.key(f, "authenticated Allocate");
        let f = self.udp(server, client, &a.success())?;
        self.key(f, success);
        Ok(())
    }
    /// The same allocation in `02 00 len` frames on TCP 443 after the
    /// pseudo-TLS handshake.
    pub(super) fn ms443_allocation(
        &mut self,
        t: &mut TcpConversation,
        a: &MsAllocation,
        success: &'static str,
    ) -> io::Result<()> {
        self.ms443(t, ToServer, &a.allocate(), "anonymous Allocate")?;
        self.ms443(t, ToClient, &a.unauthorized(), "401 with realm and nonce")?;
        self.ms443(t, ToServer, &a.allocate_auth(), "authenticated Allocate")?;
        self.ms443(t, ToClient, &a.success(), success)?;
        Ok(())
    }
    /// The client closes a TCP connection (FIN, FIN, ACK).
    pub(super) fn close(&mut self, t: &mut TcpConversation) -> io::Result<u64> {
        self.put(&t.fin(ToServer))?;
        self.put(&t.fin(ToClient))?;
        self.put(&t.ack(ToServer))
    }
    /// A SYN from `client` with sequence number `isn`, answered by RST,ACK
    /// (sequence 0, acknowledging the SYN, window 0, as a stack with no
    /// listener sends it); `what` describes the two key frames.
    pub(super) fn refused(
        &mut self,
        client: SocketAddr,
        server: SocketAddr,
        isn: u32,
        what: [&'static str; 2],
    ) -> io::Result<()> {
        let syn = Tcp::new(client.port(), server.port()).seq(isn).syn();
        let f = self.put(&IpBuilder::new(client.ip(), server.ip()).tcp(&syn, b""))?;
        self.key(f, what[0]);
        let rst = Tcp::new(server.port(), client.port())
            .seq(0)
            .ack(isn.wrapping_add(1))
            .rst()
            .window(0);
        let f = self.put(&IpBuilder::new(server.ip(), client.ip()).tcp(&rst, b""))?;
        self.key(f, what[1]);
        Ok(())
    }
    pub(super) fn finish(self) -> io::Result<FieldCapture> {
        Ok(FieldCapture {
            name: self.name,
            bytes: self.cap.finish()?,
            blind: self.blind,
            keys: self.keys,
        })
    }
}

/// One generated field capture.
#[derive(Debug, Clone)]
pub struct FieldCapture {
    /// File name in `captures/`.
    pub name: &'static str,
    /// The pcap file.
    pub bytes: Vec<u8>,
    /// Its STUN messages tshark cannot decode.
    pub blind: Vec<BlindStun>,
    /// Its key frames, in frame order.
    pub keys: Vec<KeyFrame>,
}

/// The MS-TURN allocation of the client 10.98.2.1 (RFC cookie in the header,
/// as Lync 2013 / SfB clients send it) with the MRAS credentials.
pub(super) fn allocation(base: u8, relayed: &str, reflexive: &str, peer: &str) -> MsAllocation {
    MsAllocation {
        cookie: true,
        base,
        relayed: sa(relayed),
        reflexive: sa(reflexive),
        peer: sa(peer),
        username: MS_USERNAME,
    }
}

/// Field case 1: `field-desktop-sharing-refused.pcap`.
pub fn desktop_sharing_refused() -> io::Result<FieldCapture> {
    let mut c = Field::new("field-desktop-sharing-refused.pcap", 21_600, 2)?;
    let a = allocation(0x50, "2.2.2.2:58138", "10.98.2.1:50124", "1.1.1.1:50704");
    let mut t = TcpConversation::new(at(CLIENT, 50124), at(EDGE_INT, 443));
    c.handshake(&mut t)?;
    c.pseudo_tls(&mut t, 0x51)?;
    c.ms443_allocation(&mut t, &a, "Allocate success: relayed 2.2.2.2:58138")?;
    c.ms443(
        &mut t,
        ToServer,
        &a.set_active_destination(),
        "Set Active Destination 1.1.1.1:50704",
    )?;
    c.ms443(
        &mut t,
        ToClient,
        &a.sad_success(),
        "Set Active Destination response",
    )?;
    // The desktop-sharing INVITE goes through SIP elsewhere; 2 s later the
    // external edge connects from the relay port and is refused each time.
    let attempts = [
        (0x6a00_0000u32, ["relay SYN 1", "RST,ACK 1"]),
        (0x6b00_0000, ["relay SYN 2", "RST,ACK 2"]),
        (0x6c00_0000, ["relay SYN 3", "RST,ACK 3"]),
    ];
    for (i, (isn, what)) in attempts.into_iter().enumerate() {
        c.at_ms(2_000 + 500 * i as i64);
        c.refused(at(EDGE_EXT, 58138), sa("1.1.1.1:50704"), isn, what)?;
    }
    // The client gives up on the allocation.
    c.at_ms(4_000);
    c.close(&mut t)?;
    c.finish()
}

/// Field case 2: `field-unknown-user.pcap`.
pub fn unknown_user() -> io::Result<FieldCapture> {
    let mut c = Field::new("field-unknown-user.pcap", 25_200, 2)?;
    let edge = at(EDGE_INT, 3478);
    let client = at(CLIENT, 50240);
    let udp = MsAllocation {
        username: MS_UNKNOWN_USERNAME,
        ..allocation(0x58, "2.2.2.2:58144", "10.98.2.1:50240", "1.1.1.1:50704")
    };
    let f = c.udp(client, edge, &udp.allocate())?;
    c.key(f, "UDP anonymous Allocate");
    let f = c.udp(edge, client, &udp.unauthorized())?;
    c.key(f, "UDP 401 with realm and nonce");
    let f = c.udp(client, edge, &udp.allocate_auth())?;
    c.key(f, "UDP authenticated Allocate");
    let f = c.udp(edge, client, &udp.unknown_user())?;
    c.key(f, "UDP 436 Unknown User");
    // The client tries TCP 443 with the same credentials: same answer.
    c.at_ms(150);
    let tcp = MsAllocation { base: 0x5c, ..udp };
    let mut t = TcpConversation::new(at(CLIENT, 50242), at(EDGE_INT, 443));
    c.handshake(&mut t)?;
    c.pseudo_tls(&mut t, 0x5d)?;
    c.ms443(&mut t, ToServer, &tcp.allocate(), "TCP anonymous Allocate")?;
    c.ms443(&mut t, ToClient, &tcp.unauthorized(), "TCP 401")?;
    c.ms443(
        &mut t,
        ToServer,
        &tcp.allocate_auth(),
        "TCP authenticated Allocate",
    )?;
    c.ms443(
        &mut t,
        ToClient,
        &tcp.unknown_user(),
        "TCP 436 Unknown User",
    )?;
    c.close(&mut t)?;
    c.finish()
}

// A minimal DER writer for the edge's certificate (X.509, RFC 5280 §4.1).
const SEQ: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;
const INT: u8 = 0x02;
const OID_SHA256_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
const OID_ORG: &[u8] = &[0x55, 0x04, 0x0a];
const OID_SAN: &[u8] = &[0x55, 0x1d, 0x11];
const OID_EKU: &[u8] = &[0x55, 0x1d, 0x25];
const OID_SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
const OID_CLIENT_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];

fn der(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let n: usize = parts.iter().map(|p| p.len()).sum();
    let mut v = vec![tag];
    match n {
        0..=0x7f => v.push(n as u8),
        0x80..=0xff => v.extend_from_slice(&[0x81, n as u8]),
        _ => v.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]),
    }
    for p in parts {
        v.extend_from_slice(p);
    }
    v
}

/// `O=org, CN=cn` as a DER Name.
fn dn(cn: &str, org: &str) -> Vec<u8> {
    let rdn = |oid: &[u8], value: &str| {
        let atv = der(SEQ, &[&der(OID, &[oid]), &der(0x0c, &[value.as_bytes()])]);
        der(SET, &[&atv])
    };
    der(SEQ, &[&rdn(OID_ORG, org), &rdn(OID_CN, cn)])
}

/// Deterministic filler bytes (stand-ins for key and signature material).
fn filler(seed: u32, n: usize) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) as u8
        })
        .collect()
}

/// The edge's internal-interface certificate: CN and SAN `host`, issued by
/// "Contoso Issuing CA 2", RSA 2048 (key and signature are filler bytes).
fn edge_certificate(host: &str) -> Vec<u8> {
    let alg = der(SEQ, &[&der(OID, &[OID_SHA256_RSA]), &[0x05, 0x00]]);
    let mut serial = filler(0x5062, 16);
    serial[0] &= 0x7f;
    let validity = der(
        SEQ,
        &[
            &der(0x17, &[b"260301000000Z"]),
            &der(0x17, &[b"280301000000Z"]),
        ],
    );
    let mut modulus = vec![0];
    modulus.extend(filler(0x0e46e, 256));
    modulus[1] |= 0x80;
    let key = der(SEQ, &[&der(INT, &[&modulus]), &der(INT, &[&[1, 0, 1]])]);
    let spki = der(
        SEQ,
        &[
            &der(SEQ, &[&der(OID, &[OID_RSA]), &[0x05, 0x00]]),
            &der(0x03, &[&[0], &key]),
        ],
    );
    let san = der(SEQ, &[&der(0x82, &[host.as_bytes()])]);
    let eku = der(
        SEQ,
        &[&der(OID, &[OID_SERVER_AUTH]), &der(OID, &[OID_CLIENT_AUTH])],
    );
    let ext = |oid: &[u8], value: &[u8]| der(SEQ, &[&der(OID, &[oid]), &der(0x04, &[value])]);
    let exts = der(
        0xa3,
        &[&der(SEQ, &[&ext(OID_SAN, &san), &ext(OID_EKU, &eku)])],
    );
    let tbs = der(
        SEQ,
        &[
            &[0xa0, 0x03, 0x02, 0x01, 0x02], // version 3
            &der(INT, &[&serial]),
            &alg,
            &dn("Contoso Issuing CA 2", "Contoso"),
            &validity,
            &dn(host, "Contoso"),
            &spki,
            &exts,
        ],
    );
    der(SEQ, &[&tbs, &alg, &der(0x03, &[&[0], &filler(0x516, 256)])])
}

fn len24(body: &[u8]) -> Vec<u8> {
    let n = body.len();
    let mut v = vec![(n >> 16) as u8, (n >> 8) as u8, n as u8];
    v.extend_from_slice(body);
    v
}

fn len16(body: &[u8]) -> Vec<u8> {
    let mut v = (body.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(body);
    v
}

/// The edge's MTLS server flight in one TLS 1.2 record (RFC 5246 §7.4):
/// ServerHello (ECDHE-RSA-AES256-GCM-SHA384), Certificate with the edge's
/// certificate only, CertificateRequest (RSA/ECDSA, four signature
/// algorithms, CA "Contoso Root CA") and ServerHelloDone.
fn mtls_server_flight(host: &str) -> Vec<u8> {
    let mut hello = vec![0x03, 0x03];
    hello.extend(filler(0x2b1, 32));
    hello.push(32);
    hello.extend(filler(0x5e5, 32));
    hello.extend_from_slice(&[0xc0, 0x30, 0]);
    hello.extend(len16(&tls_ext(0xff01, &[0])));
    let certs = len24(&len24(&edge_certificate(host)));
    let mut request = vec![2, 1, 64]; // rsa_sign, ecdsa_sign
    request.extend(len16(&[0x04, 0x01, 0x05, 0x01, 0x02, 0x01, 0x04, 0x03]));
    request.extend(len16(&len16(&dn("Contoso Root CA", "Contoso"))));
    let mut hs = tls_handshake(2, &hello);
    hs.extend(tls_handshake(11, &certs));
    hs.extend(tls_handshake(13, &request));
    hs.extend(tls_handshake(14, &[]));
    tls_record(22, &hs)
}

/// Field case 3: `field-mras-refused.pcap`.
pub fn mras_refused() -> io::Result<FieldCapture> {
    let mut c = Field::new("field-mras-refused.pcap", 28_800, 1)?;
    let mras = at(EDGE_INT, 5062);
    // Front end 1: nothing listens on 5062 (WSAECONNREFUSED 10061); the SIP
    // proxy reconnects after 1 s and 2 s more, each time from a new port.
    let attempts = [
        (0, 49731u16, ["MRAS SYN 1", "RST,ACK 1"]),
        (1_000, 49732, ["MRAS SYN 2", "RST,ACK 2"]),
        (3_000, 49733, ["MRAS SYN 3", "RST,ACK 3"]),
    ];
    for (ms, port, what) in attempts {
        c.at_ms(ms);
        let isn = 0x1e00_0000 | u32::from(port);
        c.refused(at("10.3.0.10", port), mras, isn, what)?;
    }
    // Front end 2: the TCP connection opens, the MTLS handshake fails: the
    // front end does not trust the edge's issuing CA.
    c.at_ms(5_000);
    let host = "edge-int.contoso.com";
    let mut t =
        TcpConversation::new(at("10.3.0.11", 49850), mras).with_isn(0x7a11_0000, 0x0e46_0000);
    let f = c.handshake(&mut t)?;
    c.key(f - 2, "MTLS SYN");
    let f = c.put(&t.data(ToServer, &tls12_client_hello(host)))?;
    c.key(f, "TLS ClientHello, SNI edge-int.contoso.com");
    let f = c.put(&t.data(ToClient, &mtls_server_flight(host)))?;
    c.key(
        f,
        "ServerHello, Certificate, CertificateRequest, ServerHelloDone",
    );
    // fatal (2) unknown_ca (48), then the front end resets the connection.
    let f = c.put(&t.data(ToServer, &tls_record(21, &[2, 48])))?;
    c.key(f, "fatal alert unknown_ca from the front end");
    let f = c.put(&t.rst(ToServer))?;
    c.key(f, "RST from the front end");
    c.finish()
}

/// Field case 4: `field-udp-blocked.pcap`.
pub fn udp_blocked() -> io::Result<FieldCapture> {
    let mut c = Field::new("field-udp-blocked.pcap", 32_400, 2)?;
    let udp = allocation(0x60, "2.2.2.2:58140", "10.98.2.1:50300", "1.1.1.1:50704");
    let allocate = udp.allocate();
    // RFC 5389 §7.2.1: RTO 500 ms doubling; the same transaction each time.
    let sends = [
        (0, "UDP Allocate"),
        (500, "UDP Allocate retransmission 1"),
        (1_500, "UDP Allocate retransmission 2"),
        (3_500, "UDP Allocate retransmission 3"),
        (7_500, "UDP Allocate retransmission 4"),
    ];
    for (ms, what) in sends {
        c.at_ms(ms);
        let f = c.udp(at(CLIENT, 50300), at(EDGE_INT, 3478), &allocate)?;
        c.key(f, what);
    }
    // No answer: the client falls back to TCP 443.
    c.at_ms(9_500);
    let tcp = allocation(0x64, "2.2.2.2:58140", "10.98.2.1:50302", "1.1.1.1:50704");
    let mut t = TcpConversation::new(at(CLIENT, 50302), at(EDGE_INT, 443));
    let f = c.handshake(&mut t)?;
    c.key(f - 2, "TCP 443 SYN (fallback)");
    c.pseudo_tls(&mut t, 0x65)?;
    c.ms443(&mut t, ToServer, &tcp.allocate(), "TCP anonymous Allocate")?;
    c.ms443(&mut t, ToClient, &tcp.unauthorized(), "TCP 401")?;
    c.ms443(
        &mut t,
        ToServer,
        &tcp.allocate_auth(),
        "TCP authenticated Allocate",
    )?;
    c.ms443(
        &mut t,
        ToClient,
        &tcp.success(),
        "TCP Allocate success: relayed 2.2.2.2:58140",
    )?;
    c.finish()
}

/// An MS-ICE2 connectivity check (RFC 5389 format, MS-IMPLEMENTATION-VERSION
/// 3): USERNAME `to:from`, PRIORITY, ICE-CONTROLLING (with USE-CANDIDATE) or
/// ICE-CONTROLLED, MESSAGE-INTEGRITY with the responder's password,
/// FINGERPRINT.
pub(super) fn ice_check(n: u8, user: &str, password: &str, controlling: bool) -> Vec<u8> {
    let mut attrs = vec![
        (0x0006, user.as_bytes().to_vec()),
        u32_attr(0x0024, 0x6e00_1eff),
        (
            if controlling { 0x802A } else { 0x8029 },
            filler(u32::from(n), 8),
        ),
    ];
    if controlling {
        attrs.push((0x0025, Vec::new()));
    }
    attrs.push(u32_attr(0x8070, 3));
    s::rfc(0x0001, &txid(true, n), &attrs)
        .integrity(Integrity::Rfc5389, password.as_bytes())
        .fingerprint(false)
        .bytes()
}

/// The answer to [`ice_check`] `n`: XOR-MAPPED-ADDRESS of the requester.
pub(super) fn ice_answer(n: u8, mapped: SocketAddr, password: &str) -> Vec<u8> {
    let t = txid(true, n);
    s::rfc(
        0x0101,
        &t,
        &[addr_attr(0x0020, mapped, Some(&t)), u32_attr(0x8070, 3)],
    )
    .integrity(Integrity::Rfc5389, password.as_bytes())
    .fingerprint(false)
    .bytes()
}

/// An RTP packet: version 2, PT 114 (x-msrta/16000, RTAudio wideband), a
/// 40-byte payload, one packet per [`MEDIA_INTERVAL_MS`] (timestamps advance
/// by that much of a 16 kHz clock).
pub(super) fn rtp(ssrc: u32, seq: u16) -> Vec<u8> {
    let marker = if seq == 0 { 0x80 } else { 0 };
    let mut p = vec![0x80, marker | 114];
    p.extend_from_slice(&seq.to_be_bytes());
    let ts = u32::from(seq) * (16 * MEDIA_INTERVAL_MS as u32);
    p.extend_from_slice(&ts.to_be_bytes());
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend(filler(ssrc ^ u32::from(seq), 40));
    p
}

/// Spacing of the healthy call's media packets (kept sparse so the capture
/// stays a few KB).
const MEDIA_INTERVAL_MS: i64 = 200;

/// The healthy call: `field-healthy-call.pcap`.
pub fn healthy_call() -> io::Result<FieldCapture> {
    let mut c = Field::new("field-healthy-call.pcap", 36_000, 1)?;
    let client = at(CLIENT, 50200);
    let edge = at(EDGE_INT, 3478);
    let relay = at(EDGE_EXT, 58150);
    let remote = sa("1.1.1.1:50710");
    let a = allocation(0x68, "2.2.2.2:58150", "10.98.2.1:50200", "1.1.1.1:50710");
    c.udp_allocation(&a, client, edge, "Allocate success: relayed 2.2.2.2:58150")?;
    // After the SIP offer/answer both sides check the relay pair; the
    // remote edge sees the relay through the NAT as 2.2.2.2:58150.
    c.at_ms(1_500);
    let (lu, lp) = FIELD_ICE_LOCAL;
    let (ru, rp) = FIELD_ICE_REMOTE;
    let f = c.udp(
        relay,
        remote,
        &ice_check(0x70, &format!("{ru}:{lu}"), rp, true),
    )?;
    c.key(f, "MS-ICE2 check to the remote edge");
    let f = c.udp(remote, relay, &ice_answer(0x70, sa("2.2.2.2:58150"), rp))?;
    c.key(f, "its success response (XOR-MAPPED 2.2.2.2:58150)");
    let f = c.udp(
        remote,
        relay,
        &ice_check(0x71, &format!("{lu}:{ru}"), lp, false),
    )?;
    c.key(f, "MS-ICE2 check from the remote edge");
    let f = c.udp(relay, remote, &ice_answer(0x71, remote, lp))?;
    c.key(f, "its success response (XOR-MAPPED 1.1.1.1:50710)");
    // The pair works: the client makes the remote edge its active destination.
    c.at_ms(1_600);
    let f = c.udp(client, edge, &a.set_active_destination())?;
    c.key(f, "Set Active Destination 1.1.1.1:50710");
    let f = c.udp(edge, client, &a.sad_success())?;
    c.key(f, "Set Active Destination response");
    // Media both ways on both legs for 3 s.
    for i in 0..15u16 {
        c.at_ms(1_700 + MEDIA_INTERVAL_MS * i64::from(i));
        let out = rtp(0x0ED9_E5C1, i);
        let back = rtp(0x51F0_77A2, i);
        let f = c.udp(client, edge, &out)?;
        if i == 0 {
            c.key(f, "first media packet, client to edge");
        }
        c.udp(relay, remote, &out)?;
        c.udp(remote, relay, &back)?;
        let f = c.udp(edge, client, &back)?;
        if i == 14 {
            c.key(f, "last media packet, edge to client");
        }
    }
    c.finish()
}

/// Every field capture, in the order of [`super::super::all`].
pub fn field_captures() -> io::Result<Vec<FieldCapture>> {
    let mut all = vec![
        desktop_sharing_refused()?,
        unknown_user()?,
        mras_refused()?,
        udp_blocked()?,
        healthy_call()?,
        super::topology_cases::home_user_behind_nat()?,
        super::topology_cases::relay_private()?,
        super::topology_cases::nat_port_rewritten()?,
        super::topology_cases::syn_retry_same_isn()?,
        super::topology_cases::one_way_relay()?,
        super::topology_cases::injected_reset()?,
        super::topology_cases::ice_only()?,
        super::topology_cases::ice_failed()?,
        super::topology_cases::call_refused()?,
    ];
    all.extend(super::vantage_cases::client_and_edge()?);
    all.extend(super::vantage_cases::edge_nat_pair()?);
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::{MS_PASSWORD, MS_REALM};
    use edgecap_proto::stun::{decode, ms_turn_long_term_key, verify_integrity, IntegrityCheck};

    /// The key frames captures/README.md documents (and golden tests of the
    /// diagnosis rely on): changing a generator must not move them silently.
    #[test]
    fn key_frames_are_the_documented_ones() {
        let want: &[(&str, &[u64])] = &[
            (
                "field-desktop-sharing-refused.pcap",
                &[4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
            ),
            (
                "field-unknown-user.pcap",
                &[1, 2, 3, 4, 8, 9, 10, 11, 12, 13],
            ),
            (
                "field-mras-refused.pcap",
                &[1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13],
            ),
            (
                "field-udp-blocked.pcap",
                &[1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14],
            ),
            (
                "field-healthy-call.pcap",
                &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 70],
            ),
            ("topology-home-nat.pcap", &[1, 2, 3, 4, 5, 6, 7, 8]),
            ("field-relay-private.pcap", &[1, 2, 3, 4]),
            (
                "field-nat-port-rewritten.pcap",
                &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            ),
            ("field-syn-retry-same-isn.pcap", &[1, 2, 3, 4, 5, 6]),
            (
                "field-one-way-relay.pcap",
                &[4, 5, 6, 7, 8, 9, 10, 11, 12, 23],
            ),
            ("field-injected-reset.pcap", &[4, 5, 6, 7]),
            ("ice-only.pcap", &[1, 4, 5, 6, 7]),
            ("ice-failed.pcap", &[1, 5]),
            (
                "field-call-refused.pcap",
                &[1, 2, 3, 4, 8, 9, 10, 12, 13, 14, 15, 16, 17],
            ),
            (
                "multi-client.pcap",
                &[1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13],
            ),
            ("multi-edge-ext.pcap", &[1, 2, 3, 4, 5, 6, 8, 9]),
            ("multi-edge-inside.pcap", &[1, 4, 5, 6]),
            ("multi-edge-outside.pcap", &[1, 4, 5]),
        ];
        let caps = field_captures().expect("generate");
        assert_eq!(caps.len(), want.len());
        for (cap, (name, frames)) in caps.iter().zip(want) {
            assert_eq!(cap.name, *name);
            let got: Vec<u64> = cap.keys.iter().map(|k| k.frame).collect();
            assert_eq!(got, *frames, "{name}");
            assert!(cap.bytes.len() < 10_000, "{name}: a few KB");
        }
    }

    #[test]
    fn authenticated_messages_verify_with_the_mras_credentials() {
        for user in [MS_USERNAME, MS_UNKNOWN_USERNAME] {
            let a = MsAllocation {
                username: user,
                ..allocation(0x58, "2.2.2.2:58144", "10.98.2.1:50240", "1.1.1.1:50704")
            };
            let key = ms_turn_long_term_key(user, MS_REALM, MS_PASSWORD);
            for msg in [a.allocate_auth(), a.success(), a.set_active_destination()] {
                let m = decode(&msg).expect("decodes");
                assert_eq!(verify_integrity(&msg, &m, &key), IntegrityCheck::Valid);
            }
        }
        let (_, rp) = FIELD_ICE_REMOTE;
        let check = ice_check(0x70, "Rm3K:Lx7Q", rp, true);
        let m = decode(&check).expect("decodes");
        assert_eq!(
            verify_integrity(&check, &m, rp.as_bytes()),
            IntegrityCheck::Valid
        );
    }

    #[test]
    fn edge_certificate_is_well_formed_der() {
        // The outer SEQUENCE's length covers exactly the rest.
        let cert = edge_certificate("edge-int.contoso.com");
        assert_eq!(cert[..2], [0x30, 0x82]);
        assert_eq!(
            usize::from(u16::from_be_bytes([cert[2], cert[3]])),
            cert.len() - 4
        );
    }
}
