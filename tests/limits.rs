//! Resource limits on hostile traffic (issue 6): captures built in memory
//! with `edgecap_testkit` and the capture writer, streamed from a `Vec<u8>`
//! through the library. Each case asserts that the named cap holds and that
//! what was dropped is counted, not silently lost. Peak memory of the big
//! cases in release: `scripts/limits.sh` (numbers in the README "Limits").

use edgecap_analyze::{analyze_capture, Analysis, AnalyzeOptions};
use edgecap_capture::{CaptureReader, FrameNo, LinkType, Timestamp};
use edgecap_net::reassembly::{HalfStream, ReassemblyBudget, ReassemblyLimits, StreamEvent};
use edgecap_net::table::{FlowTable, NullSink, MAX_FLOW_RECORDS, MAX_LIVE_FLOWS};
use edgecap_net::tcp_state::TcpOutcome;
use edgecap_net::{Direction, NetAnomaly, NetDecoder};
use edgecap_proto::ProtoMsg;
use edgecap_testkit::writer::{PcapOptions, PcapWriter};
use edgecap_testkit::{link, IpBuilder, Tcp, TcpConversation};
use std::io::Cursor;
use std::net::Ipv4Addr;

/// `proto::stun::MAX_ATTRIBUTES` (README "Limits").
const MAX_STUN_ATTRIBUTES: usize = 256;

/// Writes IP packets as Ethernet frames, 1 µs apart.
fn capture(packets: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    let mut w = PcapWriter::new(Vec::new(), PcapOptions::default()).expect("pcap header");
    let mut ts = Timestamp::from_secs_nanos(1_795_683_600, 0);
    for ip in packets {
        let frame = link::wrap(LinkType::ETHERNET, &ip);
        w.write_packet(ts, &frame, frame.len() as u32)
            .expect("write packet");
        ts = Timestamp(ts.0 + 1_000);
    }
    w.into_inner().expect("finish capture")
}

fn reader(bytes: Vec<u8>) -> CaptureReader {
    CaptureReader::new(Box::new(Cursor::new(bytes)), "limits").expect("valid capture")
}

fn analyze(bytes: Vec<u8>) -> Analysis {
    analyze_capture(reader(bytes), "limits", &AnalyzeOptions::default())
}

fn count(a: &Analysis, id: &str) -> u64 {
    a.anomalies.counts.get(id).copied().unwrap_or(0)
}

/// SYNs from `n` distinct source ports/addresses to one server.
fn syn_flood(n: u32) -> impl Iterator<Item = Vec<u8>> {
    (0..n).map(|i| {
        // A distinct source address per flow (i < 2^24).
        let src = Ipv4Addr::from(0x0a00_0000 | i);
        let port = 40_000 + (i % 1000) as u16;
        IpBuilder::new(src, Ipv4Addr::new(203, 0, 113, 1))
            .tcp(&Tcp::new(port, 443).seq(i).syn(), b"")
    })
}

#[test]
fn syn_flood_beyond_the_flow_record_cap_is_counted_not_kept() {
    const FLOWS: u32 = 120_000;
    const CAP: usize = 50_000;
    // Small enough that the flood also fills the live table, again and again.
    const LIVE: usize = 20_000;
    const _: () = assert!(CAP < MAX_FLOW_RECORDS && LIVE < MAX_LIVE_FLOWS);
    let mut rd = reader(capture(syn_flood(FLOWS)));
    let mut decoder = NetDecoder::new();
    let mut table = FlowTable::with_caps(ReassemblyLimits::default(), CAP, LIVE);
    let mut anomalies: Vec<NetAnomaly> = Vec::new();
    let mut last = FrameNo(0);
    let mut frames = 0u64;
    while let Some(frame) = rd.next_frame() {
        frames += 1;
        last = frame.no;
        if let Some(p) = decoder.decode(&frame, &mut anomalies) {
            table.process(&frame, &p, &mut anomalies, &mut NullSink);
        }
        assert!(table.records().len() <= CAP, "record cap exceeded");
        assert!(table.live_flows() <= LIVE, "live-flow cap exceeded");
    }
    assert_eq!(frames, u64::from(FLOWS));
    let still_live = table.live_flows() as u64;
    let (records, drops) = table.finish_with_drops(last, &mut anomalies, &mut NullSink);
    assert_eq!(records.len(), CAP, "records stay at the cap");
    assert_eq!(
        drops.flows,
        u64::from(FLOWS) - CAP as u64,
        "every other flow is counted"
    );
    assert_eq!(drops.packets, drops.flows, "one SYN each");
    assert_eq!(drops.first_frame, Some(FrameNo(CAP as u64 + 1)));
    let kept: u64 = records.iter().map(|r| r.total_packets()).sum();
    assert_eq!(
        kept + drops.packets,
        frames,
        "every packet is in a record or counted as dropped"
    );
    assert!(anomalies.is_empty(), "{anomalies:?}");

    // The live-flow cap: flows finalised early keep their record and outcome.
    let ev = drops.evicted;
    assert_eq!(ev.first_frame, Some(FrameNo(LIVE as u64 + 1)));
    assert_eq!((ev.finished, ev.active), (0, 0), "{ev:?}");
    assert_eq!(ev.flows, ev.syn_unanswered);
    assert!(ev.flows > 0 && ev.untracked > 0, "{ev:?}");
    assert_eq!(
        ev.flows + ev.untracked + still_live,
        u64::from(FLOWS),
        "every flow was evicted, or live until the end"
    );
    assert!(records
        .iter()
        .all(|r| r.tcp_outcome() == Some(TcpOutcome::SynUnanswered) && r.total_packets() == 1));
}

