//! Hand-built STUN, TURN and MS-TURN messages and their stream framings, with
//! the byte layouts of docs/protocols.md §1–§5: RFC 5389 padded and MS-TURN
//! unpadded attribute walks, ERROR-CODE, MESSAGE-INTEGRITY in the RFC 5389
//! form and the MS-TURN form (adjusted length, hashed text zero-padded to 64
//! bytes), FINGERPRINT, RFC 4571 and MS-TURN TCP frames, TURN ChannelData,
//! and the exact pseudo-TLS records of MS-TURN on TCP 443.
//!
//! Everything returns owned bytes exactly as they go on the wire; nothing
//! here decodes or validates (a caller may build deliberately wrong
//! messages). Used by the protocol layer's tests and by the sample-capture
//! generator ([`super::samples`]).
//!
//! ```
//! use edgecap_proto::stun::{decode, ms_turn_long_term_key, verify_integrity, IntegrityCheck};
//! use edgecap_testkit::stun::{self as s, Integrity};
//!
//! let key = ms_turn_long_term_key(b"\x01user", b"\"rtcmedia\"", b"pw");
//! let attrs = [s::ms_magic_cookie(), s::u32_attr(0x8008, 2)];
//! let msg = s::ms(0x0003, &s::ms_txid(1), &attrs).integrity(Integrity::MsTurn, &key).bytes();
//! let m = decode(&msg).unwrap();
//! assert_eq!(verify_integrity(&msg, &m, &key), IntegrityCheck::Valid);
//! ```

use edgecap_proto::stun::{encode_address, FINGERPRINT_XOR, MAGIC_COOKIE, MS_TURN_MAGIC};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::net::SocketAddr;

/// Length of a STUN header.
const HEADER_LEN: usize = 20;
/// HMAC-SHA1 output length (MESSAGE-INTEGRITY value).
const MI_LEN: usize = 20;
/// RFC 3489 / MS-TURN hashed-text block (docs/protocols.md §4.5).
const HMAC_BLOCK: usize = 64;

/// An RFC 5389 transaction id field: the cookie then 12 bytes of `n`.
pub fn rfc_txid(n: u8) -> [u8; 16] {
    let mut t = [n; 16];
    t[..4].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
    t
}

/// A cookieless (OCS 2007 style) 128-bit MS-TURN transaction id: 16 bytes of
/// `n | 0x80` (never the RFC cookie).
pub fn ms_txid(n: u8) -> [u8; 16] {
    [n | 0x80; 16]
}

/// An RFC transaction id field from a 12-byte id.
pub fn rfc_txid_from(id: [u8; 12]) -> [u8; 16] {
    let mut t = [0u8; 16];
    t[..4].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
    t[4..].copy_from_slice(&id);
    t
}

/// How the builder pads attribute values: to 4 bytes (RFC 5389, MS-ICE2
/// padded) or not at all (MS-TURN, older MS-ICE2). The builder's own choice,
/// independent of the decoder's `Padding`, so tests cannot share its bugs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    /// Values padded with zeros to a multiple of 4 bytes.
    Padded,
    /// Values written back to back.
    Unpadded,
}

impl Padding {
    fn pad(self, len: usize) -> usize {
        match self {
            Padding::Padded => (4 - len % 4) % 4,
            Padding::Unpadded => 0,
        }
    }
}

/// One message from header fields and TLVs, each value followed by
/// `padding`'s pad bytes (zeros); the header length covers the padded body.
pub fn build(typ: u16, txid: &[u8; 16], attrs: &[(u16, Vec<u8>)], padding: Padding) -> Vec<u8> {
    let mut body = Vec::new();
    for (t, v) in attrs {
        body.extend_from_slice(&t.to_be_bytes());
        body.extend_from_slice(&(v.len() as u16).to_be_bytes());
        body.extend_from_slice(v);
        body.resize(body.len() + padding.pad(v.len()), 0);
    }
    let mut m = typ.to_be_bytes().to_vec();
    m.extend_from_slice(&(body.len() as u16).to_be_bytes());
    m.extend_from_slice(txid);
    m.extend_from_slice(&body);
    m
}

/// How MESSAGE-INTEGRITY is computed (docs/protocols.md §4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Integrity {
    /// RFC 5389 §15.4: header length adjusted to end after MI, no padding.
    Rfc5389,
    /// MS-TURN / RFC 3489 (libnice OC2007): adjusted length, hashed text
    /// zero-padded to a multiple of 64 bytes.
    MsTurn,
}

/// A message being built: header fields plus attributes already encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    bytes: Vec<u8>,
    padding: Padding,
}

