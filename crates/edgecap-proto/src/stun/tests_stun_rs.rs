//! Cross-check against stun-rs, an independent RFC 5389/8489 implementation:
//! messages it encodes must decode to the values put in, and RFC-dialect
//! messages we build must decode the same in stun-rs. stun-rs is a
//! dev-dependency without its `turn`/`ice` features, so it cannot encode
//! XOR-RELAYED-ADDRESS, LIFETIME or PRIORITY; RFC TURN messages carrying those
//! are hand-built below and stun-rs checks the attributes it does know.

use super::tests_ms_turn::build;
use super::*;
use std::net::SocketAddr;
use stun_rs::attributes::stun as sa;
use stun_rs::{
    Algorithm, AlgorithmId, HMACKey, MessageClass, MessageDecoderBuilder, MessageEncoderBuilder,
    MessageMethod, StunMessageBuilder, TransactionId,
};

const TXID: [u8; 12] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("socket address")
}

fn encode(msg: &stun_rs::StunMessage) -> Vec<u8> {
    let mut buf = vec![0u8; 1500];
    let n = MessageEncoderBuilder::default()
        .build()
        .encode(&mut buf, msg)
        .expect("stun-rs encodes");
    buf.truncate(n);
    buf
}

fn ours(bytes: &[u8]) -> StunMessage {
    let m = decode(bytes).expect("we decode what stun-rs encodes");
    assert_eq!(m.dialect, Dialect::Rfc5389);
    assert_eq!(m.rfc_transaction_id(), TXID);
    assert_eq!(probe(bytes), ProbeResult::Stun(Dialect::Rfc5389));
    assert!(m.anomalies.is_empty(), "{:?}", m.anomalies);
    m
}

#[test]
fn binding_request_short_term_integrity() {
    let key = HMACKey::new_short_term("s3cret-pass").expect("key");
    let msg = StunMessageBuilder::new(stun_rs::methods::BINDING, MessageClass::Request)
        .with_transaction_id(TransactionId::from(TXID))
        .with_attribute(sa::UserName::new("alice:bob").expect("user"))
        .with_attribute(sa::Software::new("edgecap cross-check").expect("software"))
        .with_attribute(sa::MessageIntegrity::new(key))
        .with_attribute(sa::Fingerprint::default())
        .build();
    let b = encode(&msg);
    let m = ours(&b);
    assert_eq!(m.msg_type.describe(), "Binding request");
    assert_eq!(m.username(), Some(&b"alice:bob"[..]));
    assert_eq!(m.software(), Some(&b"edgecap cross-check"[..]));
    assert_eq!(m.fingerprint(), Some(FingerprintStatus::Good));
    assert_eq!(m.integrity().map(|i| i.len), Some(20));
    assert_eq!(
        verify_integrity(&b, &m, b"s3cret-pass"),
        IntegrityCheck::Valid
    );
    assert_eq!(verify_integrity(&b, &m, b"nope"), IntegrityCheck::Invalid);
}

#[test]
fn binding_success_xor_mapped_v4_v6() {
    for a in [
        "192.0.2.1:32853",
        "[2001:db8:1234:5678:11:2233:4455:6677]:32853",
    ] {
        let a = addr(a);
        let msg = StunMessageBuilder::new(stun_rs::methods::BINDING, MessageClass::SuccessResponse)
            .with_transaction_id(TransactionId::from(TXID))
            .with_attribute(sa::XorMappedAddress::from(a))
            .with_attribute(sa::MappedAddress::from(addr("198.51.100.1:1234")))
            .with_attribute(sa::AlternateServer::from(addr("[2001:db8::9]:3478")))
            .with_attribute(sa::Software::new("x").expect("software"))
            .with_attribute(sa::Fingerprint::default())
            .build();
        let b = encode(&msg);
        let m = ours(&b);
        assert_eq!(m.msg_type.describe(), "Binding success");
        assert_eq!(m.xor_mapped_address(), Some(a));
        assert_eq!(m.mapped_address(), Some(addr("198.51.100.1:1234")));
        assert_eq!(
            m.attr(AttrKind::AlternateServer).map(|x| x.value(&m)),
            Some(AttrValue::Address(addr("[2001:db8::9]:3478")))
        );
        assert_eq!(m.software(), Some(&b"x"[..]));
        assert_eq!(m.fingerprint(), Some(FingerprintStatus::Good));
    }
}

