//! Hand-built MS-TURN, MS-ICE2 and RFC 3489 messages (docs/protocols.md §1–§4),
//! each in both header forms where MS-TURN allows it.

use super::*;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::net::SocketAddr;

/// Teams header txid of docs/protocols.md §3.4 (cookie ‖ 96-bit id).
pub(crate) const TEAMS_TXID: [u8; 16] = [
    0x21, 0x12, 0xa4, 0x42, 0x22, 0x2f, 0xef, 0xc7, 0xf3, 0x92, 0x4b, 0xd1, 0xb9, 0x97, 0x27, 0xe4,
];
/// Cookieless txid of docs/protocols.md §3.5.
pub(crate) const CLASSIC_TXID: [u8; 16] = [
    0x09, 0x16, 0x6f, 0x6b, 0x5a, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
];

/// Build a message: header with `typ` and `txid`, then TLVs with `padding`.
pub(crate) fn build(
    typ: u16,
    txid: &[u8; 16],
    attrs: &[(u16, Vec<u8>)],
    padding: Padding,
) -> Vec<u8> {
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

fn magic() -> (u16, Vec<u8>) {
    (0x000F, MS_TURN_MAGIC.to_be_bytes().to_vec())
}

fn u32v(t: u16, v: u32) -> (u16, Vec<u8>) {
    (t, v.to_be_bytes().to_vec())
}

fn sa(s: &str) -> SocketAddr {
    s.parse().expect("socket address")
}

fn both_forms() -> [[u8; 16]; 2] {
    [TEAMS_TXID, CLASSIC_TXID]
}

fn ms(bytes: &[u8]) -> StunMessage {
    let m = decode(bytes).expect("decodes");
    assert_eq!(m.dialect, Dialect::MsTurn);
    assert_eq!(m.padding, Padding::Unpadded);
    assert_eq!(probe(bytes), ProbeResult::Stun(Dialect::MsTurn));
    m
}

#[test]
fn teams_allocate_success_protocols_3_4() {
    let mut seq = vec![0xAB; 20];
    seq.extend_from_slice(&[0, 0, 0, 1]);
    let attrs = vec![
        magic(),
        u32v(0x000D, 60),
        (0x0001, vec![0x00, 0x01, 0x0d, 0x98, 0x34, 0x72, 0xfa, 0x8d]),
        u32v(0x8008, 6),
        (0x8020, vec![0x00, 0x01, 0xc1, 0xd5, 0x71, 0xa7, 0x6a, 0x0a]),
        (0x8050, seq),
        (0x8022, b"2.0.1.211".to_vec()),
        u32v(0x0010, 12000),
        (0x0008, vec![0x5A; 32]),
    ];
    let b = build(0x0103, &TEAMS_TXID, &attrs, Padding::Unpadded);
    assert_eq!(
        &b[..4],
        &[0x01, 0x03, 0x00, 0x85],
        "length 133 as in teams.pcap"
    );
    let m = ms(&b);
    assert!(m.cookie_present);
    assert_eq!(m.msg_type.describe(), "Allocate success");
    assert_eq!(m.xor_mapped_address(), Some(sa("80.181.206.72:57543")));
    assert_eq!(m.relayed_address(), Some(sa("52.114.250.141:3480")));
    assert_eq!(m.mapped_address(), Some(sa("52.114.250.141:3480")));
    assert_eq!(m.attributes[2].kind, AttrKind::MsRelayedAddress);
    assert_eq!(m.attributes[2].kind.name(), "MAPPED-ADDRESS (relayed)");
    assert_eq!(m.lifetime(), Some(60));
    assert_eq!(m.ms_version(), Some(6));
    assert_eq!(m.software(), Some(&b"2.0.1.211"[..]));
    assert_eq!(
        m.attr(AttrKind::MsSequenceNumber).map(|a| a.value(&m)),
        Some(AttrValue::MsSequenceNumber {
            connection_id: [0xAB; 20],
            sequence: 1
        })
    );
    assert_eq!(
        m.attr(AttrKind::Bandwidth).map(|a| a.value(&m)),
        Some(AttrValue::U32(12000))
    );
    assert_eq!(
        m.integrity(),
        Some(IntegrityInfo {
            offset: 117,
            len: 32
        })
    );
    assert_eq!(
        verify_integrity(&b, &m, b"any key"),
        IntegrityCheck::Unsupported
    );
    assert_eq!(m.fingerprint(), None);
    assert!(m.anomalies.is_empty(), "{:?}", m.anomalies);
}

#[test]
fn cookieless_allocate_success_protocols_3_5() {
    let xor = encode_address(sa("203.0.113.5:40000"), Some(&CLASSIC_TXID));
    assert_eq!(xor, vec![0x00, 0x01, 0x95, 0x56, 194, 22, 30, 110]);
    let attrs = vec![
        magic(),
        u32v(0x000D, 480),
        (0x0001, encode_address(sa("198.51.100.20:51234"), None)),
        (0x8020, xor),
        u32v(0x8008, 2),
    ];
    let b = build(0x0103, &CLASSIC_TXID, &attrs, Padding::Unpadded);
    let m = ms(&b);
    assert!(!m.cookie_present);
    assert_eq!(m.txid(), CLASSIC_TXID);
    assert_eq!(m.xor_mapped_address(), Some(sa("203.0.113.5:40000")));
    assert_eq!(m.relayed_address(), Some(sa("198.51.100.20:51234")));
    assert_eq!(m.ms_version(), Some(2));
}

#[test]
fn anonymous_allocate_both_forms() {
    for txid in both_forms() {
        let attrs = vec![
            magic(),
            u32v(0x8037, 2),
            u32v(0x8008, 6),
            u32v(0x8006, 1),
            u32v(0x0010, 12000),
            (0x8055, vec![0, 2, 0, 2]),
            (0x8095, vec![0x7f, 0x20, 0xc4, 0xdd, 0x4f, 0x84, 0x8d, 0xfa]),
        ];
        let b = build(0x0003, &txid, &attrs, Padding::Unpadded);
        let m = ms(&b);
        assert_eq!(m.msg_type.describe(), "Allocate request");
        assert_eq!(m.cookie_present, txid == TEAMS_TXID);
        assert_eq!(m.ms_version(), Some(6));
        assert_eq!(m.attr_raw(AttrKind::MsAppId), Some(&[0u8, 0, 0, 2][..]));
        assert_eq!(
            m.attr_raw(AttrKind::MsUnknown8006),
            Some(&[0u8, 0, 0, 1][..])
        );
        assert_eq!(
            m.attr(AttrKind::MsServiceQuality).map(|a| a.value(&m)),
            Some(AttrValue::MsServiceQuality {
                stream_type: 2,
                quality: 2
            })
        );
        assert_eq!(
            m.attr(AttrKind::MsMultiplexedTurnSessionId)
                .map(|a| a.value(&m)),
            Some(AttrValue::U64(0x7f20_c4dd_4f84_8dfa))
        );
        assert_eq!(m.attributes[0].value(&m), AttrValue::U32(MS_TURN_MAGIC));
        assert!(m.anomalies.is_empty());
    }
}

#[test]
fn unauthorized_401_both_forms_realm_nonce_swapped() {
    let phrase = b"The request did not contain a Message-Integrity attribute";
    let nonce: Vec<u8> = (0u8..18).map(|i| i.wrapping_mul(37) ^ 0xC3).collect();
    for txid in both_forms() {
        let mut ec = vec![0, 0, 4, 1];
        ec.extend_from_slice(phrase);
        let attrs = vec![
            magic(),
            (0x0009, ec),
            (0x0015, b"\"rtcmedia\"".to_vec()),
            (0x0014, nonce.clone()),
            (0x000E, encode_address(sa("52.114.250.141:3478"), None)),
            u32v(0x8008, 6),
        ];
        let b = build(0x0113, &txid, &attrs, Padding::Unpadded);
        assert_eq!(b[20 + 8 + 3], 61, "ERROR-CODE length 0x3D");
        assert_ne!(b.len() % 4, 0, "unpadded total is not 4-aligned");
        let m = ms(&b);
        assert_eq!(m.msg_type.describe(), "Allocate error");
        let e = m.error().expect("error code");
        assert_eq!(e.code, 401);
        assert_eq!(&e.reason[..], &phrase[..]);
        assert_eq!(m.realm(), Some(&b"\"rtcmedia\""[..]));
        assert_eq!(m.nonce(), Some(&nonce[..]));
        assert_eq!(m.attributes[2].kind.name(), "REALM");
        assert_eq!(m.attributes[3].kind.name(), "NONCE");
        assert_eq!(
            m.attr(AttrKind::MsAlternateServer).map(|a| a.value(&m)),
            Some(AttrValue::Address(sa("52.114.250.141:3478")))
        );
        assert!(m.anomalies.is_empty());
    }
}

#[test]
fn unknown_user_436_both_forms() {
    let phrase = b"The Username Supplied in the request is not known";
    for txid in both_forms() {
        let mut ec = vec![0, 0, 4, 36];
        ec.extend_from_slice(phrase);
        let b = build(0x0113, &txid, &[magic(), (0x0009, ec)], Padding::Unpadded);
        let m = ms(&b);
        let e = m.error().expect("error code");
        assert_eq!((e.code, e.class(), e.number()), (436, 4, 36));
        assert_eq!(e.reason_lossy(), String::from_utf8_lossy(phrase));
    }
}

#[test]
fn data_indication_and_send_both_forms() {
    for txid in both_forms() {
        let remote = sa("198.51.100.7:50000");
        let attrs = vec![
            magic(),
            (0x0012, encode_address(remote, None)),
            (0x0013, vec![1, 2, 3, 4, 5]),
        ];
        let b = build(0x0115, &txid, &attrs, Padding::Unpadded);
        let m = ms(&b);
        assert_eq!(m.msg_type.describe(), "Data Indication");
        assert_eq!(m.msg_type.class, Class::Indication);
        assert_eq!(m.remote_address(), Some(remote));
        assert_eq!(m.xor_peer_address(), None);
        assert_eq!(m.attributes[1].value_len(), 8, "raw REMOTE-ADDRESS kept");
        assert_eq!(m.attr_raw(AttrKind::Data), Some(&[1u8, 2, 3, 4, 5][..]));

        let dest = sa("203.0.113.9:3480");
        let send = build(
            0x0004,
            &txid,
            &[
                magic(),
                (0x0011, encode_address(dest, None)),
                (0x0013, vec![9; 3]),
            ],
            Padding::Unpadded,
        );
        let m = ms(&send);
        assert_eq!(m.msg_type.describe(), "Send request");
        assert_eq!(
            m.attr(AttrKind::DestinationAddress).map(|a| a.value(&m)),
            Some(AttrValue::Address(dest))
        );
    }
}

/// MS-TURN MESSAGE-INTEGRITY as docs/protocols.md §4.5 describes it: adjusted
/// length, hashed text zero-padded to 64 bytes.
fn ms_mi(msg_without_mi: &[u8], key: &[u8]) -> Vec<u8> {
    let mut text = msg_without_mi.to_vec();
    let len = (text.len() - 20 + 24) as u16;
    text[2..4].copy_from_slice(&len.to_be_bytes());
    text.resize(text.len().div_ceil(64) * 64, 0);
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("hmac key");
    mac.update(&text);
    mac.finalize().into_bytes().to_vec()
}

#[test]
fn set_active_destination_with_ms_integrity_both_forms() {
    let user = vec![0x01, 0xFE, 0x00, 0x7F, 0x80, 0x33, 0x44];
    let realm = b"\"rtcmedia\"".to_vec();
    let nonce = vec![0xEE; 20];
    let key = ms_turn_long_term_key(&user, &realm, b"secret");
    for txid in both_forms() {
        let dest = sa("203.0.113.77:3480");
        let mut attrs = vec![
            magic(),
            u32v(0x8008, 2),
            (0x0011, encode_address(dest, None)),
            (0x0006, user.clone()),
            (0x0015, realm.clone()),
            (0x0014, nonce.clone()),
        ];
        let unsigned = build(0x0006, &txid, &attrs, Padding::Unpadded);
        attrs.push((0x0008, ms_mi(&unsigned, &key)));
        let b = build(0x0006, &txid, &attrs, Padding::Unpadded);
        let m = ms(&b);
        assert_eq!(m.msg_type.describe(), "Set Active Destination request");
        assert_eq!(m.username(), Some(&user[..]));
        assert_eq!(m.realm(), Some(&realm[..]));
        assert_eq!(m.nonce(), Some(&nonce[..]));
        assert_eq!(m.integrity().map(|i| i.len), Some(20));
        assert_eq!(verify_integrity(&b, &m, &key), IntegrityCheck::Valid);
        let wrong = ms_turn_long_term_key(&user, &realm, b"other");
        assert_eq!(verify_integrity(&b, &m, &wrong), IntegrityCheck::Invalid);

        let ok = build(0x0106, &txid, &[magic()], Padding::Unpadded);
        assert_eq!(
            ms(&ok).msg_type.describe(),
            "Set Active Destination success"
        );
    }
}

#[test]
fn ms_ice2_unpadded_binding_check() {
    let attrs = vec![
        (0x0006, b"abcd:efgh".to_vec()),
        u32v(0x0024, 0x6e00_01ff),
        (0x802A, vec![1, 2, 3, 4, 5, 6, 7, 8]),
        (0x8054, b"1234".to_vec()),
        u32v(0x8070, 2),
    ];
    let b = build(0x0001, &TEAMS_TXID, &attrs, Padding::Unpadded);
    let m = decode(&b).expect("decodes");
    assert_eq!(m.dialect, Dialect::Rfc5389);
    assert_eq!(m.padding, Padding::Unpadded);
    assert_eq!(m.username(), Some(&b"abcd:efgh"[..]));
    assert_eq!(
        m.attr(AttrKind::MsImplementationVersion)
            .map(|a| a.value(&m)),
        Some(AttrValue::U32(2))
    );
    assert!(m.anomalies.is_empty());
    assert_eq!(probe(&b), ProbeResult::Stun(Dialect::Rfc5389));
    let padded = build(0x0001, &TEAMS_TXID, &attrs, Padding::Padded);
    let m = decode(&padded).expect("decodes");
    assert_eq!(m.padding, Padding::Padded);
    assert_eq!(m.attributes.len(), 5);
}

#[test]
fn rfc3489_classic_binding_response() {
    let attrs = vec![
        (0x0001, encode_address(sa("192.0.2.44:4000"), None)),
        (0x0004, encode_address(sa("192.0.2.1:3478"), None)),
        (0x0005, encode_address(sa("192.0.2.2:3479"), None)),
    ];
    let b = build(0x0101, &CLASSIC_TXID, &attrs, Padding::Padded);
    let m = decode(&b).expect("decodes");
    assert_eq!(m.dialect, Dialect::Rfc3489);
    assert!(!m.cookie_present);
    assert_eq!(m.mapped_address(), Some(sa("192.0.2.44:4000")));
    assert_eq!(
        m.attr(AttrKind::ChangedAddress).map(|a| a.value(&m)),
        Some(AttrValue::Address(sa("192.0.2.2:3479")))
    );
    assert_eq!(probe(&b), ProbeResult::Stun(Dialect::Rfc3489));
    // Same bytes with a non-classic type are not probed as STUN.
    let mut odd = b.clone();
    odd[1] = 0x09;
    assert_eq!(probe(&odd), ProbeResult::NotStun);
}

#[test]
fn malformed_attributes_keep_the_rest() {
    // Overrun: the third TLV claims 40 bytes.
    let mut b = build(
        0x0103,
        &TEAMS_TXID,
        &[magic(), u32v(0x000D, 60), u32v(0x8008, 6)],
        Padding::Unpadded,
    );
    let n = b.len();
    b[n - 5] = 40;
    let m = decode(&b).expect("decodes");
    assert_eq!(m.dialect, Dialect::MsTurn);
    assert_eq!(m.lifetime(), Some(60));
    // The overrunning MS-VERSION is kept with the 4 bytes present (as tshark does).
    assert_eq!(m.attributes.len(), 3);
    assert_eq!(m.attributes[2].value(&m), AttrValue::U32(6));
    assert_eq!(m.anomalies.len(), 1);
    assert_eq!(m.anomalies[0].kind.id(), "stun.attr_overruns_message");
    assert_eq!(m.anomalies[0].attr_type, Some(0x8008));
    assert_eq!(m.anomalies[0].offset, 36);
    assert_eq!(probe(&b), ProbeResult::NotStun);

    // Wrong address length and bad family, then a good LIFETIME.
    let attrs = vec![
        (0x0020, vec![0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6]),
        (0x0001, vec![0x00, 0x07, 0x00, 0x50, 1, 2, 3, 4]),
        u32v(0x000D, 600),
    ];
    let b = build(0x0103, &TEAMS_TXID, &attrs, Padding::Padded);
    let m = decode(&b).expect("decodes");
    assert_eq!(m.dialect, Dialect::Rfc5389);
    let ids: Vec<_> = m.anomalies.iter().map(|a| a.kind.id()).collect();
    assert_eq!(ids, vec!["stun.attr_bad_length", "stun.bad_address_family"]);
    assert_eq!(m.attributes[0].value(&m), AttrValue::Malformed);
    assert_eq!(m.attributes[1].value(&m), AttrValue::Malformed);
    assert_eq!(m.xor_mapped_address(), None);
    assert_eq!(m.lifetime(), Some(600));
}

#[test]
fn too_many_attributes_is_bounded() {
    let attrs: Vec<_> = (0..MAX_ATTRIBUTES + 10).map(|_| (0x0025, vec![])).collect();
    let b = build(0x0001, &TEAMS_TXID, &attrs, Padding::Padded);
    let m = decode(&b).expect("decodes");
    assert_eq!(m.attributes.len(), MAX_ATTRIBUTES);
    assert!(m.has_anomaly(StunAnomalyKind::TooManyAttributes));
    // Still recognised as STUN, so a flow that opens with such a message is
    // decoded and the anomaly reported rather than the flow ignored.
    assert_eq!(probe(&b), ProbeResult::Stun(Dialect::Rfc5389));
}

#[test]
fn channel_data_and_media_are_not_stun() {
    let cd = [0x40, 0x00, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef];
    assert!(matches!(
        turn_frame(&cd, FrameTransport::Datagram),
        Some(TurnFrame::ChannelData {
            channel: 0x4000,
            ..
        })
    ));
    let mut mux = vec![0xFF, 0x10, 0x00, 0x0C];
    mux.extend_from_slice(&[0x7f, 0x20, 0xc4, 0xdd, 0x4f, 0x84, 0x8d, 0xfa, 1, 2, 3, 4]);
    let mut rtp = vec![0x80, 0x60, 0x00, 0x01, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78];
    rtp.extend_from_slice(&[0u8; 160]);
    let mut dtls = vec![0x16, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x40];
    dtls.extend_from_slice(&[0x01; 0x40]);
    for b in [&cd[..], &mux, &rtp, &dtls] {
        assert_eq!(probe(b), ProbeResult::NotStun);
        assert_ne!(demux(b[0]), Demux::Stun);
    }
    for b in [&cd[..], &mux, &rtp] {
        assert!(decode(b).is_err());
    }
    assert!(matches!(
        turn_frame(&mux, FrameTransport::Stream),
        Some(TurnFrame::MsMultiplexed {
            session_id: 0x7f20_c4dd_4f84_8dfa,
            ..
        })
    ));
    assert_eq!(turn_frame(&rtp, FrameTransport::Datagram), None);
}

/// MS-ICE2 (OC2007R2) form: the hashed header keeps the wire length, which
/// already counts a following FINGERPRINT, and the text is zero-padded to 64.
#[test]
fn ms_ice2_integrity_with_wire_length() {
    let pwd = b"ice-password-0123456789";
    let mut attrs = vec![
        (0x0006, b"ufrag1:ufrag2".to_vec()),
        u32v(0x8070, 3),
        (0x0008, vec![0; 20]),
        (0x8028, vec![0; 4]),
    ];
    let draft = build(0x0001, &TEAMS_TXID, &attrs, Padding::Padded);
    let mi_at = draft.len() - 8 - 24;
    let mut text = draft[..mi_at].to_vec();
    text.resize(text.len().div_ceil(64) * 64, 0);
    let mut mac = Hmac::<Sha1>::new_from_slice(pwd).expect("hmac key");
    mac.update(&text);
    attrs[2].1 = mac.finalize().into_bytes().to_vec();
    let mut b = build(0x0001, &TEAMS_TXID, &attrs, Padding::Padded);
    let fp_at = b.len() - 8;
    let crc = crc32fast::hash(&b[..fp_at]) ^ FINGERPRINT_XOR;
    b[fp_at + 4..].copy_from_slice(&crc.to_be_bytes());
    let m = decode(&b).expect("decodes");
    assert_eq!(m.dialect, Dialect::Rfc5389);
    assert_eq!(m.fingerprint(), Some(FingerprintStatus::Good));
    assert_eq!(verify_integrity(&b, &m, pwd), IntegrityCheck::Valid);
    assert_eq!(verify_integrity(&b, &m, b"other"), IntegrityCheck::Invalid);
    let no_mi = build(0x0001, &TEAMS_TXID, &attrs[..2], Padding::Padded);
    let m = decode(&no_mi).expect("decodes");
    assert_eq!(verify_integrity(&no_mi, &m, pwd), IntegrityCheck::Absent);
}

/// MS-CANDIDATE-IDENTIFIER carries the candidate's foundation, a string of
/// any length (tshark `stun.att.ms.foundation`): no `attr_bad_length`.
#[test]
fn ms_candidate_identifier_is_a_variable_length_foundation() {
    for foundation in [&b"1"[..], b"1234", b"{8c3f5d2a}", b"0123456789abcdef0123"] {
        let attrs = vec![
            (0x0006, b"abcd:efgh".to_vec()),
            (0x8054, foundation.to_vec()),
        ];
        let b = build(0x0001, &TEAMS_TXID, &attrs, Padding::Unpadded);
        let m = decode(&b).expect("decodes");
        assert!(m.anomalies.is_empty(), "{foundation:?}: {:?}", m.anomalies);
        let a = m.attr(AttrKind::MsCandidateIdentifier).expect("attribute");
        assert_eq!(a.value(&m), AttrValue::Raw);
        assert_eq!(
            m.attr_raw(AttrKind::MsCandidateIdentifier),
            Some(foundation)
        );
    }
}
