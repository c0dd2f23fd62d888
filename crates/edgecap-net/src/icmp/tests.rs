//! ICMP / ICMPv6 destination-unreachable errors built with the test kit:
//! the quoted IP and UDP/TCP headers, truncated quotes, every reason, and
//! what is not read (other types, nested ICMP, quotes cut inside the UDP
//! header, fragments).

use super::*;
use crate::ip::{parse, IpLayer};
use crate::Packet;
use edgecap_testkit::{IpBuilder, Tcp};

/// A STUN Binding request header (20 bytes) as quoted payload.
const STUN: [u8; 20] = [
    0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
];

fn error_of(packet: &[u8]) -> IcmpError<'_> {
    match parse(packet, None) {
        Ok(IpLayer::Packet(p)) => match p.segment {
            Segment::IcmpError(e) => e,
            other => panic!("not an ICMP error: {other:?}"),
        },
        other => panic!("not a packet: {other:?}"),
    }
}

#[test]
fn port_unreachable_quotes_the_udp_datagram_and_the_stun_header() {
    let request = IpBuilder::v4([10, 98, 2, 1], [198, 51, 100, 9]).udp(50300, 3478, &STUN);
    let icmp = IpBuilder::v4([198, 51, 100, 9], [10, 98, 2, 1]).icmp_unreachable(3, &request, 576);
    let e = error_of(&icmp);
    assert_eq!(e.version, IpVersion::V4);
    assert_eq!(e.protocol_name(), "ICMP");
    assert_eq!((e.code, e.reason), (3, UnreachableReason::Port));
    assert_eq!(e.quoted.transport, Transport::Udp);
    assert_eq!(e.quoted.src.to_string(), "10.98.2.1:50300");
    assert_eq!(e.quoted.dst.to_string(), "198.51.100.9:3478");
    assert_eq!(e.quoted.payload, &STUN);
    // The outer packet's source is the sender of the error.
    let Ok(IpLayer::Packet(p)) = parse(&icmp, None) else {
        panic!("packet")
    };
    assert_eq!(p.src.to_string(), "198.51.100.9");
}

#[test]
fn rfc792_quote_of_8_bytes_has_ports_and_no_payload() {
    let request = IpBuilder::v4([10, 98, 2, 1], [10, 3, 0, 34]).udp(50300, 3478, &STUN);
    let icmp = IpBuilder::v4([10, 3, 0, 1], [10, 98, 2, 1]).icmp_unreachable(13, &request, 28);
    let e = error_of(&icmp);
    assert_eq!(e.reason, UnreachableReason::AdminProhibited);
    assert_eq!(e.quoted.dst.port, 3478);
    assert!(e.quoted.payload.is_empty());
    // Cut in the middle of the STUN header: what is there.
    let icmp = IpBuilder::v4([10, 3, 0, 1], [10, 98, 2, 1]).icmp_unreachable(10, &request, 40);
    let e = error_of(&icmp);
    assert_eq!(e.reason, UnreachableReason::AdminProhibited);
    assert_eq!(e.quoted.payload, &STUN[..12]);
}

#[test]
fn icmpv6_port_unreachable_and_admin_prohibited() {
    let c = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let s = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
    let request = IpBuilder::v6(c, s).udp(50400, 3478, &STUN);
    for (code, reason) in [
        (4, UnreachableReason::Port),
        (1, UnreachableReason::AdminProhibited),
        (3, UnreachableReason::Host),
        (0, UnreachableReason::Network),
    ] {
        let icmp = IpBuilder::v6(s, c).icmp_unreachable(code, &request, 1232);
        let e = error_of(&icmp);
        assert_eq!(e.version, IpVersion::V6);
        assert_eq!(e.protocol_name(), "ICMPv6");
        assert_eq!(e.reason, reason, "code {code}");
        assert_eq!(e.quoted.dst.to_string(), "[2001:db8::2]:3478");
        assert_eq!(e.quoted.payload, &STUN);
    }
}

