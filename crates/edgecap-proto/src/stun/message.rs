//! The owned, typed [`StunMessage`] and [`decode`], the pure total decoder for
//! one STUN / TURN / MS-TURN message.
//!
//! `decode` classifies the dialect (`dialect.rs`), walks the attributes with
//! the dialect's padding (`wire.rs`), resolves and decodes each value
//! (`attr.rs`, `value.rs`) and checks FINGERPRINT (`integrity.rs`). It returns
//! `Err` only when the bytes are not a STUN message at all (too short, top
//! bits set, or shorter than the header announces); everything malformed
//! inside a message becomes a [`StunAnomaly`] and the rest still decodes.
//! Invariants: attributes are in wire order, at most `MAX_ATTRIBUTES`; every
//! `Attribute::offset` + 4 + value length lies inside the message.
//!
//! Memory: a message keeps its bytes once (one allocation, 20 + length bytes)
//! plus one 12-byte [`Attribute`] per attribute (a second allocation); raw
//! values are slices of those bytes and typed values are decoded on demand, so
//! a capture's worth of kept messages stays small.

use std::fmt;
use std::net::SocketAddr;

use super::anomaly::{StunAnomaly, StunAnomalyKind};
use super::attr::{AttrKind, Attribute};
use super::dialect::{classify, Dialect, MAX_DEMUX_METHOD};
use super::error_code::ErrorCode;
use super::integrity::{check_fingerprint, FingerprintStatus, IntegrityInfo};
use super::msg_type::{rfc_method_bits, MessageType};
use super::value::{decode_value, AttrValue, ValueError};
use super::wire::{
    AttrIter, Header, Padding, WalkError, HEADER_LEN, MAX_ATTRIBUTES, TLV_HEADER_LEN,
};

/// One decoded STUN, TURN or MS-TURN message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StunMessage {
    /// The dialect the message was classified as.
    pub dialect: Dialect,
    /// The attribute padding used to walk it.
    pub padding: Padding,
    /// Type, class and method.
    pub msg_type: MessageType,
    /// The header length field (bytes after the header).
    pub length: u16,
    /// Whether header bytes 4..8 are the RFC 5389 magic cookie.
    pub cookie_present: bool,
    /// The attributes, in wire order.
    pub attributes: Box<[Attribute]>,
    /// Problems found while decoding.
    pub anomalies: Box<[StunAnomaly]>,
    /// FINGERPRINT check result, when the message has one.
    pub fingerprint: Option<FingerprintStatus>,
    /// The message bytes (20 + length, without trailing bytes).
    bytes: Box<[u8]>,
}

/// Why bytes are not a STUN message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeError {
    kind: DecodeErrorKind,
}

/// The kinds of [`DecodeError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// Fewer than the 20 header bytes.
    TooShort,
    /// The top two bits of the type are not zero (ChannelData, 0xFF10, RTP, …).
    NotStun,
    /// The header announces more bytes than the buffer holds.
    Truncated {
        /// Total bytes the message needs (20 + length).
        needed: usize,
    },
}

