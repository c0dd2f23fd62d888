//! RFC 5769 test vectors (bytes as in RFC 5769 §2.1–§2.4 / pion/stun
//! `rfc5769_test.go`), malformed variants of them, and prefix/probe checks.

use super::*;

/// RFC 5769 §2.1 sample request (short-term, USERNAME "evtj:h6vY").
pub(crate) const REQUEST: &[u8] = b"\x00\x01\x00\x58\x21\x12\xa4\x42\
\xb7\xe7\xa7\x01\xbc\x34\xd6\x86\xfa\x87\xdf\xae\
\x80\x22\x00\x10STUN test client\
\x00\x24\x00\x04\x6e\x00\x01\xff\
\x80\x29\x00\x08\x93\x2f\xf9\xb1\x51\x26\x3b\x36\
\x00\x06\x00\x09\x65\x76\x74\x6a\x3a\x68\x36\x76\x59\x20\x20\x20\
\x00\x08\x00\x14\x9a\xea\xa7\x0c\xbf\xd8\xcb\x56\x78\x1e\xf2\xb5\xb2\xd3\xf2\x49\xc1\xb5\x71\xa2\
\x80\x28\x00\x04\xe5\x7a\x3b\xcf";

/// RFC 5769 §2.2 sample IPv4 response.
pub(crate) const RESPONSE_V4: &[u8] = b"\x01\x01\x00\x3c\x21\x12\xa4\x42\
\xb7\xe7\xa7\x01\xbc\x34\xd6\x86\xfa\x87\xdf\xae\
\x80\x22\x00\x0b\x74\x65\x73\x74\x20\x76\x65\x63\x74\x6f\x72\x20\
\x00\x20\x00\x08\x00\x01\xa1\x47\xe1\x12\xa6\x43\
\x00\x08\x00\x14\x2b\x91\xf5\x99\xfd\x9e\x90\xc3\x8c\x74\x89\xf9\x2a\xf9\xba\x53\xf0\x6b\xe7\xd7\
\x80\x28\x00\x04\xc0\x7d\x4c\x96";

/// RFC 5769 §2.3 sample IPv6 response.
const RESPONSE_V6: &[u8] = b"\x01\x01\x00\x48\x21\x12\xa4\x42\
\xb7\xe7\xa7\x01\xbc\x34\xd6\x86\xfa\x87\xdf\xae\
\x80\x22\x00\x0b\x74\x65\x73\x74\x20\x76\x65\x63\x74\x6f\x72\x20\
\x00\x20\x00\x14\x00\x02\xa1\x47\
\x01\x13\xa9\xfa\xa5\xd3\xf1\x79\xbc\x25\xf4\xb5\xbe\xd2\xb9\xd9\
\x00\x08\x00\x14\xa3\x82\x95\x4e\x4b\xe6\x7b\xf1\x17\x84\xc9\x7c\x82\x92\xc2\x75\xbf\xe3\xed\x41\
\x80\x28\x00\x04\xc8\xfb\x0b\x4c";

/// RFC 5769 §2.4 sample request with long-term authentication.
const LONG_TERM: &[u8] = b"\x00\x01\x00\x60\x21\x12\xa4\x42\
\x78\xad\x34\x33\xc6\xad\x72\xc0\x29\xda\x41\x2e\
\x00\x06\x00\x12\
\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9\x00\x00\
\x00\x15\x00\x1c\
\x66\x2f\x2f\x34\x39\x39\x6b\x39\x35\x34\x64\x36\x4f\x4c\x33\x34\x6f\x4c\x39\x46\x53\x54\x76\x79\
\x36\x34\x73\x41\
\x00\x14\x00\x0b\x65\x78\x61\x6d\x70\x6c\x65\x2e\x6f\x72\x67\x00\
\x00\x08\x00\x14\xf6\x70\x24\x65\x6d\xd6\x4a\x3e\x02\xb8\xe0\x71\x2e\x85\xc9\xa2\x8c\xa8\x96\x66";

