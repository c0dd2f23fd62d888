//! Bounds-checked view of the 20-byte STUN header and a TLV iterator over the
//! attribute area.
//!
//! This module owns byte offsets only: it never interprets attribute values and
//! never allocates. After [`Header::new_checked`] succeeds no accessor can
//! panic, and [`AttrIter`] stops (with a [`WalkError`]) at the first TLV that
//! does not fit, so callers can rely on every yielded value slice lying inside
//! the message. Dialect decisions live in `dialect.rs`, value decoding in
//! `attr.rs`.

/// Length of the fixed STUN header (RFC 5389 §6, [MS-TURN] 2.2.1).
pub const HEADER_LEN: usize = 20;

/// Length of an attribute's type + length prefix (RFC 5389 §15).
pub const TLV_HEADER_LEN: usize = 4;

/// The RFC 5389 magic cookie at header offset 4 (RFC 5389 §6).
pub const MAGIC_COOKIE: u32 = 0x2112_A442;

/// Value of the MS-TURN MAGIC-COOKIE attribute 0x000F ([MS-TURN] 2.2.2.8).
pub const MS_TURN_MAGIC: u32 = 0x72C6_4BC6;

/// The 8 bytes that open every MS-TURN control message body: TLV 0x000F,
/// length 4, value 0x72C64BC6 ([MS-TURN] 2.2.2.8, 3.1.10).
pub const MS_TURN_MAGIC_TLV: [u8; 8] = [0x00, 0x0F, 0x00, 0x04, 0x72, 0xC6, 0x4B, 0xC6];

/// Sanity bound on attributes decoded from one message. Not from any RFC: a
/// real message carries fewer than 20 (Teams' largest MS-TURN responses have
/// about 12); the bound stops a 64 KiB message of empty TLVs from producing
/// 16 383 values (docs/design.md §3 rule 6).
pub const MAX_ATTRIBUTES: usize = 256;

/// Read a big-endian u16 at `at`, or `None` when it does not fit.
pub(crate) fn be16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

/// Read a big-endian u32 at `at`, or `None` when it does not fit.
pub(crate) fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// A checked view of a STUN header: at least 20 bytes, top two type bits zero.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    bytes: &'a [u8],
}

impl<'a> Header<'a> {
    /// Wrap `bytes` if they start with a plausible STUN header (≥ 20 bytes,
    /// top two bits of the type zero, RFC 5389 §6). The length field is not
    /// checked against the buffer here.
    pub fn new_checked(bytes: &'a [u8]) -> Option<Header<'a>> {
        if bytes.len() < HEADER_LEN || bytes[0] & 0xC0 != 0 {
            return None;
        }
        Some(Header { bytes })
    }

    /// The raw 16-bit message type.
    pub fn msg_type(&self) -> u16 {
        u16::from_be_bytes([self.bytes[0], self.bytes[1]])
    }

    /// The message length field: bytes after the 20-byte header.
    pub fn length(&self) -> u16 {
        u16::from_be_bytes([self.bytes[2], self.bytes[3]])
    }

    /// Total message size the header announces (20 + length).
    pub fn message_len(&self) -> usize {
        HEADER_LEN + usize::from(self.length())
    }

    /// Whether header bytes 4..8 hold the RFC 5389 magic cookie.
    pub fn cookie_present(&self) -> bool {
        self.bytes[4..8] == MAGIC_COOKIE.to_be_bytes()
    }

    /// All 16 bytes at header offset 4..20: the MS-TURN / RFC 3489 128-bit
    /// transaction id, or cookie ‖ 96-bit RFC id.
    pub fn txid128(&self) -> [u8; 16] {
        let mut id = [0u8; 16];
        id.copy_from_slice(&self.bytes[4..HEADER_LEN]);
        id
    }

    /// The attribute area as far as it is present in the buffer, capped at the
    /// announced length.
    pub fn body(&self) -> &'a [u8] {
        let end = self.message_len().min(self.bytes.len());
        &self.bytes[HEADER_LEN..end]
    }
}

/// How long the STUN message at the start of a stream is (20 + length), or
/// `None` when fewer than 4 bytes are present or the top two bits are not zero
/// (RFC 5389 §7.2.2 framing over TCP; the MS-TURN 4-byte frame header must be
/// stripped first).
pub fn message_len(prefix: &[u8]) -> Option<usize> {
    if prefix.first()? & 0xC0 != 0 {
        return None;
    }
    Some(HEADER_LEN + usize::from(be16(prefix, 2)?))
}

/// Whether attribute values are padded to a 4-byte boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Padding {
    /// RFC 5389/8489 §14/15: each value is followed by 0–3 pad bytes.
    Padded,
    /// MS-TURN / rfc3489bis-02: the next TLV starts right after the value.
    Unpadded,
}

impl Padding {
    /// Number of pad bytes after a value of `len` bytes.
    pub fn pad(self, len: usize) -> usize {
        match self {
            Padding::Padded => (4 - len % 4) % 4,
            Padding::Unpadded => 0,
        }
    }
}

/// One TLV as found on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawAttr<'a> {
    /// The attribute type code as on the wire.
    pub typ: u16,
    /// Offset of the TLV header from the start of the message.
    pub offset: usize,
    /// The value, without padding.
    pub value: &'a [u8],
}

