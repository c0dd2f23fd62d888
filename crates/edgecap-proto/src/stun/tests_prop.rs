//! Property tests: arbitrary bytes never panic, and messages built from random
//! attributes decode back to the same types and values in the RFC (padded)
//! and MS-TURN (unpadded, with and without the header cookie) dialects.

use super::tests_ms_turn::build;
use super::*;
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Exercise every entry point and accessor on `bytes`.
fn poke(bytes: &[u8]) {
    let _ = probe(bytes);
    let _ = message_len(bytes);
    let _ = turn_frame(bytes, FrameTransport::Datagram);
    let _ = turn_frame(bytes, FrameTransport::Stream);
    let _ = turn_frame_len(bytes, FrameTransport::Stream);
    if let Some(&b) = bytes.first() {
        let _ = demux(b);
    }
    if let Ok(m) = decode(bytes) {
        let _ = (m.error(), m.xor_mapped_address(), m.mapped_address());
        let _ = (
            m.relayed_address(),
            m.xor_peer_address(),
            m.remote_address(),
        );
        let _ = (m.realm(), m.nonce(), m.username(), m.software());
        let _ = (m.lifetime(), m.ms_version(), m.fingerprint(), m.integrity());
        let _ = m.msg_type.describe();
        let _ = verify_integrity(bytes, &m, b"key");
        let _ = verify_integrity(&bytes[..bytes.len() / 2], &m, b"key");
        for a in &m.anomalies {
            let _ = a.to_string();
        }
        assert!(m.attributes.len() <= MAX_ATTRIBUTES);
        for a in &m.attributes {
            assert!(a.offset() + 4 + a.value_len() <= 20 + usize::from(m.length));
        }
    }
}

/// A header with top bits zero and an exact length, over arbitrary TLV-ish bytes.
fn stunish() -> impl Strategy<Value = Vec<u8>> {
    (
        0u16..0x4000,
        any::<bool>(),
        any::<bool>(),
        any::<[u8; 16]>(),
        proptest::collection::vec((any::<u16>(), 0u16..48, any::<u8>()), 0..12),
    )
        .prop_map(|(t, cookie, magic, mut txid, tlvs)| {
            if cookie {
                txid[..4].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
            }
            let mut body = Vec::new();
            if magic {
                body.extend_from_slice(&[0x00, 0x0F, 0x00, 0x04, 0x72, 0xC6, 0x4B, 0xC6]);
            }
            for (typ, len, fill) in tlvs {
                body.extend_from_slice(&typ.to_be_bytes());
                body.extend_from_slice(&len.to_be_bytes());
                // Sometimes short, sometimes long: lengths are not trusted.
                let n = usize::from(len) ^ usize::from(fill & 3);
                body.extend(std::iter::repeat_n(fill, n));
            }
            let mut m = t.to_be_bytes().to_vec();
            m.extend_from_slice(&(body.len() as u16).to_be_bytes());
            m.extend_from_slice(&txid);
            m.extend_from_slice(&body);
            m
        })
}

#[derive(Debug, Clone)]
enum Gen {
    Addr(SocketAddr),
    U32(u32),
    U64(u64),
    Raw(Vec<u8>),
    Error(u16, Vec<u8>),
}

const ADDR_TYPES: [u16; 18] = [
    0x0001, 0x0002, 0x0004, 0x0005, 0x000B, 0x000E, 0x0011, 0x0012, 0x0016, 0x0020, 0x8020, 0x8023,
    0x802B, 0x802C, 0x8059, 0x805B, 0x805C, 0x8090,
];
const U32_TYPES: [u16; 8] = [
    0x0003, 0x000D, 0x0010, 0x0024, 0x002A, 0x8008, 0x8027, 0x8070,
];
const U64_TYPES: [u16; 4] = [0x0022, 0x8029, 0x802A, 0x8095];
const RAW_TYPES: [u16; 8] = [
    0x0006, 0x0013, 0x0014, 0x0015, 0x8022, 0x8032, 0x8061, 0x8062,
];

fn is_xor(typ: u16, dialect: Dialect) -> bool {
    match typ {
        0x0012 => dialect == Dialect::Rfc5389,
        0x0016 | 0x0020 | 0x8020 | 0x8059..=0x805C => true,
        _ => false,
    }
}

fn sockaddr() -> impl Strategy<Value = SocketAddr> {
    prop_oneof![
        (any::<u32>(), any::<u16>())
            .prop_map(|(a, p)| SocketAddr::new(IpAddr::V4(Ipv4Addr::from(a)), p)),
        (any::<u128>(), any::<u16>())
            .prop_map(|(a, p)| SocketAddr::new(IpAddr::V6(Ipv6Addr::from(a)), p)),
    ]
}

