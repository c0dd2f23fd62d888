//! The decoder registry: every protocol decoder, in probe order.
//!
//! This module owns the one list of decoders ([`registry`]); each decoder
//! keeps its own port hints (docs/protocols.md §7) and imports nothing from
//! here. Order matters: STUN is probed before TLS so the
//! MS-TURN pseudo-TLS ClientHello (a well-formed TLS 1.0 record) is claimed
//! by the STUN decoder. Adding a protocol means adding its static here and
//! nothing in any other decoder.

use super::decoder::Decoder;
use super::tls::TlsDecoder;
use crate::sip::SipDecoder;
use crate::stun::flow::StunDecoder;

static STUN: StunDecoder = StunDecoder;
static TLS: TlsDecoder = TlsDecoder;
static SIP: SipDecoder = SipDecoder;

/// Every decoder, in probe order: STUN (with TURN, MS-TURN and pseudo-TLS),
/// then TLS, then SIP (text: its strict start-line probe never matches the
/// binary STUN and TLS headers).
pub fn registry() -> Vec<&'static dyn Decoder> {
    vec![&STUN, &TLS, &SIP]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_order_and_names() {
        let names: Vec<_> = registry().iter().map(|d| d.name()).collect();
        assert_eq!(names, ["stun", "tls", "sip"]);
    }
}
