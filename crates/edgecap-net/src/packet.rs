//! The decoded view of one IP packet: addresses and the TCP/UDP segment,
//! borrowed from the frame (or from the defragmenter for reassembled IPv4).

use std::net::IpAddr;

use crate::icmp::IcmpError;
use edgecap_core::TcpFlags;

/// The transport part of a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    /// A TCP segment.
    Tcp {
        /// Source port.
        src_port: u16,
        /// Destination port.
        dst_port: u16,
        /// Sequence number.
        seq: u32,
        /// Acknowledgment number (meaningful when the ACK flag is set).
        ack: u32,
        /// Header flags.
        flags: TcpFlags,
        /// Length of the TCP header, options included (the data offset
        /// field × 4): the header ends where `payload` starts, so a re-read
        /// frame's header is found without searching.
        header_len: u8,
        /// Segment payload (may be shorter than on the wire if the frame was truncated).
        payload: &'a [u8],
    },
    /// A UDP datagram.
    Udp {
        /// Source port.
        src_port: u16,
        /// Destination port.
        dst_port: u16,
        /// Datagram payload.
        payload: &'a [u8],
    },
    /// An ICMP or ICMPv6 destination-unreachable error quoting a UDP or
    /// TCP datagram (the packet's `src` is the error's sender).
    IcmpError(IcmpError<'a>),
    /// Any other IP protocol (other ICMP messages, SCTP, ESP, …): counted,
    /// not decoded further.
    Other {
        /// IP protocol number.
        protocol: u8,
    },
}

/// One decoded IP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<'a> {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// The transport segment.
    pub segment: Segment<'a>,
    /// True when the payload is shorter than the IP/transport headers claim
    /// (the frame was cut by the snaplen).
    pub truncated: bool,
    /// IPv4 TTL or IPv6 hop limit; `None` for a reassembled fragmented
    /// datagram. A RST whose hop limit differs from its claimed sender's
    /// other packets was sent by a device in the path.
    pub hop_limit: Option<u8>,
}

impl Packet<'_> {
    /// The packet with the IP header's TTL / hop limit.
    pub fn with_hop_limit(mut self, hop_limit: u8) -> Self {
        self.hop_limit = Some(hop_limit);
        self
    }
}
