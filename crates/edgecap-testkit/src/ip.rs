//! IPv4/IPv6 packets carrying TCP, UDP or raw payloads, with correct length
//! fields and checksums (IPv4 header, TCP and UDP with their pseudo-headers).
//!
//! Invariant: every packet built here is what a real stack would put on the
//! wire, so decoders can be tested against it byte for byte; deliberately
//! broken packets are made by editing the returned bytes.

use super::checksum;
use edgecap_net::TcpFlags;
use std::net::{IpAddr, SocketAddr};

/// IP protocol number of TCP.
const PROTO_TCP: u8 = 6;
/// IP protocol number of UDP.
const PROTO_UDP: u8 = 17;
/// IP protocol number of ICMP (RFC 792).
const PROTO_ICMP: u8 = 1;
/// IP protocol number of ICMPv6 (RFC 4443).
const PROTO_ICMPV6: u8 = 58;
/// Largest IPv4 total length / IPv6 payload length.
const MAX_LEN: usize = 65_535;

/// An IPv6 extension header to put between the IPv6 header and the payload
/// (RFC 8200 §4), in the order given. Each is the smallest valid instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ipv6Ext {
    /// Hop-by-Hop Options (next header 0) with one PadN option, 8 bytes.
    HopByHop,
    /// Routing header (43) of experimental type 253 (RFC 4727), 8 bytes.
    Routing,
    /// Destination Options (60) with one PadN option, 8 bytes.
    DestinationOptions,
    /// Authentication Header (51, RFC 4302) with a 12-byte ICV, 24 bytes.
    Authentication,
}

impl Ipv6Ext {
    /// The IP protocol number that announces this header.
    pub fn number(self) -> u8 {
        match self {
            Ipv6Ext::HopByHop => 0,
            Ipv6Ext::Routing => 43,
            Ipv6Ext::DestinationOptions => 60,
            Ipv6Ext::Authentication => 51,
        }
    }

    fn write(self, next: u8, out: &mut Vec<u8>) {
        match self {
            Ipv6Ext::HopByHop | Ipv6Ext::DestinationOptions => {
                out.extend_from_slice(&[next, 0, 1, 4, 0, 0, 0, 0]);
            }
            Ipv6Ext::Routing => out.extend_from_slice(&[next, 0, 253, 0, 0, 0, 0, 0]),
            Ipv6Ext::Authentication => {
                out.extend_from_slice(&[next, 4, 0, 0]);
                out.extend_from_slice(&0x1000u32.to_be_bytes()); // SPI
                out.extend_from_slice(&1u32.to_be_bytes()); // sequence number
                out.extend_from_slice(&[0xAA; 12]); // ICV (HMAC-SHA1-96 size)
            }
        }
    }
}

/// A TCP header: ports, sequence and acknowledgment numbers, flags, window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tcp {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number.
    pub ack: u32,
    /// Flag bits ([`TcpFlags`] constants).
    pub flags: u8,
    /// Receive window.
    pub window: u16,
}

impl Tcp {
    /// A header between two ports with seq 0, no flags and a 65535 window.
    pub fn new(src_port: u16, dst_port: u16) -> Self {
        Tcp {
            src_port,
            dst_port,
            seq: 0,
            ack: 0,
            flags: 0,
            window: 65_535,
        }
    }
    /// Sets the sequence number.
    pub fn seq(mut self, seq: u32) -> Self {
        self.seq = seq;
        self
    }
    /// Sets the acknowledgment number and the ACK flag.
    pub fn ack(mut self, ack: u32) -> Self {
        self.ack = ack;
        self.flags |= TcpFlags::ACK;
        self
    }
    /// Adds flag bits.
    pub fn flags(mut self, flags: u8) -> Self {
        self.flags |= flags;
        self
    }
    /// Adds SYN.
    pub fn syn(self) -> Self {
        self.flags(TcpFlags::SYN)
    }
    /// Adds FIN.
    pub fn fin(self) -> Self {
        self.flags(TcpFlags::FIN)
    }
    /// Adds RST.
    pub fn rst(self) -> Self {
        self.flags(TcpFlags::RST)
    }
    /// Adds PSH.
    pub fn psh(self) -> Self {
        self.flags(TcpFlags::PSH)
    }
    /// Sets the receive window.
    pub fn window(mut self, window: u16) -> Self {
        self.window = window;
        self
    }

