//! End-to-end tests of [`NetDecoder`] on frames built with [`edgecap_testkit`].

use super::*;
use crate::defrag::DefragLimits;
use crate::TcpFlags;
use edgecap_capture::{FrameNo, Timestamp};
use edgecap_testkit::{link::ByteOrder, IpBuilder, Ipv6Ext, Tcp};
use proptest::prelude::*;
use std::net::IpAddr;
use std::time::Duration;

/// An owned summary of a decoded packet.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Got {
    src: IpAddr,
    dst: IpAddr,
    /// 6, 17 or the other protocol number.
    proto: u8,
    ports: (u16, u16),
    seq_ack_flags: (u32, u32, u8),
    payload: Vec<u8>,
    truncated: bool,
}

fn own(p: &Packet<'_>) -> Got {
    let (proto, ports, saf, payload) = match p.segment {
        Segment::Tcp {
            src_port,
            dst_port,
            seq,
            ack,
            flags,
            payload,
            ..
        } => (
            6,
            (src_port, dst_port),
            (seq, ack, flags.0),
            payload.to_vec(),
        ),
        Segment::Udp {
            src_port,
            dst_port,
            payload,
        } => (17, (src_port, dst_port), (0, 0, 0), payload.to_vec()),
        Segment::IcmpError(e) => (
            if e.version == crate::ip::IpVersion::V4 {
                1
            } else {
                58
            },
            (e.quoted.src.port, e.quoted.dst.port),
            (0, 0, 0),
            e.quoted.payload.to_vec(),
        ),
        Segment::Other { protocol } => (protocol, (0, 0), (0, 0, 0), vec![]),
    };
    Got {
        src: p.src,
        dst: p.dst,
        proto,
        ports,
        seq_ack_flags: saf,
        payload,
        truncated: p.truncated,
    }
}

fn frame(no: u64, secs: i64, link: LinkType, data: &[u8]) -> Frame<'_> {
    Frame {
        no: FrameNo(no),
        ts: Timestamp::from_secs_nanos(secs, 0),
        link,
        data,
        orig_len: data.len() as u32,
    }
}

/// Decodes `frames` (all at time 0 unless `times` is given) with `dec`.
fn run_on(
    dec: &mut NetDecoder,
    link: LinkType,
    frames: &[(i64, Vec<u8>)],
) -> (Vec<Option<Got>>, Vec<NetAnomaly>) {
    let mut anomalies = Vec::new();
    let mut out = Vec::new();
    for (i, (secs, data)) in frames.iter().enumerate() {
        let f = frame(i as u64 + 1, *secs, link, data);
        out.push(dec.decode(&f, &mut anomalies).map(|p| own(&p)));
    }
    (out, anomalies)
}

fn decode_one(link: LinkType, data: &[u8]) -> (Option<Got>, Vec<NetAnomaly>) {
    let (mut got, anomalies) = run_on(&mut NetDecoder::new(), link, &[(0, data.to_vec())]);
    (got.pop().flatten(), anomalies)
}

fn v4() -> IpBuilder {
    IpBuilder::v4([10, 0, 0, 1], [192, 0, 2, 9])
}

fn v6() -> IpBuilder {
    IpBuilder::new(
        "2001:db8::1".parse::<IpAddr>().unwrap(),
        "2001:db8::9".parse::<IpAddr>().unwrap(),
    )
}

fn kinds(a: &[NetAnomaly]) -> Vec<NetAnomalyKind> {
    a.iter().map(|a| a.kind).collect()
}