/// Start an RFC 5389 (padded) message.
pub fn rfc(typ: u16, txid: &[u8; 16], attrs: &[(u16, Vec<u8>)]) -> Message {
    Message {
        bytes: build(typ, txid, attrs, Padding::Padded),
        padding: Padding::Padded,
    }
}

/// Start an MS-TURN (unpadded) message; put [`ms_magic_cookie`] first in
/// `attrs` for a TURN control message.
pub fn ms(typ: u16, txid: &[u8; 16], attrs: &[(u16, Vec<u8>)]) -> Message {
    Message {
        bytes: build(typ, txid, attrs, Padding::Unpadded),
        padding: Padding::Unpadded,
    }
}

impl Message {
    fn set_len(&mut self, len: usize) {
        let len = u16::try_from(len).expect("STUN message under 64 KiB");
        self.bytes[2..4].copy_from_slice(&len.to_be_bytes());
    }

    /// Append one attribute (padded according to the message's dialect).
    pub fn attr(mut self, typ: u16, value: &[u8]) -> Self {
        self.bytes.extend_from_slice(&typ.to_be_bytes());
        self.bytes
            .extend_from_slice(&(value.len() as u16).to_be_bytes());
        self.bytes.extend_from_slice(value);
        let pad = self.padding.pad(value.len());
        self.bytes.resize(self.bytes.len() + pad, 0);
        let len = self.bytes.len() - HEADER_LEN;
        self.set_len(len);
        self
    }

    /// Append MESSAGE-INTEGRITY computed with `key` (the long-term key, e.g.
    /// from `proto::stun::ms_turn_long_term_key`, or a short-term password).
    pub fn integrity(mut self, form: Integrity, key: &[u8]) -> Self {
        let len = self.bytes.len() - HEADER_LEN + 4 + MI_LEN;
        self.set_len(len);
        let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(&self.bytes);
        if form == Integrity::MsTurn {
            let pad = (HMAC_BLOCK - self.bytes.len() % HMAC_BLOCK) % HMAC_BLOCK;
            mac.update(&[0u8; HMAC_BLOCK][..pad]);
        }
        let hmac = mac.finalize().into_bytes();
        self.bytes.extend_from_slice(&0x0008u16.to_be_bytes());
        self.bytes.extend_from_slice(&(MI_LEN as u16).to_be_bytes());
        self.bytes.extend_from_slice(&hmac);
        self
    }

    /// Append FINGERPRINT (RFC 5389 §15.5); `corrupt` flips its low bit so it
    /// checks as bad.
    pub fn fingerprint(mut self, corrupt: bool) -> Self {
        let len = self.bytes.len() - HEADER_LEN + 8;
        self.set_len(len);
        let crc = crc32fast::hash(&self.bytes) ^ FINGERPRINT_XOR ^ u32::from(corrupt);
        self.bytes.extend_from_slice(&0x8028u16.to_be_bytes());
        self.bytes.extend_from_slice(&4u16.to_be_bytes());
        self.bytes.extend_from_slice(&crc.to_be_bytes());
        self
    }