    /// The 20-byte header followed by `payload`, checksum filled in for the
    /// pseudo-header of `src` → `dst`.
    pub fn segment(&self, src: IpAddr, dst: IpAddr, payload: &[u8]) -> Vec<u8> {
        let mut s = Vec::with_capacity(20 + payload.len());
        s.extend_from_slice(&self.src_port.to_be_bytes());
        s.extend_from_slice(&self.dst_port.to_be_bytes());
        s.extend_from_slice(&self.seq.to_be_bytes());
        s.extend_from_slice(&self.ack.to_be_bytes());
        s.extend_from_slice(&[5 << 4, self.flags]);
        s.extend_from_slice(&self.window.to_be_bytes());
        s.extend_from_slice(&[0, 0, 0, 0]); // checksum, urgent pointer
        s.extend_from_slice(payload);
        let sum = checksum::transport(src, dst, PROTO_TCP, &s);
        s[16..18].copy_from_slice(&sum.to_be_bytes());
        s
    }
}

/// Builds IP packets between two addresses of the same family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpBuilder {
    src: IpAddr,
    dst: IpAddr,
    ttl: u8,
    identification: u16,
    dont_fragment: bool,
    exts: Vec<Ipv6Ext>,
}

impl IpBuilder {
    /// A builder from `src` to `dst` (TTL 64, identification 0, DF clear).
    ///
    /// # Panics
    /// When `src` and `dst` are of different families.
    pub fn new(src: impl Into<IpAddr>, dst: impl Into<IpAddr>) -> Self {
        let (src, dst) = (src.into(), dst.into());
        assert_eq!(src.is_ipv4(), dst.is_ipv4(), "mixed address families");
        IpBuilder {
            src,
            dst,
            ttl: 64,
            identification: 0,
            dont_fragment: false,
            exts: Vec::new(),
        }
    }
    /// An IPv4 builder from octets.
    pub fn v4(src: [u8; 4], dst: [u8; 4]) -> Self {
        IpBuilder::new(src, dst)
    }
    /// An IPv6 builder from octets.
    pub fn v6(src: [u8; 16], dst: [u8; 16]) -> Self {
        IpBuilder::new(src, dst)
    }
    /// Sets the TTL / hop limit.
    pub fn ttl(mut self, ttl: u8) -> Self {
        self.ttl = ttl;
        self
    }
    /// Sets the IPv4 identification (ignored for IPv6).
    pub fn identification(mut self, id: u16) -> Self {
        self.identification = id;
        self
    }
    /// Sets the IPv4 Don't Fragment flag (ignored for IPv6).
    pub fn dont_fragment(mut self, df: bool) -> Self {
        self.dont_fragment = df;
        self
    }
    /// Appends an IPv6 extension header (ignored for IPv4).
    pub fn ipv6_ext(mut self, ext: Ipv6Ext) -> Self {
        self.exts.push(ext);
        self
    }

    /// An IP packet carrying a UDP datagram with a valid checksum.
    ///
    /// # Panics
    /// When the packet would exceed 65535 bytes of IP length.
    pub fn udp(&self, src_port: u16, dst_port: u16, payload: &[u8]) -> Vec<u8> {
        let len = 8 + payload.len();
        assert!(len <= MAX_LEN, "udp datagram too long");
        let mut s = Vec::with_capacity(len);
        s.extend_from_slice(&src_port.to_be_bytes());
        s.extend_from_slice(&dst_port.to_be_bytes());
        s.extend_from_slice(&(len as u16).to_be_bytes());
        s.extend_from_slice(&[0, 0]);
        s.extend_from_slice(payload);
        let sum = match checksum::transport(self.src, self.dst, PROTO_UDP, &s) {
            0 => 0xFFFF, // RFC 768: a computed zero is sent as all ones
            sum => sum,
        };
        s[6..8].copy_from_slice(&sum.to_be_bytes());
        self.raw(PROTO_UDP, &s)
    }

