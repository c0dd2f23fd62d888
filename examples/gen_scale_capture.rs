//! Writes one synthetic capture shape at a scale factor for `scripts/scale.sh`,
//! the linear-time benchmark of issue 11 ("busy edges"): doubling the number
//! of calls, error groups, connections, clients, allocations or flows must
//! (about) double the time of `edgecap summary`, never quadruple it.
//!
//! Shapes (units at factor 1; every unit is scaled by FACTOR):
//!
//! * `relay` — 4,000 calls, each from its own client: Allocate → 401 →
//!   authenticated Allocate → success on UDP 3478, a Binding, RFC 4571 TURN
//!   on TCP 443 (same dance), relayed media between the relayed address and a
//!   peer, a Refresh with lifetime 0 on every 8th call, and a RST by the edge
//!   on every 4th TCP connection.
//! * `errors` — 2,500 error groups: three authenticated Allocates answered
//!   401, 436 or 438 (in turn) between distinct clients and servers; every
//!   438 group is then retried and succeeds.
//! * `resets` — 2,500 TCP connections to an edge on 443, reset by the edge
//!   after TURN bytes: an allocation and four Bindings in RFC 4571 framing,
//!   or (every other one) five MS-TURN Allocate / 401 behind pseudo-TLS.
//! * `clients` — 12,500 distinct clients, each with one Allocate → 401
//!   exchange with the same edge.
//! * `allocations` — 12,500 allocations (Allocate → 401 → authenticated
//!   Allocate → success) from one client host on distinct ports, and every
//!   16th preceded by an Allocate to a second edge address that is never
//!   answered.
//! * `pairs` — 25,000 Allocate / 401 pairs, each between two new hosts.
//! * `oneshot` — 50,000 one-packet STUN flows (a Binding request) between
//!   never-seen hosts.
//!
//! Usage: `cargo run --release --example gen_scale_capture -- OUT.pcap SHAPE FACTOR`.
//! Prints the number of units on stdout. Deterministic: the same arguments
//! give the same bytes.

use edgecap_capture::{LinkType, Timestamp};
use edgecap_net::Direction::{self, ToClient, ToServer};
use edgecap_testkit::stun::{self as s, addr_attr, error_code, u32_attr, Integrity};
use edgecap_testkit::writer::{PcapOptions, PcapWriter};
use edgecap_testkit::{link, TcpConversation};
use std::io::{self, BufWriter, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Units of each shape at factor 1.
const SHAPES: &[(&str, u64)] = &[
    ("relay", 4_000),
    ("errors", 2_500),
    ("resets", 2_500),
    ("clients", 12_500),
    ("allocations", 12_500),
    ("pairs", 25_000),
    ("oneshot", 50_000),
];

const EDGE: [u8; 4] = [10, 3, 0, 34];
const EDGE_EXT: [u8; 4] = [10, 3, 0, 40];
const REALM: &[u8] = b"edgecap.test";
const NONCE: &[u8] = b"0123456789abcdef";
const KEY: &[u8] = b"0123456789abcdef";

/// Host number `n` of the block starting at `base` (up to 2^20 hosts).
fn host(base: [u8; 4], n: u64) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(u32::from_be_bytes(base) + n as u32))
}

fn ep(ip: IpAddr, port: u16) -> SocketAddr {
    SocketAddr::new(ip, port)
}

/// Client number `n` (10.64.0.0/10).
fn client(n: u64) -> IpAddr {
    host([10, 64, 0, 1], n)
}

/// Server number `n` (172.16.0.0/12).
fn server(n: u64) -> IpAddr {
    host([172, 16, 0, 1], n)
}

/// Peer number `n` (198.18.0.0/15).
fn peer(n: u64) -> IpAddr {
    host([198, 18, 0, 1], n % 130_000)
}

/// A transaction id from a unit number and a message number within it.
fn txid(unit: u64, k: u8) -> [u8; 16] {
    let mut id = [0u8; 12];
    id[..8].copy_from_slice(&unit.to_be_bytes());
    id[8] = k;
    id[11] = 0x5a;
    s::rfc_txid_from(id)
}

/// RFC 5766 TURN messages of one transaction series.
struct Turn {
    unit: u64,
}

