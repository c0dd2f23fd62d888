//! Unit tests of the flow table: flows, directions, TCP outcomes, reassembly
//! hand-off, expiry and the record and live-flow caps.

use super::*;
use crate::{Packet, TcpFlags};
use edgecap_capture::LinkType;

const SYN: u8 = TcpFlags::SYN;
const ACK: u8 = TcpFlags::ACK;
const RST: u8 = TcpFlags::RST;
const FIN: u8 = TcpFlags::FIN;

/// Collects what the table hands on, per flow and direction.
#[derive(Default)]
struct Collect {
    data: FxHashMap<(u32, usize), Vec<u8>>,
    completing_frames: Vec<u64>,
    gaps: u64,
    datagrams: Vec<(u32, Direction, usize)>,
    ended: Vec<u32>,
    icmp: Vec<(u32, Direction, u64, IpAddr)>,
}

impl FlowSink for Collect {
    fn datagram(&mut self, flow: &FlowRecord, dir: Direction, _: &Frame<'_>, payload: &[u8]) {
        self.datagrams.push((flow.id.0, dir, payload.len()));
    }
    fn stream(&mut self, flow: &FlowRecord, dir: Direction, ev: StreamEvent<'_>) {
        match ev {
            StreamEvent::Data { bytes, frames } => {
                self.data
                    .entry((flow.id.0, dir.index()))
                    .or_default()
                    .extend_from_slice(bytes);
                self.completing_frames.push(frames.last.0);
            }
            StreamEvent::Gap { len, .. } => self.gaps += len,
        }
    }
    fn flow_end(&mut self, flow: &FlowRecord) {
        self.ended.push(flow.id.0);
    }
    fn icmp_error(
        &mut self,
        flow: &FlowRecord,
        dir: Direction,
        frame: &Frame<'_>,
        from: IpAddr,
        _: &IcmpError<'_>,
    ) {
        self.icmp.push((flow.id.0, dir, frame.no.0, from));
    }
}

struct Harness {
    table: FlowTable,
    sink: Collect,
    anomalies: Vec<NetAnomaly>,
    frame: u64,
}

impl Harness {
    fn new() -> Self {
        Harness {
            table: FlowTable::default(),
            sink: Collect::default(),
            anomalies: Vec::new(),
            frame: 0,
        }
    }

    fn packet(&mut self, secs: i64, src: &str, dst: &str, segment: Segment<'_>) {
        self.frame += 1;
        let (src, dst): (std::net::SocketAddr, std::net::SocketAddr) =
            (src.parse().unwrap(), dst.parse().unwrap());
        let segment = match segment {
            Segment::Tcp {
                seq,
                ack,
                flags,
                header_len,
                payload,
                ..
            } => Segment::Tcp {
                src_port: src.port(),
                dst_port: dst.port(),
                seq,
                ack,
                flags,
                header_len,
                payload,
            },
            Segment::Udp { payload, .. } => Segment::Udp {
                src_port: src.port(),
                dst_port: dst.port(),
                payload,
            },
            other => other,
        };
        let packet = Packet {
            src: src.ip(),
            dst: dst.ip(),
            segment,
            truncated: false,
            hop_limit: Some(64),
        };
        let frame = Frame {
            no: FrameNo(self.frame),
            ts: Timestamp::from_secs_nanos(secs, 0),
            link: LinkType::RAW,
            data: &[],
            orig_len: 100,
        };
        self.table
            .process(&frame, &packet, &mut self.anomalies, &mut self.sink);
    }

    #[allow(clippy::too_many_arguments)]
    fn tcp(
        &mut self,
        secs: i64,
        src: &str,
        dst: &str,
        flags: u8,
        seq: u32,
        ack: u32,
        payload: &[u8],
    ) {
        self.packet(
            secs,
            src,
            dst,
            Segment::Tcp {
                src_port: 0,
                dst_port: 0,
                seq,
                ack,
                flags: TcpFlags(flags),
                header_len: 20,
                payload,
            },
        );
    }

    fn udp(&mut self, secs: i64, src: &str, dst: &str, payload: &[u8]) {
        self.packet(
            secs,
            src,
            dst,
            Segment::Udp {
                src_port: 0,
                dst_port: 0,
                payload,
            },
        );
    }

