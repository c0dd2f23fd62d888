//! The decoder registry: every protocol decoder, in probe order, and the
//! port hints they use.
//!
//! This module owns the one list of decoders ([`registry`]) and the named port
//! sets (docs/protocols.md §7). Order matters: STUN is probed before TLS so the
//! MS-TURN pseudo-TLS ClientHello (a well-formed TLS 1.0 record) is claimed
//! by the STUN decoder. Adding a protocol means adding its static here and
//! nothing in any other decoder.

use super::decoder::{Decoder, FlowCtx};
use super::tls::TlsDecoder;
use crate::stun::flow::StunDecoder;

/// Ports where STUN/TURN/MS-TURN is expected: TURN UDP/TCP 3478, Teams 3479,
/// MS-TURN over TCP 443, TURN over TLS 5349 (docs/protocols.md §7).
pub const STUN_PORTS: [u16; 4] = [3478, 3479, 443, 5349];
/// Relayed media port range of a Lync/SfB A/V Edge (docs/protocols.md §7).
/// Fixed for now; meant to become configurable.
pub const RELAY_PORTS: std::ops::RangeInclusive<u16> = 50000..=59999;
/// Ports where TLS is expected: HTTPS/MS-TURN 443, SIP/MTLS 5061 and 5062,
/// TURN over TLS 5349.
pub const TLS_PORTS: [u16; 4] = [443, 5061, 5062, 5349];

/// Whether either endpoint of the flow uses a port in `ports`.
pub fn either_port(ctx: &FlowCtx, ports: &[u16]) -> bool {
    ports.contains(&ctx.server.port) || ports.contains(&ctx.client.port)
}

/// Whether either endpoint of the flow uses a relay port.
pub fn relay_port(ctx: &FlowCtx) -> bool {
    RELAY_PORTS.contains(&ctx.server.port) || RELAY_PORTS.contains(&ctx.client.port)
}

static STUN: StunDecoder = StunDecoder;
static TLS: TlsDecoder = TlsDecoder;

/// Every decoder, in probe order: STUN (with TURN, MS-TURN and pseudo-TLS),
/// then TLS.
pub fn registry() -> Vec<&'static dyn Decoder> {
    vec![&STUN, &TLS]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_order_and_names() {
        let names: Vec<_> = registry().iter().map(|d| d.name()).collect();
        assert_eq!(names, ["stun", "tls"]);
    }
}
