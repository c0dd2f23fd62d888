//! The IP and transport layers of one packet: IPv4/IPv6 headers through
//! etherparse's lax slicing, IPv6 extension chains, and the TCP/UDP headers.
//!
//! This module is pure: it reads bytes and returns either a [`Packet`] that
//! borrows them, a [`Fragment`] for the defragmenter, or an [`IpError`]. It
//! never allocates except to format the detail of an error, and never hashes.
//! Lengths come from the headers, not from the frame, so Ethernet padding
//! never reaches a payload; a frame cut by the snaplen gives a shortened
//! payload and `truncated = true`. Checksums are not verified (captures taken
//! on the sending host carry offloaded, not-yet-computed checksums).

use super::defrag::FragKey;
use super::icmp;
use super::{NetAnomalyKind, Packet, Segment, TcpFlags};
use etherparse::{
    IpAuthHeaderSlice, IpNumber, Ipv6ExtensionsSlice, Ipv6FragmentHeaderSlice,
    Ipv6RawExtHeaderSlice, LaxIpSlice, LenSource,
};
use std::net::IpAddr;

/// IP protocol number of TCP (RFC 9293).
pub const PROTO_TCP: u8 = 6;
/// IP protocol number of UDP (RFC 768).
pub const PROTO_UDP: u8 = 17;
/// IP protocol number of ICMP (RFC 792).
pub const PROTO_ICMP: u8 = 1;
/// IP protocol number of ICMPv6 (RFC 4443).
pub const PROTO_ICMPV6: u8 = 58;
/// IP protocol number of the Authentication Header (RFC 4302).
pub const PROTO_AUTH: u8 = 51;
/// Minimum TCP header length (RFC 9293 §3.1, data offset 5).
pub const TCP_MIN_HEADER_LEN: usize = 20;
/// UDP header length (RFC 768).
pub const UDP_HEADER_LEN: usize = 8;
/// Length of the fixed IPv6 header (RFC 8200 §3).
pub const IPV6_HEADER_LEN: usize = 40;

/// The IP version a link header declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpVersion {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

/// What the IP layer of a frame holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpLayer<'a> {
    /// A complete packet (not a fragment).
    Packet(Packet<'a>),
    /// One fragment of a larger IPv4 or IPv6 datagram.
    Fragment(Fragment<'a>),
}

/// One IPv4 or IPv6 fragment, ready for the defragmenter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment<'a> {
    /// The datagram this fragment belongs to.
    pub key: FragKey,
    /// Byte offset of `data` within the reassembled payload.
    pub offset: u32,
    /// More fragments follow (MF flag / M flag).
    pub more: bool,
    /// The fragment's payload bytes as captured.
    pub data: &'a [u8],
    /// The payload length the headers declare (more than `data.len()` when
    /// the snaplen cut the frame).
    pub declared_len: u32,
    /// IP header bytes that count against the 65535-byte limit: the IPv4
    /// header, or the IPv6 extension headers before the Fragment header.
    pub header_len: u32,
    /// The protocol (IPv4) or Fragment-header next header (IPv6) of the payload.
    pub next_header: u8,
}

/// A malformed IP or transport header: the anomaly kind and a lowercase detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpError {
    /// `BadIpHeader` or `BadTransportHeader`.
    pub kind: NetAnomalyKind,
    /// What was wrong, lowercase.
    pub detail: String,
}

fn bad_ip(detail: String) -> IpError {
    IpError {
        kind: NetAnomalyKind::BadIpHeader,
        detail,
    }
}

fn bad_transport(detail: String) -> IpError {
    IpError {
        kind: NetAnomalyKind::BadTransportHeader,
        detail,
    }
}

/// Parses the IP header at the start of `bytes`; `expect` is the version the
/// link layer declared (`None` for raw links, where the nibble decides).
/// ICMP / ICMPv6 destination-unreachable errors become
/// [`Segment::IcmpError`] with the datagram they quote.
pub fn parse(bytes: &[u8], expect: Option<IpVersion>) -> Result<IpLayer<'_>, IpError> {
    parse_inner(bytes, expect, true)
}

/// Parses the IP datagram an ICMP error quotes (cut short, as quotes are):
/// like [`parse`], but an ICMP message inside stays [`Segment::Other`], so
/// quotes never nest. `None` when the quoted headers cannot be read.
pub fn parse_quote(bytes: &[u8], version: IpVersion) -> Option<IpLayer<'_>> {
    parse_inner(bytes, Some(version), false).ok()
}

