//! Flow identity: endpoints, the canonical 5-tuple, flow ids and directions.

use std::fmt;
use std::net::IpAddr;

/// An IP address and port. Displays as `192.0.2.1:3478` or `[2001:db8::1]:3478`.
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
}

impl Transport {
    /// `"tcp"` or `"udp"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
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