const SHORT_TERM_PASSWORD: &[u8] = b"VOkJxbRl1RmTxUk/WvJxBt";

fn ok(bytes: &[u8]) -> StunMessage {
    decode(bytes).expect("vector decodes")
}

#[test]
fn rfc5769_2_1_request() {
    let m = ok(REQUEST);
    assert_eq!(m.dialect, Dialect::Rfc5389);
    assert_eq!(m.padding, Padding::Padded);
    assert!(m.cookie_present);
    assert_eq!(m.msg_type.method, Method::Binding);
    assert_eq!(m.msg_type.class, Class::Request);
    assert_eq!(
        m.rfc_transaction_id(),
        [0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae]
    );
    assert_eq!(&m.txid()[..4], &[0x21, 0x12, 0xa4, 0x42]);
    assert_eq!(m.software(), Some(&b"STUN test client"[..]));
    assert_eq!(m.username(), Some(&b"evtj:h6vY"[..]));
    let kinds: Vec<_> = m.attributes.iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        vec![
            AttrKind::Software,
            AttrKind::Priority,
            AttrKind::IceControlled,
            AttrKind::Username,
            AttrKind::MessageIntegrity,
            AttrKind::Fingerprint
        ]
    );
    assert_eq!(m.attributes[1].value(&m), AttrValue::U32(0x6e0001ff));
    assert_eq!(
        m.attributes[2].value(&m),
        AttrValue::U64(0x932ff9b151263b36)
    );
    assert_eq!(m.fingerprint(), Some(FingerprintStatus::Good));
    assert_eq!(
        m.integrity(),
        Some(IntegrityInfo {
            offset: 76,
            len: 20
        })
    );
    assert!(m.anomalies.is_empty(), "{:?}", m.anomalies);
    assert_eq!(
        verify_integrity(REQUEST, &m, SHORT_TERM_PASSWORD),
        IntegrityCheck::Valid
    );
    assert_eq!(
        verify_integrity(REQUEST, &m, b"wrong"),
        IntegrityCheck::Invalid
    );
    assert_eq!(probe(REQUEST), ProbeResult::Stun(Dialect::Rfc5389));
}

#[test]
fn rfc5769_2_2_ipv4_response() {
    let m = ok(RESPONSE_V4);
    assert_eq!(m.msg_type.describe(), "Binding success");
    assert_eq!(
        m.xor_mapped_address(),
        Some("192.0.2.1:32853".parse().expect("addr"))
    );
    assert_eq!(m.software(), Some(&b"test vector"[..]));
    assert_eq!(m.fingerprint(), Some(FingerprintStatus::Good));
    assert_eq!(
        m.attr(AttrKind::Fingerprint).map(|a| a.value(&m)),
        Some(AttrValue::U32(0xc07d4c96))
    );
    assert!(m.anomalies.is_empty());
    assert_eq!(
        verify_integrity(RESPONSE_V4, &m, SHORT_TERM_PASSWORD),
        IntegrityCheck::Valid
    );
}

#[test]
fn rfc5769_2_3_ipv6_response() {
    let m = ok(RESPONSE_V6);
    assert_eq!(
        m.xor_mapped_address(),
        Some(
            "[2001:db8:1234:5678:11:2233:4455:6677]:32853"
                .parse()
                .expect("addr")
        )
    );
    assert_eq!(m.fingerprint(), Some(FingerprintStatus::Good));
    assert!(m.anomalies.is_empty());
    assert_eq!(
        verify_integrity(RESPONSE_V6, &m, SHORT_TERM_PASSWORD),
        IntegrityCheck::Valid
    );
}