    fn finish(mut self) -> (Vec<FlowRecord>, Collect) {
        let records = self
            .table
            .finish(FrameNo(self.frame), &mut self.anomalies, &mut self.sink);
        (records, self.sink)
    }
}

const C: &str = "10.98.2.1:50123";
const S: &str = "10.3.0.34:443";

#[test]
fn handshake_data_and_fin_reassemble_both_directions() {
    let mut h = Harness::new();
    h.tcp(0, C, S, SYN, 1000, 0, b"");
    h.tcp(0, S, C, SYN | ACK, 5000, 1001, b"");
    h.tcp(0, C, S, ACK, 1001, 5001, b"hello ");
    h.tcp(0, C, S, ACK, 1007, 5001, b"world");
    h.tcp(0, S, C, ACK, 5001, 1012, b"ok");
    h.tcp(1, C, S, FIN | ACK, 1012, 5003, b"");
    let (records, sink) = h.finish();
    assert_eq!(records.len(), 1);
    let f = &records[0];
    assert_eq!(f.client.to_string(), C);
    assert_eq!(f.server.to_string(), S);
    assert_eq!(f.packets, [4, 2]);
    assert_eq!(f.bytes, [400, 200]);
    assert_eq!((f.first_frame, f.last_frame), (FrameNo(1), FrameNo(6)));
    assert_eq!(f.tcp_outcome(), Some(TcpOutcome::Closed));
    assert_eq!(sink.data[&(0, 0)], b"hello world");
    assert_eq!(sink.data[&(0, 1)], b"ok");
    assert_eq!(f.tcp.as_ref().unwrap().streams[0].delivered_bytes, 11);
    assert_eq!(sink.ended, vec![0]);
}

#[test]
fn out_of_order_data_is_attributed_to_the_completing_frame() {
    let mut h = Harness::new();
    h.tcp(0, C, S, SYN, 1000, 0, b"");
    h.tcp(0, S, C, SYN | ACK, 5000, 1001, b"");
    h.tcp(0, C, S, ACK, 1004, 5001, b"def"); // frame 3 arrives early
    h.tcp(0, C, S, ACK, 1001, 5001, b"abc"); // frame 4 fills the hole
    let (_, sink) = h.finish();
    assert_eq!(sink.data[&(0, 0)], b"abcdef");
    assert_eq!(sink.completing_frames, vec![4, 4]);
}

#[test]
fn three_refused_attempts_from_one_port_are_three_flows() {
    // Field case 1: the external edge retries SYN from relay port 58138 and
    // is reset each time.
    let (edge, remote) = ("10.3.0.40:58138", "1.1.1.1:50704");
    let mut h = Harness::new();
    for (i, isn) in [100u32, 9000, 77777].into_iter().enumerate() {
        let t = i as i64;
        h.tcp(t, edge, remote, SYN, isn, 0, b"");
        h.tcp(t, remote, edge, RST | ACK, 0, isn + 1, b"");
    }
    let (records, _) = h.finish();
    assert_eq!(records.len(), 3);
    for (i, f) in records.iter().enumerate() {
        assert_eq!(f.client.to_string(), edge);
        assert_eq!(f.tcp_outcome(), Some(TcpOutcome::Refused));
        let tcp = f.tcp.as_ref().unwrap();
        assert_eq!(tcp.control.rst_frames, vec![FrameNo(2 * i as u64 + 2)]);
        assert_eq!(tcp.control.reset_by, Some(Direction::ToClient));
    }
}

#[test]
fn retransmitted_syns_stay_one_flow() {
    let mut h = Harness::new();
    for t in 0..3 {
        h.tcp(t, C, "10.3.0.34:5062", SYN, 42, 0, b"");
    }
    let (records, _) = h.finish();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].tcp_outcome(), Some(TcpOutcome::SynUnanswered));
    assert_eq!(records[0].tcp.as_ref().unwrap().control.syn_count, 3);
}

