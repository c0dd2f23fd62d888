//! ProtoSink tests driven by synthetic flow events: framing on every split of
//! a stream, pseudo-TLS + MS-TURN, RFC 4571, ChannelData on UDP and TCP, STUN
//! on random ports, gaps, transactions and allocation stories.

use super::decoder::{ChannelId, Decoded, ProtoMsg};
use super::stun::Method;
use super::test_util::*;
use crate::stun::allocation::{AllocationOutcome, StepKind, TrafficKind};
use crate::stun::framing::Framing;
use crate::stun::pseudo_tls::{server_hello, LIBNICE_CLIENT_HELLO};
use edgecap_capture::FrameNo;
use edgecap_net::{Direction, Transport};
use edgecap_testkit::stun::Padding;

const C2S: Direction = Direction::ToServer;
const S2C: Direction = Direction::ToClient;

fn label(d: &Decoded) -> String {
    match &d.msg {
        ProtoMsg::Stun(r) => format!("stun:{:04x}:{}", r.msg.msg_type.raw, r.framing.name()),
        ProtoMsg::TurnChannel(c) => format!("chan:{:?}", c.channel),
        ProtoMsg::Tls(t) => format!("tls:{}", t.label()),
        ProtoMsg::PseudoTls(p) => p.label().to_string(),
        ProtoMsg::Icmp(e) => format!("icmp:{}", e.reason.as_str()),
        ProtoMsg::Sip(r) => format!("sip:{:?}", r.msg.start),
        ProtoMsg::Anomaly(a) => format!("anomaly:{}", a.id),
    }
}

fn outputs(messages: &[Decoded]) -> Vec<(String, u64, u64)> {
    messages
        .iter()
        .map(|d| (label(d), d.frames.first.0, d.frames.last.0))
        .collect()
}

/// A stream as (record bytes, expected output label) pairs.
type Script = Vec<(Vec<u8>, Option<String>)>;

fn concat(script: &Script) -> (Vec<u8>, Vec<(usize, usize, String)>) {
    let mut s = Vec::new();
    let mut expected = Vec::new();
    for (bytes, label) in script {
        let start = s.len();
        s.extend_from_slice(bytes);
        if let Some(l) = label {
            expected.push((start, s.len(), l.clone()));
        }
    }
    (s, expected)
}

fn run_chunks(server: &str, chunks: &[(&[u8], u64)]) -> Vec<(String, u64, u64)> {
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:50123", server);
    for (bytes, frame) in chunks {
        h.data(C2S, bytes, *frame);
    }
    outputs(&h.finish().messages)
}