#[test]
fn every_link_type_decodes_tcp_and_udp() {
    let tcp = Tcp::new(40000, 443).seq(7).ack(9).psh();
    for b in [v4(), v6()] {
        let packets = [b.udp(50000, 3478, b"stun!"), b.tcp(&tcp, b"hello tls")];
        for link in edgecap_testkit::link::SUPPORTED {
            let is_v6 = b.udp(1, 1, b"")[0] >> 4 == 6;
            if (link == LinkType::IPV4 && is_v6) || (link == LinkType::IPV6 && !is_v6) {
                continue;
            }
            for ip in &packets {
                let (got, anomalies) = decode_one(link, &edgecap_testkit::link::wrap(link, ip));
                assert!(anomalies.is_empty(), "{link}: {anomalies:?}");
                let got = got.unwrap_or_else(|| panic!("{link}: no packet"));
                assert_eq!(
                    got.src,
                    if is_v6 {
                        v6_src()
                    } else {
                        "10.0.0.1".parse().unwrap()
                    }
                );
                assert!(!got.truncated);
                match got.proto {
                    17 => {
                        assert_eq!(got.ports, (50000, 3478));
                        assert_eq!(got.payload, b"stun!");
                    }
                    6 => {
                        assert_eq!(got.ports, (40000, 443));
                        assert_eq!(got.seq_ack_flags, (7, 9, TcpFlags::ACK | TcpFlags::PSH));
                        assert_eq!(got.payload, b"hello tls");
                    }
                    p => panic!("protocol {p}"),
                }
            }
        }
    }
}

fn v6_src() -> IpAddr {
    "2001:db8::1".parse().unwrap()
}

#[test]
fn vlan_variants_decode() {
    let ip = v4().udp(1, 2, b"payload");
    for tags in [&[][..], &[7], &[100, 200], &[1, 2, 3]] {
        let (got, a) = decode_one(
            LinkType::ETHERNET,
            &edgecap_testkit::link::ethernet_with_vlans(tags, &ip),
        );
        assert!(a.is_empty());
        assert_eq!(got.unwrap().payload, b"payload", "{tags:?}");
    }
    let f = edgecap_testkit::link::ethernet_tagged(
        &[(0x9100, 5), (0x8100, 6)],
        0x86DD,
        &v6().udp(1, 2, b"q"),
    );
    assert_eq!(decode_one(LinkType::ETHERNET, &f).0.unwrap().payload, b"q");
}

#[test]
fn null_in_both_byte_orders_and_every_inet6_value() {
    for order in [ByteOrder::Little, ByteOrder::Big] {
        let f = edgecap_testkit::link::null(order, 2, &v4().udp(1, 2, b"four"));
        assert_eq!(decode_one(LinkType::NULL, &f).0.unwrap().payload, b"four");
        for fam in crate::link::AF_INET6_VALUES {
            let f = edgecap_testkit::link::null(order, fam, &v6().udp(1, 2, b"six"));
            assert_eq!(decode_one(LinkType::NULL, &f).0.unwrap().payload, b"six");
        }
    }
}

#[test]
fn ethernet_padding_is_not_payload() {
    for ip in [
        v4().udp(1, 2, b"hi"),
        v4().tcp(&Tcp::new(1, 2).ack(1), b"x"),
    ] {
        let f = edgecap_testkit::link::wrap(LinkType::ETHERNET, &ip);
        assert_eq!(f.len(), 60);
        let got = decode_one(LinkType::ETHERNET, &f).0.unwrap();
        assert_eq!(got.payload.len(), if got.proto == 17 { 2 } else { 1 });
    }
    // A UDP length shorter than the IP payload bounds the payload too.
    let mut ip = v4().udp(1, 2, b"abcdef");
    ip[20 + 5] = 8 + 3;
    assert_eq!(decode_one(LinkType::RAW, &ip).0.unwrap().payload, b"abc");
}

