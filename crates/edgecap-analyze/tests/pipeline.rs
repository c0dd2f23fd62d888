//! Full-pipeline tests: synthetic pcap → `engine::analyze` → `ProtoSink`,
//! checking decoders, labels and frame numbers as a user would see them.

use edgecap_analyze::analyze;
use edgecap_capture::FrameNo;
use edgecap_net::{Direction, FlowId};
use edgecap_proto::stun::allocation::AllocationOutcome;
use edgecap_proto::stun::pseudo_tls::{server_hello, LIBNICE_CLIENT_HELLO};
use edgecap_proto::{ProtoMsg, ProtoSink};
use edgecap_testkit::messages::*;
use edgecap_testkit::{ip, TcpConversation};

#[test]
fn edge_capture_through_the_engine() {
    let mut c = TcpConversation::new(sa("10.98.2.1:50123"), sa("10.3.0.34:443"));
    let mut packets: Vec<Vec<u8>> = c.handshake().to_vec(); // frames 1-3
    packets.push(c.data(Direction::ToServer, &LIBNICE_CLIENT_HELLO)); // 4
    packets.push(c.data(Direction::ToClient, &server_hello([1; 32], [2; 32]))); // 5
    packets.push(c.data(Direction::ToServer, &ms_frame(2, &ms_allocate(1)))); // 6
    packets.push(c.data(Direction::ToClient, &ms_frame(2, &ms_401(1)))); // 7
    let auth = ms_frame(2, &ms_allocate_auth(2));
    packets.push(c.data(Direction::ToServer, &auth[..17])); // 8
    packets.push(c.data(Direction::ToServer, &auth[17..])); // 9
    let ok = ms_allocate_ok(2, "10.3.0.40:58138", "198.51.100.7:4000");
    packets.push(c.data(Direction::ToClient, &ms_frame(2, &ok))); // 10
    let (cu, su) = (sa("10.98.2.1:51000"), sa("10.3.0.34:3478"));
    packets.push(ip::udp(cu, su, &rfc_allocate(7))); // 11
    packets.push(ip::udp(su, cu, &rfc_401(7))); // 12
    let (a, b) = (sa("10.0.0.1:40000"), sa("10.0.0.2:40001"));
    packets.push(ip::udp(a, b, &binding(8))); // 13
    let mut rtp = vec![0x80, 0x60, 0, 1];
    rtp.extend_from_slice(&[0; 20]);
    packets.push(ip::udp(a, b, &rtp)); // 14

    let mut sink = ProtoSink::new();
    let analysis = analyze(capture(&packets), "edge", &mut sink);
    assert_eq!(analysis.flows.len(), 3);
    let p = sink.finish();
    assert_eq!(p.flow_label(FlowId(0)), "pseudo-tls+ms-turn");
    assert_eq!(p.flow_label(FlowId(1)), "stun");
    assert_eq!(p.flow_label(FlowId(2)), "stun");
    let frames: Vec<(u64, u64)> = p
        .messages
        .iter()
        .map(|d| (d.frames.first.0, d.frames.last.0))
        .collect();
    assert_eq!(
        frames,
        vec![
            (4, 4),
            (5, 5),
            (6, 6),
            (7, 7),
            (8, 9),
            (10, 10),
            (11, 11),
            (12, 12),
            (13, 13)
        ]
    );
    assert!(matches!(p.messages[0].msg, ProtoMsg::PseudoTls(_)));
    let recs: Vec<_> = p.stun_records().collect();
    assert_eq!(recs[2].frames.first, FrameNo(8));
    assert_eq!(recs[3].response_to, Some(FrameNo(9)));
    assert_eq!(recs[4].response_in, Some(FrameNo(12)));
    assert!(recs[6].unanswered);
    assert_eq!(p.allocations.len(), 2);
    assert!(matches!(
        p.allocations[0].outcome,
        AllocationOutcome::Allocated {
            frame: FrameNo(10),
            ..
        }
    ));
    assert!(matches!(
        p.allocations[1].outcome,
        AllocationOutcome::ChallengeNotAnswered { frame: FrameNo(12) }
    ));
    assert_eq!(p.flows[&FlowId(2)].summary.other_units, 1);
}

#[test]
fn coturn_loopback_capture_decodes() {
    // Real coturn traffic on UDP and TCP 3478 (captures/coturn-loopback.pcap).
    let path = edgecap_testkit::capture_path("coturn-loopback.pcap");
    let reader = edgecap_capture::CaptureReader::open(&path).expect("capture");
    let mut sink = ProtoSink::new();
    let analysis = analyze(reader, "coturn", &mut sink);
    let p = sink.finish();
    assert_eq!(analysis.flows.len(), 8);
    let labels: Vec<&str> = p.flows.values().map(|f| f.label).collect();
    assert_eq!(labels.iter().filter(|l| **l == "stun").count(), 6);
    assert_eq!(labels.iter().filter(|l| **l == "unknown").count(), 2);
    assert!(p.anomaly_counts.is_empty(), "{:?}", p.anomaly_counts);
    let tcp_msgs: u64 = p
        .flows
        .values()
        .filter(|f| f.transport == edgecap_net::Transport::Tcp)
        .map(|f| f.messages)
        .sum();
    assert_eq!(tcp_msgs, 26);
    for r in p.stun_records() {
        if r.msg.msg_type.class != edgecap_proto::stun::Class::Request {
            continue;
        }
        assert!(
            r.response_in.is_some() || r.unanswered,
            "frame {}",
            r.frame()
        );
    }
    let allocated = p
        .allocations
        .iter()
        .filter(|s| matches!(s.outcome, AllocationOutcome::Allocated { .. }))
        .count();
    assert_eq!((p.allocations.len(), allocated), (6, 4));
}