#[test]
fn rfc5769_2_4_long_term_request() {
    let m = ok(LONG_TERM);
    let user = "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}";
    assert_eq!(m.username(), Some(user.as_bytes()));
    assert_eq!(m.realm(), Some(&b"example.org"[..]));
    assert_eq!(m.nonce(), Some(&b"f//499k954d6OL34oL9FSTvy64sA"[..]));
    assert_eq!(m.fingerprint(), None, "§2.4 carries no FINGERPRINT");
    assert!(m.anomalies.is_empty());
    // RFC 5769 §2.4 gives the password as "The<U+00AD>M<U+00AA>tr<U+2168>";
    // SASLprep maps it to "TheMatrIX", which is what the key is built from.
    let key = long_term_key(user.as_bytes(), b"example.org", b"TheMatrIX");
    assert_eq!(verify_integrity(LONG_TERM, &m, &key), IntegrityCheck::Valid);
    let unprepped = long_term_key(
        user.as_bytes(),
        b"example.org",
        "The\u{00AD}M\u{00AA}tr\u{2168}".as_bytes(),
    );
    assert_eq!(
        verify_integrity(LONG_TERM, &m, &unprepped),
        IntegrityCheck::Invalid
    );
}

#[test]
fn bad_fingerprint_is_an_anomaly() {
    let mut b = RESPONSE_V4.to_vec();
    let last = b.len() - 1;
    b[last] ^= 1;
    let m = ok(&b);
    assert_eq!(m.fingerprint(), Some(FingerprintStatus::Bad));
    assert!(m.has_anomaly(StunAnomalyKind::BadFingerprint));
    assert_eq!(m.xor_mapped_address().map(|a| a.port()), Some(32853));
    // Flipping a body byte also breaks MESSAGE-INTEGRITY.
    let mut c = RESPONSE_V4.to_vec();
    c[25] ^= 0x20;
    let m = ok(&c);
    assert_eq!(m.fingerprint(), Some(FingerprintStatus::Bad));
    assert_eq!(
        verify_integrity(&c, &m, SHORT_TERM_PASSWORD),
        IntegrityCheck::Invalid
    );
}

#[test]
fn trailing_bytes_are_reported() {
    let mut b = RESPONSE_V4.to_vec();
    b.extend_from_slice(&[0, 0, 0, 0]);
    let m = ok(&b);
    assert_eq!(m.fingerprint(), Some(FingerprintStatus::Good));
    assert_eq!(m.anomalies.len(), 1);
    assert_eq!(m.anomalies[0].kind.id(), "stun.trailing_bytes");
    assert_eq!(m.anomalies[0].offset, RESPONSE_V4.len());
    assert_eq!(probe(&b), ProbeResult::NotStun);
}

#[test]
fn attr_after_fingerprint_is_reported() {
    let mut b = RESPONSE_V4.to_vec();
    b.extend_from_slice(&[0x00, 0x0D, 0x00, 0x04, 0, 0, 0, 9]);
    b[3] += 8;
    let m = ok(&b);
    assert!(m.has_anomaly(StunAnomalyKind::AttrAfterFingerprint));
    // The CRC is computed with the length ending at FINGERPRINT, so it stays good.
    assert_eq!(m.fingerprint(), Some(FingerprintStatus::Good));
    assert_eq!(m.lifetime(), Some(9));
}

#[test]
fn every_prefix_is_safe_and_rejected_by_probe() {
    for v in [REQUEST, RESPONSE_V4, RESPONSE_V6, LONG_TERM] {
        for n in 0..v.len() {
            let p = &v[..n];
            assert_eq!(probe(p), ProbeResult::NotStun, "prefix {n}");
            match decode(p) {
                Err(e) if n < 20 => assert_eq!(e.kind(), DecodeErrorKind::TooShort),
                Err(e) => assert_eq!(e.kind(), DecodeErrorKind::Truncated { needed: v.len() }),
                Ok(m) => panic!("prefix {n} decoded: {m:?}"),
            }
            // A prefix whose header length is patched to fit still decodes.
            if n >= 20 {
                let mut q = p.to_vec();
                let len = (n - 20) as u16;
                q[2..4].copy_from_slice(&len.to_be_bytes());
                let m = decode(&q).expect("patched prefix decodes");
                assert!(m.attributes.len() <= 6);
            }
        }
        assert_eq!(message_len(v), Some(v.len()));
    }
}
