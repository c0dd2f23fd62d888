//! The SIP decoder through the dispatcher: port hint and probe, UDP, TCP
//! framing on every split, keep-alives, resynchronisation after garbage and
//! gaps, and an oversized body.

use crate::decoder::{Decoded, ProtoMsg};
use crate::test_util::Harness;
use edgecap_net::{Direction, Transport};
use edgecap_sip::message::{SipAnomaly, MAX_BODY_LEN};

const C2S: Direction = Direction::ToServer;
const S2C: Direction = Direction::ToClient;

const INVITE: &[u8] = b"INVITE sip:user2@fabrikam.com SIP/2.0\r\n\
Via: SIP/2.0/TCP 10.98.2.1:51647\r\n\
Call-ID: a622d7b9f6464be3a455e6d98ec700b3\r\n\
CSeq: 1 INVITE\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 13\r\n\r\n\
v=0\r\ns=call\r\n";

const TRYING: &[u8] = b"SIP/2.0 100 Trying\r\nCall-ID: a622d7b9f6464be3a455e6d98ec700b3\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n";

/// (label, first frame, completing frame) of every output.
fn outputs(messages: &[Decoded]) -> Vec<(String, u64, u64)> {
    messages
        .iter()
        .map(|d| {
            let l = match &d.msg {
                ProtoMsg::Sip(r) => match (r.msg.method(), r.msg.status()) {
                    (Some(m), _) => format!("sip:{}", String::from_utf8_lossy(m)),
                    (_, Some(code)) => format!("sip:{code}"),
                    _ => unreachable!("a message is a request or a response"),
                },
                ProtoMsg::Anomaly(a) => format!("anomaly:{}", a.id),
                other => format!("{other:?}"),
            };
            (l, d.frames.first.0, d.frames.last.0)
        })
        .collect()
}

fn run_tcp(server: &str, chunks: &[(Direction, &[u8], u64)]) -> Vec<(String, u64, u64)> {
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:51647", server);
    for (dir, bytes, frame) in chunks {
        h.data(*dir, bytes, *frame);
    }
    let p = h.finish();
    assert!(p.flows.values().all(|f| f.label == "sip"), "{:?}", p.flows);
    outputs(&p.messages)
}

#[test]
fn every_split_of_two_messages_in_one_direction() {
    let mut stream = INVITE.to_vec();
    stream.extend_from_slice(b"\r\n\r\n");
    stream.extend_from_slice(INVITE);
    let expect_whole = vec![
        ("sip:INVITE".to_string(), 1, 1),
        ("sip:INVITE".to_string(), 1, 1),
    ];
    assert_eq!(
        run_tcp("10.10.10.1:5060", &[(C2S, &stream, 1)]),
        expect_whole
    );
    for cut in 1..stream.len() {
        let out = run_tcp(
            "10.10.10.1:5060",
            &[(C2S, &stream[..cut], 1), (C2S, &stream[cut..], 2)],
        );
        let first_done = if cut >= INVITE.len() { 1 } else { 2 };
        let second_first = if cut > INVITE.len() + 4 { 1 } else { 2 };
        assert_eq!(
            out,
            vec![
                ("sip:INVITE".to_string(), 1, first_done),
                ("sip:INVITE".to_string(), second_first, 2)
            ],
            "cut at {cut}"
        );
    }
}

#[test]
fn any_port_by_the_strict_probe_and_both_directions() {
    let out = run_tcp(
        "192.0.2.5:5070",
        &[
            (C2S, &INVITE[..20], 4),
            (C2S, &INVITE[20..], 5),
            (S2C, TRYING, 6),
        ],
    );
    assert_eq!(
        out,
        vec![
            ("sip:INVITE".to_string(), 4, 5),
            ("sip:100".to_string(), 6, 6)
        ]
    );
    // Text that is not SIP on an unhinted port is never claimed.
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:51647", "192.0.2.5:8080");
    h.data(C2S, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 1);
    let p = h.finish();
    assert!(p.messages.is_empty());
    assert_eq!(p.flow_label(edgecap_net::FlowId(0)), "unknown");
}

#[test]
fn garbage_and_gaps_resynchronise_at_a_start_line() {
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:51647", "10.10.10.1:5060");
    h.data(C2S, TRYING, 1);
    let mut bad = b"garbage line\r\nmore garbage\r\n".to_vec();
    bad.extend_from_slice(INVITE);
    h.data(C2S, &bad, 2);
    h.data(C2S, &INVITE[..30], 3);
    h.gap(C2S, 100, 4);
    let mut after = b"body bytes after the gap\r\n".to_vec();
    after.extend_from_slice(TRYING);
    h.data(C2S, &after, 5);
    let out = outputs(&h.finish().messages);
    assert_eq!(
        out,
        vec![
            ("sip:100".to_string(), 1, 1),
            ("anomaly:sip.bad_start_line".to_string(), 2, 2),
            ("sip:INVITE".to_string(), 2, 2),
            ("anomaly:proto.stream_gap".to_string(), 4, 4),
            ("sip:100".to_string(), 5, 5),
        ]
    );
}

#[test]
fn oversized_body_is_cut_and_skipped() {
    let body_len = MAX_BODY_LEN + 5000;
    let mut m = format!("SIP/2.0 200 OK\r\nContent-Length: {body_len}\r\n\r\n").into_bytes();
    m.extend(std::iter::repeat_n(b'x', body_len));
    m.extend_from_slice(TRYING);
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:51647", "10.10.10.1:5060");
    for (i, chunk) in m.chunks(1400).enumerate() {
        h.data(S2C, chunk, i as u64 + 1);
    }
    let p = h.finish();
    let out = outputs(&p.messages);
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(out[1].0, "sip:100");
    let ProtoMsg::Sip(r) = &p.messages[0].msg else {
        panic!("sip first")
    };
    assert_eq!(r.msg.body.len(), MAX_BODY_LEN);
    assert_eq!(r.msg.anomalies, vec![SipAnomaly::BodyTruncated]);
    assert_eq!(r.wire_len, (m.len() - TRYING.len()) as u64);
    assert_eq!(p.anomaly_counts.get("sip.body_truncated"), Some(&1));
}

#[test]
fn udp_datagrams() {
    let mut h = Harness::new(Transport::Udp, "10.98.2.1:5060", "10.10.10.1:5080");
    h.datagram(C2S, INVITE, 1);
    h.datagram(S2C, b"not sip at all", 2);
    h.datagram(S2C, TRYING, 3);
    let p = h.finish();
    assert_eq!(
        outputs(&p.messages),
        vec![
            ("sip:INVITE".to_string(), 1, 1),
            ("sip:100".to_string(), 3, 3)
        ]
    );
    let f = p.flows.values().next().expect("flow");
    assert_eq!((f.label, f.summary.other_units), ("sip", 1));
    let ProtoMsg::Sip(r) = &p.messages[0].msg else {
        panic!("sip")
    };
    assert_eq!(
        (r.transport, r.wire_len),
        (Transport::Udp, INVITE.len() as u64)
    );
    assert_eq!(r.msg.body, b"v=0\r\ns=call\r\n");
}