#[test]
fn midstream_server_is_the_service_port() {
    let mut h = Harness::new();
    // First packet captured is the server's reply.
    h.tcp(0, S, C, ACK, 5000, 1000, b"x");
    h.tcp(0, C, S, ACK, 1000, 5001, b"y");
    let (records, sink) = h.finish();
    assert_eq!(records[0].client.to_string(), C);
    assert_eq!(records[0].tcp_outcome(), Some(TcpOutcome::Midstream));
    assert_eq!(sink.data[&(0, 0)], b"y");
    assert_eq!(sink.data[&(0, 1)], b"x");
}

#[test]
fn syn_ack_first_makes_its_receiver_the_client() {
    let mut h = Harness::new();
    h.tcp(0, S, C, SYN | ACK, 5000, 1001, b"");
    let (records, _) = h.finish();
    assert_eq!(records[0].client.to_string(), C);
}

#[test]
fn udp_first_sender_is_client_unless_the_port_says_otherwise() {
    let mut h = Harness::new();
    h.udp(0, "10.0.0.1:50000", "10.0.0.2:50001", b"a");
    h.udp(0, "10.3.0.34:3478", "10.98.2.1:51000", b"b"); // server speaks first
    h.udp(0, "10.98.2.1:51000", "10.3.0.34:3478", b"cc");
    let (records, sink) = h.finish();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].client.to_string(), "10.0.0.1:50000");
    assert_eq!(records[1].client.to_string(), "10.98.2.1:51000");
    assert_eq!(records[1].packets, [1, 1]);
    assert_eq!(
        sink.datagrams,
        vec![
            (0, Direction::ToServer, 1),
            (1, Direction::ToClient, 1),
            (1, Direction::ToServer, 2)
        ]
    );
}

#[test]
fn idle_flows_expire_and_a_later_packet_starts_a_new_flow() {
    let mut h = Harness::new();
    h.udp(0, "10.0.0.1:50000", "10.0.0.2:3478", b"a");
    h.udp(10_000, "10.0.0.1:50000", "10.0.0.2:3478", b"b");
    assert_eq!(h.table.live_flows(), 1);
    let (records, sink) = h.finish();
    assert_eq!(records.len(), 2);
    assert_eq!(sink.ended, vec![0, 1]);
}

#[test]
fn reset_after_data_records_side_and_bytes() {
    let mut h = Harness::new();
    h.tcp(0, C, S, SYN, 1, 0, b"");
    h.tcp(0, S, C, SYN | ACK, 1, 2, b"");
    h.tcp(0, C, S, ACK, 2, 2, b"12345");
    h.tcp(1, S, C, RST | ACK, 2, 7, b"");
    let (records, _) = h.finish();
    let tcp = records[0].tcp.as_ref().unwrap();
    assert_eq!(records[0].tcp_outcome(), Some(TcpOutcome::Reset));
    assert_eq!(tcp.control.reset_by, Some(Direction::ToClient));
    assert_eq!(tcp.control.bytes_before_reset, 5);
}

#[test]
fn flows_beyond_the_record_cap_are_counted_not_kept() {
    let mut h = Harness::new();
    h.table = FlowTable::with_limits(ReassemblyLimits::default(), 2);
    h.udp(0, "10.0.0.1:50000", "10.0.0.2:3478", b"a");
    h.tcp(0, C, S, SYN, 1, 0, b"");
    h.udp(0, "10.0.0.1:50001", "10.0.0.2:3478", b"b"); // dropped (frame 3)
    h.udp(0, "10.0.0.2:3478", "10.0.0.1:50001", b"c"); // same dropped flow
    h.tcp(0, "10.0.0.9:1", S, SYN, 1, 0, b""); // dropped
    h.udp(0, "10.0.0.1:50000", "10.0.0.2:3478", b"d"); // kept flow 0
    assert_eq!(
        h.table.drops(),
        FlowDrops {
            flows: 2,
            packets: 3,
            bytes: 300,
            first_frame: Some(FrameNo(3)),
            evicted: FlowEvictions::default(),
        }
    );
    let mut anomalies = Vec::new();
    let (records, drops) = h
        .table
        .finish_with_drops(FrameNo(6), &mut anomalies, &mut h.sink);
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].packets, [2, 0]);
    assert_eq!(drops.flows, 2);
    assert_eq!(h.sink.datagrams.len(), 2, "dropped flows reach no sink");
    assert_eq!(h.sink.ended, vec![0, 1]);
}