fn parse_inner(
    bytes: &[u8],
    expect: Option<IpVersion>,
    icmp: bool,
) -> Result<IpLayer<'_>, IpError> {
    let nibble = bytes.first().map(|b| b >> 4);
    match (expect, nibble) {
        (Some(IpVersion::V4), Some(v)) if v != 4 => {
            return Err(bad_ip(format!("link says ipv4 but ip version is {v}")))
        }
        (Some(IpVersion::V6), Some(v)) if v != 6 => {
            return Err(bad_ip(format!("link says ipv6 but ip version is {v}")))
        }
        _ => {}
    }
    let (slice, ext_err) =
        LaxIpSlice::from_slice(bytes).map_err(|e| bad_ip(e.to_string().to_lowercase()))?;
    match slice {
        LaxIpSlice::Ipv4(v4) => {
            let h = v4.header();
            let hl = h.slice().len();
            let total = usize::from(h.total_len());
            // Zero is what TSO/GSO super-packets captured on the sender carry.
            if total != 0 && total < hl {
                return Err(bad_ip(format!(
                    "ipv4 total length {total} is smaller than the header length {hl}"
                )));
            }
            let src = IpAddr::V4(h.source_addr());
            let dst = IpAddr::V4(h.destination_addr());
            if h.is_fragmenting_payload() {
                let end = if total >= hl {
                    total.min(bytes.len())
                } else {
                    bytes.len()
                };
                let data = bytes.get(hl..end).unwrap_or_default();
                let declared = if total >= hl { total - hl } else { data.len() };
                return Ok(IpLayer::Fragment(Fragment {
                    key: FragKey {
                        src,
                        dst,
                        id: u32::from(h.identification()),
                        protocol: h.protocol().0,
                    },
                    offset: u32::from(h.fragments_offset().byte_offset()),
                    more: h.more_fragments(),
                    data,
                    declared_len: declared as u32,
                    header_len: hl as u32,
                    next_header: h.protocol().0,
                }));
            }
            if let Some((e, _)) = ext_err {
                return Err(bad_ip(e.to_string().to_lowercase()));
            }
            let p = v4.payload();
            let ttl = h.ttl();
            transport_inner(src, dst, p.ip_number.0, p.payload, p.incomplete, icmp)
                .map(|packet| IpLayer::Packet(packet.with_hop_limit(ttl)))
        }
        LaxIpSlice::Ipv6(v6) => {
            let h = v6.header();
            let src = IpAddr::V6(h.source_addr());
            let dst = IpAddr::V6(h.destination_addr());
            let p = v6.payload();
            if let Some(frag) = find_fragment(h.next_header().0, v6.extensions().slice()) {
                let (before, f) = frag;
                let start = IPV6_HEADER_LEN + before + f.slice().len();
                let end = IPV6_HEADER_LEN + v6.extensions().slice().len() + p.payload.len();
                let data = bytes.get(start..end).unwrap_or_default();
                let unfrag = before + f.slice().len();
                let declared = match (h.payload_length(), p.len_source) {
                    (0, LenSource::Slice) => data.len(),
                    (len, _) => usize::from(len).checked_sub(unfrag).ok_or_else(|| {
                        bad_ip(format!(
                            "ipv6 payload length {len} ends inside the fragment header"
                        ))
                    })?,
                };
                return Ok(IpLayer::Fragment(Fragment {
                    key: FragKey {
                        src,
                        dst,
                        id: f.identification(),
                        protocol: 0,
                    },
                    offset: u32::from(f.fragment_offset().byte_offset()),
                    more: f.more_fragments(),
                    data,
                    declared_len: declared as u32,
                    header_len: before as u32,
                    next_header: f.next_header().0,
                }));
            }
            if let Some((e, layer)) = ext_err {
                return Err(bad_ip(format!(
                    "ipv6 {}: {}",
                    layer.to_string().to_lowercase(),
                    e.to_string().to_lowercase()
                )));
            }
            let hop_limit = h.hop_limit();
            transport_inner(src, dst, p.ip_number.0, p.payload, p.incomplete, icmp)
                .map(|packet| IpLayer::Packet(packet.with_hop_limit(hop_limit)))
        }
    }
}