#[test]
fn truncated_frames_at_every_offset() {
    let tcp = Tcp::new(1000, 2000).ack(1);
    let cases = [
        (LinkType::ETHERNET, v4().tcp(&tcp, &[0xAB; 40]), 14, 20, 20),
        (LinkType::ETHERNET, v4().udp(5, 6, &[0xCD; 40]), 14, 20, 8),
        (LinkType::LINUX_SLL, v6().tcp(&tcp, &[0xEF; 40]), 16, 40, 20),
        (LinkType::LINUX_SLL2, v6().udp(5, 6, &[0x12; 40]), 20, 40, 8),
    ];
    for (link, ip, link_len, ip_len, l4_len) in cases {
        let full = edgecap_testkit::link::wrap(link, &ip);
        let headers = link_len + ip_len + l4_len;
        let end = link_len + ip.len();
        for cut in 0..=full.len() {
            let mut f = frame(1, 0, link, &full[..cut]);
            f.orig_len = full.len() as u32;
            let mut anomalies = Vec::new();
            let mut dec = NetDecoder::new();
            let got = dec.decode(&f, &mut anomalies).map(|p| own(&p));
            if cut < headers {
                assert!(got.is_none(), "{link} cut {cut}");
                assert_eq!(anomalies.len(), 1, "{link} cut {cut}");
                assert_eq!(dec.stats().malformed, 1);
            } else {
                let got = got.unwrap_or_else(|| panic!("{link} cut {cut}: {anomalies:?}"));
                assert!(anomalies.is_empty());
                assert_eq!(got.truncated, cut < end, "{link} cut {cut}");
                assert_eq!(got.payload.len(), cut.min(end) - headers);
            }
        }
    }
}

#[test]
fn ipv6_extension_header_chains() {
    let chains: [&[Ipv6Ext]; 4] = [
        &[Ipv6Ext::HopByHop],
        &[
            Ipv6Ext::HopByHop,
            Ipv6Ext::Routing,
            Ipv6Ext::DestinationOptions,
        ],
        &[Ipv6Ext::Authentication],
        &[
            Ipv6Ext::Routing,
            Ipv6Ext::Authentication,
            Ipv6Ext::DestinationOptions,
        ],
    ];
    for chain in chains {
        let b = chain.iter().fold(v6(), |b, e| b.ipv6_ext(*e));
        for ip in [b.udp(9, 10, b"ext"), b.tcp(&Tcp::new(9, 10).syn(), b"ext")] {
            let (got, a) = decode_one(LinkType::RAW, &ip);
            assert!(a.is_empty(), "{chain:?}: {a:?}");
            let got = got.unwrap();
            assert_eq!(
                (got.ports, got.payload.as_slice()),
                ((9, 10), &b"ext"[..]),
                "{chain:?}"
            );
        }
    }
    // Hop-by-hop anywhere but first is malformed.
    let b = v6().ipv6_ext(Ipv6Ext::Routing).ipv6_ext(Ipv6Ext::HopByHop);
    let (got, a) = decode_one(LinkType::RAW, &b.udp(1, 2, b""));
    assert!(got.is_none());
    assert_eq!(kinds(&a), [NetAnomalyKind::BadIpHeader]);
}

#[test]
fn non_ip_other_protocols_and_stats() {
    let mut dec = NetDecoder::new();
    let arp = edgecap_testkit::link::ethernet(0x0806, &[0; 28]);
    let lldp = edgecap_testkit::link::ethernet(0x88CC, &[0; 30]);
    let icmp = edgecap_testkit::link::wrap(LinkType::ETHERNET, &v4().raw(1, &[8, 0, 0, 0]));
    let esp6 = edgecap_testkit::link::wrap(LinkType::ETHERNET, &v6().raw(50, &[0; 16]));
    let frames = [arp, lldp, icmp, esp6].map(|f| (0, f));
    let (got, a) = run_on(&mut dec, LinkType::ETHERNET, &frames);
    assert!(a.is_empty());
    assert_eq!(got[0], None);
    assert_eq!(got[2].as_ref().unwrap().proto, 1);
    assert_eq!(got[3].as_ref().unwrap().proto, 50);
    let s = dec.stats();
    assert_eq!(
        (s.frames, s.non_ip, s.other_protocol, s.ipv4, s.ipv6),
        (4, 2, 2, 1, 1)
    );
    assert_eq!(s.frames_of(LinkType::ETHERNET), 4);
}