#[test]
fn icmp_is_counted_not_a_flow() {
    let mut h = Harness::new();
    h.packet(
        0,
        "10.0.0.1:0",
        "10.0.0.2:0",
        Segment::Other { protocol: 1 },
    );
    h.packet(
        1,
        "[2001:db8::1]:0",
        "[2001:db8::2]:0",
        Segment::Other { protocol: 58 },
    );
    assert_eq!(h.table.icmp_packets(), 2);
    let (records, _) = h.finish();
    assert!(records.is_empty());
}

#[test]
fn other_ip_protocols_are_flows_between_addresses() {
    let mut h = Harness::new();
    let sctp = Segment::Other { protocol: 132 };
    let gre = Segment::Other { protocol: 47 };
    h.packet(0, "10.0.0.1:0", "10.0.0.2:0", sctp);
    h.packet(1, "10.0.0.2:0", "10.0.0.1:0", sctp);
    h.packet(2, "10.0.0.1:0", "10.0.0.2:0", gre);
    h.packet(3, "10.0.0.1:0", "10.0.0.2:0", sctp);
    let (records, sink) = h.finish();
    assert_eq!(records.len(), 2, "one flow per protocol and address pair");
    assert_eq!(records[0].transport, Transport::Ip(132));
    assert_eq!(records[0].transport.as_str(), "sctp");
    assert_eq!(records[0].client.to_string(), "10.0.0.1:0", "first talker");
    assert_eq!(records[0].packets, [2, 1]);
    assert_eq!((records[0].first_frame.0, records[0].last_frame.0), (1, 4));
    assert_eq!(records[1].transport, Transport::Ip(47));
    assert_eq!(records[1].transport.as_str(), "gre");
    assert!(
        sink.datagrams.is_empty(),
        "nothing above IP reaches the sink"
    );
    assert!(records.iter().all(|r| r.tcp.is_none()));
}

impl Harness {
    /// A harness whose table holds at most `max_live` live flows and `max_records` records.
    fn with_caps(max_records: usize, max_live: usize) -> Self {
        let mut h = Harness::new();
        h.table = FlowTable::with_caps(ReassemblyLimits::default(), max_records, max_live);
        h
    }
}

#[test]
fn a_full_live_table_finalises_finished_connections_then_the_oldest_unanswered_syns() {
    let mut h = Harness::with_caps(1000, 4);
    h.udp(0, "10.0.0.1:50000", "10.0.0.2:3478", b"a"); // flow 0, active
    h.tcp(1, "10.0.0.5:40001", S, SYN, 100, 0, b""); // flow 1, unanswered
    h.tcp(2, "10.0.0.5:40002", S, SYN, 200, 0, b""); // flow 2, unanswered
    h.tcp(3, "10.0.0.5:40003", S, SYN, 300, 0, b""); // flow 3, refused:
    h.tcp(3, S, "10.0.0.5:40003", RST | ACK, 0, 301, b""); // finished
    assert_eq!(h.sink.ended, vec![3], "a reset ends the payload at once");
    assert!(h.table.drops().evicted.is_empty());

    // Frame 6 starts a fifth flow: the finished connection goes first,
    // although it is the youngest.
    h.tcp(4, "10.0.0.5:40004", S, SYN, 400, 0, b""); // flow 4
    assert_eq!(h.table.live_flows(), 4);
    let ev = h.table.drops().evicted;
    assert_eq!(
        (ev.flows, ev.finished, ev.first_frame),
        (1, 1, Some(FrameNo(6)))
    );

    // Frame 7: now the oldest unanswered SYN (flow 1), not the older UDP flow.
    h.tcp(5, "10.0.0.5:40005", S, SYN, 500, 0, b""); // flow 5
    assert_eq!(h.sink.ended, vec![3, 1]);
    let ev = h.table.drops().evicted;
    assert_eq!(
        ev,
        FlowEvictions {
            flows: 2,
            finished: 1,
            syn_unanswered: 1,
            active: 0,
            untracked: 0,
            first_frame: Some(FrameNo(6)),
        }
    );

    // Flow 1's retransmitted SYN starts a new flow, evicting flow 2.
    h.tcp(6, "10.0.0.5:40001", S, SYN, 100, 0, b""); // flow 6
    assert_eq!(h.sink.ended, vec![3, 1, 2]);
    let (records, sink) = h.finish();
    assert_eq!(records.len(), 7, "every flow keeps its record");
    assert_eq!(records[1].tcp_outcome(), Some(TcpOutcome::SynUnanswered));
    assert_eq!(records[1].total_packets(), 1);
    assert_eq!(records[3].tcp_outcome(), Some(TcpOutcome::Refused));
    assert_eq!(records[6].client, records[1].client);
    assert_eq!(records[6].tcp.as_ref().unwrap().control.syn_count, 1);
    assert_eq!(records[0].packets, [1, 0], "the UDP flow stayed live");
    assert_eq!(sink.ended, vec![3, 1, 2, 0, 4, 5, 6], "each flow ends once");
}

