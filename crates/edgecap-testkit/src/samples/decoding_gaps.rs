//! The sample captures of the decoding gaps found on third-party captures:
//! STUN rejected with ICMP / ICMPv6 errors ([`icmp_unreachable`]), a TLS 1.3
//! HelloRetryRequest ([`tls13_hello_retry`]), the "modified" (Kuznetzov)
//! pcap format ([`modified_format`]) and transports other than TCP/UDP
//! ([`other_transports`]). Every packet is built here; frame numbers are
//! listed in captures/README.md.

use super::{sa, Clock, T0};
use crate::messages::{binding, rfc_allocate, rfc_success};
use crate::tls13;
use crate::writer::{PcapOptions, PcapWriter};
use crate::{link, IpBuilder, TcpConversation};
use edgecap_capture::{LinkType, Timestamp};
use edgecap_net::Direction::{ToClient, ToServer};
use std::io;
use std::net::IpAddr;

/// Writes IP packets as Ethernet frames, one per clock tick.
struct Writer {
    w: PcapWriter<Vec<u8>>,
    clock: Clock,
}

impl Writer {
    fn new(w: PcapWriter<Vec<u8>>, secs: i64, step_ms: i64) -> Self {
        Writer {
            w,
            clock: Clock::new(secs, step_ms * 1_000_000),
        }
    }

    fn put(&mut self, ip: &[u8]) -> io::Result<()> {
        let frame = link::wrap(LinkType::ETHERNET, ip);
        let ts: Timestamp = self.clock.tick();
        self.w.write_packet(ts, &frame, frame.len() as u32)
    }

    fn all(&mut self, packets: impl IntoIterator<Item = Vec<u8>>) -> io::Result<()> {
        packets.into_iter().try_for_each(|p| self.put(&p))
    }

    fn wait_ms(&mut self, ms: i64) {
        self.clock.wait_ms(ms);
    }

    fn finish(self) -> io::Result<Vec<u8>> {
        self.w.into_inner()
    }
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("valid address")
}

/// `icmp-unreachable.pcap`: STUN requests answered by ICMP errors.
///
/// 1–6: client 192.168.0.20:50300 → 198.51.100.9:3478, the same Allocate
/// three times (0, 0.5, 1.5 s), each answered by the home firewall
/// 192.168.0.1 with ICMP communication administratively prohibited (code 13)
/// quoting the whole datagram. 7–8: a Binding request to 198.51.100.10:3478
/// answered by that host with ICMP port unreachable (code 3) quoting only
/// the IP header and 8 bytes (RFC 792). 9–10: IPv6 client
/// [2001:db8:98::20]:50400 → [2001:db8:3::34]:3478 Allocate answered by the
/// router 2001:db8:98::1 with ICMPv6 administratively prohibited (code 1).
/// 11–12: a DNS query answered by port unreachable (not an edge port).
pub fn icmp_unreachable() -> io::Result<Vec<u8>> {
    let mut c = Writer::new(
        PcapWriter::new(Vec::new(), PcapOptions::default())?,
        T0 + 30_000,
        1,
    );
    let client = ip("192.168.0.20");
    let allocate = IpBuilder::new(client, ip("198.51.100.9")).udp(50300, 3478, &rfc_allocate(41));
    let firewall = IpBuilder::new(ip("192.168.0.1"), client);
    for wait in [0, 499, 999] {
        c.wait_ms(wait);
        c.put(&allocate)?;
        c.put(&firewall.icmp_unreachable(13, &allocate, 576))?;
    }
    c.wait_ms(500);
    let check = IpBuilder::new(client, ip("198.51.100.10")).udp(50302, 3478, &binding(42));
    c.put(&check)?;
    c.put(&IpBuilder::new(ip("198.51.100.10"), client).icmp_unreachable(3, &check, 28))?;
    c.wait_ms(500);
    let v6 = ip("2001:db8:98::20");
    let allocate6 = IpBuilder::new(v6, ip("2001:db8:3::34")).udp(50400, 3478, &rfc_allocate(43));
    c.put(&allocate6)?;
    c.put(&IpBuilder::new(ip("2001:db8:98::1"), v6).icmp_unreachable(1, &allocate6, 1232))?;
    c.wait_ms(500);
    let dns = IpBuilder::new(client, ip("192.168.0.53")).udp(50999, 53, &dns_query());
    c.put(&dns)?;
    c.put(&IpBuilder::new(ip("192.168.0.53"), client).icmp_unreachable(3, &dns, 576))?;
    c.finish()
}