#[test]
fn syn_flood_through_the_pipeline_keeps_every_flow_below_the_default_cap() {
    const FLOWS: u32 = 20_000;
    let a = analyze(capture(syn_flood(FLOWS)));
    assert_eq!(a.capture.packets, u64::from(FLOWS));
    assert_eq!(a.flows.len(), FLOWS as usize);
    assert_eq!(
        a.capture.flows_dropped,
        Default::default(),
        "below both caps"
    );
}

/// One TCP connection whose client sends `n` 100-byte segments from the
/// last to the first after a handshake, so everything but the first
/// segment arrives out of order.
fn reversed_segments(n: u32) -> Vec<Vec<u8>> {
    let client = "10.0.0.1:40000".parse().expect("addr");
    let server = "10.0.0.2:8080".parse().expect("addr");
    let mut t = TcpConversation::new(client, server);
    let mut packets: Vec<Vec<u8>> = t.handshake().into();
    let base = t.next_seq(Direction::ToServer);
    let ack = t.next_seq(Direction::ToClient);
    let payload = [0x42u8; 100];
    for i in (0..n).rev() {
        let seq = base.wrapping_add(i * 100);
        packets.push(edgecap_testkit::ip::tcp(
            client, server, seq, ack, 0x08, &payload,
        ));
    }
    packets
}

#[test]
fn a_hundred_thousand_out_of_order_segments_stay_within_the_reassembly_caps() {
    const SEGMENTS: u32 = 100_000;
    let a = analyze(capture(reversed_segments(SEGMENTS)));
    assert_eq!(a.capture.packets, u64::from(SEGMENTS) + 3);
    let tcp = a.flows[0].tcp.as_ref().expect("tcp flow");
    let s = &tcp.streams[Direction::ToServer.index()];
    assert_eq!(s.segments, u64::from(SEGMENTS));
    assert!(s.cap_hits > 0, "the per-direction cap was hit: {s:?}");
    assert!(count(&a, "tcp.buffer_cap") > 0, "{:?}", a.anomalies.counts);
    // Every byte is delivered, declared a gap or counted as dropped.
    let total = u64::from(SEGMENTS) * 100;
    assert!(
        s.delivered_bytes + s.gap_bytes + s.dropped_bytes >= total,
        "bytes unaccounted for: {s:?}"
    );
    assert!(s.delivered_bytes <= total);
}

#[test]
fn buffered_bytes_never_exceed_the_caps_segment_by_segment() {
    // The same reversed stream straight into the reassembler, with a small
    // cap so the check after every segment is cheap.
    let limits = ReassemblyLimits {
        per_direction: 64 << 10,
        total: 128 << 10,
    };
    let mut budget = ReassemblyBudget::new(limits);
    let mut half = HalfStream::new();
    let mut anomalies = Vec::new();
    let (mut delivered, mut gaps) = (0u64, 0u64);
    let mut out = |ev: StreamEvent<'_>| match ev {
        StreamEvent::Data { bytes, .. } => delivered += bytes.len() as u64,
        StreamEvent::Gap { len, .. } => gaps += len,
    };
    half.syn(999);
    let payload = [7u8; 100];
    for (k, i) in (0..100_000u32).rev().enumerate() {
        let seq = 1000u32.wrapping_add(i * 100);
        half.segment(
            seq,
            &payload,
            FrameNo(k as u64 + 1),
            &mut budget,
            &mut anomalies,
            &mut out,
        );
        assert!(
            half.memory() <= limits.per_direction,
            "segment {k}: {} buffered",
            half.memory()
        );
        assert!(budget.buffered() <= limits.total);
    }
    half.flush(FrameNo(100_001), &mut budget, &mut anomalies, &mut out);
    let st = half.stats();
    assert!(st.cap_hits > 0);
    assert_eq!(budget.buffered(), 0, "all freed after the flush");
    assert_eq!(delivered, st.delivered_bytes);
    assert_eq!(
        delivered + gaps,
        100_000 * 100,
        "delivered + gaps cover the stream"
    );
}

#[test]
fn a_storm_of_incomplete_fragments_stays_within_the_defrag_caps() {
    // 20,000 first fragments (1480 bytes each, 29 MB in all) of datagrams
    // whose other fragments never come.
    const DATAGRAMS: u16 = 20_000;
    let packets = (0..DATAGRAMS).map(|id| {
        let big = IpBuilder::v4([10, 1, (id >> 8) as u8, id as u8], [10, 2, 0, 1])
            .identification(id)
            .udp(5000, 5000, &[0x55; 4000]);
        edgecap_testkit::frag::ipv4(&big, 1480).swap_remove(0)
    });
    let a = analyze(capture(packets));
    assert_eq!(a.capture.packets, u64::from(DATAGRAMS));
    assert_eq!(a.capture.net.defrag.ipv4_fragments, u64::from(DATAGRAMS));
    assert_eq!(a.capture.net.defrag.reassembled, 0);
    assert!(
        count(&a, "ip.fragment_memory_cap") > 0,
        "{:?}",
        a.anomalies.counts
    );
    assert!(a.flows.is_empty(), "no datagram was completed");
}