/// Why an attribute walk stopped before the end of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkError {
    /// Fewer than 4 bytes remained for a TLV header, at this message offset.
    TruncatedHeader {
        /// Message offset where the partial TLV header starts.
        offset: usize,
    },
    /// A TLV's value runs past the end of the message.
    ValuePastEnd {
        /// Message offset of the TLV header.
        offset: usize,
        /// The attribute type.
        typ: u16,
    },
    /// The value fits but its padding runs past the end of the message.
    PaddingPastEnd {
        /// Message offset of the TLV header.
        offset: usize,
        /// The attribute type.
        typ: u16,
    },
}

/// Iterator over the TLVs of a message body. Yields `Err` once and then stops.
#[derive(Debug, Clone)]
pub struct AttrIter<'a> {
    body: &'a [u8],
    pos: usize,
    padding: Padding,
    done: bool,
}

impl<'a> AttrIter<'a> {
    /// Walk `body` (the bytes after the 20-byte header) with `padding`.
    pub fn new(body: &'a [u8], padding: Padding) -> AttrIter<'a> {
        AttrIter {
            body,
            pos: 0,
            padding,
            done: false,
        }
    }
}

impl<'a> Iterator for AttrIter<'a> {
    type Item = Result<RawAttr<'a>, WalkError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.pos >= self.body.len() {
            return None;
        }
        let offset = HEADER_LEN + self.pos;
        let (Some(typ), Some(len)) = (be16(self.body, self.pos), be16(self.body, self.pos + 2))
        else {
            self.done = true;
            return Some(Err(WalkError::TruncatedHeader { offset }));
        };
        let start = self.pos + TLV_HEADER_LEN;
        let end = start + usize::from(len);
        let Some(value) = self.body.get(start..end) else {
            self.done = true;
            return Some(Err(WalkError::ValuePastEnd { offset, typ }));
        };
        let next = end + self.padding.pad(value.len());
        if next > self.body.len() {
            // The value is usable; report the padding problem and stop.
            self.done = true;
            self.pos = self.body.len();
            return Some(Err(WalkError::PaddingPastEnd { offset, typ }));
        }
        self.pos = next;
        Some(Ok(RawAttr { typ, offset, value }))
    }
}

/// Whether a walk of `body` with `padding` ends exactly at its end (the
/// nDPI / docs/protocols.md §1.5 "walk ends exactly" test). Every TLV, not only
/// the first [`MAX_ATTRIBUTES`], is walked: a message with more attributes is
/// still STUN (decoding keeps the first ones and reports the rest). The walk
/// is bounded by the body: at most one TLV per 4 bytes.
pub fn walk_is_exact(body: &[u8], padding: Padding) -> bool {
    AttrIter::new(body, padding).all(|item| item.is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_rejects_short_and_channel_data() {
        assert!(Header::new_checked(&[0u8; 19]).is_none());
        let mut b = [0u8; 20];
        b[0] = 0x40;
        assert!(Header::new_checked(&b).is_none());
        b[0] = 0x00;
        b[3] = 8;
        b[4..8].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
        let h = Header::new_checked(&b).expect("header");
        assert_eq!(h.length(), 8);
        assert_eq!(h.message_len(), 28);
        assert!(h.cookie_present());
        assert!(h.body().is_empty());
    }

    #[test]
    fn message_len_for_streams() {
        assert_eq!(message_len(&[0x00, 0x03, 0x00]), None);
        assert_eq!(message_len(&[0x00, 0x03, 0x00, 0x08]), Some(28));
        assert_eq!(message_len(&[0x01, 0x13, 0x00, 0xA7, 0xFF]), Some(187));
        assert_eq!(message_len(&[0x40, 0x00, 0x00, 0x08]), None);
    }

    #[test]
    fn walk_padded_and_unpadded() {
        // SOFTWARE "abc" (len 3) then LIFETIME.
        let padded = [
            0x80, 0x22, 0x00, 0x03, b'a', b'b', b'c', 0x00, 0x00, 0x0D, 0x00, 0x04, 0, 0, 0, 60,
        ];
        assert!(walk_is_exact(&padded, Padding::Padded));
        assert!(!walk_is_exact(&padded, Padding::Unpadded));
        let unpadded = [
            0x80, 0x22, 0x00, 0x03, b'a', b'b', b'c', 0x00, 0x0D, 0x00, 0x04, 0, 0, 0, 60,
        ];
        assert!(walk_is_exact(&unpadded, Padding::Unpadded));
        assert!(!walk_is_exact(&unpadded, Padding::Padded));
        let attrs: Vec<_> = AttrIter::new(&unpadded, Padding::Unpadded).collect();
        assert_eq!(attrs.len(), 2);
        assert_eq!(
            attrs[1],
            Ok(RawAttr {
                typ: 0x000D,
                offset: 27,
                value: &[0, 0, 0, 60]
            })
        );
    }

    #[test]
    fn walk_reports_overruns() {
        let b = [0x00, 0x0D, 0x00, 0x08, 0, 0, 0, 60];
        let v: Vec<_> = AttrIter::new(&b, Padding::Padded).collect();
        assert_eq!(
            v,
            vec![Err(WalkError::ValuePastEnd {
                offset: 20,
                typ: 0x000D
            })]
        );
        let b = [0x00, 0x0D, 0x00];
        let v: Vec<_> = AttrIter::new(&b, Padding::Padded).collect();
        assert_eq!(v, vec![Err(WalkError::TruncatedHeader { offset: 20 })]);
        let b = [0x80, 0x22, 0x00, 0x01, b'x'];
        let v: Vec<_> = AttrIter::new(&b, Padding::Padded).collect();
        assert_eq!(
            v,
            vec![Err(WalkError::PaddingPastEnd {
                offset: 20,
                typ: 0x8022
            })]
        );
    }
}
