//! Flow identity: endpoints, the canonical 5-tuple, flow ids and directions.

use std::fmt;
use std::net::IpAddr;

/// An IP address and port (0 for transports without ports). Displays as
/// `192.0.2.1:3478` or `[2001:db8::1]:3478`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Endpoint {
    /// IPv4 or IPv6 address.
    pub ip: IpAddr,
    /// TCP or UDP port.
    pub port: u16,
}

impl Endpoint {
    /// Builds an endpoint.
    pub fn new(ip: IpAddr, port: u16) -> Self {
        Endpoint { ip, port }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // std prints IPv6 in RFC 5952 form (compressed, lowercase).
        match self.ip {
            IpAddr::V4(ip) => write!(f, "{ip}:{}", self.port),
            IpAddr::V6(ip) => write!(f, "[{ip}]:{}", self.port),
        }
    }
}

/// The transport protocol of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Transport {
    /// TCP (IP protocol 6).
    Tcp,
    /// UDP (IP protocol 17).
    Udp,
    /// Any other protocol over IP (SCTP, GRE, ESP, …) by its IP protocol
    /// number: counted as a flow between two addresses (ports 0), nothing
    /// above IP decoded. ICMP is not a flow (its errors belong to the flow
    /// they quote).
    Ip(u8),
}

impl Transport {
    /// `"tcp"`, `"udp"`, the IANA keyword of a known other protocol
    /// (`"sctp"`, `"gre"`, `"esp"`, …; IANA "Assigned Internet Protocol
    /// Numbers"), or `"ip"` for the rest (see [`Transport::ip_protocol`]).
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
            Transport::Ip(p) => match p {
                2 => "igmp",
                4 => "ipip",
                33 => "dccp",
                41 => "ipv6",
                47 => "gre",
                50 => "esp",
                51 => "ah",
                89 => "ospf",
                103 => "pim",
                112 => "vrrp",
                115 => "l2tp",
                132 => "sctp",
                136 => "udplite",
                _ => "ip",
            },
        }
    }

    /// The IP protocol number (6, 17, or the other protocol's).
    pub fn ip_protocol(self) -> u8 {
        match self {
            Transport::Tcp => 6,
            Transport::Udp => 17,
            Transport::Ip(p) => p,
        }
    }
}

/// A canonical 5-tuple: the same key for both directions of a conversation
/// (`lo` is the smaller endpoint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FlowKey {
    /// TCP or UDP.
    pub transport: Transport,
    /// The smaller of the two endpoints.
    pub lo: Endpoint,
    /// The larger of the two endpoints.
    pub hi: Endpoint,
}

impl FlowKey {
    /// The canonical key of a packet from `src` to `dst`, and whether the packet
    /// travels from `lo` to `hi`.
    pub fn canonical(transport: Transport, src: Endpoint, dst: Endpoint) -> (FlowKey, bool) {
        if src <= dst {
            (
                FlowKey {
                    transport,
                    lo: src,
                    hi: dst,
                },
                true,
            )
        } else {
            (
                FlowKey {
                    transport,
                    lo: dst,
                    hi: src,
                },
                false,
            )
        }
    }
}

/// A flow's number in order of first appearance, starting at 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FlowId(pub u32);

impl fmt::Display for FlowId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Which way a packet travels within its flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the client (SYN sender or first talker) to the server.
    ToServer,
    /// From the server to the client.
    ToClient,
}

impl Direction {
    /// The other direction.
    pub fn reverse(self) -> Direction {
        match self {
            Direction::ToServer => Direction::ToClient,
            Direction::ToClient => Direction::ToServer,
        }
    }

    /// 0 for `ToServer`, 1 for `ToClient`: an index into per-direction arrays.
    pub fn index(self) -> usize {
        match self {
            Direction::ToServer => 0,
            Direction::ToClient => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_print_rfc5952() {
        let v4 = Endpoint::new("192.0.2.1".parse().unwrap(), 3478);
        let v6 = Endpoint::new("2001:0db8:0:0::1".parse().unwrap(), 443);
        assert_eq!(v4.to_string(), "192.0.2.1:3478");
        assert_eq!(v6.to_string(), "[2001:db8::1]:443");
    }

    #[test]
    fn canonical_key_is_direction_independent() {
        let a = Endpoint::new("10.0.0.2".parse().unwrap(), 50000);
        let b = Endpoint::new("10.0.0.1".parse().unwrap(), 3478);
        let (k1, fwd1) = FlowKey::canonical(Transport::Udp, a, b);
        let (k2, fwd2) = FlowKey::canonical(Transport::Udp, b, a);
        assert_eq!(k1, k2);
        assert_ne!(fwd1, fwd2);
    }
}
