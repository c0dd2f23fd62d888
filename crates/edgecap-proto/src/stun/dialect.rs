//! Which STUN dialect a message speaks, and the strict stateless probe used to
//! find STUN on arbitrary ports.
//!
//! This module owns the classifier of docs/protocols.md §1.5: MS-TURN (first
//! attribute MAGIC-COOKIE 0x000F, with or without the RFC cookie, unpadded),
//! RFC 5389/8489 (cookie, padded — or unpadded for legacy MS-ICE2 checks) and
//! RFC 3489 classic (no cookie). [`classify`] is lenient and always answers for
//! a header that passed `Header::new_checked`; [`probe`] is strict and must
//! reject RTP, DTLS and random data. Neither allocates nor panics.

use super::msg_type::rfc_method_bits;
use super::wire::{walk_is_exact, Header, Padding, MS_TURN_MAGIC_TLV};

/// The STUN dialect of one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    /// RFC 5389/8489 (and RFC 5766/8656 TURN, MS-ICE2 checks): cookie in the header.
    Rfc5389,
    /// RFC 3489 classic STUN / cookieless TURN drafts: 128-bit transaction id.
    Rfc3489,
    /// MS-TURN ([MS-TURN] 2.2): first attribute is MAGIC-COOKIE 0x000F.
    MsTurn,
}

impl Dialect {
    /// Short stable name for reports: "rfc5389", "rfc3489", "ms-turn".
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Rfc5389 => "rfc5389",
            Dialect::Rfc3489 => "rfc3489",
            Dialect::MsTurn => "ms-turn",
        }
    }
}

/// Message types accepted for cookieless messages: the RFC 3489 / classic
/// TURN list used by nDPI and Wireshark's classicstun (docs/protocols.md §1.5 step 4).
pub const CLASSIC_TYPES: [u16; 16] = [
    0x0001, 0x0101, 0x0111, 0x0002, 0x0102, 0x0112, 0x0003, 0x0103, 0x0113, 0x0004, 0x0104, 0x0114,
    0x0115, 0x0006, 0x0106, 0x0116,
];

/// Highest method a STUN message may use where it shares a port with
/// DTLS-SRTP: methods 0x100–0xFFF are reserved (RFC 7983 §7, IANA note).
pub const MAX_DEMUX_METHOD: u16 = 0xFF;

/// The dialect and attribute padding of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classified {
    /// The dialect.
    pub dialect: Dialect,
    /// Padding used to walk the attributes.
    pub padding: Padding,
    /// Whether the chosen walk ends exactly at the end of the message.
    pub exact: bool,
}

/// Classify a message whose header passed `Header::new_checked`
/// (docs/protocols.md §1.5). Always answers: when no walk ends exactly, the
/// dialect's preferred padding is returned with `exact == false`.
pub fn classify(header: &Header<'_>) -> Classified {
    let body = header.body();
    if body.starts_with(&MS_TURN_MAGIC_TLV) {
        let exact = walk_is_exact(body, Padding::Unpadded);
        return Classified {
            dialect: Dialect::MsTurn,
            padding: Padding::Unpadded,
            exact,
        };
    }
    // RFC: padded first, then unpadded (legacy MS-ICE2, MS-IMPLEMENTATION-VERSION < 3).
    // Classic: unpadded first (MS/odd lengths), then padded (libnice rounds up).
    let (dialect, order) = if header.cookie_present() {
        (Dialect::Rfc5389, [Padding::Padded, Padding::Unpadded])
    } else {
        (Dialect::Rfc3489, [Padding::Unpadded, Padding::Padded])
    };
    for padding in order {
        if walk_is_exact(body, padding) {
            return Classified {
                dialect,
                padding,
                exact: true,
            };
        }
    }
    Classified {
        dialect,
        padding: order[0],
        exact: false,
    }
}

/// Result of the strict probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeResult {
    /// The buffer is exactly one well-formed STUN message of this dialect.
    Stun(Dialect),
    /// Not a complete, well-formed STUN message.
    NotStun,
}