#[test]
fn unsupported_link_type_reported_once_per_type() {
    let mut dec = NetDecoder::new();
    let mut anomalies = Vec::new();
    let data = [0u8; 40];
    for (no, link) in [147, 147, 148, 147, 1, 148].into_iter().enumerate() {
        let f = frame(no as u64 + 1, 0, LinkType(link), &data);
        let _ = dec.decode(&f, &mut anomalies);
    }
    assert_eq!(kinds(&anomalies), [NetAnomalyKind::UnsupportedLinkType; 2]);
    assert_eq!(
        (anomalies[0].frame, anomalies[1].frame),
        (FrameNo(1), FrameNo(3))
    );
    let s = dec.stats();
    assert_eq!(s.unsupported_link, 5);
    assert_eq!(
        s.link_types,
        vec![(LinkType(1), 1), (LinkType(147), 3), (LinkType(148), 2)]
    );
}

#[test]
fn bad_headers_are_anomalies_with_the_frame_number() {
    let good_udp = v4().udp(1, 2, b"abc");
    let good_tcp = v4().tcp(&Tcp::new(1, 2), b"abc");
    let mut cases: Vec<(LinkType, Vec<u8>, NetAnomalyKind)> = Vec::new();
    let mut p = good_udp.clone();
    p[0] = 0x44; // ihl 4
    cases.push((LinkType::RAW, p, NetAnomalyKind::BadIpHeader));
    let mut p = good_udp.clone();
    p[2..4].copy_from_slice(&10u16.to_be_bytes()); // total length < header
    cases.push((LinkType::RAW, p, NetAnomalyKind::BadIpHeader));
    cases.push((
        LinkType::IPV6,
        good_udp.clone(),
        NetAnomalyKind::BadIpHeader,
    ));
    cases.push((LinkType::RAW, vec![0x75; 30], NetAnomalyKind::BadIpHeader));
    let mut p = good_tcp.clone();
    p[20 + 12] = 4 << 4; // data offset 16
    cases.push((LinkType::RAW, p, NetAnomalyKind::BadTransportHeader));
    let mut p = good_tcp.clone();
    p[20 + 12] = 15 << 4; // options beyond the packet
    cases.push((LinkType::RAW, p, NetAnomalyKind::BadTransportHeader));
    let mut p = good_udp.clone();
    p[20 + 5] = 7; // udp length < 8
    cases.push((LinkType::RAW, p, NetAnomalyKind::BadTransportHeader));
    let mut p = good_udp.clone();
    p[20 + 5] = 200; // udp length beyond the ip payload
    cases.push((LinkType::RAW, p, NetAnomalyKind::BadTransportHeader));
    cases.push((
        LinkType::ETHERNET,
        vec![0; 13],
        NetAnomalyKind::LinkTruncated,
    ));
    let mut e = vec![0; 16];
    e[12] = 0x81; // a VLAN tag cut short
    cases.push((LinkType::ETHERNET, e, NetAnomalyKind::LinkTruncated));
    for (link, data, kind) in cases {
        let mut dec = NetDecoder::new();
        let mut anomalies = Vec::new();
        let f = frame(42, 0, link, &data);
        let got = dec.decode(&f, &mut anomalies);
        assert!(got.is_none(), "{kind:?} {data:?}");
        assert_eq!(anomalies.len(), 1);
        assert_eq!(
            (anomalies[0].frame, anomalies[0].kind),
            (FrameNo(42), kind),
            "{data:?}"
        );
        assert!(!anomalies[0].detail.is_empty());
    }
}

#[test]
fn tso_zero_total_length_uses_the_frame() {
    let mut p = v4().tcp(&Tcp::new(1, 2), &[5; 3000]);
    p[2..4].copy_from_slice(&[0, 0]);
    assert_eq!(decode_one(LinkType::RAW, &p).0.unwrap().payload.len(), 3000);
}

// ---- fragments through the decoder ----

fn big_udp() -> Vec<u8> {
    let payload: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
    v4().identification(0x4242).udp(5060, 5060, &payload)
}

fn assert_is_big_udp(got: &Got) {
    assert_eq!(got.ports, (5060, 5060));
    assert_eq!(got.payload, &big_udp()[28..]);
    assert!(!got.truncated);
}