fn attr_spec() -> impl Strategy<Value = (u16, Gen)> {
    let raw_type = prop_oneof![
        proptest::sample::select(RAW_TYPES.to_vec()),
        0x4000u16..0x8000,
        0xE000u16..=0xFFFF,
    ];
    prop_oneof![
        (proptest::sample::select(ADDR_TYPES.to_vec()), sockaddr())
            .prop_map(|(t, a)| (t, Gen::Addr(a))),
        (proptest::sample::select(U32_TYPES.to_vec()), any::<u32>())
            .prop_map(|(t, v)| (t, Gen::U32(v))),
        (proptest::sample::select(U64_TYPES.to_vec()), any::<u64>())
            .prop_map(|(t, v)| (t, Gen::U64(v))),
        (raw_type, proptest::collection::vec(any::<u8>(), 0..41))
            .prop_map(|(t, v)| (t, Gen::Raw(v))),
        (300u16..700, proptest::collection::vec(any::<u8>(), 0..31))
            .prop_map(|(c, r)| (0x0009, Gen::Error(c, r))),
    ]
}

fn encode_gen(typ: u16, g: &Gen, dialect: Dialect, txid: &[u8; 16]) -> (Vec<u8>, AttrValue) {
    match g {
        Gen::Addr(a) if is_xor(typ, dialect) => {
            (encode_address(*a, Some(txid)), AttrValue::XorAddress(*a))
        }
        Gen::Addr(a) => (encode_address(*a, None), AttrValue::Address(*a)),
        Gen::U32(v) => (v.to_be_bytes().to_vec(), AttrValue::U32(*v)),
        Gen::U64(v) => (v.to_be_bytes().to_vec(), AttrValue::U64(*v)),
        Gen::Raw(v) => (v.clone(), AttrValue::Raw),
        Gen::Error(code, reason) => {
            let e = ErrorCode {
                code: *code,
                reason: reason.clone().into(),
            };
            (e.encode(), AttrValue::ErrorCode(e))
        }
    }
}

fn round_trip(
    dialect: Dialect,
    typ: u16,
    txid: [u8; 16],
    specs: &[(u16, Gen)],
) -> Result<(), TestCaseError> {
    let mut attrs = Vec::new();
    let mut want = Vec::new();
    let padding = if dialect == Dialect::MsTurn {
        attrs.push((0x000F, MS_TURN_MAGIC.to_be_bytes().to_vec()));
        want.push((
            0x000F,
            MS_TURN_MAGIC.to_be_bytes().to_vec(),
            AttrValue::U32(MS_TURN_MAGIC),
        ));
        Padding::Unpadded
    } else {
        Padding::Padded
    };
    for (t, g) in specs {
        let (raw, value) = encode_gen(*t, g, dialect, &txid);
        attrs.push((*t, raw.clone()));
        want.push((*t, raw, value));
    }
    let bytes = build(typ, &txid, &attrs, padding);
    let m = decode(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(m.dialect, dialect);
    prop_assert_eq!(m.padding, padding);
    prop_assert!(m.anomalies.is_empty(), "{:?}", m.anomalies);
    prop_assert_eq!(probe(&bytes), ProbeResult::Stun(dialect));
    let got: Vec<_> = m
        .attributes
        .iter()
        .map(|a| (a.typ, a.raw(&m).to_vec(), a.value(&m)))
        .collect();
    prop_assert_eq!(got, want);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        poke(&bytes);
    }

    #[test]
    fn stun_shaped_bytes_never_panic(bytes in stunish()) {
        poke(&bytes);
        for n in [0, 1, 4, 19, 20, 21, bytes.len() / 2] {
            poke(&bytes[..n.min(bytes.len())]);
        }
    }

    #[test]
    fn rfc_padded_round_trip(
        method in 1u16..0x100,
        class in 0u16..4,
        id in any::<[u8; 12]>(),
        specs in proptest::collection::vec(attr_spec(), 0..20),
    ) {
        let mut txid = [0u8; 16];
        txid[..4].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
        txid[4..].copy_from_slice(&id);
        round_trip(Dialect::Rfc5389, encode_type(method, class), txid, &specs)?;
    }

    #[test]
    fn ms_turn_unpadded_round_trip(
        typ in proptest::sample::select(CLASSIC_TYPES.to_vec()),
        cookie in any::<bool>(),
        mut txid in any::<[u8; 16]>(),
        specs in proptest::collection::vec(attr_spec(), 0..20),
    ) {
        if cookie {
            txid[..4].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
        }
        round_trip(Dialect::MsTurn, typ, txid, &specs)?;
    }
}
