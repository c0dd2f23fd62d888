//! Test helpers for the protocol layer: a harness that drives [`ProtoSink`]
//! with synthetic flow events. The hand-built STUN / MS-TURN messages and
//! in-memory captures come from the test kit ([`edgecap_testkit::messages`]).

use super::analysis::ProtoAnalysis;
use super::dispatch::ProtoSink;
use edgecap_capture::{Frame, FrameNo, LinkType, Timestamp};
use edgecap_net::ip::{self, IpLayer};
use edgecap_net::reassembly::{FrameSpan, StreamEvent};
use edgecap_net::table::{FlowRecord, FlowSink, TcpRecord};
use edgecap_net::{Direction, Endpoint, FlowId, Segment, Transport};

pub use edgecap_testkit::messages::*;

/// Drives a [`ProtoSink`] with synthetic events of one flow.
pub struct Harness {
    /// The sink.
    pub sink: ProtoSink,
    /// The flow.
    pub rec: FlowRecord,
}

impl Harness {
    /// A harness for one flow `client` → `server`.
    pub fn new(transport: Transport, client: &str, server: &str) -> Self {
        let (c, s) = (sa(client), sa(server));
        Harness {
            sink: ProtoSink::new(),
            rec: FlowRecord {
                id: FlowId(0),
                transport,
                client: Endpoint::new(c.ip(), c.port()),
                server: Endpoint::new(s.ip(), s.port()),
                first_frame: FrameNo(1),
                last_frame: FrameNo(1),
                first_ts: Timestamp(0),
                last_ts: Timestamp(0),
                packets: [0; 2],
                bytes: [0; 2],
                tcp: (transport == Transport::Tcp).then(TcpRecord::default),
            },
        }
    }

    /// A TCP chunk released at `frame` (and first captured at `first`).
    pub fn data_span(&mut self, dir: Direction, bytes: &[u8], first: u64, frame: u64) {
        self.rec.last_ts = Timestamp(frame as i64 * 1_000_000);
        let ev = StreamEvent::Data {
            bytes,
            frames: FrameSpan {
                first: FrameNo(first),
                last: FrameNo(frame),
            },
        };
        self.sink.stream(&self.rec, dir, ev);
    }

    /// An in-order TCP chunk from one frame.
    pub fn data(&mut self, dir: Direction, bytes: &[u8], frame: u64) {
        self.data_span(dir, bytes, frame, frame);
    }

    /// A stream gap decided at `frame`.
    pub fn gap(&mut self, dir: Direction, len: u64, frame: u64) {
        let ev = StreamEvent::Gap {
            len,
            frame: FrameNo(frame),
        };
        self.sink.stream(&self.rec, dir, ev);
    }

    /// A UDP datagram in `frame` at `frame` milliseconds.
    pub fn datagram(&mut self, dir: Direction, bytes: &[u8], frame: u64) {
        let f = Frame {
            no: FrameNo(frame),
            ts: Timestamp(frame as i64 * 1_000_000),
            link: LinkType::RAW,
            data: &[],
            orig_len: bytes.len() as u32,
        };
        self.sink.datagram(&self.rec, dir, &f, bytes);
    }

    /// An ICMP error packet (an IP packet, as the test kit builds it) in
    /// `frame`, quoting a datagram of this flow that travelled in `dir`.
    ///
    /// # Panics
    /// When `packet` is not an ICMP destination-unreachable error.
    pub fn icmp(&mut self, dir: Direction, packet: &[u8], frame: u64) {
        let Ok(IpLayer::Packet(p)) = ip::parse(packet, None) else {
            panic!("not an IP packet");
        };
        let Segment::IcmpError(error) = p.segment else {
            panic!("not an ICMP error: {:?}", p.segment);
        };
        let f = Frame {
            no: FrameNo(frame),
            ts: Timestamp(frame as i64 * 1_000_000),
            link: LinkType::RAW,
            data: &[],
            orig_len: packet.len() as u32,
        };
        self.sink.icmp_error(&self.rec, dir, &f, p.src, &error);
    }

    /// End the flow and the sink.
    pub fn finish(mut self) -> ProtoAnalysis {
        self.sink.flow_end(&self.rec);
        self.sink.finish()
    }
}
