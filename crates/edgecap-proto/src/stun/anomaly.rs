//! Malformed or suspicious details of one STUN message, as values with stable
//! snake_case ids (`stun.attr_overruns_message`, `stun.bad_fingerprint`, …).
//!
//! An anomaly never stops decoding: the message keeps every attribute that
//! could be read. The ids are a public contract for reports and tests; add new
//! kinds, never rename old ones.

use std::fmt;

/// What was wrong with a STUN message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StunAnomalyKind {
    /// A TLV header or value runs past the end of the message; the walk stopped there.
    AttrOverrunsMessage,
    /// A value fits but its 4-byte padding runs past the end of the message (RFC 5389 §15).
    AttrPaddingTruncated,
    /// A value's length is wrong for its attribute type.
    AttrBadLength,
    /// An address attribute has a family other than 1 (IPv4) or 2 (IPv6).
    BadAddressFamily,
    /// FINGERPRINT does not match the CRC-32 of the message (RFC 5389 §15.5).
    BadFingerprint,
    /// The buffer holds bytes after the 20 + length the header announces.
    TrailingBytes,
    /// More than `MAX_ATTRIBUTES` attributes; the rest were not decoded.
    TooManyAttributes,
    /// An attribute follows FINGERPRINT, which must be last (RFC 5389 §15.5).
    AttrAfterFingerprint,
    /// An attribute other than FINGERPRINT / MESSAGE-INTEGRITY-SHA256 follows
    /// MESSAGE-INTEGRITY and is outside its protection (RFC 5389 §15.4).
    AttrAfterIntegrity,
    /// The method is in 0x100–0xFFF, reserved for DTLS-SRTP demultiplexing (RFC 7983 §7).
    ReservedMethod,
}

impl StunAnomalyKind {
    /// The stable snake_case id used in reports.
    pub fn id(self) -> &'static str {
        match self {
            StunAnomalyKind::AttrOverrunsMessage => "stun.attr_overruns_message",
            StunAnomalyKind::AttrPaddingTruncated => "stun.attr_padding_truncated",
            StunAnomalyKind::AttrBadLength => "stun.attr_bad_length",
            StunAnomalyKind::BadAddressFamily => "stun.bad_address_family",
            StunAnomalyKind::BadFingerprint => "stun.bad_fingerprint",
            StunAnomalyKind::TrailingBytes => "stun.trailing_bytes",
            StunAnomalyKind::TooManyAttributes => "stun.too_many_attributes",
            StunAnomalyKind::AttrAfterFingerprint => "stun.attr_after_fingerprint",
            StunAnomalyKind::AttrAfterIntegrity => "stun.attr_after_integrity",
            StunAnomalyKind::ReservedMethod => "stun.reserved_method",
        }
    }

    /// Every kind, in id order of declaration (for docs and exhaustive tests).
    pub const ALL: [StunAnomalyKind; 10] = [
        StunAnomalyKind::AttrOverrunsMessage,
        StunAnomalyKind::AttrPaddingTruncated,
        StunAnomalyKind::AttrBadLength,
        StunAnomalyKind::BadAddressFamily,
        StunAnomalyKind::BadFingerprint,
        StunAnomalyKind::TrailingBytes,
        StunAnomalyKind::TooManyAttributes,
        StunAnomalyKind::AttrAfterFingerprint,
        StunAnomalyKind::AttrAfterIntegrity,
        StunAnomalyKind::ReservedMethod,
    ];
}

/// One anomaly in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StunAnomaly {
    /// What the problem is.
    pub kind: StunAnomalyKind,
    /// Byte offset in the message where it was noticed (a TLV header for
    /// attribute problems, the message end for trailing bytes).
    pub offset: usize,
    /// The attribute type involved, when there is one.
    pub attr_type: Option<u16>,
}

impl fmt::Display for StunAnomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at offset {}", self.kind.id(), self.offset)?;
        if let Some(t) = self.attr_type {
            write!(f, " (attribute 0x{t:04x})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_snake_case() {
        let mut ids: Vec<_> = StunAnomalyKind::ALL.iter().map(|k| k.id()).collect();
        for id in &ids {
            assert!(id.starts_with("stun."));
            assert!(id[5..].chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), StunAnomalyKind::ALL.len());
        let a = StunAnomaly {
            kind: StunAnomalyKind::AttrBadLength,
            offset: 28,
            attr_type: Some(0x0020),
        };
        assert_eq!(
            a.to_string(),
            "stun.attr_bad_length at offset 28 (attribute 0x0020)"
        );
    }
}