/// A DNS query for contoso.com, type A (RFC 1035 §4.1).
fn dns_query() -> Vec<u8> {
    let mut q = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    q.extend_from_slice(b"\x07contoso\x03com\x00");
    q.extend_from_slice(&[0, 1, 0, 1]);
    q
}

/// `tls13-hello-retry.pcap`: client 10.98.2.1:50500 → 52.112.0.10:443.
/// 1–3 handshake; 4 ClientHello (key share secp256r1 only); 5
/// HelloRetryRequest (x25519); 6 ChangeCipherSpec + second ClientHello
/// (key share x25519); 7 ServerHello + ChangeCipherSpec + encrypted
/// records; 8 encrypted client Finished; 9–11 close (FIN, FIN, ACK).
pub fn tls13_hello_retry() -> io::Result<Vec<u8>> {
    let mut c = Writer::new(
        PcapWriter::new(Vec::new(), PcapOptions::default())?,
        T0 + 31_000,
        2,
    );
    let mut t = TcpConversation::new(sa("10.98.2.1:50500"), sa("52.112.0.10:443"));
    c.all(t.handshake())?;
    let sni = "edge.contoso.com";
    c.put(&t.data(
        ToServer,
        &tls13::client_hello(sni, &[tls13::SECP256R1], 0x21),
    ))?;
    let hrr = tls13::hello_retry_request(tls13::TLS_AES_128_GCM_SHA256, tls13::X25519);
    c.put(&t.data(ToClient, &hrr))?;
    let mut second = tls13::change_cipher_spec();
    second.extend(tls13::client_hello(sni, &[tls13::X25519], 0x21));
    c.put(&t.data(ToServer, &second))?;
    let mut flight = tls13::server_hello(tls13::TLS_AES_128_GCM_SHA256, tls13::X25519);
    flight.extend(tls13::change_cipher_spec());
    flight.extend(tls13::application_data(600, 0xe1));
    c.put(&t.data(ToClient, &flight))?;
    c.put(&t.data(ToServer, &tls13::application_data(53, 0xd2)))?;
    c.put(&t.fin(ToServer))?;
    c.put(&t.fin(ToClient))?;
    c.put(&t.data(ToServer, &[]))?;
    c.finish()
}

/// `modified-format.pcap`: the "modified" (Kuznetzov) pcap format, magic
/// 0xa1b2cd34, little-endian, 24-byte record headers. 1–2: a STUN Binding
/// request and its success response on UDP 3478 (10.98.2.1:50600 ↔
/// 10.3.0.34); 3–5: a TCP handshake to 10.3.0.34:443; 6: its RST.
pub fn modified_format() -> io::Result<Vec<u8>> {
    let mut c = Writer::new(
        PcapWriter::modified(Vec::new(), PcapOptions::default())?,
        T0 + 32_000,
        3,
    );
    c.put(&crate::ip::udp(
        sa("10.98.2.1:50600"),
        sa("10.3.0.34:3478"),
        &binding(51),
    ))?;
    c.put(&crate::ip::udp(
        sa("10.3.0.34:3478"),
        sa("10.98.2.1:50600"),
        &rfc_success(0x0101, 51),
    ))?;
    let mut t = TcpConversation::new(sa("10.98.2.1:50601"), sa("10.3.0.34:443"));
    c.all(t.handshake())?;
    c.put(&t.rst(ToServer))?;
    c.finish()
}