/// Strict, stateless test that `datagram` is exactly one STUN message, for
/// finding STUN on any port. Requires: ≥ 20 bytes, first byte 0–3 (RFC 7983
/// §7, which also bounds the method to ≤ 0xFF), 20 + length equal to the
/// buffer, and then either the MS-TURN magic attribute with an exact unpadded
/// walk, the RFC cookie with an exact walk (and a length multiple of 4 when
/// padded), or a type in [`CLASSIC_TYPES`] with an exact walk.
pub fn probe(datagram: &[u8]) -> ProbeResult {
    let Some(header) = Header::new_checked(datagram) else {
        return ProbeResult::NotStun;
    };
    if datagram[0] > 3 || header.message_len() != datagram.len() {
        return ProbeResult::NotStun;
    }
    let t = header.msg_type();
    let c = classify(&header);
    if !c.exact {
        return ProbeResult::NotStun;
    }
    // First byte ≤ 3 already bounds the method to ≤ 0x0FF (RFC 7983 §7).
    debug_assert!(rfc_method_bits(t) <= MAX_DEMUX_METHOD);
    let ok = match c.dialect {
        Dialect::MsTurn | Dialect::Rfc5389 => true,
        Dialect::Rfc3489 => CLASSIC_TYPES.contains(&t),
    };
    if ok {
        ProbeResult::Stun(c.dialect)
    } else {
        ProbeResult::NotStun
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(t: u16, cookie: bool, body: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&t.to_be_bytes());
        m.extend_from_slice(&(body.len() as u16).to_be_bytes());
        if cookie {
            m.extend_from_slice(&[0x21, 0x12, 0xA4, 0x42]);
        } else {
            m.extend_from_slice(&[0x09, 0x16, 0x6F, 0x6B]);
        }
        m.extend_from_slice(&[7u8; 12]);
        m.extend_from_slice(body);
        m
    }

    #[test]
    fn probe_accepts_each_dialect() {
        let rfc = msg(0x0001, true, &[0x00, 0x24, 0x00, 0x04, 1, 2, 3, 4]);
        assert_eq!(probe(&rfc), ProbeResult::Stun(Dialect::Rfc5389));
        let mut ms_body = MS_TURN_MAGIC_TLV.to_vec();
        ms_body.extend_from_slice(&[0x00, 0x15, 0x00, 0x03, b'a', b'b', b'c']);
        assert_eq!(
            probe(&msg(0x0113, true, &ms_body)),
            ProbeResult::Stun(Dialect::MsTurn)
        );
        assert_eq!(
            probe(&msg(0x0113, false, &ms_body)),
            ProbeResult::Stun(Dialect::MsTurn)
        );
        let classic = msg(0x0001, false, &[]);
        assert_eq!(probe(&classic), ProbeResult::Stun(Dialect::Rfc3489));
    }

    #[test]
    fn probe_rejects_non_stun() {
        // Wrong total length.
        let mut m = msg(0x0001, true, &[0x00, 0x24, 0x00, 0x04, 1, 2, 3, 4]);
        m.push(0);
        assert_eq!(probe(&m), ProbeResult::NotStun);
        // Cookieless type outside the classic list.
        assert_eq!(probe(&msg(0x0009, false, &[])), ProbeResult::NotStun);
        // Method above 0xFF (first byte 4).
        assert_eq!(probe(&msg(0x0401, true, &[])), ProbeResult::NotStun);
        // RTP, DTLS, ChannelData, MS multiplexed TURN.
        let mut rtp = vec![0x80, 0x00, 0x12, 0x34];
        rtp.extend_from_slice(&[0u8; 28]);
        assert_eq!(probe(&rtp), ProbeResult::NotStun);
        let mut dtls = vec![
            0x16, 0xFE, 0xFD, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        dtls.extend_from_slice(&[0x00, 0x10]);
        dtls.extend_from_slice(&[0u8; 16]);
        assert_eq!(probe(&dtls), ProbeResult::NotStun);
        let mut cd = vec![0x40, 0x00, 0x00, 0x10];
        cd.extend_from_slice(&[0u8; 16]);
        assert_eq!(probe(&cd), ProbeResult::NotStun);
        let mut mux = vec![0xFF, 0x10, 0x00, 0x10];
        mux.extend_from_slice(&[0u8; 16]);
        assert_eq!(probe(&mux), ProbeResult::NotStun);
        // RFC message with an odd length that only walks unpadded is still
        // accepted (legacy MS-ICE2); a broken walk is not.
        let bad = msg(0x0001, true, &[0x00, 0x24, 0x00, 0x08, 1, 2, 3, 4]);
        assert_eq!(probe(&bad), ProbeResult::NotStun);
    }
}