#[test]
fn fragments_in_order_reassemble_at_the_last_frame() {
    let frags = edgecap_testkit::frag::ipv4(&big_udp(), 1480);
    assert_eq!(frags.len(), 3);
    for link in [LinkType::ETHERNET, LinkType::LINUX_SLL2, LinkType::RAW] {
        let frames: Vec<_> = frags
            .iter()
            .map(|f| (0, edgecap_testkit::link::wrap(link, f)))
            .collect();
        let mut dec = NetDecoder::new();
        let (got, a) = run_on(&mut dec, link, &frames);
        assert!(a.is_empty(), "{a:?}");
        assert_eq!((got[0].is_none(), got[1].is_none()), (true, true));
        assert_is_big_udp(got[2].as_ref().unwrap());
        let d = dec.stats().defrag;
        assert_eq!((d.ipv4_fragments, d.reassembled, d.timed_out), (3, 1, 0));
        assert_eq!(dec.stats().udp, 1);
    }
}

#[test]
fn fragments_reversed_and_with_duplicates() {
    let frags = edgecap_testkit::frag::ipv4(&big_udp(), 800);
    let mut rev: Vec<_> = frags.iter().rev().map(|f| (0, f.clone())).collect();
    let (got, a) = run_on(&mut NetDecoder::new(), LinkType::RAW, &rev);
    assert!(a.is_empty());
    assert_is_big_udp(got.last().unwrap().as_ref().unwrap());
    // Duplicate the second fragment before completion.
    rev.insert(1, rev[1].clone());
    let (got, a) = run_on(&mut NetDecoder::new(), LinkType::RAW, &rev);
    assert_eq!(kinds(&a), [NetAnomalyKind::FragmentOverlap]);
    assert_eq!(a[0].frame, FrameNo(3));
    assert_is_big_udp(got.last().unwrap().as_ref().unwrap());
    assert_eq!(got.iter().filter(|g| g.is_some()).count(), 1);
}

#[test]
fn overlapping_fragments_first_copy_wins() {
    let p = big_udp();
    let payload = &p[20..];
    // Fragment 0..1600, then an overlapping 800..2400 with identical or other bytes, then the rest.
    for differ in [false, true] {
        let mid: Vec<u8> = payload[800..2400]
            .iter()
            .map(|b| if differ { !b } else { *b })
            .collect();
        let frames = vec![
            (
                0,
                edgecap_testkit::frag::ipv4_fragment(&p, 0, &payload[..1600], true),
            ),
            (0, edgecap_testkit::frag::ipv4_fragment(&p, 800, &mid, true)),
            (
                0,
                edgecap_testkit::frag::ipv4_fragment(&p, 2400, &payload[2400..], false),
            ),
        ];
        let (got, a) = run_on(&mut NetDecoder::new(), LinkType::RAW, &frames);
        let want = if differ {
            NetAnomalyKind::FragmentOverlapMismatch
        } else {
            NetAnomalyKind::FragmentOverlap
        };
        assert_eq!(kinds(&a), [want]);
        assert_eq!(a[0].frame, FrameNo(2));
        let got = got[2].as_ref().unwrap();
        // First copy wins for 800..1600; the new bytes fill 1600..2400.
        assert_eq!(got.payload[1600 - 8..2400 - 8], mid[800..]);
        assert_eq!(got.payload[..1600 - 8], payload[8..1600]);
    }
}

#[test]
fn timeout_in_capture_time_and_missing_first_fragment() {
    let frags = edgecap_testkit::frag::ipv4(&big_udp(), 1480);
    // Frames 1-2 at t=0 (first fragment missing), an unrelated packet at t=31.
    let frames = vec![
        (0, frags[1].clone()),
        (0, frags[2].clone()),
        (29, v4().udp(1, 2, b"x")),
        (31, v4().udp(1, 2, b"y")),
        (31, frags[0].clone()),
    ];
    let mut dec = NetDecoder::new();
    let (got, a) = run_on(&mut dec, LinkType::RAW, &frames);
    assert_eq!(kinds(&a), [NetAnomalyKind::FragmentTimeout]);
    assert_eq!(a[0].frame, FrameNo(1));
    assert!(
        a[0].detail.contains("first fragment missing"),
        "{}",
        a[0].detail
    );
    assert!(got[4].is_none()); // the late first fragment starts a new datagram
    let mut a = Vec::new();
    dec.finish(&mut a);
    assert_eq!(kinds(&a), [NetAnomalyKind::FragmentTimeout]);
    assert_eq!(a[0].frame, FrameNo(5));
    let d = dec.stats().defrag;
    assert_eq!((d.timed_out, d.fragments_dropped, d.reassembled), (2, 3, 0));
}