impl DecodeError {
    /// What went wrong.
    pub fn kind(&self) -> DecodeErrorKind {
        self.kind
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            DecodeErrorKind::TooShort => write!(f, "shorter than a stun header"),
            DecodeErrorKind::NotStun => write!(f, "top two bits of the message type are set"),
            DecodeErrorKind::Truncated { needed } => {
                write!(f, "stun message truncated, needs {needed} bytes")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decode one message from `bytes` (a UDP payload or a framed TCP record).
/// Bytes after 20 + length are reported as `stun.trailing_bytes`.
pub fn decode(bytes: &[u8]) -> Result<StunMessage, DecodeError> {
    let err = |kind| Err(DecodeError { kind });
    if bytes.len() < HEADER_LEN {
        return err(DecodeErrorKind::TooShort);
    }
    let Some(header) = Header::new_checked(bytes) else {
        return err(DecodeErrorKind::NotStun);
    };
    let end = header.message_len();
    if end > bytes.len() {
        return err(DecodeErrorKind::Truncated { needed: end });
    }
    let raw = &bytes[..end];
    let classified = classify(&header);
    let dialect = classified.dialect;
    let msg_type = MessageType::decode(header.msg_type(), dialect);
    let txid = header.txid128();
    let mut msg = Walk {
        dialect,
        padding: classified.padding,
        msg_type,
        txid,
        attributes: Vec::new(),
        anomalies: Vec::new(),
        fingerprint: None,
    };
    if dialect == Dialect::Rfc5389 && rfc_method_bits(msg_type.raw) > MAX_DEMUX_METHOD {
        msg.note(StunAnomalyKind::ReservedMethod, 0, None);
    }
    walk_attributes(&mut msg, raw, header.body());
    if bytes.len() > end {
        msg.note(StunAnomalyKind::TrailingBytes, end, None);
    }
    Ok(StunMessage {
        dialect,
        padding: classified.padding,
        msg_type,
        length: header.length(),
        cookie_present: header.cookie_present(),
        attributes: msg.attributes.into_boxed_slice(),
        anomalies: msg.anomalies.into_boxed_slice(),
        fingerprint: msg.fingerprint,
        bytes: raw.into(),
    })
}

/// The state of one attribute walk, turned into a [`StunMessage`] at the end.
struct Walk {
    dialect: Dialect,
    padding: Padding,
    msg_type: MessageType,
    txid: [u8; 16],
    attributes: Vec<Attribute>,
    anomalies: Vec<StunAnomaly>,
    fingerprint: Option<FingerprintStatus>,
}

impl Walk {
    fn note(&mut self, kind: StunAnomalyKind, offset: usize, attr_type: Option<u16>) {
        self.anomalies.push(StunAnomaly {
            kind,
            offset,
            attr_type,
        });
    }
}

fn walk_attributes(msg: &mut Walk, raw: &[u8], body: &[u8]) {
    let mut seen_fingerprint = false;
    let mut seen_integrity = false;
    for item in AttrIter::new(body, msg.padding) {
        let ra = match item {
            Ok(ra) => ra,
            Err(WalkError::TruncatedHeader { offset }) => {
                msg.note(StunAnomalyKind::AttrOverrunsMessage, offset, None);
                break;
            }
            Err(WalkError::ValuePastEnd { offset, typ }) => {
                // Like tshark, decode the value from the bytes that are there
                // (a MAPPED-ADDRESS declared 0xFFFF long still has its 8).
                msg.note(StunAnomalyKind::AttrOverrunsMessage, offset, Some(typ));
                let present = body.get(offset - HEADER_LEN + TLV_HEADER_LEN..);
                let value = present.unwrap_or_default();
                let kind = AttrKind::resolve(typ, msg.dialect, &msg.msg_type);
                if msg.attributes.len() < MAX_ATTRIBUTES
                    && decode_value(kind, value, &msg.txid).is_ok()
                {
                    msg.attributes
                        .push(Attribute::new(typ, kind, offset, value.len()));
                }
                break;
            }
            Err(WalkError::PaddingPastEnd { offset, typ }) => {
                msg.note(StunAnomalyKind::AttrPaddingTruncated, offset, Some(typ));
                break;
            }
        };
        if msg.attributes.len() == MAX_ATTRIBUTES {
            msg.note(StunAnomalyKind::TooManyAttributes, ra.offset, Some(ra.typ));
            break;
        }
        let kind = AttrKind::resolve(ra.typ, msg.dialect, &msg.msg_type);
        if seen_fingerprint {
            msg.note(
                StunAnomalyKind::AttrAfterFingerprint,
                ra.offset,
                Some(ra.typ),
            );
        } else if seen_integrity
            && !matches!(
                kind,
                AttrKind::Fingerprint | AttrKind::MessageIntegritySha256
            )
        {
            msg.note(StunAnomalyKind::AttrAfterIntegrity, ra.offset, Some(ra.typ));
        }
        match decode_value(kind, ra.value, &msg.txid) {
            Err(e) => {
                let k = match e {
                    ValueError::BadLength => StunAnomalyKind::AttrBadLength,
                    ValueError::BadFamily(_) => StunAnomalyKind::BadAddressFamily,
                };
                msg.note(k, ra.offset, Some(ra.typ));
            }
            // A 3-byte ERROR-CODE decodes (to class × 100) but is malformed.
            Ok(AttrValue::ErrorCode(_) | AttrValue::AddressErrorCode { .. })
                if !ErrorCode::is_complete(ra.value) =>
            {
                msg.note(StunAnomalyKind::AttrBadLength, ra.offset, Some(ra.typ));
            }
            Ok(_) => {}
        }
        match kind {
            AttrKind::Fingerprint if msg.fingerprint.is_none() => {
                let status = check_fingerprint(raw, ra.offset, ra.value);
                if status == FingerprintStatus::Bad {
                    msg.note(StunAnomalyKind::BadFingerprint, ra.offset, Some(ra.typ));
                }
                msg.fingerprint = Some(status);
                seen_fingerprint = true;
            }
            AttrKind::MessageIntegrity => seen_integrity = true,
            _ => {}
        }
        msg.attributes
            .push(Attribute::new(ra.typ, kind, ra.offset, ra.value.len()));
    }
}

impl StunMessage {
    /// The message bytes as decoded: header and attributes, 20 + `length`
    /// bytes (bytes after them were reported as `stun.trailing_bytes`).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Header bytes 4..20: the 128-bit MS-TURN / RFC 3489 transaction id, or
    /// cookie ‖ 96-bit RFC 5389 transaction id (the XOR key of addresses).
    pub fn txid(&self) -> [u8; 16] {
        let mut id = [0u8; 16];
        if let Some(b) = self.bytes.get(4..HEADER_LEN) {
            id.copy_from_slice(b);
        }
        id
    }

    /// The 12-byte RFC 5389 transaction id (header bytes 8..20).
    pub fn rfc_transaction_id(&self) -> [u8; 12] {
        let mut id = [0u8; 12];
        id.copy_from_slice(&self.txid()[4..]);
        id
    }

    /// The first attribute of `kind`.
    pub fn attr(&self, kind: AttrKind) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.kind == kind)
    }

    /// Raw value of the first attribute of `kind`.
    pub fn attr_raw(&self, kind: AttrKind) -> Option<&[u8]> {
        self.attr(kind).map(|a| a.raw(self))
    }

    fn attr_u32(&self, kind: AttrKind) -> Option<u32> {
        match self.attr(kind)?.value(self) {
            AttrValue::U32(v) => Some(v),
            _ => None,
        }
    }

    fn attr_addr(&self, kind: AttrKind) -> Option<SocketAddr> {
        match self.attr(kind)?.value(self) {
            AttrValue::Address(a) | AttrValue::XorAddress(a) => Some(a),
            _ => None,
        }
    }

    /// ERROR-CODE, if present and well formed.
    pub fn error(&self) -> Option<ErrorCode> {
        match self.attr(AttrKind::ErrorCode)?.value(self) {
            AttrValue::ErrorCode(e) => Some(e),
            _ => None,
        }
    }

    /// The reason phrase of ERROR-CODE as on the wire, if ERROR-CODE is
    /// present and well formed (borrowed, unlike [`StunMessage::error`]).
    pub fn error_reason(&self) -> Option<&[u8]> {
        self.attr_raw(AttrKind::ErrorCode)?.get(4..)
    }

    /// XOR-MAPPED-ADDRESS (0x0020, or 0x8020 in MS-TURN): the reflexive address.
    pub fn xor_mapped_address(&self) -> Option<SocketAddr> {
        self.attr_addr(AttrKind::XorMappedAddress)
    }

    /// Plain MAPPED-ADDRESS 0x0001 whatever it means in this message (in an
    /// MS-TURN Allocate success it is the relayed address).
    pub fn mapped_address(&self) -> Option<SocketAddr> {
        self.attr_addr(AttrKind::MappedAddress)
            .or_else(|| self.attr_addr(AttrKind::MsRelayedAddress))
    }

    /// The relayed address: XOR-RELAYED-ADDRESS (RFC 5766), or MAPPED-ADDRESS
    /// of an MS-TURN Allocate success ([MS-TURN] 2.2.2.1).
    pub fn relayed_address(&self) -> Option<SocketAddr> {
        self.attr_addr(AttrKind::XorRelayedAddress)
            .or_else(|| self.attr_addr(AttrKind::MsRelayedAddress))
    }

    /// XOR-PEER-ADDRESS (RFC dialect 0x0012).
    pub fn xor_peer_address(&self) -> Option<SocketAddr> {
        self.attr_addr(AttrKind::XorPeerAddress)
    }

    /// REMOTE-ADDRESS (MS-TURN 0x0012, decoded plain).
    pub fn remote_address(&self) -> Option<SocketAddr> {
        self.attr_addr(AttrKind::RemoteAddress)
    }

    /// REALM raw bytes (0x0014 RFC, 0x0015 MS-TURN).
    pub fn realm(&self) -> Option<&[u8]> {
        self.attr_raw(AttrKind::Realm)
    }

    /// NONCE raw bytes (0x0015 RFC, 0x0014 MS-TURN).
    pub fn nonce(&self) -> Option<&[u8]> {
        self.attr_raw(AttrKind::Nonce)
    }

    /// USERNAME raw bytes (binary in MS-TURN).
    pub fn username(&self) -> Option<&[u8]> {
        self.attr_raw(AttrKind::Username)
    }

    /// SOFTWARE raw bytes.
    pub fn software(&self) -> Option<&[u8]> {
        self.attr_raw(AttrKind::Software)
    }

    /// LIFETIME in seconds.
    pub fn lifetime(&self) -> Option<u32> {
        self.attr_u32(AttrKind::Lifetime)
    }

    /// MS-VERSION ([MS-TURN] 2.2.2.17).
    pub fn ms_version(&self) -> Option<u32> {
        self.attr_u32(AttrKind::MsVersion)
    }

    /// FINGERPRINT check result, when present.
    pub fn fingerprint(&self) -> Option<FingerprintStatus> {
        self.fingerprint
    }

    /// Position and length of MESSAGE-INTEGRITY, when present.
    pub fn integrity(&self) -> Option<IntegrityInfo> {
        self.attr(AttrKind::MessageIntegrity)
            .map(|a| IntegrityInfo {
                offset: a.offset(),
                len: a.value_len(),
            })
    }

    /// Whether any anomaly of `kind` was recorded.
    pub fn has_anomaly(&self, kind: StunAnomalyKind) -> bool {
        self.anomalies.iter().any(|a| a.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_errors() {
        assert_eq!(
            decode(&[0u8; 19]).map_err(|e| e.kind()),
            Err(DecodeErrorKind::TooShort)
        );
        let mut cd = [0u8; 24];
        cd[0] = 0x40;
        assert_eq!(
            decode(&cd).map_err(|e| e.kind()),
            Err(DecodeErrorKind::NotStun)
        );
        let mut t = [0u8; 20];
        t[1] = 1;
        t[3] = 8;
        let e = decode(&t).expect_err("truncated");
        assert_eq!(e.kind(), DecodeErrorKind::Truncated { needed: 28 });
        assert_eq!(e.to_string(), "stun message truncated, needs 28 bytes");
    }
}