    /// An IP packet carrying a TCP segment with a valid checksum.
    ///
    /// # Panics
    /// When the packet would exceed 65535 bytes of IP length.
    pub fn tcp(&self, tcp: &Tcp, payload: &[u8]) -> Vec<u8> {
        self.raw(PROTO_TCP, &tcp.segment(self.src, self.dst, payload))
    }

    /// An ICMP (IPv4) or ICMPv6 destination-unreachable error with `code`
    /// quoting the first `quote_len` bytes of `quoted` (an IP packet), with
    /// a valid checksum (RFC 792; RFC 4443 §2.3 sums a pseudo-header too).
    ///
    /// # Panics
    /// When the packet would exceed 65535 bytes of IP length.
    pub fn icmp_unreachable(&self, code: u8, quoted: &[u8], quote_len: usize) -> Vec<u8> {
        let v6 = self.src.is_ipv6();
        let mut m = vec![if v6 { 1 } else { 3 }, code, 0, 0, 0, 0, 0, 0];
        m.extend_from_slice(&quoted[..quoted.len().min(quote_len)]);
        let (protocol, sum) = if v6 {
            (
                PROTO_ICMPV6,
                checksum::transport(self.src, self.dst, PROTO_ICMPV6, &m),
            )
        } else {
            (PROTO_ICMP, checksum::finish(checksum::sum(0, &m)))
        };
        m[2..4].copy_from_slice(&sum.to_be_bytes());
        self.raw(protocol, &m)
    }

    /// An IP packet carrying `payload` as protocol `protocol`, unchanged.
    ///
    /// # Panics
    /// When the packet would exceed 65535 bytes of IP length.
    pub fn raw(&self, protocol: u8, payload: &[u8]) -> Vec<u8> {
        match (self.src, self.dst) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                let total = 20 + payload.len();
                assert!(total <= MAX_LEN, "ipv4 packet too long");
                let mut p = Vec::with_capacity(total);
                p.extend_from_slice(&[0x45, 0]);
                p.extend_from_slice(&(total as u16).to_be_bytes());
                p.extend_from_slice(&self.identification.to_be_bytes());
                p.extend_from_slice(&[if self.dont_fragment { 0x40 } else { 0 }, 0]);
                p.extend_from_slice(&[self.ttl, protocol, 0, 0]);
                p.extend_from_slice(&s.octets());
                p.extend_from_slice(&d.octets());
                let sum = checksum::finish(checksum::sum(0, &p));
                p[10..12].copy_from_slice(&sum.to_be_bytes());
                p.extend_from_slice(payload);
                p
            }
            (src, dst) => {
                let mut exts = Vec::new();
                for (i, ext) in self.exts.iter().enumerate() {
                    let next = self.exts.get(i + 1).map_or(protocol, |e| e.number());
                    ext.write(next, &mut exts);
                }
                let len = exts.len() + payload.len();
                assert!(len <= MAX_LEN, "ipv6 payload too long");
                let first = self.exts.first().map_or(protocol, |e| e.number());
                let mut p = Vec::with_capacity(40 + len);
                p.extend_from_slice(&[0x60, 0, 0, 0]);
                p.extend_from_slice(&(len as u16).to_be_bytes());
                p.extend_from_slice(&[first, self.ttl]);
                p.extend_from_slice(&octets16(src));
                p.extend_from_slice(&octets16(dst));
                p.extend_from_slice(&exts);
                p.extend_from_slice(payload);
                p
            }
        }
    }
}

fn octets16(ip: IpAddr) -> [u8; 16] {
    match ip {
        IpAddr::V6(a) => a.octets(),
        IpAddr::V4(a) => a.to_ipv6_mapped().octets(),
    }
}

/// A UDP packet from `src` to `dst` (addresses and ports from the socket addresses).
///
/// # Panics
/// When the families differ or the packet is too long.
pub fn udp(src: SocketAddr, dst: SocketAddr, payload: &[u8]) -> Vec<u8> {
    IpBuilder::new(src.ip(), dst.ip()).udp(src.port(), dst.port(), payload)
}