    /// The finished message.
    pub fn bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// A 32-bit attribute value.
pub fn u32_attr(typ: u16, v: u32) -> (u16, Vec<u8>) {
    (typ, v.to_be_bytes().to_vec())
}

/// MS-TURN MAGIC-COOKIE attribute 0x000F = 0x72C64BC6 (docs/protocols.md §1.4).
pub fn ms_magic_cookie() -> (u16, Vec<u8>) {
    u32_attr(0x000F, MS_TURN_MAGIC)
}

/// An address attribute: plain when `key` is `None`, XOR-encoded with header
/// bytes 4..20 (`txid`) otherwise (docs/protocols.md §3).
pub fn addr_attr(typ: u16, addr: SocketAddr, xor_key: Option<&[u8; 16]>) -> (u16, Vec<u8>) {
    (typ, encode_address(addr, xor_key))
}

/// An ERROR-CODE value: class, number, reason phrase as given (no padding).
pub fn error_code(code: u16, reason: &str) -> Vec<u8> {
    let mut v = vec![0, 0, (code / 100) as u8, (code % 100) as u8];
    v.extend_from_slice(reason.as_bytes());
    v
}

/// An MS-TURN TCP frame (docs/protocols.md §5.2): `kind` 2 = control message,
/// 3 = end-to-end data, reserved 0, 16-bit length of what follows.
pub fn ms_frame(kind: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![kind, 0];
    f.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// An RFC 4571 record: 16-bit length, then the payload.
pub fn rfc4571(payload: &[u8]) -> Vec<u8> {
    let mut f = (payload.len() as u16).to_be_bytes().to_vec();
    f.extend_from_slice(payload);
    f
}

/// A TURN ChannelData message; `pad` to a multiple of 4 as over TCP
/// (RFC 5766 §11.5).
pub fn channel_data(channel: u16, payload: &[u8], pad: bool) -> Vec<u8> {
    let mut f = channel.to_be_bytes().to_vec();
    f.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    f.extend_from_slice(payload);
    if pad {
        f.resize(f.len().div_ceil(4) * 4, 0);
    }
    f
}

/// The 50-byte pseudo-TLS ClientHello of MS-TURN on TCP 443, byte for byte
/// libnice's `SSL_CLIENT_MSOC_HANDSHAKE` (docs/protocols.md §5.3).
pub const PSEUDO_TLS_CLIENT_HELLO: [u8; 50] = [
    0x16, 0x03, 0x01, 0x00, 0x2d, // record: handshake, TLS 1.0, length 45
    0x01, 0x00, 0x00, 0x29, // ClientHello, length 41
    0x03, 0x01, // client_version TLS 1.0
    0xc1, 0xfc, 0xd5, 0xa3, 0x6d, 0x93, 0xdd, 0x7e, 0x0b, 0x45, 0x67, 0x3f, 0xec, 0x79, 0x85,
    0xfb, // random (constant in libnice) …
    0xbc, 0x3f, 0xd6, 0x60, 0xc2, 0xce, 0x84, 0x85, 0x08, 0x1b, 0x81, 0x21, 0xbc, 0xaa, 0x10,
    0xfb, // … 32 bytes
    0x00, // session id length 0
    0x00, 0x02, 0x00, 0x18, // one cipher suite: TLS_DH_anon_WITH_RC4_128_MD5
    0x01, 0x00, // one compression method: null
];

/// The 83-byte pseudo-TLS ServerHello + ServerHelloDone record (one TLS
/// record, docs/protocols.md §5.3) with the given server random and session id.
pub fn pseudo_tls_server_hello(random: &[u8; 32], session_id: &[u8; 32]) -> Vec<u8> {
    let mut r = vec![
        0x16, 0x03, 0x01, 0x00, 0x4e, 0x02, 0x00, 0x00, 0x46, 0x03, 0x01,
    ];
    r.extend_from_slice(random);
    r.push(0x20);
    r.extend_from_slice(session_id);
    r.extend_from_slice(&[0x00, 0x18, 0x00, 0x0e, 0x00, 0x00, 0x00]);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgecap_proto::stun::pseudo_tls::{match_client_hello, match_server_hello, Match};
    use edgecap_proto::stun::{
        decode, long_term_key, ms_turn_long_term_key, verify_integrity, Dialect, FingerprintStatus,
        IntegrityCheck,
    };

    #[test]
    fn ms_turn_integrity_verifies_in_both_header_forms() {
        let user = [0x01, 0xFE, 0x00, 0x7F, 0x80];
        let key = ms_turn_long_term_key(&user, b"\"rtcmedia\"", b"pw");
        for txid in [rfc_txid(3), ms_txid(3)] {
            let attrs = [
                ms_magic_cookie(),
                (0x0006, user.to_vec()),
                (0x0015, b"\"rtcmedia\"".to_vec()),
            ];
            let b = ms(0x0003, &txid, &attrs)
                .integrity(Integrity::MsTurn, &key)
                .bytes();
            let m = decode(&b).expect("decodes");
            assert_eq!(m.dialect, Dialect::MsTurn);
            assert_eq!(verify_integrity(&b, &m, &key), IntegrityCheck::Valid);
            let other = ms_turn_long_term_key(&user, b"\"rtcmedia\"", b"px");
            assert_eq!(verify_integrity(&b, &m, &other), IntegrityCheck::Invalid);
        }
    }

    #[test]
    fn rfc_integrity_and_fingerprint() {
        let key = long_term_key(b"alice", b"example.org", b"pw");
        let b = rfc(0x0003, &rfc_txid(4), &[(0x0006, b"alice".to_vec())])
            .integrity(Integrity::Rfc5389, &key)
            .fingerprint(false)
            .bytes();
        let m = decode(&b).expect("decodes");
        assert_eq!(m.fingerprint(), Some(FingerprintStatus::Good));
        assert_eq!(verify_integrity(&b, &m, &key), IntegrityCheck::Valid);
        let bad = rfc(0x0001, &rfc_txid(5), &[]).fingerprint(true).bytes();
        assert_eq!(
            decode(&bad).expect("decodes").fingerprint(),
            Some(FingerprintStatus::Bad)
        );
    }

    #[test]
    fn pseudo_tls_records_match_the_recogniser() {
        assert_eq!(match_client_hello(&PSEUDO_TLS_CLIENT_HELLO), Match::Yes);
        let s = pseudo_tls_server_hello(&[7; 32], &[9; 32]);
        assert_eq!(s.len(), 83);
        assert_eq!(match_server_hello(&s), Match::Yes);
    }
}