#[test]
fn allocate_error_401_realm_nonce() {
    let allocate = MessageMethod::try_from(0x003).expect("method");
    let ec = stun_rs::ErrorCode::new(401, "Unauthorized").expect("error code");
    let msg = StunMessageBuilder::new(allocate, MessageClass::ErrorResponse)
        .with_transaction_id(TransactionId::from(TXID))
        .with_attribute(sa::ErrorCode::new(ec))
        .with_attribute(sa::Realm::new("example.org").expect("realm"))
        .with_attribute(sa::Nonce::new("obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA").expect("nonce"))
        .with_attribute(sa::UnknownAttributes::from(&[0x0019u16, 0x8006][..]))
        .with_attribute(sa::Fingerprint::default())
        .build();
    let b = encode(&msg);
    let m = ours(&b);
    assert_eq!(m.msg_type.describe(), "Allocate error");
    let e = m.error().expect("error");
    assert_eq!(e.code, 401);
    assert_eq!(&e.reason[..], b"Unauthorized");
    assert_eq!(m.realm(), Some(&b"example.org"[..]));
    assert_eq!(
        m.nonce(),
        Some(&b"obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"[..])
    );
    assert_eq!(
        m.attr(AttrKind::UnknownAttributes).map(|a| a.value(&m)),
        Some(AttrValue::AttributeList(vec![0x0019, 0x8006]))
    );
    assert_eq!(m.fingerprint(), Some(FingerprintStatus::Good));
}

#[test]
fn allocate_success_long_term_integrity() {
    let allocate = MessageMethod::try_from(0x003).expect("method");
    let alg = Algorithm::from(AlgorithmId::MD5);
    let key = HMACKey::new_long_term("user", "example.org", "pass", alg).expect("key");
    let msg = StunMessageBuilder::new(allocate, MessageClass::SuccessResponse)
        .with_transaction_id(TransactionId::from(TXID))
        .with_attribute(sa::XorMappedAddress::from(addr("203.0.113.5:40000")))
        .with_attribute(sa::Software::new("coturn-4.6").expect("software"))
        .with_attribute(sa::MessageIntegrity::new(key))
        .with_attribute(sa::Fingerprint::default())
        .build();
    let b = encode(&msg);
    let m = ours(&b);
    assert_eq!(m.msg_type.describe(), "Allocate success");
    assert_eq!(m.xor_mapped_address(), Some(addr("203.0.113.5:40000")));
    assert_eq!(m.relayed_address(), None);
    let k = long_term_key(b"user", b"example.org", b"pass");
    assert_eq!(verify_integrity(&b, &m, &k), IntegrityCheck::Valid);
}

/// Our RFC-dialect builder's bytes decode the same in stun-rs (XOR-MAPPED,
/// SOFTWARE with padding); stun-rs rejects unpadded MS-TURN, which is why
/// the decoder is our own.
#[test]
fn stun_rs_reads_our_rfc_bytes_and_rejects_ms_turn() {
    let mut txid = [0u8; 16];
    txid[..4].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
    txid[4..].copy_from_slice(&TXID);
    let a = addr("[2001:db8::77]:61000");
    let b = build(
        0x0101,
        &txid,
        &[
            (0x8022, b"abc".to_vec()),
            (0x0020, encode_address(a, Some(&txid))),
        ],
        Padding::Padded,
    );
    let (theirs, n) = MessageDecoderBuilder::default()
        .build()
        .decode(&b)
        .expect("stun-rs decodes");
    assert_eq!(n, b.len());
    let x = theirs
        .get::<sa::XorMappedAddress>()
        .and_then(|x| x.as_xor_mapped_address().ok())
        .map(|x| *x.socket_address());
    assert_eq!(x, Some(a));
    assert_eq!(decode(&b).expect("ours").xor_mapped_address(), Some(a));

    let mut ec = vec![0, 0, 4, 1];
    ec.extend_from_slice(b"Unauthorized!");
    let ms = build(
        0x0113,
        &txid,
        &[
            (0x000F, MS_TURN_MAGIC.to_be_bytes().to_vec()),
            (0x0009, ec),
            (0x0015, b"\"rtcmedia\"".to_vec()),
        ],
        Padding::Unpadded,
    );
    assert!(MessageDecoderBuilder::default()
        .build()
        .decode(&ms)
        .is_err());
    let m = decode(&ms).expect("ours");
    assert_eq!(m.dialect, Dialect::MsTurn);
    assert_eq!(m.realm(), Some(&b"\"rtcmedia\""[..]));
}

