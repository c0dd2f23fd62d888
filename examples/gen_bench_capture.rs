//! Writes a large synthetic capture for `scripts/bench.sh`: small UDP and TCP
//! packets over Ethernet, many concurrent flows, streamed to disk.
//!
//! Traffic mix (repeating): 2,000 UDP flows carrying 60–140-byte datagrams
//! (STUN/RTP-sized) and 400 TCP connections at a time, each with a handshake,
//! 40 in-order data segments of 40–120 bytes (every 25th client
//! segment overtaken by the next one, to exercise out-of-order reassembly), then FIN; finished connections are
//! replaced by new ones on new ports.
//!
//! With `--stun` every payload is a STUN message instead of filler bytes:
//! Binding requests and XOR-MAPPED-ADDRESS responses with SOFTWARE and
//! FINGERPRINT, and Allocate requests answered 401 with REALM and NONCE, on
//! UDP 3478 and back-to-back over TCP 3478 — a STUN-heavy capture for the
//! decoder benchmark.
//!
//! Usage: `cargo run --release --example gen_bench_capture -- OUT.pcap [MEGABYTES] [--stun]`
//! (default 1000 MB). Deterministic: the same arguments give the same bytes.

use edgecap_capture::{LinkType, Timestamp};
use edgecap_net::Direction::{ToClient, ToServer};
use edgecap_testkit::writer::{PcapOptions, PcapWriter};
use edgecap_testkit::{link, TcpConversation};
use std::io::{self, BufWriter};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

const UDP_FLOWS: u32 = 2_000;
const TCP_CONNS: u32 = 400;
const SEGMENTS_PER_CONN: u32 = 40;

/// A tiny deterministic PRNG (xorshift64*), so runs are reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo) as u64) as usize
    }
}

/// A STUN message (RFC 5389 padding) with an optional FINGERPRINT.
fn stun(msg_type: u16, txid: [u8; 12], attrs: &[(u16, &[u8])], fingerprint: bool) -> Vec<u8> {
    let mut m = Vec::with_capacity(128);
    m.extend_from_slice(&msg_type.to_be_bytes());
    m.extend_from_slice(&[0, 0, 0x21, 0x12, 0xa4, 0x42]);
    m.extend_from_slice(&txid);
    for (typ, value) in attrs {
        m.extend_from_slice(&typ.to_be_bytes());
        m.extend_from_slice(&(value.len() as u16).to_be_bytes());
        m.extend_from_slice(value);
        m.resize(m.len().next_multiple_of(4), 0);
    }
    let set_len = |m: &mut Vec<u8>, extra: usize| {
        let len = (m.len() - 20 + extra) as u16;
        m[2..4].copy_from_slice(&len.to_be_bytes());
    };
    if fingerprint {
        set_len(&mut m, 8);
        let crc = crc32fast::hash(&m) ^ 0x5354_554e;
        m.extend_from_slice(&[0x80, 0x28, 0, 4]);
        m.extend_from_slice(&crc.to_be_bytes());
    } else {
        set_len(&mut m, 0);
    }
    m
}

/// One STUN message of a request/response pair, chosen by `n`.
fn stun_payload(n: u64, to_server: bool, peer: SocketAddr) -> Vec<u8> {
    let mut txid = [0u8; 12];
    txid[..8].copy_from_slice(&(n / 2).to_be_bytes());
    let allocate = n % 20 < 2;
    match (allocate, to_server) {
        (false, true) => stun(0x0001, txid, &[(0x8022, b"edgecap bench")], true),
        (false, false) => {
            let SocketAddr::V4(v4) = peer else {
                unreachable!("IPv4 only")
            };
            let mut xor = vec![0, 1];
            xor.extend_from_slice(&(v4.port() ^ 0x2112).to_be_bytes());
            let key = [0x21, 0x12, 0xa4, 0x42];
            xor.extend(v4.ip().octets().iter().zip(key).map(|(a, k)| a ^ k));
            stun(
                0x0101,
                txid,
                &[(0x0020, &xor), (0x8022, b"edgecap bench")],
                true,
            )
        }
        (true, true) => stun(
            0x0003,
            txid,
            &[(0x0019, &[17, 0, 0, 0]), (0x000d, &600u32.to_be_bytes())],
            false,
        ),
        (true, false) => stun(
            0x0113,
            txid,
            &[
                (0x0009, b"\0\0\x04\x01Unauthorized"),
                (0x0014, b"edgecap.test"),
                (0x0015, b"0123456789abcdef"),
            ],
            true,
        ),
    }
}

