//! MESSAGE-INTEGRITY verification of the decoded STUN messages with the
//! long-term credentials the user gave (`--credential`).
//!
//! The protocol layer keeps no message bytes, so the bytes the HMAC covers
//! are rebuilt from the decoded message: the header (type, length,
//! transaction id) and every attribute before MESSAGE-INTEGRITY at its
//! recorded offset, with zero padding. Senders that pad with non-zero bytes
//! (allowed by RFC 5389 §15, rare in practice) therefore verify as invalid.
//!
//! A request is checked when its USERNAME and REALM match a credential; a
//! response carrying MESSAGE-INTEGRITY is checked with the key of the request
//! it answers (same flow and transaction id). Keys are RFC 5389 §15.4
//! `MD5(user:realm:password)`, or the MS-TURN variant for MS-TURN messages.
//! Pure: results are keyed by the index in `ProtoAnalysis::messages`; the
//! driver writes each verdict onto its [`edgecap_proto::StunRecord`].

use std::collections::{BTreeMap, HashMap};

use super::credentials::Credential;
use edgecap_net::FlowId;
use edgecap_proto::stun::{
    long_term_key, ms_turn_long_term_key, verify_integrity, AttrKind, Class, Dialect,
    IntegrityCheck, StunMessage,
};
use edgecap_proto::{ProtoAnalysis, ProtoMsg, StunRecord};

pub use edgecap_proto::stun::record::Integrity;

/// Verification results by message index (only messages that were checked).
pub type IntegrityResults = BTreeMap<usize, Integrity>;

/// The bytes MESSAGE-INTEGRITY covers, rebuilt from `msg` (header and the
/// attributes before it, zero padding); `None` without MESSAGE-INTEGRITY.
pub fn rebuild_prefix(msg: &StunMessage) -> Option<Vec<u8>> {
    let mi = msg.attr(AttrKind::MessageIntegrity)?;
    let mut raw = vec![0u8; mi.offset().max(20)];
    raw[..2].copy_from_slice(&msg.msg_type.raw.to_be_bytes());
    raw[2..4].copy_from_slice(&msg.length.to_be_bytes());
    raw[4..20].copy_from_slice(&msg.txid());
    for a in msg
        .attributes
        .iter()
        .take_while(|a| a.offset() < mi.offset())
    {
        let value = a.raw(msg);
        let end = a.offset() + 4 + value.len();
        let (Some(dst), Ok(len)) = (raw.get_mut(a.offset()..end), u16::try_from(value.len()))
        else {
            return None;
        };
        dst[..2].copy_from_slice(&a.typ.to_be_bytes());
        dst[2..4].copy_from_slice(&len.to_be_bytes());
        dst[4..].copy_from_slice(value);
    }
    Some(raw)
}

fn key_for(msg: &StunMessage, c: &Credential) -> [u8; 16] {
    let user = msg.username().unwrap_or_default();
    let realm = msg.realm().unwrap_or_default();
    let pw = c.password.as_bytes();
    match msg.dialect {
        Dialect::MsTurn => ms_turn_long_term_key(user, realm, pw),
        _ => long_term_key(user, realm, pw),
    }
}

fn check(r: &StunRecord, key: &[u8]) -> Integrity {
    let Some(raw) = rebuild_prefix(&r.msg) else {
        return Integrity::Absent;
    };
    match verify_integrity(&raw, &r.msg, key) {
        IntegrityCheck::Valid => Integrity::Valid,
        IntegrityCheck::Invalid => Integrity::Invalid,
        IntegrityCheck::Absent => Integrity::Absent,
        IntegrityCheck::Unsupported => Integrity::Present,
    }
}

/// Checks every STUN message of `proto` that a credential applies to.
pub fn verify_all(proto: &ProtoAnalysis, credentials: &[Credential]) -> IntegrityResults {
    let mut out = IntegrityResults::new();
    if credentials.is_empty() {
        return out;
    }
    let mut keys: HashMap<(FlowId, [u8; 16]), [u8; 16]> = HashMap::new();
    for (i, d) in proto.messages.iter().enumerate() {
        let ProtoMsg::Stun(r) = &d.msg else {
            continue;
        };
        let m = &r.msg;
        if m.integrity().is_none() {
            continue;
        }
        let txn = (r.flow, m.txid());
        match (m.msg_type.class, m.username(), m.realm()) {
            (Class::Request | Class::Indication, Some(user), Some(realm)) => {
                let lenient = m.dialect == Dialect::MsTurn;
                let mut verdict = None;
                for c in credentials
                    .iter()
                    .filter(|c| c.matches(user, realm, lenient))
                {
                    let key = key_for(m, c);
                    let v = check(r, &key);
                    if verdict.is_none() || v == Integrity::Valid {
                        keys.insert(txn, key);
                        verdict = Some(v);
                    }
                    if v == Integrity::Valid {
                        break;
                    }
                }
                if let Some(v) = verdict {
                    out.insert(i, v);
                }
            }
            (Class::Success | Class::Error, _, _) => {
                if let Some(key) = keys.get(&txn) {
                    out.insert(i, check(r, key));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgecap_proto::stun::decode;

    /// RFC 5769 §2.4: request with long-term authentication.
    const RFC5769_LONG_TERM: &[u8] = b"\x00\x01\x00\x60\x21\x12\xa4\x42\
\x78\xad\x34\x33\xc6\xad\x72\xc0\x29\xda\x41\x2e\
\x00\x06\x00\x12\
\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9\x00\x00\
\x00\x15\x00\x1c\
\x66\x2f\x2f\x34\x39\x39\x6b\x39\x35\x34\x64\x36\x4f\x4c\x33\x34\x6f\x4c\x39\x46\x53\x54\x76\x79\
\x36\x34\x73\x41\
\x00\x14\x00\x0b\x65\x78\x61\x6d\x70\x6c\x65\x2e\x6f\x72\x67\x00\
\x00\x08\x00\x14\xf6\x70\x24\x65\x6d\xd6\x4a\x3e\x02\xb8\xe0\x71\x2e\x85\xc9\xa2\x8c\xa8\x96\x66";

    #[test]
    fn rebuilt_prefix_verifies_rfc5769_long_term_vector() {
        let msg = decode(RFC5769_LONG_TERM).expect("stun");
        let raw = rebuild_prefix(&msg).expect("has MI");
        let mi = msg.integrity().expect("mi");
        assert_eq!(&raw[..], &RFC5769_LONG_TERM[..mi.offset]);
        let user = msg.username().expect("user");
        let key = long_term_key(user, b"example.org", b"TheMatrIX");
        assert_eq!(verify_integrity(&raw, &msg, &key), IntegrityCheck::Valid);
        let bad = long_term_key(user, b"example.org", b"wrong");
        assert_eq!(verify_integrity(&raw, &msg, &bad), IntegrityCheck::Invalid);
    }

    #[test]
    fn no_prefix_without_integrity() {
        let mut m = decode(RFC5769_LONG_TERM).expect("stun");
        m.attributes = m
            .attributes
            .iter()
            .filter(|a| a.kind != AttrKind::MessageIntegrity)
            .copied()
            .collect();
        assert_eq!(rebuild_prefix(&m), None);
        assert_eq!(Integrity::Valid.as_str(), "valid");
    }
}