/// RFC 5766 TURN messages, hand-built in the RFC dialect (padded).
#[test]
fn rfc_turn_messages_hand_built() {
    let mut txid = [0u8; 16];
    txid[..4].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
    txid[4..].copy_from_slice(&TXID);
    let relayed = addr("203.0.113.50:49152");
    let mapped = addr("198.51.100.2:61000");
    let b = build(
        0x0103,
        &txid,
        &[
            (0x0016, encode_address(relayed, Some(&txid))),
            (0x000D, 600u32.to_be_bytes().to_vec()),
            (0x0020, encode_address(mapped, Some(&txid))),
            (0x8022, b"Coturn-4.5.2".to_vec()),
        ],
        Padding::Padded,
    );
    let m = ours(&b);
    assert_eq!(m.msg_type.describe(), "Allocate success");
    assert_eq!(m.relayed_address(), Some(relayed));
    assert_eq!(m.lifetime(), Some(600));
    assert_eq!(m.xor_mapped_address(), Some(mapped));
    assert_eq!(m.mapped_address(), None);
    // stun-rs skips the TURN attributes it was built without but agrees on the rest.
    let (theirs, _) = MessageDecoderBuilder::default()
        .build()
        .decode(&b)
        .expect("stun-rs decodes");
    let x = theirs
        .get::<sa::XorMappedAddress>()
        .and_then(|x| x.as_xor_mapped_address().ok())
        .map(|x| *x.socket_address());
    assert_eq!(x, Some(mapped));

    let peer = addr("[2001:db8::5]:5000");
    let data_ind = build(
        0x0017,
        &txid,
        &[
            (0x0012, encode_address(peer, Some(&txid))),
            (0x0013, vec![0x80, 0x00, 0x01]),
        ],
        Padding::Padded,
    );
    let m = ours(&data_ind);
    assert_eq!(m.msg_type.describe(), "Data indication");
    assert_eq!(m.xor_peer_address(), Some(peer));
    assert_eq!(m.remote_address(), None);
    assert_eq!(m.attr_raw(AttrKind::Data), Some(&[0x80u8, 0x00, 0x01][..]));

    let bind = build(
        0x0009,
        &txid,
        &[
            (0x000C, vec![0x40, 0x01, 0x00, 0x00]),
            (0x0012, encode_address(peer, Some(&txid))),
        ],
        Padding::Padded,
    );
    let m = ours(&bind);
    assert_eq!(m.msg_type.describe(), "ChannelBind request");
    assert_eq!(
        m.attr(AttrKind::ChannelNumber).map(|a| a.value(&m)),
        Some(AttrValue::U16(0x4001))
    );

    let refresh = build(
        0x0004,
        &txid,
        &[
            (0x000D, 0u32.to_be_bytes().to_vec()),
            (0x0019, vec![17, 0, 0, 0]),
        ],
        Padding::Padded,
    );
    let m = ours(&refresh);
    assert_eq!(m.msg_type.describe(), "Refresh request");
    assert_eq!(m.lifetime(), Some(0));
    assert_eq!(
        m.attr(AttrKind::RequestedTransport).map(|a| a.value(&m)),
        Some(AttrValue::Transport(17))
    );
}