#[test]
fn memory_cap_drops_the_oldest_datagram() {
    let limits = DefragLimits {
        max_buffered_bytes: 5000,
        ..DefragLimits::default()
    };
    let a_frags = edgecap_testkit::frag::ipv4(&big_udp(), 1480);
    let b = v4().identification(7).udp(1, 2, &[9; 3000]);
    let b_frags = edgecap_testkit::frag::ipv4(&b, 1480);
    // A's first fragment, then B's last (which needs ~3000 bytes): A is dropped.
    let frames = vec![
        (0, a_frags[0].clone()),
        (1, a_frags[1].clone()),
        (2, b_frags[2].clone()),
        (2, b_frags[0].clone()),
        (2, b_frags[1].clone()),
    ];
    let mut dec = NetDecoder::with_limits(limits);
    let (got, a) = run_on(&mut dec, LinkType::RAW, &frames);
    assert_eq!(kinds(&a), [NetAnomalyKind::FragmentMemoryCap]);
    assert_eq!(a[0].frame, FrameNo(1));
    assert_eq!(got[4].as_ref().unwrap().payload, vec![9; 3000]);
    let d = dec.stats().defrag;
    assert_eq!((d.dropped, d.fragments_dropped, d.reassembled), (1, 2, 1));
}

#[test]
fn pending_count_cap() {
    let limits = DefragLimits {
        max_pending: 2,
        ..DefragLimits::default()
    };
    let frames: Vec<_> = (0..4u16)
        .map(|id| {
            (
                0,
                edgecap_testkit::frag::ipv4(&v4().identification(id).udp(1, 2, &[1; 100]), 56)[0]
                    .clone(),
            )
        })
        .collect();
    let mut dec = NetDecoder::with_limits(limits);
    let (_, a) = run_on(&mut dec, LinkType::RAW, &frames);
    assert_eq!(kinds(&a), [NetAnomalyKind::FragmentMemoryCap; 2]);
    assert_eq!((a[0].frame, a[1].frame), (FrameNo(1), FrameNo(2)));
}

#[test]
fn too_large_datagram_is_dropped_once() {
    let p = big_udp();
    // Offset 65528 with 100 bytes: ends far beyond 65535.
    let frames = vec![
        (
            0,
            edgecap_testkit::frag::ipv4_fragment(&p, 0, &p[20..120], true),
        ),
        (
            0,
            edgecap_testkit::frag::ipv4_fragment(&p, 65528, &[1; 100], false),
        ),
        (
            0,
            edgecap_testkit::frag::ipv4_fragment(&p, 104, &[1; 104], true),
        ),
    ];
    let mut dec = NetDecoder::new();
    let (got, a) = run_on(&mut dec, LinkType::RAW, &frames);
    assert!(got.iter().all(Option::is_none));
    assert_eq!(kinds(&a), [NetAnomalyKind::FragmentTooLarge]);
    assert_eq!(a[0].frame, FrameNo(2));
    let mut a = Vec::new();
    dec.finish(&mut a);
    assert!(a.is_empty(), "a dropped datagram is not reported again");
    assert_eq!(dec.stats().defrag.fragments_dropped, 3);
}