#[test]
fn an_evicted_connection_is_flushed_with_its_outcome_and_counted_active() {
    let mut h = Harness::with_caps(1000, 2);
    h.tcp(0, C, S, SYN, 1000, 0, b"");
    h.tcp(0, S, C, SYN | ACK, 5000, 1001, b"");
    h.tcp(1, C, S, ACK, 1001, 5001, b"abc");
    h.tcp(1, C, S, ACK, 1007, 5001, b"ghi"); // after a hole of three bytes
    h.udp(2, "10.0.0.1:50000", "10.0.0.2:3478", b"x"); // flow 1
    h.udp(3, "10.0.0.1:50001", "10.0.0.2:3478", b"y"); // flow 2 evicts flow 0
    assert_eq!(h.sink.ended, vec![0]);
    assert_eq!(
        h.sink.data[&(0, 0)],
        b"abcghi",
        "buffered bytes are delivered"
    );
    assert_eq!(h.sink.gaps, 3);
    let ev = h.table.drops().evicted;
    assert_eq!(
        (ev.flows, ev.active, ev.first_frame),
        (1, 1, Some(FrameNo(6)))
    );
    // The connection's next segment is a new, midstream flow.
    h.tcp(4, C, S, ACK, 1010, 5001, b"jkl"); // flow 3 evicts flow 1
    let (records, _) = h.finish();
    assert_eq!(records.len(), 4);
    assert_eq!(records[0].tcp_outcome(), Some(TcpOutcome::Established));
    let stats = &records[0].tcp.as_ref().unwrap().streams[0];
    assert_eq!((stats.delivered_bytes, stats.gap_bytes), (6, 3));
    assert_eq!(records[3].tcp_outcome(), Some(TcpOutcome::Midstream));
}

#[test]
fn forgotten_flows_beyond_the_record_cap_are_counted_untracked() {
    let mut h = Harness::with_caps(1, 2);
    h.udp(0, "10.0.0.1:50000", "10.0.0.2:3478", b"a"); // flow 0
    h.udp(1, "10.0.0.1:50001", "10.0.0.2:3478", b"b"); // untracked
    h.udp(2, "10.0.0.1:50002", "10.0.0.2:3478", b"c"); // untracked, forgets 50001
    h.udp(3, "10.0.0.1:50001", "10.0.0.2:3478", b"d"); // counted again
    let drops = h.table.drops();
    assert_eq!((drops.flows, drops.packets), (3, 3));
    assert_eq!(drops.evicted.untracked, 2);
    assert_eq!(drops.evicted.flows, 0, "flow 0 keeps its live state");
    let (records, sink) = h.finish();
    assert_eq!(records[0].packets, [1, 0]);
    assert_eq!(sink.ended, vec![0]);
}

#[test]
fn the_live_table_never_holds_more_than_its_cap() {
    let mut h = Harness::with_caps(1000, 64);
    for i in 0..1000u32 {
        let src = format!("10.1.{}.{}:40000", i / 256, i % 256);
        h.tcp(i64::from(i / 100), &src, S, SYN, i, 0, b"");
        assert!(h.table.live_flows() <= 64);
    }
    let ev = h.table.drops().evicted;
    assert_eq!(ev.syn_unanswered, ev.flows);
    // Evictions free a quarter of the cap at a time.
    assert_eq!(
        ev.flows % (64 / evict::EVICTION_FRACTION) as u64,
        0,
        "{ev:?}"
    );
    assert!(ev.flows >= 1000 - 64, "{ev:?}");
    let (records, sink) = h.finish();
    assert_eq!(records.len(), 1000);
    assert!(records
        .iter()
        .all(|r| r.tcp_outcome() == Some(TcpOutcome::SynUnanswered)));
    assert_eq!(sink.ended.len(), 1000);
}