/// `other-transports.pcap`: flows of protocols other than TCP/UDP/ICMP.
/// 1–4 SCTP (an INIT, INIT-ACK, COOKIE-ECHO, COOKIE-ACK association
/// between 10.3.0.50:2905 and 10.3.0.51:2905); 5–7 ESP (SPI 0x1000) from
/// 10.3.0.40 to 203.0.113.40 and 8 back (SPI 0x2000); 9–10 VRRP
/// advertisements from 10.3.0.2 to 224.0.0.18; 11–12 SCTP over IPv6
/// (HEARTBEAT and HEARTBEAT-ACK, [2001:db8:3::50] ↔ [2001:db8:3::51]);
/// 13 protocol 253 (experimental, RFC 3692) from 10.3.0.60 to 10.3.0.61;
/// 14 an ICMP echo request (not a flow); 15 a UDP datagram.
pub fn other_transports() -> io::Result<Vec<u8>> {
    let mut c = Writer::new(
        PcapWriter::new(Vec::new(), PcapOptions::default())?,
        T0 + 33_000,
        10,
    );
    let (a, b) = (ip("10.3.0.50"), ip("10.3.0.51"));
    for (from, to, chunk, tag) in [
        (a, b, 1u8, 0u32),
        (b, a, 2, 0x1111_1111),
        (a, b, 10, 0x2222_2222),
        (b, a, 11, 0x1111_1111),
    ] {
        c.put(&IpBuilder::new(from, to).raw(132, &sctp(tag, chunk)))?;
    }
    let (gw, peer) = (ip("10.3.0.40"), ip("203.0.113.40"));
    for seq in 1..=3u32 {
        c.put(&IpBuilder::new(gw, peer).raw(50, &esp(0x1000, seq)))?;
    }
    c.put(&IpBuilder::new(peer, gw).raw(50, &esp(0x2000, 1)))?;
    for _ in 0..2 {
        let vrrp = [0x21, 10, 100, 1, 0, 1, 0, 0, 10, 3, 0, 1];
        c.put(&IpBuilder::new(ip("10.3.0.2"), ip("224.0.0.18")).raw(112, &vrrp))?;
    }
    let (a6, b6) = (ip("2001:db8:3::50"), ip("2001:db8:3::51"));
    c.put(&IpBuilder::new(a6, b6).raw(132, &sctp(0x3333_3333, 4)))?;
    c.put(&IpBuilder::new(b6, a6).raw(132, &sctp(0x4444_4444, 5)))?;
    c.put(&IpBuilder::new(ip("10.3.0.60"), ip("10.3.0.61")).raw(253, b"experiment"))?;
    let echo = [8, 0, 0xf7, 0xfe, 0, 1, 0, 1];
    c.put(&IpBuilder::new(ip("10.3.0.60"), ip("10.3.0.61")).raw(1, &echo))?;
    c.put(&crate::ip::udp(
        sa("10.3.0.60:40000"),
        sa("10.3.0.61:40001"),
        b"udp",
    ))?;
    c.finish()
}

/// An SCTP packet (RFC 9260 §3): ports 2905, verification `tag`, a zero
/// checksum, and one chunk of `kind` with 4 bytes of value (INIT and
/// INIT-ACK get their 16-byte fixed part).
fn sctp(tag: u32, kind: u8) -> Vec<u8> {
    let mut p = Vec::new();
    p.extend_from_slice(&2905u16.to_be_bytes());
    p.extend_from_slice(&2905u16.to_be_bytes());
    p.extend_from_slice(&tag.to_be_bytes());
    p.extend_from_slice(&[0; 4]);
    let value: Vec<u8> = match kind {
        // Initiate tag, a_rwnd, outbound / inbound streams, initial TSN.
        1 | 2 => [
            0x5151_5151u32.to_be_bytes(),
            65_535u32.to_be_bytes(),
            [0, 10, 0, 10],
            1u32.to_be_bytes(),
        ]
        .concat(),
        // HEARTBEAT / -ACK: one Heartbeat Info parameter of 4 bytes.
        4 | 5 => vec![0, 1, 0, 8, 1, 2, 3, 4],
        _ => vec![0x77; 4],
    };
    p.extend_from_slice(&[kind, 0]);
    p.extend_from_slice(&(4 + value.len() as u16).to_be_bytes());
    p.extend_from_slice(&value);
    p
}

/// An ESP packet (RFC 4303): SPI, sequence number, 16 opaque bytes.
fn esp(spi: u32, seq: u32) -> Vec<u8> {
    let mut p = spi.to_be_bytes().to_vec();
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&[0xa5; 16]);
    p
}
