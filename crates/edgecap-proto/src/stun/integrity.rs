//! FINGERPRINT checking and MESSAGE-INTEGRITY verification.
//!
//! FINGERPRINT (RFC 5389 §15.5): CRC-32 (ISO-HDLC) of the message up to the
//! attribute, with the header length covering the FINGERPRINT TLV, XOR
//! 0x5354554E. MESSAGE-INTEGRITY (RFC 5389 §15.4): HMAC-SHA1 over the message
//! up to the attribute with the header length adjusted to end right after it;
//! MS-TURN and RFC 3489 append zero bytes to a 64-byte multiple, and MS-ICE2
//! keeps the wire length (docs/protocols.md §4.5). The MS-TURN v3+ 32-byte
//! (SHA-256) form has no documented key derivation and is reported as
//! unsupported. Everything here is pure and needs the raw message bytes.

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha1::Sha1;

use super::attr::AttrKind;
use super::dialect::Dialect;
use super::message::StunMessage;
use super::wire::{HEADER_LEN, TLV_HEADER_LEN};

/// XOR constant of FINGERPRINT, ASCII "STUN" (RFC 5389 §15.5).
pub const FINGERPRINT_XOR: u32 = 0x5354_554E;

/// Length of an HMAC-SHA1 MESSAGE-INTEGRITY value (RFC 5389 §15.4).
pub const MI_SHA1_LEN: usize = 20;

/// Length of the MS-TURN v3+ HMAC-SHA256 MESSAGE-INTEGRITY value
/// ([MS-TURN] 2.2.2.17, docs/protocols.md §4.5).
pub const MI_SHA256_LEN: usize = 32;

/// The hashed text is zero-padded to a multiple of this many bytes in
/// RFC 3489 (§11.2.8) and MS-TURN (libnice `stun_sha1`, docs/protocols.md §4.5).
pub const HMAC_BLOCK: usize = 64;

/// Result of checking FINGERPRINT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FingerprintStatus {
    /// The CRC matches.
    Good,
    /// The CRC does not match (or the value has the wrong length).
    Bad,
}

/// Where MESSAGE-INTEGRITY sits and how long it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IntegrityInfo {
    /// Offset of the MESSAGE-INTEGRITY TLV header in the message.
    pub offset: usize,
    /// Value length: 20 = HMAC-SHA1, 32 = HMAC-SHA256 (MS-TURN v3+).
    pub len: usize,
}

/// Result of [`verify_integrity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntegrityCheck {
    /// The HMAC matches the key.
    Valid,
    /// The HMAC does not match the key.
    Invalid,
    /// The message carries no MESSAGE-INTEGRITY.
    Absent,
    /// The form cannot be verified (32-byte MS SHA-256, odd length, raw bytes too short).
    Unsupported,
}

/// CRC-32 FINGERPRINT expected for a FINGERPRINT TLV at `offset` in `raw`
/// (header length taken as ending right after that TLV); `None` when `raw`
/// is shorter than `offset`.
pub fn expected_fingerprint(raw: &[u8], offset: usize) -> Option<u32> {
    let len = u16::try_from(offset.checked_sub(HEADER_LEN)? + TLV_HEADER_LEN + 4).ok()?;
    let mut h = crc32fast::Hasher::new();
    h.update(raw.get(..2)?);
    h.update(&len.to_be_bytes());
    h.update(raw.get(4..offset)?);
    Some(h.finalize() ^ FINGERPRINT_XOR)
}

/// Check a FINGERPRINT TLV at `offset` whose value is `value`.
pub fn check_fingerprint(raw: &[u8], offset: usize, value: &[u8]) -> FingerprintStatus {
    match (
        expected_fingerprint(raw, offset),
        <[u8; 4]>::try_from(value),
    ) {
        (Some(want), Ok(got)) if u32::from_be_bytes(got) == want => FingerprintStatus::Good,
        _ => FingerprintStatus::Bad,
    }
}

/// Long-term credential key `MD5(username ":" realm ":" password)`
/// (RFC 5389 §15.4). Inputs are used as given: apply SASLprep/OpaqueString to
/// the password beforehand if it is not ASCII.
pub fn long_term_key(username: &[u8], realm: &[u8], password: &[u8]) -> [u8; 16] {
    let mut h = Md5::new();
    h.update(username);
    h.update(b":");
    h.update(realm);
    h.update(b":");
    h.update(password);
    h.finalize().into()
}