/// Every 2-way split, and one byte per frame, give the same messages with
/// the right first and completing frames.
fn check_every_split(server: &str, script: &Script) {
    let (s, expected) = concat(script);
    let whole = run_chunks(server, &[(&s, 1)]);
    let want: Vec<_> = expected.iter().map(|(_, _, l)| (l.clone(), 1, 1)).collect();
    assert_eq!(whole, want, "whole stream");
    for k in 1..s.len() {
        let got = run_chunks(server, &[(&s[..k], 1), (&s[k..], 2)]);
        let want: Vec<_> = expected
            .iter()
            .map(|(a, b, l)| {
                (
                    l.clone(),
                    if *a < k { 1 } else { 2 },
                    if *b <= k { 1 } else { 2 },
                )
            })
            .collect();
        assert_eq!(got, want, "split at {k}");
    }
    let bytes: Vec<(&[u8], u64)> = (0..s.len()).map(|i| (&s[i..i + 1], i as u64 + 1)).collect();
    let got = run_chunks(server, &bytes);
    let want: Vec<_> = expected
        .iter()
        .map(|(a, b, l)| (l.clone(), *a as u64 + 1, *b as u64))
        .collect();
    assert_eq!(got, want, "one byte per frame");
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[test]
fn rfc_back_to_back_every_split_with_padded_channel_data() {
    let script: Script = vec![
        (binding(1), some("stun:0001:none")),
        (
            channel_data(0x4001, &[0x80, 1, 2, 3, 4], true),
            some("chan:Channel(16385)"),
        ),
        (rfc_allocate(2), some("stun:0003:none")),
        (channel_data(0x4001, &[0x80, 9], true), None),
        (rfc_401(2), some("stun:0113:none")),
    ];
    check_every_split("10.3.0.34:3478", &script);
}

#[test]
fn ms_turn_frames_every_split() {
    let script: Script = vec![
        (ms_frame(2, &ms_allocate(1)), some("stun:0003:ms-turn")),
        (ms_frame(3, &[0x80, 0x60, 0, 1, 2]), some("chan:MsTurnData")),
        (ms_frame(2, &ms_allocate_auth(2)), some("stun:0003:ms-turn")),
        (ms_frame(3, &[0x80, 0x60, 0, 2]), None),
        (ms_frame(3, &binding(5)), some("stun:0001:ms-turn")),
    ];
    check_every_split("10.3.0.34:443", &script);
}

#[test]
fn pseudo_tls_then_ms_turn_every_split() {
    let script: Script = vec![
        (
            LIBNICE_CLIENT_HELLO.to_vec(),
            some("ClientHello (pseudo-TLS)"),
        ),
        (
            ms_frame(2, &ms_allocate(1)),
            some("stun:0003:pseudo-tls+ms-turn"),
        ),
        (ms_frame(3, &[0x80, 0x60, 0, 1]), some("chan:MsTurnData")),
        (
            ms_frame(2, &ms_send(3, "192.0.2.9:50000")),
            some("stun:0004:pseudo-tls+ms-turn"),
        ),
    ];
    check_every_split("10.3.0.34:443", &script);
}

#[test]
fn rfc4571_every_split_on_an_unhinted_port() {
    let script: Script = vec![
        (rfc4571(&binding(1)), some("stun:0001:rfc4571")),
        (rfc4571(&[0x80, 0x60, 0, 1, 0, 0, 0, 0]), None),
        (rfc4571(&rfc_success(0x0101, 1)), some("stun:0101:rfc4571")),
    ];
    check_every_split("10.0.0.7:9", &script);
}

#[test]
fn pseudo_tls_conversation_both_directions() {
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:50123", "10.3.0.34:443");
    h.data(C2S, &LIBNICE_CLIENT_HELLO, 4);
    h.data(S2C, &server_hello([7; 32], [9; 32]), 5);
    h.data(C2S, &ms_frame(2, &ms_allocate(1)), 6);
    h.data(S2C, &ms_frame(2, &ms_401(1)), 7);
    h.data(C2S, &ms_frame(2, &ms_allocate_auth(2)), 8);
    let ok = ms_frame(
        2,
        &ms_allocate_ok(2, "10.3.0.40:58138", "198.51.100.7:4000"),
    );
    h.data(S2C, &ok[..30], 9);
    h.data(S2C, &ok[30..], 10);
    h.data(C2S, &ms_frame(3, &[0x80, 0, 0, 1]), 11);
    h.data(S2C, &ms_frame(3, &[0x80, 0, 0, 2]), 12);
    let a = h.finish();
    let got = outputs(&a.messages);
    let want = [
        ("ClientHello (pseudo-TLS)", 4, 4),
        ("ServerHello+ServerHelloDone (pseudo-TLS)", 5, 5),
        ("stun:0003:pseudo-tls+ms-turn", 6, 6),
        ("stun:0113:pseudo-tls+ms-turn", 7, 7),
        ("stun:0003:pseudo-tls+ms-turn", 8, 8),
        ("stun:0103:pseudo-tls+ms-turn", 9, 10),
        ("chan:MsTurnData", 11, 11),
        ("chan:MsTurnData", 12, 12),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(l, f, t)| (l.to_string(), *f, *t))
        .collect();
    assert_eq!(got, want);
    let flow = &a.flows[&edgecap_net::FlowId(0)];
    assert_eq!(flow.label, "pseudo-tls+ms-turn");
    assert_eq!(flow.decoder, Some("stun"));
    let recs: Vec<_> = a.stun_records().collect();
    assert_eq!(recs[1].response_to, Some(FrameNo(6)));
    assert_eq!(recs[3].response_to, Some(FrameNo(8)));
    assert_eq!(recs[3].rtt_ns, Some(2_000_000));
    let story = &a.allocations[0];
    assert_eq!(
        story.outcome,
        AllocationOutcome::Allocated {
            frame: FrameNo(10),
            relayed: Some(sa("10.3.0.40:58138"))
        }
    );
    match &story.steps[1].kind {
        StepKind::Challenge { code, realm, .. } => {
            assert_eq!(*code, 401);
            assert_eq!(realm.as_deref(), Some("\"rtcmedia\""));
        }
        other => panic!("{other:?}"),
    }
    match &story.steps[3].kind {
        StepKind::AllocateSuccess {
            relayed,
            reflexive,
            lifetime,
        } => {
            assert_eq!(*relayed, Some(sa("10.3.0.40:58138")));
            assert_eq!(*reflexive, Some(sa("198.51.100.7:4000")));
            assert_eq!(*lifetime, Some(480));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn stream_starting_with_ms_turn_frame_is_ms_turn() {
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:50123", "10.3.0.34:443");
    h.data(C2S, &ms_frame(2, &ms_allocate(1)), 1);
    h.data(S2C, &ms_frame(2, &ms_436(1)), 2);
    let a = h.finish();
    assert_eq!(a.flow_label(edgecap_net::FlowId(0)), "ms-turn");
    let recs: Vec<_> = a.stun_records().collect();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].framing, Framing::MsTurn);
    assert_eq!(recs[1].msg.error().map(|e| e.code), Some(436));
    assert_eq!(
        a.allocations[0].outcome,
        AllocationOutcome::Failed {
            frame: FrameNo(2),
            code: 436
        }
    );
}

#[test]
fn gap_resyncs_at_the_next_record_boundary() {
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:50123", "10.3.0.34:443");
    let a1 = ms_frame(2, &ms_allocate(1));
    let a2 = ms_frame(2, &ms_allocate(2));
    let a3 = ms_frame(2, &ms_allocate(3));
    h.data(C2S, &a1, 1);
    h.data(C2S, &a2[..10], 2);
    h.gap(C2S, 20, 3);
    // The next segment starts mid-record: dropped while resyncing.
    h.data(C2S, &a2[30..], 4);
    h.data(C2S, &a3, 5);
    let a = h.finish();
    let got = outputs(&a.messages);
    assert_eq!(
        got,
        vec![
            ("stun:0003:ms-turn".to_string(), 1, 1),
            ("anomaly:proto.stream_gap".to_string(), 3, 3),
            ("stun:0003:ms-turn".to_string(), 5, 5),
        ]
    );
}

#[test]
fn garbage_on_a_known_framing_is_a_desync_then_resync() {
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:50123", "10.3.0.34:3478");
    h.data(C2S, &binding(1), 1);
    h.data(C2S, &[0x99; 40], 2);
    h.data(C2S, &[0x98; 40], 3);
    h.data(C2S, &binding(2), 4);
    let a = h.finish();
    assert_eq!(
        outputs(&a.messages),
        vec![
            ("stun:0001:none".to_string(), 1, 1),
            ("anomaly:stun.stream_desync".to_string(), 2, 2),
            ("stun:0001:none".to_string(), 4, 4),
        ]
    );
    assert_eq!(a.anomaly_counts["stun.stream_desync"], 1);
}

#[test]
fn udp_channel_data_and_ms_multiplexed_are_counted_not_decoded() {
    let mut h = Harness::new(Transport::Udp, "10.98.2.1:51000", "10.3.0.34:3478");
    // Capture starts mid-call: the first datagram is ChannelData (odd length, unpadded).
    h.datagram(C2S, &channel_data(0x4001, &[0x80, 1, 2], false), 1);
    h.datagram(S2C, &channel_data(0x4001, &[0x80, 1, 2, 3, 4], false), 2);
    let mut mux = vec![0xFF, 0x10, 0x00, 0x0A];
    mux.extend_from_slice(&[0x7f, 0x20, 0xc4, 0xdd, 0x4f, 0x84, 0x8d, 0xfa, 0xAA, 0xBB]);
    h.datagram(C2S, &mux, 3);
    h.datagram(C2S, &channel_data(0x4001, &[0x80; 7], false), 4);
    h.datagram(C2S, &rfc_success(0x0004, 7), 5);
    let a = h.finish();
    assert_eq!(
        outputs(&a.messages),
        vec![
            ("chan:Channel(16385)".to_string(), 1, 1),
            ("chan:Channel(16385)".to_string(), 2, 2),
            ("chan:MsSession(9160538096872492538)".to_string(), 3, 3),
            ("stun:0004:none".to_string(), 5, 5),
        ]
    );
    let s = &a.flows[&edgecap_net::FlowId(0)].summary;
    let c2s = s
        .channels
        .iter()
        .find(|(id, d, _)| *id == ChannelId::Channel(0x4001) && *d == 0)
        .map(|x| x.2)
        .expect("channel counted");
    assert_eq!((c2s.frames, c2s.bytes, c2s.last_frame), (2, 10, FrameNo(4)));
}

#[test]
fn stun_on_a_random_udp_port_is_found_and_media_on_it_is_not_decoded() {
    let mut h = Harness::new(Transport::Udp, "10.0.0.1:40000", "10.0.0.2:40001");
    h.datagram(C2S, &binding(1), 1);
    h.datagram(S2C, &rfc_success(0x0101, 1), 2);
    let mut rtp = vec![0x80, 0x60, 0x00, 0x01];
    rtp.extend_from_slice(&[0u8; 28]);
    h.datagram(C2S, &rtp, 3);
    let mut dtls = vec![0x16, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10];
    dtls.extend_from_slice(&[0u8; 16]);
    h.datagram(S2C, &dtls, 4);
    // Looks like a STUN header (first byte 0) but its length is wrong.
    h.datagram(C2S, &[0, 1, 0, 8, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3], 5);
    let a = h.finish();
    let recs: Vec<_> = a.stun_records().collect();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].response_in, Some(FrameNo(2)));
    let flow = &a.flows[&edgecap_net::FlowId(0)];
    assert_eq!(flow.label, "stun");
    assert_eq!(flow.summary.other_units, 2);
    assert_eq!(a.anomaly_counts.get("stun.undecodable"), Some(&1));
}