/// Walks the extension headers etherparse accepted (`exts`, starting with
/// next header `first`) and returns the first Fragment header that really
/// fragments, with the byte length of the headers before it. What follows
/// that header is fragment data, even where etherparse went on reading it as
/// more headers. (A hand walk with etherparse's checked constructors: its
/// `Ipv6ExtensionSliceIter` reads past the slice when the chain ended in an
/// error, which is undefined behaviour in 0.21.)
fn find_fragment(first: u8, exts: &[u8]) -> Option<(usize, Ipv6FragmentHeaderSlice<'_>)> {
    let mut next = IpNumber(first);
    let mut off = 0;
    while let Some(rest) = exts.get(off..).filter(|r| !r.is_empty()) {
        let (len, nh) = match next {
            IpNumber::IPV6_FRAGMENTATION_HEADER => {
                let f = Ipv6FragmentHeaderSlice::from_slice(rest).ok()?;
                if f.is_fragmenting_payload() {
                    return Some((off, f));
                }
                (f.slice().len(), f.next_header())
            }
            IpNumber::AUTHENTICATION_HEADER => {
                let a = IpAuthHeaderSlice::from_slice(rest).ok()?;
                (a.slice().len(), a.next_header())
            }
            IpNumber::IPV6_HEADER_HOP_BY_HOP
            | IpNumber::IPV6_ROUTE_HEADER
            | IpNumber::IPV6_DESTINATION_OPTIONS => {
                let r = Ipv6RawExtHeaderSlice::from_slice(rest).ok()?;
                (r.slice().len(), r.next_header())
            }
            _ => return None,
        };
        off += len;
        next = nh;
    }
    None
}

/// Decodes the payload of a reassembled datagram: skips IPv4 AH or IPv6
/// extension headers that start the payload, then the TCP/UDP header.
pub fn reassembled<'a>(
    key: &FragKey,
    next_header: u8,
    payload: &'a [u8],
    truncated: bool,
) -> Result<Packet<'a>, IpError> {
    let (proto, rest) = match key.src {
        IpAddr::V4(_) if next_header == PROTO_AUTH => {
            let ah = IpAuthHeaderSlice::from_slice(payload)
                .map_err(|e| bad_ip(e.to_string().to_lowercase()))?;
            (
                ah.next_header().0,
                payload.get(ah.slice().len()..).unwrap_or_default(),
            )
        }
        IpAddr::V4(_) => (next_header, payload),
        IpAddr::V6(_) => {
            let (_, nh, rest, err) =
                Ipv6ExtensionsSlice::from_slice_lax(IpNumber(next_header), payload);
            if let Some((e, _)) = err {
                return Err(bad_ip(e.to_string().to_lowercase()));
            }
            (nh.0, rest)
        }
    };
    transport(key.src, key.dst, proto, rest, truncated)
}

/// Decodes the TCP or UDP header of an IP payload, or an ICMP / ICMPv6
/// destination-unreachable error; other protocols become [`Segment::Other`].
/// `incomplete` says the IP payload was cut by the snaplen.
pub fn transport(
    src: IpAddr,
    dst: IpAddr,
    protocol: u8,
    payload: &[u8],
    incomplete: bool,
) -> Result<Packet<'_>, IpError> {
    transport_inner(src, dst, protocol, payload, incomplete, true)
}

