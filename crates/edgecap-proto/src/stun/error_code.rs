//! The ERROR-CODE attribute value (0x0009).
//!
//! Layout (RFC 5389 §15.6, docs/protocols.md §4.1): 2 reserved bytes, a byte whose
//! low 3 bits are the class (hundreds), a number byte (0–99), then the reason
//! phrase. The code is `class × 100 + number`. The phrase is kept as raw bytes
//! (MS-TURN does not pad it and may not be UTF-8); presentation sanitises it.
//!
//! A damaged value of 3 bytes still has its class byte: like tshark 4.0
//! (which shows `stun.att.error.class` and no number for it), the code is
//! then `class × 100` (500 for `00 00 05`); the caller reports the bad length.

/// A decoded ERROR-CODE value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ErrorCode {
    /// class × 100 + number, e.g. 401, 436.
    pub code: u16,
    /// The reason phrase as on the wire (no padding removed beyond the TLV length).
    pub reason: Box<[u8]>,
}

impl ErrorCode {
    /// Decode an ERROR-CODE value; `None` when shorter than 3 bytes (no
    /// class byte). A 3-byte value gives `class × 100`, as tshark reads it;
    /// [`ErrorCode::is_complete`] says whether the 4 fixed bytes were there.
    pub fn decode(value: &[u8]) -> Option<ErrorCode> {
        let class = u16::from(value.get(2)? & 0x07);
        let number = value.get(3).map_or(0, |&n| u16::from(n));
        Some(ErrorCode {
            code: class * 100 + number,
            reason: value.get(4..).unwrap_or_default().into(),
        })
    }

    /// Whether `value` holds the 4 fixed bytes (reserved, class, number).
    pub fn is_complete(value: &[u8]) -> bool {
        value.len() >= 4
    }

    /// The class digit (code / 100).
    pub fn class(&self) -> u16 {
        self.code / 100
    }

    /// The number within the class (code % 100); what tshark calls `stun.att.error`.
    pub fn number(&self) -> u16 {
        self.code % 100
    }

    /// The reason phrase, UTF-8 lossy.
    pub fn reason_lossy(&self) -> String {
        String::from_utf8_lossy(&self.reason).into_owned()
    }

    /// Encode as an attribute value (no padding), the inverse of [`ErrorCode::decode`].
    pub fn encode(&self) -> Vec<u8> {
        let mut v = vec![0, 0, (self.code / 100 % 8) as u8, (self.code % 100) as u8];
        v.extend_from_slice(&self.reason);
        v
    }
}

/// Standard reason phrase of a STUN/TURN error code (RFC 5389 §15.6,
/// RFC 5766 §15, RFC 8656 §19, [MS-TURN] 2.2.2.6), or "" when not a known code.
pub fn error_name(code: u16) -> &'static str {
    match code {
        300 => "Try Alternate",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        420 => "Unknown Attribute",
        436 => "Unknown User",
        437 => "Allocation Mismatch",
        438 => "Stale Nonce",
        440 => "Address Family not Supported",
        441 => "Wrong Credentials",
        442 => "Unsupported Transport Protocol",
        443 => "Peer Address Family Mismatch",
        486 => "Allocation Quota Reached",
        487 => "Role Conflict",
        500 => "Server Error",
        508 => "Insufficient Capacity",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_436_unknown_user() {
        let phrase = b"The Username Supplied in the request is not known";
        let mut v = vec![0, 0, 4, 36];
        v.extend_from_slice(phrase);
        let e = ErrorCode::decode(&v).expect("error code");
        assert_eq!(e.code, 436);
        assert_eq!(e.class(), 4);
        assert_eq!(e.number(), 36);
        assert_eq!(e.reason_lossy(), String::from_utf8_lossy(phrase));
        assert_eq!(e.encode(), v);
    }

    #[test]
    fn class_uses_low_three_bits_and_short_is_none() {
        // tshark 4.0 on `00 00 05` (ERROR-CODE length 3): "Error Class: 5",
        // no number — edgecap reads 500, as in the damaged capture.
        let short = ErrorCode::decode(&[0, 0, 5]).expect("class byte present");
        assert_eq!(short.code, 500);
        assert!(short.reason.is_empty());
        let e = ErrorCode::decode(&[0, 0, 0xFC, 1]).expect("error code");
        assert_eq!(e.code, 401);
        assert!(e.reason.is_empty());
        assert_eq!(ErrorCode::decode(&[0, 5]), None);
        assert!(!ErrorCode::is_complete(&[0, 0, 4]));
        assert!(ErrorCode::is_complete(&[0, 0, 4, 1]));
        let bad = ErrorCode::decode(&[0, 0, 4, 1, 0xFF, b'x']).expect("error code");
        assert_eq!(bad.reason_lossy(), "\u{FFFD}x");
    }
}