#[test]
fn kept_message_bytes_are_capped_and_the_rest_counted() {
    let mut h = Harness::new(Transport::Udp, "10.0.0.1:40000", "10.0.0.2:3478");
    let size = binding(1).len();
    h.sink.set_message_bytes_cap(3 * size);
    for i in 0..5u8 {
        h.datagram(C2S, &binding(i), u64::from(i) + 1);
    }
    let a = h.finish();
    assert_eq!(a.stun_records().count(), 3);
    assert_eq!(a.dropped.get("stun"), Some(&2));
}

#[test]
fn media_only_udp_flow_is_bypassed_as_unknown() {
    let mut h = Harness::new(Transport::Udp, "10.0.0.1:40000", "10.0.0.2:40001");
    for i in 0..40u64 {
        let mut rtp = vec![0x80, 0x60, 0x00, i as u8];
        rtp.extend_from_slice(&[0u8; 28]);
        h.datagram(C2S, &rtp, i + 1);
    }
    let a = h.finish();
    assert!(a.messages.is_empty());
    let flow = &a.flows[&edgecap_net::FlowId(0)];
    assert_eq!((flow.label, flow.decoder), ("unknown", None));
}

#[test]
fn transactions_matched_retransmissions_counted_unanswered_marked() {
    let mut h = Harness::new(Transport::Udp, "10.98.2.1:51000", "10.3.0.34:3478");
    h.datagram(C2S, &rfc_allocate(1), 1);
    h.datagram(C2S, &rfc_allocate(1), 2);
    h.datagram(S2C, &rfc_401(1), 3);
    h.datagram(S2C, &rfc_401(1), 4);
    h.datagram(C2S, &binding(9), 5);
    h.datagram(C2S, &ms_send(4, "192.0.2.1:5000"), 6);
    h.datagram(
        C2S,
        &build(
            0x0004,
            &rfc_txid(10),
            &[(0x000D, vec![0; 4])],
            Padding::Padded,
        ),
        7,
    );
    let a = h.finish();
    let r: Vec<_> = a.stun_records().collect();
    assert_eq!(r.len(), 7);
    assert_eq!(
        (r[0].response_in, r[0].retransmissions),
        (Some(FrameNo(3)), 1)
    );
    assert_eq!(r[1].retransmission_of, Some(FrameNo(1)));
    assert!(!r[0].unanswered && !r[1].unanswered);
    assert_eq!(r[2].response_to, Some(FrameNo(1)));
    assert_eq!(r[2].rtt_ns, Some(2_000_000));
    assert_eq!(r[3].retransmission_of, Some(FrameNo(3)));
    assert!(r[4].unanswered, "binding without response");
    assert_eq!(r[5].msg.msg_type.method, Method::Send);
    assert!(!r[5].unanswered, "MS-TURN Send expects no response");
    assert!(r[6].unanswered, "RFC Refresh without response");
}

