//! The ERROR-CODE attribute value (0x0009).
//!
//! Layout (RFC 5389 §15.6, docs/protocols.md §4.1): 2 reserved bytes, a byte whose
//! low 3 bits are the class (hundreds), a number byte (0–99), then the reason
//! phrase. The code is `class × 100 + number`. The phrase is kept as raw bytes
//! (MS-TURN does not pad it and may not be UTF-8); presentation sanitises it.

/// A decoded ERROR-CODE value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ErrorCode {
    /// class × 100 + number, e.g. 401, 436.
    pub code: u16,
    /// The reason phrase as on the wire (no padding removed beyond the TLV length).
    pub reason: Box<[u8]>,
}

impl ErrorCode {
    /// Decode an ERROR-CODE value; `None` when shorter than the 4 fixed bytes.
    pub fn decode(value: &[u8]) -> Option<ErrorCode> {
        let fixed = value.get(..4)?;
        let class = u16::from(fixed[2] & 0x07);
        let number = u16::from(fixed[3]);
        Some(ErrorCode {
            code: class * 100 + number,
            reason: value[4..].into(),
        })
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
        436 => "Unknown Username",
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
        let e = ErrorCode::decode(&[0, 0, 0xFC, 1]).expect("error code");
        assert_eq!(e.code, 401);
        assert!(e.reason.is_empty());
        assert_eq!(ErrorCode::decode(&[0, 0, 4]), None);
        let bad = ErrorCode::decode(&[0, 0, 4, 1, 0xFF, b'x']).expect("error code");
        assert_eq!(bad.reason_lossy(), "\u{FFFD}x");
    }
}