/// `n` UDP packets to a TURN server: a normal Binding request first when
/// `lead` is set, then 32 KB Binding requests with 4000 attributes each.
fn attribute_bombs(lead: bool, n: usize) -> Analysis {
    // Comprehension-optional 0x8055 with a 4-byte value.
    let attrs: Vec<(u16, Vec<u8>)> = (0..4000u32)
        .map(|i| (0x8055u16, i.to_be_bytes().to_vec()))
        .collect();
    let bomb =
        edgecap_testkit::stun::rfc(0x0001, &edgecap_testkit::stun::rfc_txid(9), &attrs).bytes();
    let plain =
        edgecap_testkit::stun::rfc(0x0001, &edgecap_testkit::stun::rfc_txid(8), &[]).bytes();
    let client = "10.0.0.1:50000".parse().expect("addr");
    let server = "10.0.0.2:3478".parse().expect("addr");
    let mut packets = Vec::new();
    if lead {
        packets.push(edgecap_testkit::ip::udp(client, server, &plain));
    }
    packets.extend((0..n).map(|_| edgecap_testkit::ip::udp(client, server, &bomb)));
    analyze(capture(packets))
}

fn check_attribute_cap(a: &Analysis, bombs: u64) {
    assert_eq!(
        count(a, "stun.too_many_attributes"),
        bombs,
        "{:?}; flows: {:?}",
        a.anomalies.counts,
        a.proto.flows
    );
    let mut seen = 0;
    for d in &a.proto.messages {
        if let ProtoMsg::Stun(r) = &d.msg {
            seen += 1;
            assert!(r.msg.attributes.len() <= MAX_STUN_ATTRIBUTES);
        }
    }
    assert!(seen as u64 >= bombs, "each message is still reported");
}

#[test]
fn stun_messages_with_thousands_of_attributes_keep_at_most_256() {
    let a = attribute_bombs(true, 10);
    check_attribute_cap(&a, 10);
}

/// A flow that *starts* with such a message is still recognised as STUN:
/// the probe walks every attribute, not only the first MAX_ATTRIBUTES that
/// are kept, so each message is reported (with `stun.too_many_attributes`)
/// instead of the flow being labelled `unknown`.
#[test]
fn a_flow_of_only_attribute_bombs_is_still_reported_as_stun() {
    let a = attribute_bombs(false, 10);
    check_attribute_cap(&a, 10);
}

/// One unanswered STUN Binding request per flow, each between a client and a
/// server never seen before (a scan, or a busy edge's dead upstream).
fn one_shot_bindings(n: u32) -> impl Iterator<Item = Vec<u8>> {
    (0..n).map(|i| {
        let mut id = [0u8; 12];
        id[..4].copy_from_slice(&i.to_be_bytes());
        let txid = edgecap_testkit::stun::rfc_txid_from(id);
        let request = edgecap_testkit::stun::rfc(0x0001, &txid, &[]).bytes();
        IpBuilder::new(
            Ipv4Addr::from(0x0a40_0000 | i),
            Ipv4Addr::from(0xac10_0000 | i),
        )
        .udp(50_000, 3478, &request)
    })
}

#[test]
fn distinct_findings_beyond_the_per_kind_cap_are_rolled_up_and_counted() {
    use edgecap_analyze::findings::MAX_FINDINGS_PER_KIND;
    let extra = 200;
    let requests = MAX_FINDINGS_PER_KIND as u32 + extra;
    let a = analyze(capture(one_shot_bindings(requests)));
    let d = edgecap_analyze::diagnose(&a, &edgecap_analyze::EdgeConfig::default());
    let unanswered: Vec<_> = d
        .findings
        .iter()
        .filter(|f| f.id == "stun.request_unanswered")
        .collect();
    assert_eq!(unanswered.len(), MAX_FINDINGS_PER_KIND + 1);
    let rolled: Vec<_> = unanswered
        .iter()
        .filter(|f| f.details.iter().any(|(k, _)| *k == "limit"))
        .collect();
    assert_eq!(rolled.len(), 1, "one roll-up");
    let count = rolled[0].details.iter().find(|(k, _)| *k == "count");
    assert_eq!(
        count.map(|(_, v)| v),
        Some(&edgecap_analyze::Detail::Count(u64::from(extra)))
    );
    assert_eq!(
        rolled[0].flows.len(),
        extra as usize,
        "every rolled-up flow kept"
    );
    // Nothing lost: the listed and the counted add up to every request.
    let listed = unanswered.len() as u64 - 1;
    assert_eq!(listed + u64::from(extra), u64::from(requests));
}