#[test]
fn record_and_live_entry_sizes_match_the_documented_bound() {
    // README "Limits" and the MAX_FLOW_RECORDS / MAX_LIVE_FLOWS docs quote
    // these numbers (64-bit targets).
    if std::mem::size_of::<usize>() == 8 {
        assert_eq!(std::mem::size_of::<FlowRecord>(), 288);
        assert_eq!(std::mem::size_of::<(FlowKey, LiveFlow)>(), 88);
    }
    let mut h = Harness::new();
    h.tcp(0, C, S, SYN, 1000, 0, b"");
    let (records, _) = h.finish();
    let c = &records[0].tcp.as_ref().unwrap().control;
    let heap = c.syn_frames.heap_bytes() + c.rst_frames.heap_bytes() + c.control_times.heap_bytes();
    assert_eq!(heap, 0, "a one-SYN flow needs no heap beyond its record");
    let t = records[0].tcp.as_ref().unwrap();
    assert!(
        t.streams.0.is_none(),
        "nor for its (empty) stream statistics"
    );
    assert_eq!(t.streams[0], HalfStreamStats::default());
}

#[test]
fn an_expired_flow_makes_room_without_counting_as_evicted() {
    let mut h = Harness::with_caps(1000, 2);
    h.udp(0, "10.0.0.1:50000", "10.0.0.2:3478", b"a"); // flow 0, swept at t=0
    h.udp(600, "10.0.0.1:50001", "10.0.0.2:3478", b"b"); // sweep: flow 0 not yet expired
    h.udp(601, "10.0.0.1:50002", "10.0.0.2:3478", b"c"); // the table is full
    assert_eq!(h.sink.ended, vec![0], "flow 0 expired");
    assert!(h.table.drops().evicted.is_empty());
    assert_eq!(h.table.live_flows(), 2);
}

#[test]
fn icmp_errors_reach_the_sink_with_the_quoted_flow() {
    use crate::icmp::{Quoted, UnreachableReason};
    use crate::ip::IpVersion;
    let mut h = Harness::new();
    let udp = Segment::Udp {
        src_port: 0,
        dst_port: 0,
        payload: b"x",
    };
    h.packet(0, "10.98.2.1:50300", "10.3.0.34:3478", udp);
    let ep = |s: &str| {
        let a: std::net::SocketAddr = s.parse().unwrap();
        Endpoint::new(a.ip(), a.port())
    };
    let error = |src: &str, dst: &str| {
        Segment::IcmpError(IcmpError {
            version: IpVersion::V4,
            code: 3,
            reason: UnreachableReason::Port,
            quoted: Quoted {
                transport: Transport::Udp,
                src: ep(src),
                dst: ep(dst),
                payload: &[],
            },
        })
    };
    // From a router: quoting the client's datagram to the server.
    let e = error("10.98.2.1:50300", "10.3.0.34:3478");
    h.packet(1, "10.3.0.1:0", "10.98.2.1:0", e);
    // Quoting a datagram of no flow: counted, not handed on.
    let e = error("10.98.2.1:50301", "10.3.0.34:3478");
    h.packet(2, "10.3.0.34:0", "10.98.2.1:0", e);
    assert_eq!(h.table.icmp_packets(), 2);
    assert_eq!(h.table.icmp_unlinked(), 1);
    let (records, sink) = h.finish();
    assert_eq!(records.len(), 1, "an ICMP error is not a flow");
    assert_eq!(
        records[0].packets,
        [1, 0],
        "nor a packet of the quoted flow"
    );
    let router: IpAddr = "10.3.0.1".parse().unwrap();
    assert_eq!(sink.icmp, vec![(0, Direction::ToServer, 2, router)]);
}
