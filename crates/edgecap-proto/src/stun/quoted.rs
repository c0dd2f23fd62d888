//! The STUN header inside an ICMP error's quote: a router or host that
//! rejects a STUN request quotes its IP and UDP headers and, often, the
//! start of the message (RFC 1812 §4.3.2.3, RFC 4443 §2.4). The quote is
//! usually cut, so only the 20-byte header is read — type, cookie and
//! transaction id — never the attributes.

use super::dialect::Dialect;
use super::msg_type::MessageType;
use super::wire::{Header, MS_TURN_MAGIC_TLV};

/// The header of a quoted STUN message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QuotedStun {
    /// Type, class and method.
    pub msg_type: MessageType,
    /// Header bytes 4..20: the matching key of [`super::transactions`].
    pub txid: [u8; 16],
    /// RFC 5389 when the cookie is there, MS-TURN when the quote reaches its
    /// MAGIC-COOKIE attribute, else RFC 3489.
    pub dialect: Dialect,
}

/// Reads the STUN header at the start of `quote` (the quoted UDP payload):
/// `None` when fewer than 20 bytes are quoted or the first byte is not that
/// of a STUN message (its top bits zero, RFC 7983 §7: at most 3).
pub fn quoted_stun(quote: &[u8]) -> Option<QuotedStun> {
    let header = Header::new_checked(quote)?;
    if quote[0] > 3 {
        return None;
    }
    let dialect = if header.body().starts_with(&MS_TURN_MAGIC_TLV) {
        Dialect::MsTurn
    } else if header.cookie_present() {
        Dialect::Rfc5389
    } else {
        Dialect::Rfc3489
    };
    Some(QuotedStun {
        msg_type: MessageType::decode(header.msg_type(), dialect),
        txid: header.txid128(),
        dialect,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stun::{Class, Method};

    const ALLOCATE: [u8; 20] = [
        0x00, 0x03, 0x00, 0x10, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    ];

    #[test]
    fn the_header_of_a_cut_quote_gives_method_and_transaction_id() {
        let q = quoted_stun(&ALLOCATE).expect("stun header");
        assert_eq!(q.msg_type.method, Method::Allocate);
        assert_eq!(q.msg_type.class, Class::Request);
        assert_eq!(q.dialect, Dialect::Rfc5389);
        assert_eq!(&q.txid[..4], &[0x21, 0x12, 0xA4, 0x42]);
        assert_eq!(q.txid[15], 12);
        // The length field says 16 bytes of attributes; none are quoted.
        for cut in 0..20 {
            assert_eq!(quoted_stun(&ALLOCATE[..cut]), None, "cut {cut}");
        }
    }

    #[test]
    fn cookieless_ms_turn_and_not_stun() {
        let mut ms = ALLOCATE.to_vec();
        ms[4..8].copy_from_slice(&[9, 8, 7, 6]);
        assert_eq!(quoted_stun(&ms).map(|q| q.dialect), Some(Dialect::Rfc3489));
        ms.extend_from_slice(&MS_TURN_MAGIC_TLV);
        assert_eq!(quoted_stun(&ms).map(|q| q.dialect), Some(Dialect::MsTurn));
        let mut rtp = ALLOCATE.to_vec();
        rtp[0] = 0x80;
        assert_eq!(quoted_stun(&rtp), None);
    }
}