fn addr(net: u8, host: u32, port: u16) -> SocketAddr {
    let ip = Ipv4Addr::new(10, net, (host >> 8) as u8, host as u8);
    SocketAddr::new(IpAddr::V4(ip), port)
}

struct Conn {
    conv: TcpConversation,
    sent: u32,
}

fn new_conn(serial: u32, server_port: u16) -> Conn {
    let client = addr(98, serial % 60_000, 20_000 + (serial % 40_000) as u16);
    let server = addr(3, serial % 16, server_port);
    Conn {
        conv: TcpConversation::new(client, server)
            .with_isn(serial.wrapping_mul(2_654_435_761), serial),
        sent: 0,
    }
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "bench.pcap".to_string());
    let megabytes: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let stun_profile = args.next().as_deref() == Some("--stun");
    let target = megabytes * 1_000_000;
    let file = BufWriter::with_capacity(1 << 20, std::fs::File::create(&out)?);
    let mut w = PcapWriter::new(
        file,
        PcapOptions {
            snaplen: 65535,
            link: LinkType::ETHERNET,
            ..PcapOptions::default()
        },
    )?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut ts = Timestamp::from_secs_nanos(1_795_683_600, 0);
    let mut written: u64 = 24;
    let mut packets: u64 = 0;
    // STUN over TCP goes to 3478; the filler profile uses 443.
    let tcp_port = if stun_profile { 3478 } else { 443 };
    let mut conns: Vec<Conn> = (0..TCP_CONNS).map(|n| new_conn(n, tcp_port)).collect();
    let mut serial = TCP_CONNS;
    let payload = [0x5au8; 160];
    let emit = |w: &mut PcapWriter<BufWriter<std::fs::File>>,
                ip: &[u8],
                ts: &mut Timestamp|
     -> io::Result<u64> {
        *ts = Timestamp(ts.0 + 2_000);
        let frame = link::wrap(LinkType::ETHERNET, ip);
        w.write_packet(*ts, &frame, frame.len() as u32)?;
        Ok(16 + frame.len() as u64)
    };
    while written < target {
        // A burst of UDP datagrams.
        for _ in 0..8 {
            let flow = rng.range(0, UDP_FLOWS as usize) as u32;
            let (client, server) = (
                addr(98, 4096 + flow, 50_000 + (flow % 10_000) as u16),
                addr(3, 34, 3478),
            );
            let len = rng.range(60, 140);
            let to_server = rng.next() % 2 == 0;
            let body = if stun_profile {
                stun_payload(packets, to_server, client)
            } else {
                payload[..len].to_vec()
            };
            let ip = if to_server {
                edgecap_testkit::ip::udp(client, server, &body)
            } else {
                edgecap_testkit::ip::udp(server, client, &body)
            };
            written += emit(&mut w, &ip, &mut ts)?;
            packets += 1;
        }
        // A few TCP segments.
        for _ in 0..4 {
            let i = rng.range(0, conns.len());
            let c = &mut conns[i];
            let ip = if c.sent == 0 {
                let [syn, syn_ack, ack] = c.conv.handshake();
                written += emit(&mut w, &syn, &mut ts)? + emit(&mut w, &syn_ack, &mut ts)?;
                packets += 2;
                c.sent = 1;
                ack
            } else if c.sent > SEGMENTS_PER_CONN {
                let fin = c.conv.fin(ToServer);
                written += emit(&mut w, &fin, &mut ts)?;
                packets += 1;
                let last = c.conv.fin(ToClient);
                serial += 1;
                *c = new_conn(serial, tcp_port);
                last
            } else {
                let dir = if c.sent % 3 == 2 { ToClient } else { ToServer };
                let client = c.conv.client();
                let body = |rng: &mut Rng, n: u64, to_server: bool| {
                    if stun_profile {
                        stun_payload(n, to_server, client)
                    } else {
                        payload[..rng.range(40, 120)].to_vec()
                    }
                };
                let seg = c
                    .conv
                    .data(dir, &body(&mut rng, u64::from(c.sent), dir == ToServer));
                c.sent += 1;
                if c.sent % 25 == 0 && dir == ToServer {
                    // The client's next segment overtakes this one.
                    let next = c
                        .conv
                        .data(ToServer, &body(&mut rng, u64::from(c.sent), true));
                    c.sent += 1;
                    written += emit(&mut w, &next, &mut ts)?;
                    packets += 1;
                }
                seg
            };
            written += emit(&mut w, &ip, &mut ts)?;
            packets += 1;
        }
    }
    w.into_inner()?;
    eprintln!("wrote {out}: {packets} packets, {written} bytes");
    Ok(())
}
