//! ICMP and ICMPv6 destination-unreachable errors on the protocol timeline:
//! [`IcmpEvent`], owned and typed, placed on the flow of the datagram it
//! quotes, and linked to the STUN request it answers ([`link_requests`]).
//!
//! The network layer decodes the error and its quote; this module keeps what
//! the analysis needs — who sent the error, why, which datagram it quotes and,
//! when the quoted flow carries STUN and the quote reaches the 20-byte STUN
//! header, that message's type and transaction id. Linking is kept apart from
//! decoding like STUN transaction matching (docs/design.md §2.4 step 6): the
//! request is the latest STUN request of the same flow and transaction id
//! before the error. Pure: no I/O, no panics.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::decoder::{Decoded, ProtoMsg};
use crate::stun::quoted::{quoted_stun, QuotedStun};
use crate::stun::Class;
use edgecap_capture::FrameNo;
use edgecap_net::icmp::{IcmpError, UnreachableReason};
use edgecap_net::ip::IpVersion;
use edgecap_net::{Endpoint, FlowId, Transport};

/// An ICMP or ICMPv6 destination-unreachable error about a datagram of a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcmpEvent {
    /// Who sent the error: a router or firewall on the path, or the host.
    pub from: IpAddr,
    /// ICMP (IPv4) or ICMPv6.
    pub version: IpVersion,
    /// The code as on the wire.
    pub code: u8,
    /// What the code means.
    pub reason: UnreachableReason,
    /// Transport of the quoted datagram.
    pub transport: Transport,
    /// Sender of the quoted datagram.
    pub quoted_src: Endpoint,
    /// Destination of the quoted datagram: the unreachable endpoint.
    pub quoted_dst: Endpoint,
    /// Bytes of the quoted datagram's payload present in the error.
    pub quoted_payload_len: usize,
    /// The quoted STUN header, when the flow carries STUN and it was quoted.
    pub stun: Option<QuotedStun>,
    /// The completing frame of the STUN request the error answers
    /// (filled by [`link_requests`]).
    pub request: Option<FrameNo>,
}

impl IcmpEvent {
    /// The event of `error`, sent by `from`; `stun_flow` says the quoted
    /// flow carries STUN, so a quoted STUN header is read.
    pub fn new(from: IpAddr, error: &IcmpError<'_>, stun_flow: bool) -> IcmpEvent {
        let q = &error.quoted;
        IcmpEvent {
            from,
            version: error.version,
            code: error.code,
            reason: error.reason,
            transport: q.transport,
            quoted_src: q.src,
            quoted_dst: q.dst,
            quoted_payload_len: q.payload.len(),
            stun: (stun_flow && q.transport == Transport::Udp)
                .then(|| quoted_stun(q.payload))
                .flatten(),
            request: None,
        }
    }

    /// `"ICMP"` or `"ICMPv6"`.
    pub fn protocol_name(&self) -> &'static str {
        match self.version {
            IpVersion::V4 => "ICMP",
            IpVersion::V6 => "ICMPv6",
        }
    }
}

/// Links every ICMP event quoting a STUN request to that request: the latest
/// STUN request of the same flow and 128-bit transaction id before it.
/// `messages` must be in frame order; one pass, one map entry per request.
pub fn link_requests(messages: &mut [Decoded]) {
    let mut requests: HashMap<(FlowId, [u8; 16]), FrameNo> = HashMap::new();
    for d in messages.iter_mut() {
        match &mut d.msg {
            ProtoMsg::Stun(r) if r.msg.msg_type.class == Class::Request => {
                requests.insert((r.flow, r.msg.txid()), r.frame());
            }
            ProtoMsg::Icmp(e) => {
                if let Some(q) = &e.stun {
                    e.request = requests.get(&(d.flow, q.txid)).copied();
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