impl Turn {
    fn allocate(&self, k: u8) -> Vec<u8> {
        s::rfc(
            0x0003,
            &txid(self.unit, k),
            &[(0x0019, vec![17, 0, 0, 0]), u32_attr(0x000D, 600)],
        )
        .fingerprint(false)
        .bytes()
    }
    fn allocate_auth(&self, k: u8) -> Vec<u8> {
        s::rfc(
            0x0003,
            &txid(self.unit, k),
            &[
                (0x0019, vec![17, 0, 0, 0]),
                u32_attr(0x000D, 600),
                (0x0006, format!("user{}", self.unit % 1000).into_bytes()),
                (0x0014, REALM.to_vec()),
                (0x0015, NONCE.to_vec()),
            ],
        )
        .integrity(Integrity::Rfc5389, KEY)
        .fingerprint(false)
        .bytes()
    }
    fn error(&self, k: u8, code: u16, reason: &str) -> Vec<u8> {
        s::rfc(
            0x0113,
            &txid(self.unit, k),
            &[
                (0x0009, error_code(code, reason)),
                (0x0014, REALM.to_vec()),
                (0x0015, NONCE.to_vec()),
            ],
        )
        .fingerprint(false)
        .bytes()
    }
    fn success(&self, k: u8, relayed: SocketAddr, mapped: SocketAddr) -> Vec<u8> {
        let t = txid(self.unit, k);
        s::rfc(
            0x0103,
            &t,
            &[
                addr_attr(0x0016, relayed, Some(&t)),
                addr_attr(0x0020, mapped, Some(&t)),
                u32_attr(0x000D, 600),
            ],
        )
        .integrity(Integrity::Rfc5389, KEY)
        .fingerprint(false)
        .bytes()
    }
    fn refresh_zero(&self, k: u8) -> Vec<u8> {
        s::rfc(0x0004, &txid(self.unit, k), &[u32_attr(0x000D, 0)])
            .integrity(Integrity::Rfc5389, KEY)
            .fingerprint(false)
            .bytes()
    }
    fn refresh_zero_success(&self, k: u8) -> Vec<u8> {
        s::rfc(0x0104, &txid(self.unit, k), &[u32_attr(0x000D, 0)])
            .integrity(Integrity::Rfc5389, KEY)
            .fingerprint(false)
            .bytes()
    }
    fn binding(&self, k: u8) -> Vec<u8> {
        s::rfc(
            0x0001,
            &txid(self.unit, k),
            &[(0x8022, b"edgecap".to_vec())],
        )
        .fingerprint(false)
        .bytes()
    }
    fn binding_success(&self, k: u8, mapped: SocketAddr) -> Vec<u8> {
        let t = txid(self.unit, k);
        s::rfc(0x0101, &t, &[addr_attr(0x0020, mapped, Some(&t))])
            .fingerprint(false)
            .bytes()
    }
}

/// A minimal RTP packet.
fn rtp(seq: u16) -> Vec<u8> {
    let mut p = vec![0x80, 0x00];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&(u32::from(seq) * 160).to_be_bytes());
    p.extend_from_slice(&0x0ED9_E5C1u32.to_be_bytes());
    p.extend_from_slice(&[0xd5; 40]);
    p
}

/// The capture being written: Ethernet frames 100 µs apart.
struct Out {
    w: PcapWriter<BufWriter<std::fs::File>>,
    ts: Timestamp,
}

impl Out {
    fn put(&mut self, ip: &[u8]) -> io::Result<()> {
        self.ts = Timestamp(self.ts.0 + 100_000);
        let frame = link::wrap(LinkType::ETHERNET, ip);
        self.w.write_packet(self.ts, &frame, frame.len() as u32)
    }
    fn udp(&mut self, src: SocketAddr, dst: SocketAddr, payload: &[u8]) -> io::Result<()> {
        self.put(&edgecap_testkit::ip::udp(src, dst, payload))
    }
    fn tcp(&mut self, t: &mut TcpConversation, dir: Direction, payload: &[u8]) -> io::Result<()> {
        let seg = t.data(dir, payload);
        self.put(&seg)
    }
    fn handshake(&mut self, t: &mut TcpConversation) -> io::Result<()> {
        for p in t.handshake() {
            self.put(&p)?;
        }
        Ok(())
    }
}

/// One UDP Allocate → 401 → authenticated Allocate → success.
fn udp_allocation(
    o: &mut Out,
    turn: &Turn,
    cl: SocketAddr,
    edge: SocketAddr,
    relayed: SocketAddr,
) -> io::Result<()> {
    o.udp(cl, edge, &turn.allocate(0))?;
    o.udp(edge, cl, &turn.error(0, 401, "Unauthorized"))?;
    o.udp(cl, edge, &turn.allocate_auth(1))?;
    o.udp(edge, cl, &turn.success(1, relayed, cl))
}