/// A TCP packet from `src` to `dst` with the given seq, ack (0: no ACK flag)
/// and extra flags.
///
/// # Panics
/// When the families differ or the packet is too long.
pub fn tcp(
    src: SocketAddr,
    dst: SocketAddr,
    seq: u32,
    ack: u32,
    flags: u8,
    payload: &[u8],
) -> Vec<u8> {
    let mut h = Tcp::new(src.port(), dst.port()).seq(seq).flags(flags);
    if ack != 0 {
        h = h.ack(ack);
    }
    IpBuilder::new(src.ip(), dst.ip()).tcp(&h, payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use etherparse::{NetSlice, SlicedPacket, TransportSlice};

    fn verify(packet: &[u8]) {
        let sliced = SlicedPacket::from_ip(packet).unwrap();
        if let Some(NetSlice::Ipv4(v4)) = &sliced.net {
            let h = v4.header().to_header();
            assert_eq!(h.header_checksum, h.calc_header_checksum());
        }
        let (src, dst) = match &sliced.net {
            Some(NetSlice::Ipv4(v4)) => (
                v4.header().source_addr().into(),
                v4.header().destination_addr().into(),
            ),
            Some(NetSlice::Ipv6(v6)) => (
                v6.header().source_addr().into(),
                v6.header().destination_addr().into(),
            ),
            _ => panic!("no ip"),
        };
        let proto = match sliced.transport.as_ref().unwrap() {
            TransportSlice::Tcp(t) => {
                let h = t.to_header();
                let want = match (&sliced.net, src, dst) {
                    (Some(NetSlice::Ipv4(v4)), _, _) => h
                        .calc_checksum_ipv4(&v4.header().to_header(), t.payload())
                        .unwrap(),
                    (Some(NetSlice::Ipv6(v6)), _, _) => h
                        .calc_checksum_ipv6(&v6.header().to_header(), t.payload())
                        .unwrap(),
                    _ => unreachable!(),
                };
                assert_eq!(h.checksum, want);
                PROTO_TCP
            }
            TransportSlice::Udp(u) => {
                let h = u.to_header();
                let want = match &sliced.net {
                    Some(NetSlice::Ipv4(v4)) => h
                        .calc_checksum_ipv4(&v4.header().to_header(), u.payload())
                        .unwrap(),
                    Some(NetSlice::Ipv6(v6)) => h
                        .calc_checksum_ipv6(&v6.header().to_header(), u.payload())
                        .unwrap(),
                    _ => unreachable!(),
                };
                assert_eq!(h.checksum, want);
                PROTO_UDP
            }
            other => panic!("{other:?}"),
        };
        let _: (IpAddr, IpAddr, u8) = (src, dst, proto);
    }

    #[test]
    fn checksums_verify_with_etherparse() {
        let v4 = IpBuilder::v4([10, 0, 0, 1], [192, 0, 2, 9]).identification(7);
        let v6 = IpBuilder::new(
            "2001:db8::1".parse::<IpAddr>().unwrap(),
            "2001:db8::2".parse::<IpAddr>().unwrap(),
        );
        for b in [v4, v6] {
            for payload in [&b""[..], b"x", b"hello world", &[0xFF; 999]] {
                verify(&b.udp(5060, 5061, payload));
                verify(&b.tcp(&Tcp::new(40000, 443).seq(123).ack(456).psh(), payload));
            }
        }
    }

    #[test]
    fn ipv6_extension_chain_is_linked() {
        let b = IpBuilder::v6([1; 16], [2; 16])
            .ipv6_ext(Ipv6Ext::HopByHop)
            .ipv6_ext(Ipv6Ext::Routing)
            .ipv6_ext(Ipv6Ext::Authentication)
            .ipv6_ext(Ipv6Ext::DestinationOptions);
        let p = b.udp(1, 2, b"abc");
        assert_eq!(p.len(), 40 + 8 + 8 + 24 + 8 + 8 + 3);
        let sliced = SlicedPacket::from_ip(&p).unwrap();
        match sliced.transport {
            Some(TransportSlice::Udp(u)) => assert_eq!(u.payload(), b"abc"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn socket_address_helpers() {
        let a: SocketAddr = "10.0.0.1:1000".parse().unwrap();
        let b: SocketAddr = "10.0.0.2:2000".parse().unwrap();
        verify(&udp(a, b, b"x"));
        let p = tcp(a, b, 1, 0, TcpFlags::SYN, b"");
        verify(&p);
        assert_eq!(p[20 + 13], TcpFlags::SYN);
    }
}