#[test]
fn rfc_allocation_story() {
    let mut h = Harness::new(Transport::Udp, "10.98.2.1:51000", "10.3.0.34:3478");
    let peer = "203.0.113.5:40000";
    h.datagram(C2S, &rfc_allocate(1), 1);
    h.datagram(S2C, &rfc_401(1), 2);
    h.datagram(C2S, &rfc_allocate_auth(2), 3);
    h.datagram(
        S2C,
        &rfc_allocate_ok(2, "10.3.0.40:50002", "198.51.100.7:4000"),
        4,
    );
    h.datagram(C2S, &rfc_channel_bind(3, 0x4001, peer), 5);
    h.datagram(S2C, &rfc_success(0x0109, 3), 6);
    h.datagram(C2S, &rfc_send(4, peer), 7);
    h.datagram(C2S, &rfc_send(5, peer), 8);
    let refresh = build(
        0x0004,
        &rfc_txid(6),
        &[(0x000D, vec![0; 4])],
        Padding::Padded,
    );
    h.datagram(C2S, &refresh, 9);
    let a = h.finish();
    assert_eq!(a.allocations.len(), 1);
    let s = &a.allocations[0];
    let frames: Vec<u64> = s.steps.iter().map(|x| x.frame.0).collect();
    assert_eq!(frames, vec![1, 2, 3, 4, 5, 6, 7, 9]);
    assert!(matches!(
        s.steps[0].kind,
        StepKind::AllocateRequest {
            authenticated: false,
            ..
        }
    ));
    match &s.steps[2].kind {
        StepKind::AllocateRequest {
            authenticated,
            username,
            ..
        } => {
            assert!(*authenticated);
            assert_eq!(username.as_deref(), Some("alice"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        s.steps[4].kind,
        StepKind::ChannelBind {
            channel: Some(0x4001),
            peer: Some(sa(peer))
        }
    );
    assert_eq!(s.steps[5].response_to, Some(FrameNo(5)));
    assert_eq!(
        s.steps[6].kind,
        StepKind::SendIndication {
            peer: Some(sa(peer))
        }
    );
    assert_eq!(s.steps[7].kind, StepKind::Refresh { lifetime: Some(0) });
    assert!(s.steps[7].unanswered);
    assert_eq!(s.traffic.len(), 1);
    assert_eq!(
        (s.traffic[0].kind, s.traffic[0].count),
        (TrafficKind::SendIndication, 2)
    );
    assert_eq!(
        s.outcome,
        AllocationOutcome::Allocated {
            frame: FrameNo(4),
            relayed: Some(sa("10.3.0.40:50002"))
        }
    );
}

#[test]
fn ms_turn_udp_story_with_send_sad_and_data_indication() {
    let mut h = Harness::new(Transport::Udp, "10.98.2.1:51000", "10.3.0.34:3478");
    let dest = "203.0.113.5:40000";
    h.datagram(C2S, &ms_allocate(1), 1);
    h.datagram(S2C, &ms_401(1), 2);
    h.datagram(C2S, &ms_allocate(2), 3);
    h.datagram(C2S, &ms_sad(3, dest), 4);
    h.datagram(C2S, &ms_send(4, dest), 5);
    h.datagram(C2S, &ms_send(5, dest), 6);
    h.datagram(S2C, &ms_data_ind(6, dest), 7);
    let a = h.finish();
    let s = &a.allocations[0];
    assert_eq!(
        s.outcome,
        AllocationOutcome::NoResponse { frame: FrameNo(3) }
    );
    let kinds: Vec<_> = s.steps.iter().map(|x| x.frame.0).collect();
    assert_eq!(kinds, vec![1, 2, 3, 4, 5, 7]);
    assert_eq!(
        s.steps[3].kind,
        StepKind::SetActiveDestination {
            destination: Some(sa(dest))
        }
    );
    assert_eq!(
        s.steps[5].kind,
        StepKind::MsDataIndication {
            remote: Some(sa(dest))
        }
    );
    let ms_send = s
        .traffic
        .iter()
        .find(|t| t.kind == TrafficKind::MsSend)
        .expect("counted");
    assert_eq!((ms_send.count, ms_send.last_frame), (2, FrameNo(6)));
    assert_eq!(a.flow_label(edgecap_net::FlowId(0)), "ms-turn");
}

#[test]
fn rfc_allocation_quota_error_is_the_outcome() {
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:50123", "10.3.0.34:3478");
    h.data(C2S, &rfc_allocate(1), 1);
    h.data(S2C, &rfc_401(1), 2);
    h.data(C2S, &rfc_allocate_auth(2), 3);
    h.data(S2C, &rfc_alloc_error(2, 486, "Allocation Quota Reached"), 4);
    let a = h.finish();
    let s = &a.allocations[0];
    assert_eq!(
        s.steps[3].kind,
        StepKind::Error {
            method: Method::Allocate,
            code: 486,
            reason: "Allocation Quota Reached".to_string()
        }
    );
    assert_eq!(
        s.outcome,
        AllocationOutcome::Failed {
            frame: FrameNo(4),
            code: 486
        }
    );
    assert_eq!(a.flow_label(edgecap_net::FlowId(0)), "stun");
}
