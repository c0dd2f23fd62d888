//! The NAT mappings a pair of vantage points implies: a flow seen at both
//! whose client is another address or port at the side nearer the server
//! than at the side nearer the client was source-NATed between them
//! (private `192.168.1.20:50040` ↔ public `198.51.100.77:40022`); one whose
//! server differs was destination-NATed (a port forward in front of an
//! edge). One mapping per (pair, transport, inside, outside), in the order
//! the links were found.

use std::collections::HashSet;

use super::matching::PairJoin;
use super::{ends, InputFrame};
use edgecap_net::{Endpoint, Transport};

/// One address translation between two vantage points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NatMapping {
    /// The input that sees the inside (private) address.
    pub inside_input: usize,
    /// The input that sees the outside (translated) address.
    pub outside_input: usize,
    /// TCP or UDP.
    pub transport: Transport,
    /// The address and port as the inside capture sees it.
    pub inside: Endpoint,
    /// As the outside capture sees it.
    pub outside: Endpoint,
    /// True when the translated end is the flow's server (a destination
    /// NAT, a port forward), false for its client (a source NAT).
    pub destination: bool,
    /// The first matched frame of the flow, at the inside and the outside.
    pub first: [InputFrame; 2],
}

/// The mappings of every pair, without repeats.
pub fn mappings(pairs: &[PairJoin]) -> Vec<NatMapping> {
    let mut out: Vec<NatMapping> = Vec::new();
    let mut seen = HashSet::new();
    for p in pairs {
        let inputs = [p.a, p.b];
        for l in &p.links {
            let Some(cs) = l.client_side else { continue };
            let ss = 1 - cs;
            let (transport, c_in, s_out) = ends(l, cs);
            let (_, c_out, s_in) = ends(l, ss);
            let frame = |side: usize| InputFrame {
                input: inputs[side],
                frame: l.first[side],
            };
            // Source NAT: the client is translated on its way to the server.
            let mut found = Vec::new();
            if c_in != c_out {
                found.push((cs, ss, c_in, c_out, false));
            }
            // Destination NAT: the server is known by another address on
            // the client's side.
            if s_in != s_out {
                found.push((ss, cs, s_in, s_out, true));
            }
            for (inside, outside, a, b, destination) in found {
                let m = NatMapping {
                    inside_input: inputs[inside],
                    outside_input: inputs[outside],
                    transport,
                    inside: a,
                    outside: b,
                    destination,
                    first: [frame(inside), frame(outside)],
                };
                if seen.insert((m.inside_input, m.outside_input, transport, a, b)) {
                    out.push(m);
                }
            }
        }
    }
    out
}