/// The MS-TURN long-term key as libnice computes it (`stun_hash_creds`):
/// surrounding double quotes and trailing NULs are stripped from each part
/// before [`long_term_key`] (the Teams REALM is `"rtcmedia"` with quotes).
pub fn ms_turn_long_term_key(username: &[u8], realm: &[u8], password: &[u8]) -> [u8; 16] {
    fn strip(mut s: &[u8]) -> &[u8] {
        while let [rest @ .., 0] = s {
            s = rest;
        }
        if let [b'"', inner @ .., b'"'] = s {
            s = inner;
        }
        s
    }
    long_term_key(strip(username), strip(realm), strip(password))
}

fn hmac_sha1(key: &[u8], parts: &[&[u8]], pad_to_block: bool) -> Option<[u8; 20]> {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).ok()?;
    let mut total = 0usize;
    for p in parts {
        mac.update(p);
        total += p.len();
    }
    if pad_to_block {
        let pad = (HMAC_BLOCK - total % HMAC_BLOCK) % HMAC_BLOCK;
        mac.update(&[0u8; HMAC_BLOCK][..pad]);
    }
    Some(mac.finalize().into_bytes().into())
}

/// Verify MESSAGE-INTEGRITY of `msg` (decoded from `raw`) with `key`: the
/// password for short-term credentials, [`long_term_key`] for long-term ones.
/// Tries, in dialect order, the RFC 5389 form (adjusted length, no padding),
/// the MS-TURN / RFC 3489 form (adjusted length, 64-byte zero padding) and the
/// MS-ICE2 form (wire length, 64-byte zero padding); `Valid` if any matches.
pub fn verify_integrity(raw: &[u8], msg: &StunMessage, key: &[u8]) -> IntegrityCheck {
    let Some(mi) = msg
        .attributes
        .iter()
        .find(|a| a.kind == AttrKind::MessageIntegrity)
    else {
        return IntegrityCheck::Absent;
    };
    let mac = mi.raw(msg);
    if mac.len() != MI_SHA1_LEN {
        return IntegrityCheck::Unsupported;
    }
    let offset = mi.offset();
    let (Some(head), Some(rest)) = (raw.get(..2), raw.get(4..offset)) else {
        return IntegrityCheck::Unsupported;
    };
    let Ok(adjusted) = u16::try_from(offset - HEADER_LEN + TLV_HEADER_LEN + MI_SHA1_LEN) else {
        return IntegrityCheck::Unsupported;
    };
    let wire = msg.length;
    let forms: [(u16, bool); 3] = match msg.dialect {
        Dialect::Rfc5389 => [(adjusted, false), (wire, true), (adjusted, true)],
        _ => [(adjusted, true), (wire, true), (adjusted, false)],
    };
    for (len, pad) in forms {
        let len = len.to_be_bytes();
        if hmac_sha1(key, &[head, &len, rest], pad).is_some_and(|h| h[..] == mac[..]) {
            return IntegrityCheck::Valid;
        }
    }
    IntegrityCheck::Invalid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc5769_long_term_key() {
        let key = long_term_key(
            "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}".as_bytes(),
            b"example.org",
            b"TheMatrIX",
        );
        assert_eq!(
            key,
            [
                0xe8, 0xca, 0x7a, 0xd5, 0x9d, 0x5e, 0xb0, 0x51, 0x8e, 0x31, 0x29, 0x11, 0xd2, 0xda,
                0xb2, 0xa9
            ]
        );
    }

    #[test]
    fn ms_key_strips_quotes_and_nuls() {
        assert_eq!(
            ms_turn_long_term_key(b"user\0", b"\"rtcmedia\"", b"pw"),
            long_term_key(b"user", b"rtcmedia", b"pw")
        );
    }

    #[test]
    fn fingerprint_needs_bytes() {
        assert_eq!(expected_fingerprint(&[0u8; 10], 20), None);
        assert_eq!(
            check_fingerprint(&[0u8; 10], 20, &[0, 0, 0, 0]),
            FingerprintStatus::Bad
        );
    }
}