fn transport_inner(
    src: IpAddr,
    dst: IpAddr,
    protocol: u8,
    payload: &[u8],
    incomplete: bool,
    icmp: bool,
) -> Result<Packet<'_>, IpError> {
    let cut = if incomplete {
        " (frame cut by the snaplen)"
    } else {
        ""
    };
    let segment = match protocol {
        PROTO_TCP => {
            let Some(h) = payload.get(..TCP_MIN_HEADER_LEN) else {
                return Err(bad_transport(format!(
                    "tcp header needs {TCP_MIN_HEADER_LEN} bytes, {} present{cut}",
                    payload.len()
                )));
            };
            let off = usize::from(h[12] >> 4) * 4;
            if off < TCP_MIN_HEADER_LEN {
                return Err(bad_transport(format!("tcp data offset {off} is below 20")));
            }
            let Some(data) = payload.get(off..) else {
                return Err(bad_transport(format!(
                    "tcp header with options needs {off} bytes, {} present{cut}",
                    payload.len()
                )));
            };
            Segment::Tcp {
                src_port: u16::from_be_bytes([h[0], h[1]]),
                dst_port: u16::from_be_bytes([h[2], h[3]]),
                seq: u32::from_be_bytes([h[4], h[5], h[6], h[7]]),
                ack: u32::from_be_bytes([h[8], h[9], h[10], h[11]]),
                flags: TcpFlags(h[13]),
                header_len: h[12] >> 4 << 2,
                payload: data,
            }
        }
        PROTO_UDP => {
            let Some(h) = payload.get(..UDP_HEADER_LEN) else {
                return Err(bad_transport(format!(
                    "udp header needs {UDP_HEADER_LEN} bytes, {} present{cut}",
                    payload.len()
                )));
            };
            let len = usize::from(u16::from_be_bytes([h[4], h[5]]));
            if len < UDP_HEADER_LEN {
                return Err(bad_transport(format!("udp length {len} is below 8")));
            }
            let data = match payload.get(UDP_HEADER_LEN..len) {
                Some(d) => d,
                None if incomplete => payload.get(UDP_HEADER_LEN..).unwrap_or_default(),
                None => {
                    return Err(bad_transport(format!(
                        "udp length {len} exceeds the {} bytes of ip payload",
                        payload.len()
                    )))
                }
            };
            return Ok(Packet {
                src,
                dst,
                segment: Segment::Udp {
                    src_port: u16::from_be_bytes([h[0], h[1]]),
                    dst_port: u16::from_be_bytes([h[2], h[3]]),
                    payload: data,
                },
                truncated: incomplete && payload.len() < len,
                hop_limit: None,
            });
        }
        PROTO_ICMP | PROTO_ICMPV6 if icmp => {
            let version = match (protocol, src) {
                (PROTO_ICMP, IpAddr::V4(_)) => Some(IpVersion::V4),
                (PROTO_ICMPV6, IpAddr::V6(_)) => Some(IpVersion::V6),
                _ => None,
            };
            match version.and_then(|v| icmp::parse_unreachable(v, payload)) {
                Some(e) => Segment::IcmpError(e),
                None => Segment::Other { protocol },
            }
        }
        protocol => Segment::Other { protocol },
    };
    Ok(Packet {
        src,
        dst,
        segment,
        truncated: incomplete,
        hop_limit: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgecap_testkit::{IpBuilder, Ipv6Ext};

    #[test]
    fn tcp_header_length_counts_the_options() {
        // 20-byte header plus 12 bytes of options (data offset 8 words).
        let mut p = IpBuilder::v4([10, 0, 0, 1], [10, 0, 0, 2]).tcp(
            &edgecap_testkit::Tcp::new(40000, 443).seq(7),
            &[0x01; 12 + 3],
        );
        p[20 + 12] = 8 << 4;
        let Ok(IpLayer::Packet(packet)) = parse(&p, Some(IpVersion::V4)) else {
            panic!("a tcp packet");
        };
        let Segment::Tcp {
            header_len,
            payload,
            ..
        } = packet.segment
        else {
            panic!("tcp");
        };
        assert_eq!(header_len, 32);
        assert_eq!(payload, &[0x01; 3]);
    }

    #[test]
    fn a_chain_ending_in_an_error_is_walked_safely() {
        // Routing then Hop-by-Hop: etherparse stops with an error while the
        // last next-header still names an extension header. Its iterator would
        // read past the slice here; the hand walk must not.
        let p = IpBuilder::v6([1; 16], [2; 16])
            .ipv6_ext(Ipv6Ext::Routing)
            .ipv6_ext(Ipv6Ext::HopByHop)
            .udp(1, 2, b"");
        assert_eq!(find_fragment(43, &p[40..48]).map(|(o, _)| o), None);
        assert_eq!(
            parse(&p, None).map_err(|e| e.kind),
            Err(NetAnomalyKind::BadIpHeader)
        );
    }

    #[test]
    fn non_first_ipv6_fragment_data_is_not_read_as_headers() {
        let mut p = IpBuilder::v6([1; 16], [2; 16]).raw(44, &[0; 8]);
        // Fragment header: next header Destination Options, offset 8, M = 0.
        p[40..48].copy_from_slice(&[60, 0, 0, 8, 0, 0, 0, 9]);
        p.extend_from_slice(&[17, 200, 1, 2, 3, 4, 5, 6]); // looks like a huge dest-opts header
        p[4..6].copy_from_slice(&16u16.to_be_bytes());
        let IpLayer::Fragment(f) = parse(&p, Some(IpVersion::V6)).unwrap() else {
            panic!("not a fragment");
        };
        assert_eq!(
            (f.offset, f.more, f.key.id, f.next_header),
            (8, false, 9, 60)
        );
        assert_eq!((f.data.len(), f.declared_len, f.header_len), (8, 8, 0));
    }

    #[test]
    fn udp_zero_payload_and_exact_lengths() {
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let udp = [0, 1, 0, 2, 0, 8, 0, 0];
        let p = transport(ip, ip, PROTO_UDP, &udp, false).unwrap();
        assert_eq!(
            p.segment,
            Segment::Udp {
                src_port: 1,
                dst_port: 2,
                payload: &[]
            }
        );
        // Declared 12, captured 10 of them: truncated, 2 payload bytes.
        let udp = [0, 1, 0, 2, 0, 12, 0, 0, 7, 7];
        let p = transport(ip, ip, PROTO_UDP, &udp, true).unwrap();
        assert!(p.truncated);
        let p = transport(ip, ip, 132, &udp, false).unwrap();
        assert_eq!(p.segment, Segment::Other { protocol: 132 });
    }
}
