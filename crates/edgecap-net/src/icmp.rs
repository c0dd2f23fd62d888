//! ICMP and ICMPv6 destination-unreachable errors and the datagram they
//! quote: the error's type, code and reason, and the quoted IP and UDP/TCP
//! headers (RFC 792 "Destination Unreachable Message", RFC 4443 §3.1),
//! with whatever the sender quoted of the payload after them (RFC 792 asks
//! for 8 bytes, RFC 1812 §4.3.2.3 and RFC 4443 §2.4 allow as much as fits;
//! Linux quotes up to 576 / 1280 bytes, so a STUN header is often there).
//!
//! This module is pure: it reads the ICMP message bytes and returns an
//! [`IcmpError`] that borrows them, or `None` when the message is not a
//! destination-unreachable error or quotes nothing this crate can read (a
//! fragment, another ICMP message, fewer than the 8 bytes of a UDP header or
//! the 20 of a TCP header). A
//! quoted IP header is parsed with the IP layer's own code, which never
//! decodes an ICMP message inside a quote, so quotes do not nest.

use super::ip::{self, IpVersion};
use super::{Endpoint, Segment, Transport};

/// ICMP type 3, Destination Unreachable (RFC 792).
pub const ICMP_DEST_UNREACHABLE: u8 = 3;
/// ICMPv6 type 1, Destination Unreachable (RFC 4443 §3.1).
pub const ICMPV6_DEST_UNREACHABLE: u8 = 1;
/// Length of the ICMP/ICMPv6 error header before the quote: type, code,
/// checksum and 4 unused bytes (RFC 792, RFC 4443 §3.1).
pub const ICMP_ERROR_HEADER_LEN: usize = 8;

/// Why a destination was unreachable, from the ICMP or ICMPv6 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnreachableReason {
    /// No route to the network (ICMP code 0; ICMPv6 code 0 "no route").
    Network,
    /// The host is unreachable (ICMP code 1; ICMPv6 code 3 "address unreachable").
    Host,
    /// The protocol is not supported by the host (ICMP code 2).
    Protocol,
    /// No process listens on the port (ICMP code 3; ICMPv6 code 4).
    Port,
    /// A firewall or router rejected the datagram by policy: ICMP codes 9
    /// (network), 10 (host) and 13 (communication) administratively
    /// prohibited (RFC 1122, RFC 1812); ICMPv6 codes 1 (administratively
    /// prohibited), 5 (source address failed ingress/egress policy) and 6
    /// (reject route to destination).
    AdminProhibited,
    /// Any other code, as on the wire.
    Other(u8),
}

impl UnreachableReason {
    /// The reason of an ICMP (`v6 = false`) or ICMPv6 destination-unreachable code.
    pub fn from_code(v6: bool, code: u8) -> UnreachableReason {
        use UnreachableReason as R;
        match (v6, code) {
            (false, 0) | (true, 0) => R::Network,
            (false, 1) | (true, 3) => R::Host,
            (false, 2) => R::Protocol,
            (false, 3) | (true, 4) => R::Port,
            (false, 9 | 10 | 13) | (true, 1 | 5 | 6) => R::AdminProhibited,
            (_, c) => R::Other(c),
        }
    }

    /// Stable snake_case name: `port_unreachable`, `admin_prohibited`, …
    pub fn as_str(self) -> &'static str {
        match self {
            UnreachableReason::Network => "network_unreachable",
            UnreachableReason::Host => "host_unreachable",
            UnreachableReason::Protocol => "protocol_unreachable",
            UnreachableReason::Port => "port_unreachable",
            UnreachableReason::AdminProhibited => "admin_prohibited",
            UnreachableReason::Other(_) => "unreachable",
        }
    }

    /// Words for a sentence: "port unreachable", "administratively prohibited", …
    pub fn words(self) -> &'static str {
        match self {
            UnreachableReason::Network => "network unreachable",
            UnreachableReason::Host => "host unreachable",
            UnreachableReason::Protocol => "protocol unreachable",
            UnreachableReason::Port => "port unreachable",
            UnreachableReason::AdminProhibited => "administratively prohibited",
            UnreachableReason::Other(_) => "destination unreachable",
        }
    }
}

/// The datagram an ICMP error quotes: its transport, endpoints and the
/// payload bytes after its UDP/TCP header, as far as quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quoted<'a> {
    /// UDP or TCP.
    pub transport: Transport,
    /// Sender of the quoted datagram.
    pub src: Endpoint,
    /// Destination of the quoted datagram (the unreachable one).
    pub dst: Endpoint,
    /// Quoted payload after the UDP/TCP header (often empty or cut short).
    pub payload: &'a [u8],
}

/// An ICMP or ICMPv6 destination-unreachable error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcmpError<'a> {
    /// ICMP (IPv4) or ICMPv6.
    pub version: IpVersion,
    /// The code as on the wire.
    pub code: u8,
    /// What the code means.
    pub reason: UnreachableReason,
    /// The datagram that could not be delivered.
    pub quoted: Quoted<'a>,
}

impl IcmpError<'_> {
    /// `"ICMP"` or `"ICMPv6"`.
    pub fn protocol_name(&self) -> &'static str {
        match self.version {
            IpVersion::V4 => "ICMP",
            IpVersion::V6 => "ICMPv6",
        }
    }
}

/// Reads `bytes`, an ICMP (`version` V4) or ICMPv6 (V6) message, as a
/// destination-unreachable error quoting a UDP or TCP datagram of the same
/// IP version; `None` for anything else.
pub fn parse_unreachable(version: IpVersion, bytes: &[u8]) -> Option<IcmpError<'_>> {
    let (&typ, &code) = (bytes.first()?, bytes.get(1)?);
    let want = match version {
        IpVersion::V4 => ICMP_DEST_UNREACHABLE,
        IpVersion::V6 => ICMPV6_DEST_UNREACHABLE,
    };
    if typ != want {
        return None;
    }
    let quote = bytes.get(ICMP_ERROR_HEADER_LEN..)?;
    let ip::IpLayer::Packet(p) = ip::parse_quote(quote, version)? else {
        return None;
    };
    let (transport, src_port, dst_port, payload) = match p.segment {
        Segment::Udp {
            src_port,
            dst_port,
            payload,
        } => (Transport::Udp, src_port, dst_port, payload),
        Segment::Tcp {
            src_port,
            dst_port,
            payload,
            ..
        } => (Transport::Tcp, src_port, dst_port, payload),
        Segment::Other { .. } | Segment::IcmpError(_) => return None,
    };
    Some(IcmpError {
        version,
        code,
        reason: UnreachableReason::from_code(version == IpVersion::V6, code),
        quoted: Quoted {
            transport,
            src: Endpoint::new(p.src, src_port),
            dst: Endpoint::new(p.dst, dst_port),
            payload,
        },
    })
}

#[cfg(test)]
mod tests;