fn relay(o: &mut Out, n: u64) -> io::Result<()> {
    let edge = ep(IpAddr::from(EDGE), 3478);
    for i in 0..n {
        let turn = Turn { unit: i };
        let cl_ip = client(i);
        let cl = ep(cl_ip, 50_000 + (i % 10_000) as u16);
        let relayed = ep(IpAddr::from(EDGE_EXT), 50_000 + (i % 10_000) as u16);
        udp_allocation(o, &turn, cl, edge, relayed)?;
        o.udp(cl, edge, &turn.binding(2))?;
        o.udp(edge, cl, &turn.binding_success(2, cl))?;
        // RFC 4571 TURN on TCP 443.
        let tcp_cl = ep(cl_ip, 20_000 + (i % 30_000) as u16);
        let mut t = TcpConversation::new(tcp_cl, ep(IpAddr::from(EDGE), 443))
            .with_isn((i as u32).wrapping_mul(2_654_435_761), i as u32);
        o.handshake(&mut t)?;
        let turn_tcp = Turn {
            unit: i + (1 << 40),
        };
        let relayed_tcp = ep(
            IpAddr::from(EDGE_EXT),
            50_000 + ((i + 5_000) % 10_000) as u16,
        );
        o.tcp(&mut t, ToServer, &s::rfc4571(&turn_tcp.allocate(0)))?;
        o.tcp(
            &mut t,
            ToClient,
            &s::rfc4571(&turn_tcp.error(0, 401, "Unauthorized")),
        )?;
        o.tcp(&mut t, ToServer, &s::rfc4571(&turn_tcp.allocate_auth(1)))?;
        o.tcp(
            &mut t,
            ToClient,
            &s::rfc4571(&turn_tcp.success(1, relayed_tcp, tcp_cl)),
        )?;
        // Relayed media between the relayed address and a peer.
        let pe = ep(peer(i), 40_000 + (i % 20_000) as u16);
        for k in 0..6u16 {
            if k % 2 == 0 {
                o.udp(relayed, pe, &rtp(k))?;
            } else {
                o.udp(pe, relayed, &rtp(k))?;
            }
        }
        if i % 8 == 0 {
            o.udp(cl, edge, &turn.refresh_zero(3))?;
            o.udp(edge, cl, &turn.refresh_zero_success(3))?;
        }
        if i % 4 == 0 {
            let rst = t.rst(ToClient);
            o.put(&rst)?;
        } else {
            let fin = t.fin(ToServer);
            o.put(&fin)?;
            let fin = t.fin(ToClient);
            o.put(&fin)?;
            let ack = t.ack(ToServer);
            o.put(&ack)?;
        }
    }
    Ok(())
}

fn errors(o: &mut Out, n: u64) -> io::Result<()> {
    for i in 0..n {
        let turn = Turn { unit: i };
        let cl = ep(client(i), 50_000 + (i % 10_000) as u16);
        let sv = ep(server(i), 3478);
        o.udp(cl, sv, &turn.allocate(0))?;
        o.udp(sv, cl, &turn.error(0, 401, "Unauthorized"))?;
        // Three authenticated attempts, each rejected with the group's error.
        for k in [1, 3, 4] {
            o.udp(cl, sv, &turn.allocate_auth(k))?;
            match i % 3 {
                0 => o.udp(sv, cl, &turn.error(k, 401, "Unauthorized"))?,
                1 => o.udp(
                    sv,
                    cl,
                    &turn.error(k, 436, "The Username Supplied in the request is not known"),
                )?,
                _ => o.udp(sv, cl, &turn.error(k, 438, "Stale Nonce"))?,
            }
        }
        if i % 3 == 2 {
            o.udp(cl, sv, &turn.allocate_auth(2))?;
            let relayed = ep(sv.ip(), 50_000 + (i % 10_000) as u16);
            o.udp(sv, cl, &turn.success(2, relayed, cl))?;
        }
    }
    Ok(())
}

fn resets(o: &mut Out, n: u64) -> io::Result<()> {
    let edge = ep(IpAddr::from(EDGE), 443);
    for i in 0..n {
        let turn = Turn { unit: i };
        let cl = ep(client(i), 20_000 + (i % 30_000) as u16);
        let mut t = TcpConversation::new(cl, edge)
            .with_isn((i as u32).wrapping_mul(2_654_435_761), i as u32);
        o.handshake(&mut t)?;
        if i % 2 == 0 {
            let relayed = ep(IpAddr::from(EDGE_EXT), 50_000 + (i % 10_000) as u16);
            o.tcp(&mut t, ToServer, &s::rfc4571(&turn.allocate(0)))?;
            o.tcp(
                &mut t,
                ToClient,
                &s::rfc4571(&turn.error(0, 401, "Unauthorized")),
            )?;
            o.tcp(&mut t, ToServer, &s::rfc4571(&turn.allocate_auth(1)))?;
            o.tcp(&mut t, ToClient, &s::rfc4571(&turn.success(1, relayed, cl)))?;
            for k in 2..6 {
                o.tcp(&mut t, ToServer, &s::rfc4571(&turn.binding(k)))?;
                o.tcp(&mut t, ToClient, &s::rfc4571(&turn.binding_success(k, cl)))?;
            }
        } else {
            o.tcp(&mut t, ToServer, &s::PSEUDO_TLS_CLIENT_HELLO)?;
            let random: [u8; 32] = core::array::from_fn(|k| (k as u8) ^ (i as u8));
            let session: [u8; 32] = core::array::from_fn(|k| (k as u8).wrapping_mul(13));
            o.tcp(
                &mut t,
                ToClient,
                &s::pseudo_tls_server_hello(&random, &session),
            )?;
            let ms = |typ: u16, k: u8, attrs: &[(u16, Vec<u8>)]| {
                let mut a = vec![s::ms_magic_cookie()];
                a.extend_from_slice(attrs);
                s::ms_frame(2, &s::ms(typ, &txid(i, k), &a).bytes())
            };
            for k in 0..5 {
                o.tcp(&mut t, ToServer, &ms(0x0003, k, &[u32_attr(0x8008, 2)]))?;
                o.tcp(
                    &mut t,
                    ToClient,
                    &ms(
                        0x0113,
                        k,
                        &[
                            (0x0009, error_code(401, "Unauthorized")),
                            (0x0015, REALM.to_vec()),
                            (0x0014, NONCE.to_vec()),
                        ],
                    ),
                )?;
            }
        }
        let rst = t.rst(ToClient);
        o.put(&rst)?;
    }
    Ok(())
}

