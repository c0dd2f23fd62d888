//! Writes a pair of captures of the same calls from two vantage points for
//! `scripts/scale-join.sh`, the linear-time check of joining captures: the
//! clients' side (behind a NAT) and the edge's external side, whose clock is
//! 2.35 s ahead, 200 µs of flight between them.
//!
//! Each call (4,000 at factor 1, scaled by FACTOR), from its own client
//! 10.64.x.y: Allocate → 401 → authenticated Allocate → success on UDP 3478,
//! then a TCP connection to 443 (SYN, SYN-ACK, ACK). Every 50th call's
//! authenticated Allocate is lost between the two (seen at the client only)
//! and retried with a new transaction. The NAT maps each client to
//! 198.51.100.77 and a port of its own.
//!
//! Usage: `cargo run --release --example gen_vantage_pair -- PREFIX FACTOR`
//! writes PREFIX-client.pcap and PREFIX-edge.pcap and prints the number of
//! calls. Deterministic.

use edgecap_capture::{LinkType, Timestamp};
use edgecap_testkit::stun::{self as s, addr_attr, error_code, u32_attr};
use edgecap_testkit::writer::{PcapOptions, PcapWriter};
use edgecap_testkit::{link, TcpConversation};
use std::io::{self, BufWriter, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

const CALLS: u64 = 4_000;
const OFFSET_NS: i64 = 2_350_000_000;
const FLIGHT_NS: i64 = 200_000;

fn txid(call: u64, k: u8) -> [u8; 16] {
    let mut id = [0u8; 12];
    id[..8].copy_from_slice(&call.to_be_bytes());
    id[8] = k;
    id[11] = 0xa5;
    s::rfc_txid_from(id)
}

struct Side {
    w: PcapWriter<BufWriter<std::fs::File>>,
}

impl Side {
    fn open(path: &str) -> io::Result<Side> {
        let file = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
        let w = PcapWriter::new(
            file,
            PcapOptions {
                snaplen: 65535,
                link: LinkType::ETHERNET,
                ..PcapOptions::default()
            },
        )?;
        Ok(Side { w })
    }
    fn put(&mut self, ts: i64, ip: &[u8]) -> io::Result<()> {
        let frame = link::wrap(LinkType::ETHERNET, ip);
        self.w
            .write_packet(Timestamp(ts), &frame, frame.len() as u32)
    }
}

/// A packet seen at the client at `t` (and at the edge, shifted, unless
/// lost); `to_edge` says which way it travels.
struct Pair {
    client: Side,
    edge: Side,
}

impl Pair {
    fn send(
        &mut self,
        t: i64,
        to_edge: bool,
        at_client: &[u8],
        at_edge: Option<&[u8]>,
    ) -> io::Result<()> {
        // The client sees what it sends at t, what it receives after the flight.
        let (tc, te) = if to_edge {
            (t, t + OFFSET_NS + FLIGHT_NS)
        } else {
            (t + FLIGHT_NS, t + OFFSET_NS)
        };
        self.client.put(tc, at_client)?;
        if let Some(p) = at_edge {
            self.edge.put(te, p)?;
        }
        Ok(())
    }
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(prefix), Some(Ok(factor))) = (args.first(), args.get(1).map(|f| f.parse::<u64>()))
    else {
        eprintln!("usage: gen_vantage_pair PREFIX FACTOR");
        std::process::exit(2)
    };
    let n = CALLS * factor;
    let mut p = Pair {
        client: Side::open(&format!("{prefix}-client.pcap"))?,
        edge: Side::open(&format!("{prefix}-edge.pcap"))?,
    };
    let edge = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 10)), 3478);
    let edge_tcp = SocketAddr::new(edge.ip(), 443);
    let nat = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 77));
    let relayed = SocketAddr::new(edge.ip(), 50_000);
    let mut t = 1_795_683_600_000_000_000i64;
    for i in 0..n {
        let cl_ip = IpAddr::V4(Ipv4Addr::from(
            u32::from_be_bytes([10, 64, 0, 1]) + i as u32,
        ));
        let cl = SocketAddr::new(cl_ip, 50_000 + (i % 10_000) as u16);
        let public = SocketAddr::new(nat, 1_024 + (i % 60_000) as u16);
        let udp = |src, dst, payload: &[u8]| edgecap_testkit::ip::udp(src, dst, payload);
        let allocate = |k| {
            s::rfc(
                0x0003,
                &txid(i, k),
                &[(0x0019, vec![17, 0, 0, 0]), u32_attr(0x000D, 600)],
            )
            .fingerprint(false)
            .bytes()
        };
        let unauthorized = s::rfc(
            0x0113,
            &txid(i, 0),
            &[(0x0009, error_code(401, "Unauthorized"))],
        )
        .fingerprint(false)
        .bytes();
        let success = |k| {
            let id = txid(i, k);
            s::rfc(
                0x0103,
                &id,
                &[
                    addr_attr(0x0016, relayed, Some(&id)),
                    addr_attr(0x0020, public, Some(&id)),
                ],
            )
            .fingerprint(false)
            .bytes()
        };
        let a0 = allocate(0);
        p.send(t, true, &udp(cl, edge, &a0), Some(&udp(public, edge, &a0)))?;
        t += 500_000;
        p.send(
            t,
            false,
            &udp(edge, cl, &unauthorized),
            Some(&udp(edge, public, &unauthorized)),
        )?;
        t += 500_000;
        let mut k = 1;
        if i % 50 == 25 {
            let lost = allocate(1);
            p.send(t, true, &udp(cl, edge, &lost), None)?;
            t += 500_000;
            k = 2;
        }
        let a = allocate(k);
        p.send(t, true, &udp(cl, edge, &a), Some(&udp(public, edge, &a)))?;
        t += 500_000;
        let ok = success(k);
        p.send(t, false, &udp(edge, cl, &ok), Some(&udp(edge, public, &ok)))?;
        t += 500_000;
        let isn = (i as u32).wrapping_mul(2_654_435_761);
        let tcp_cl = SocketAddr::new(cl_ip, 20_000 + (i % 30_000) as u16);
        let tcp_pub = SocketAddr::new(nat, 1_024 + ((i + 30_000) % 60_000) as u16);
        let mut tc = TcpConversation::new(tcp_cl, edge_tcp).with_isn(isn, !isn);
        let mut te = TcpConversation::new(tcp_pub, edge_tcp).with_isn(isn, !isn);
        for (j, (x, y)) in tc.handshake().into_iter().zip(te.handshake()).enumerate() {
            p.send(t, j != 1, &x, Some(&y))?;
            t += 500_000;
        }
    }
    p.client.w.into_inner()?.flush()?;
    p.edge.w.into_inner()?.flush()?;
    println!("{n}");
    Ok(())
}