#[test]
fn a_quoted_tcp_segment_is_read_when_its_header_is_whole() {
    let syn = IpBuilder::v4([10, 3, 0, 40], [1, 1, 1, 1]).tcp(&Tcp::new(58138, 50704).syn(), &[]);
    let icmp = IpBuilder::v4([1, 1, 1, 1], [10, 3, 0, 40]).icmp_unreachable(13, &syn, 576);
    let e = error_of(&icmp);
    assert_eq!(e.quoted.transport, Transport::Tcp);
    assert_eq!(e.quoted.dst.to_string(), "1.1.1.1:50704");
    // RFC 792's 8 bytes of a TCP header are not enough for the TCP parser.
    let short = IpBuilder::v4([1, 1, 1, 1], [10, 3, 0, 40]).icmp_unreachable(13, &syn, 28);
    assert_eq!(parse_unreachable(IpVersion::V4, &short[20..]), None);
}

#[test]
fn reasons_from_codes() {
    use UnreachableReason as R;
    let v4: Vec<_> = (0..=15).map(|c| R::from_code(false, c)).collect();
    assert_eq!(&v4[..4], &[R::Network, R::Host, R::Protocol, R::Port]);
    assert_eq!(v4[9], R::AdminProhibited);
    assert_eq!(v4[10], R::AdminProhibited);
    assert_eq!(v4[13], R::AdminProhibited);
    assert_eq!(v4[4], R::Other(4));
    assert_eq!(R::from_code(true, 5), R::AdminProhibited);
    assert_eq!(R::from_code(true, 6), R::AdminProhibited);
    assert_eq!(R::from_code(true, 2), R::Other(2));
    assert_eq!(R::Port.as_str(), "port_unreachable");
    assert_eq!(R::AdminProhibited.words(), "administratively prohibited");
}

#[test]
fn what_is_not_an_unreachable_error_stays_other() {
    let request = IpBuilder::v4([10, 98, 2, 1], [10, 3, 0, 34]).udp(50300, 3478, &STUN);
    let other = |packet: Vec<u8>| match parse(&packet, None) {
        Ok(IpLayer::Packet(Packet {
            segment: Segment::Other { protocol },
            ..
        })) => protocol,
        other => panic!("{other:?}"),
    };
    let router = IpBuilder::v4([10, 3, 0, 1], [10, 98, 2, 1]);
    // Quote cut inside the UDP header.
    let cut = router.icmp_unreachable(3, &request, 27);
    assert_eq!(other(cut), 1);
    // Echo request (type 8).
    let mut echo = router.icmp_unreachable(3, &request, 28);
    echo[20] = 8;
    assert_eq!(other(echo), 1);
    // An error quoting an ICMP error: quotes do not nest.
    let inner = router.icmp_unreachable(3, &request, 576);
    let outer = IpBuilder::v4([10, 98, 2, 1], [10, 3, 0, 1]).icmp_unreachable(3, &inner, 576);
    assert_eq!(other(outer), 1);
    // ICMPv6 type 1 over IPv4 is not an ICMP error.
    let bogus = IpBuilder::v4([10, 3, 0, 1], [10, 98, 2, 1]).raw(58, &[1, 4, 0, 0, 0, 0, 0, 0]);
    assert_eq!(other(bogus), 58);
}

#[test]
fn every_truncation_of_an_error_is_read_or_left_without_panic() {
    let request = IpBuilder::v4([10, 98, 2, 1], [10, 3, 0, 34]).udp(50300, 3478, &STUN);
    let icmp = IpBuilder::v4([10, 3, 0, 1], [10, 98, 2, 1]).icmp_unreachable(3, &request, 576);
    let message = &icmp[20..];
    for cut in 0..=message.len() {
        let e = parse_unreachable(IpVersion::V4, &message[..cut]);
        assert_eq!(e.is_some(), cut >= 8 + 28, "cut {cut}");
        if let Some(e) = e {
            assert_eq!(e.quoted.payload, &STUN[..cut - 36]);
        }
    }
}
