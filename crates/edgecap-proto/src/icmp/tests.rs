//! ICMP errors through the dispatcher: placed on the quoted flow, the quoted
//! STUN header read only on STUN flows, linked to the request by transaction
//! id, and never creating protocol state for a flow.

use super::*;
use crate::stun::Method;
use crate::test_util::{rfc_allocate, sa, Harness};
use edgecap_net::table::FlowSink;
use edgecap_net::Direction;
use edgecap_testkit::IpBuilder;

const CLIENT: &str = "10.98.2.1:50300";
const EDGE: &str = "198.51.100.9:3478";

/// The ICMP error `from` sends back for `datagram` (client → edge).
fn error(from: [u8; 4], code: u8, datagram: &[u8], quote: usize) -> Vec<u8> {
    let request = IpBuilder::new(sa(CLIENT).ip(), sa(EDGE).ip()).udp(50300, 3478, datagram);
    IpBuilder::new(std::net::IpAddr::from(from), sa(CLIENT).ip())
        .icmp_unreachable(code, &request, quote)
}

fn icmp_events(h: Harness) -> Vec<(FrameNo, Direction, IcmpEvent)> {
    h.finish()
        .messages
        .into_iter()
        .filter_map(|d| match d.msg {
            ProtoMsg::Icmp(e) => Some((d.frames.last, d.dir, *e)),
            _ => None,
        })
        .collect()
}

#[test]
fn port_unreachable_is_linked_to_the_quoted_allocate() {
    let mut h = Harness::new(Transport::Udp, CLIENT, EDGE);
    let allocate = rfc_allocate(7);
    h.datagram(Direction::ToServer, &allocate, 1);
    h.icmp(
        Direction::ToServer,
        &error([198, 51, 100, 9], 3, &allocate, 576),
        2,
    );
    h.datagram(Direction::ToServer, &allocate, 3);
    h.icmp(
        Direction::ToServer,
        &error([198, 51, 100, 9], 3, &allocate, 576),
        4,
    );
    let events = icmp_events(h);
    assert_eq!(events.len(), 2);
    let (frame, dir, e) = &events[0];
    assert_eq!((*frame, *dir), (FrameNo(2), Direction::ToClient));
    assert_eq!(e.protocol_name(), "ICMP");
    assert_eq!(e.from.to_string(), "198.51.100.9");
    assert_eq!(e.reason, UnreachableReason::Port);
    assert_eq!(e.quoted_dst.to_string(), EDGE);
    assert_eq!(e.quoted_payload_len, allocate.len());
    let q = e.stun.expect("quoted stun header");
    assert_eq!(q.msg_type.method, Method::Allocate);
    assert_eq!(q.txid, edgecap_testkit::stun::rfc_txid(7));
    assert_eq!(e.request, Some(FrameNo(1)));
    // The second error answers the retransmission in frame 3.
    assert_eq!(events[1].2.request, Some(FrameNo(3)));
}

#[test]
fn an_rfc792_quote_has_no_stun_and_no_link() {
    let mut h = Harness::new(Transport::Udp, CLIENT, EDGE);
    let allocate = rfc_allocate(7);
    h.datagram(Direction::ToServer, &allocate, 1);
    h.icmp(
        Direction::ToServer,
        &error([10, 98, 2, 254], 13, &allocate, 28),
        2,
    );
    let events = icmp_events(h);
    let e = &events[0].2;
    assert_eq!(e.reason, UnreachableReason::AdminProhibited);
    assert_eq!(e.from.to_string(), "10.98.2.254");
    assert_eq!((e.quoted_payload_len, e.stun, e.request), (0, None, None));
}

#[test]
fn a_quote_on_a_flow_that_is_not_stun_is_not_read_as_stun() {
    let mut h = Harness::new(Transport::Udp, CLIENT, EDGE);
    // Not STUN: the flow never gets the STUN decoder.
    let rtp = [0x80u8; 40];
    h.datagram(Direction::ToServer, &rtp, 1);
    let mut fake = rfc_allocate(7);
    fake.truncate(20);
    h.icmp(
        Direction::ToServer,
        &error([198, 51, 100, 9], 3, &fake, 576),
        2,
    );
    let events = icmp_events(h);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].2.stun, None);
}

#[test]
fn an_error_after_the_flow_ended_adds_no_flow_state() {
    let mut h = Harness::new(Transport::Udp, CLIENT, EDGE);
    let allocate = rfc_allocate(7);
    h.datagram(Direction::ToServer, &allocate, 1);
    let rec = h.rec.clone();
    h.sink.flow_end(&rec);
    h.icmp(
        Direction::ToServer,
        &error([198, 51, 100, 9], 3, &allocate, 576),
        2,
    );
    let a = h.sink.finish();
    assert_eq!(a.flows.len(), 1);
    assert_eq!(
        a.flows[&rec.id].label, "stun",
        "the ended flow's summary is kept"
    );
    assert!(a
        .messages
        .iter()
        .any(|d| matches!(d.msg, ProtoMsg::Icmp(_))));
}