#[test]
fn ipv6_fragments_reassemble_and_are_not_misdecoded() {
    let payload: Vec<u8> = (0..2000u32).map(|i| i as u8).collect();
    let ip = v6()
        .ipv6_ext(Ipv6Ext::DestinationOptions)
        .udp(7, 8, &payload);
    let frags = edgecap_testkit::frag::ipv6(&ip, 1232, 77);
    assert_eq!(frags.len(), 2);
    let frames: Vec<_> = frags
        .iter()
        .map(|f| (0, edgecap_testkit::link::wrap(LinkType::ETHERNET, f)))
        .collect();
    let mut dec = NetDecoder::new();
    let (got, a) = run_on(&mut dec, LinkType::ETHERNET, &frames);
    assert!(a.is_empty(), "{a:?}");
    assert!(got[0].is_none());
    let got = got[1].as_ref().unwrap();
    assert_eq!((got.ports, &got.payload), ((7, 8), &payload));
    assert_eq!(dec.stats().defrag.ipv6_fragments, 2);
}

#[test]
fn snaplen_cut_fragment_gives_a_truncated_datagram() {
    let frags = edgecap_testkit::frag::ipv4(&big_udp(), 1480);
    let mut f0 = frame(1, 0, LinkType::RAW, &frags[0][..200]);
    f0.orig_len = frags[0].len() as u32;
    let mut dec = NetDecoder::new();
    let mut a = Vec::new();
    assert!(dec.decode(&f0, &mut a).is_none());
    assert!(dec
        .decode(&frame(2, 0, LinkType::RAW, &frags[1]), &mut a)
        .is_none());
    let got = dec
        .decode(&frame(3, 0, LinkType::RAW, &frags[2]), &mut a)
        .map(|p| own(&p))
        .unwrap();
    assert!(a.is_empty());
    assert!(got.truncated);
    assert_eq!(got.payload, &big_udp()[28..200]);
}

#[test]
fn interleaved_datagrams_and_limits_default() {
    let a = edgecap_testkit::frag::ipv4(&big_udp(), 1000);
    let b = edgecap_testkit::frag::ipv4(&v4().identification(1).udp(3, 4, &[3; 3500]), 1000);
    assert_eq!((a.len(), b.len()), (4, 4));
    let frames: Vec<_> = a
        .iter()
        .zip(&b)
        .flat_map(|(x, y)| [(0, x.clone()), (0, y.clone())])
        .collect();
    let mut dec = NetDecoder::new();
    let (got, anomalies) = run_on(&mut dec, LinkType::RAW, &frames);
    assert!(anomalies.is_empty());
    assert_eq!(got.iter().flatten().count(), 2);
    assert_eq!(DefragLimits::default().timeout, Duration::from_secs(30));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(
        link in prop_oneof![
            prop::sample::select(edgecap_testkit::link::SUPPORTED.to_vec()),
            any::<u32>().prop_map(LinkType),
        ],
        data in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let mut dec = NetDecoder::new();
        let mut anomalies = Vec::new();
        let _ = dec.decode(&frame(1, 0, link, &data), &mut anomalies);
        dec.finish(&mut anomalies);
    }

    #[test]
    fn arbitrary_fragment_streams_never_panic(
        frags in prop::collection::vec(
            (0u16..4, 0u16..8192, any::<bool>(), 0usize..300, 0i64..100),
            1..40,
        ),
    ) {
        let base = v4().udp(1, 2, &[0; 8]);
        let mut dec = NetDecoder::with_limits(DefragLimits {
            max_buffered_bytes: 20_000,
            max_pending: 3,
            ..DefragLimits::default()
        });
        let mut anomalies = Vec::new();
        let mut t = 0;
        for (i, (id, off8, more, len, dt)) in frags.into_iter().enumerate() {
            let mut p = edgecap_testkit::frag::ipv4_fragment(&base, usize::from(off8) * 8, &vec![i as u8; len], more);
            p[4..6].copy_from_slice(&id.to_be_bytes());
            t += dt;
            let _ = dec.decode(&frame(i as u64 + 1, t, LinkType::RAW, &p), &mut anomalies);
        }
        dec.finish(&mut anomalies);
        let d = dec.stats().defrag;
        prop_assert!(d.reassembled + d.timed_out + d.dropped <= d.ipv4_fragments);
    }
}