fn clients(o: &mut Out, n: u64) -> io::Result<()> {
    let edge = ep(IpAddr::from(EDGE), 3478);
    for i in 0..n {
        let turn = Turn { unit: i };
        let cl = ep(client(i), 50_000 + (i % 10_000) as u16);
        o.udp(cl, edge, &turn.allocate(0))?;
        o.udp(edge, cl, &turn.error(0, 401, "Unauthorized"))?;
    }
    Ok(())
}

fn allocations(o: &mut Out, n: u64) -> io::Result<()> {
    let edge = ep(IpAddr::from(EDGE), 3478);
    let other = ep(host(EDGE, 1), 3478);
    let cl_ip = client(0);
    for i in 0..n {
        let turn = Turn { unit: i };
        let cl = ep(cl_ip, 1_024 + (i % 64_000) as u16);
        if i % 16 == 0 {
            let lost = Turn {
                unit: i + (1 << 40),
            };
            for _ in 0..3 {
                o.udp(cl, other, &lost.allocate(0))?;
            }
        }
        let relayed = ep(IpAddr::from(EDGE_EXT), 50_000 + (i % 10_000) as u16);
        udp_allocation(o, &turn, cl, edge, relayed)?;
    }
    Ok(())
}

fn pairs(o: &mut Out, n: u64) -> io::Result<()> {
    for i in 0..n {
        let turn = Turn { unit: i };
        let cl = ep(client(i), 50_000 + (i % 10_000) as u16);
        let sv = ep(server(i), 3478);
        o.udp(cl, sv, &turn.allocate(0))?;
        o.udp(sv, cl, &turn.error(0, 401, "Unauthorized"))?;
    }
    Ok(())
}

fn oneshot(o: &mut Out, n: u64) -> io::Result<()> {
    for i in 0..n {
        let turn = Turn { unit: i };
        let cl = ep(client(i), 50_000 + (i % 10_000) as u16);
        let sv = ep(server(i), 3478);
        o.udp(cl, sv, &turn.binding(0))?;
    }
    Ok(())
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = || {
        let names: Vec<&str> = SHAPES.iter().map(|(n, _)| *n).collect();
        eprintln!(
            "usage: gen_scale_capture OUT.pcap SHAPE FACTOR (SHAPE: {})",
            names.join(", ")
        );
        std::process::exit(2)
    };
    if args.len() != 3 {
        usage();
    }
    let Some(&(shape, per_factor)) = SHAPES.iter().find(|(n, _)| *n == args[1]) else {
        usage()
    };
    let Ok(factor) = args[2].parse::<u64>() else {
        usage()
    };
    let n = per_factor * factor;
    let file = BufWriter::with_capacity(1 << 20, std::fs::File::create(&args[0])?);
    let w = PcapWriter::new(
        file,
        PcapOptions {
            snaplen: 65535,
            link: LinkType::ETHERNET,
            ..PcapOptions::default()
        },
    )?;
    let mut o = Out {
        w,
        ts: Timestamp::from_secs_nanos(1_795_683_600, 0),
    };
    match shape {
        "relay" => relay(&mut o, n)?,
        "errors" => errors(&mut o, n)?,
        "resets" => resets(&mut o, n)?,
        "clients" => clients(&mut o, n)?,
        "allocations" => allocations(&mut o, n)?,
        "pairs" => pairs(&mut o, n)?,
        "oneshot" => oneshot(&mut o, n)?,
        _ => usage(),
    }
    o.w.into_inner()?.flush()?;
    println!("{n}");
    Ok(())
}
