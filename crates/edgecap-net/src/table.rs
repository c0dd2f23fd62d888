//! The flow table: one record per conversation (canonical 5-tuple), who is the
//! client, per-direction counters, TCP outcome and in-order byte streams.
//!
//! The table owns the live per-flow state (TCP reassembly) and hands every UDP
//! payload and every in-order TCP chunk to a [`FlowSink`]. It never looks inside
//! payloads. Idle flows expire so memory follows live flows, not file size.
//!
//! Two caps bound the memory that grows with the number of flows, whatever
//! the capture holds (README "Limits"):
//!
//! * [`MAX_LIVE_FLOWS`] flows hold live state at once. When a new flow finds
//!   the table full, idle flows past their timeout expire first; then the
//!   finished connections, the unanswered SYNs and finally the other flows
//!   are finalised early, oldest first, a quarter of the cap at a time
//!   ([`FlowEvictions`]). An evicted flow keeps its record and outcome like
//!   an expired one: a later packet of it starts a new flow.
//! * [`MAX_FLOW_RECORDS`] records are kept for the report ([`FlowDrops`]).
//!
//! Worst case for a flood of one-packet flows (a SYN flood, a scan):
//! `MAX_FLOW_RECORDS` × `size_of::<FlowRecord>()` (288 bytes on 64-bit
//! targets; a record's SYN, RST and control-time lists need no heap while
//! they hold one entry, nor its stream statistics while they are zero) plus
//! at most 2^19 hash-table buckets of 89 bytes for the live flows: under
//! 320 MiB for any number of flows. A full handshake moves the lists to the
//! heap (about 100 bytes; at most about 1 KB with 16 SYNs and 16 RSTs), a
//! TCP flow that carried payload keeps its stream statistics on the heap
//! (144 bytes), and each live TCP connection that carried payload holds 384
//! bytes of reassembly state (plus what the sink keeps).

use super::icmp::IcmpError;
use super::reassembly::{
    HalfStream, HalfStreamStats, ReassemblyBudget, ReassemblyLimits, StreamEvent,
};
use super::tcp_state::{TcpControl, TcpOutcome};
use super::{Direction, Endpoint, FlowId, FlowKey, NetAnomaly, Segment, Transport};
use edgecap_capture::{Frame, FrameNo, Timestamp};
use rustc_hash::FxHashMap;
use std::net::IpAddr;

mod evict;
mod process;
pub use evict::FlowEvictions;

/// How long a TCP flow may stay silent before it is closed, in capture time.
pub const TCP_IDLE_TIMEOUT_NS: i64 = 600 * 1_000_000_000;
/// How long a TCP flow is kept after FIN or RST, so trailing segments still match it.
pub const TCP_CLOSED_LINGER_NS: i64 = 60 * 1_000_000_000;
/// How long a UDP flow may stay silent before it is closed (long: media pauses).
pub const UDP_IDLE_TIMEOUT_NS: i64 = 600 * 1_000_000_000;
/// How many flow records are kept for the report. Records accumulate for the
/// whole capture (live state expires, records do not), so this bounds the
/// part of memory that grows with the number of flows in the file: 288
/// bytes per record (plus its SYN, RST and control-time lists once they hold
/// two entries: about 100 bytes for a full handshake; and 144 bytes of
/// stream statistics once a TCP flow carried payload), some 275 MiB at the
/// cap. Beyond it a new flow is still
/// followed (so its later packets are not counted as new flows) but keeps
/// no record, no reassembly state and is not handed to the sink; it is
/// counted in [`FlowDrops`] instead.
pub const MAX_FLOW_RECORDS: usize = 1_000_000;
/// How many flows may hold live state (a hash-table entry, and TCP
/// reassembly and protocol state once they carry payload) at once. Chosen
/// below 7/8 of 2^18 so the table never needs more than 2^19 buckets (about
/// 45 MiB), even with the tombstones evictions leave. When a new flow finds
/// the table full, flows are finalised early (see the module documentation
/// and [`FlowEvictions`]).
pub const MAX_LIVE_FLOWS: usize = 200_000;

/// How often (in capture time) idle flows are swept.
const SWEEP_INTERVAL_NS: i64 = 5 * 1_000_000_000;

/// Ports on which the listening side is assumed to be the server when no SYN
/// tells: TURN/STUN, SIP, MRAS, TLS (docs/field-cases.md, "Ports to know") and web ports.
const SERVICE_PORTS: &[u16] = &[3478, 3479, 3480, 3481, 5060, 5061, 5062, 5349, 8080, 8443];

/// True for ports that identify a server: below 1024, or a known edge service port.
pub fn is_service_port(port: u16) -> bool {
    port < 1024 || SERVICE_PORTS.contains(&port)
}

/// TCP-specific facts about a flow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TcpRecord {
    /// Handshake, resets and closes.
    pub control: TcpControl,
    /// Reassembly statistics per direction (index by [`Direction::index`]).
    pub streams: StreamStats,
}

/// Reassembly statistics of both directions of a TCP flow, read as a
/// `[HalfStreamStats; 2]` (index by [`Direction::index`]). Boxed, and absent
/// while all zero, because most flows of a flood never carry a segment
/// through reassembly: 8 bytes in the record instead of 144.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamStats(Option<Box<[HalfStreamStats; 2]>>);

/// Statistics of a direction that carried no segment through reassembly.
const NO_STREAM: HalfStreamStats = HalfStreamStats {
    segments: 0,
    retransmissions: 0,
    overlaps: 0,
    overlap_mismatches: 0,
    gaps: 0,
    gap_bytes: 0,
    dropped_bytes: 0,
    delivered_bytes: 0,
    cap_hits: 0,
};

impl StreamStats {
    /// Both directions' statistics (kept on the heap only when not all zero).
    pub fn new(stats: [HalfStreamStats; 2]) -> Self {
        StreamStats((stats != [NO_STREAM, NO_STREAM]).then(|| Box::new(stats)))
    }
}

impl std::ops::Deref for StreamStats {
    type Target = [HalfStreamStats; 2];

    fn deref(&self) -> &[HalfStreamStats; 2] {
        static NONE: [HalfStreamStats; 2] = [NO_STREAM, NO_STREAM];
        self.0.as_deref().unwrap_or(&NONE)
    }
}

/// Everything reported about one flow.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowRecord {
    /// Number in order of first appearance, from 0.
    pub id: FlowId,
    /// TCP or UDP.
    pub transport: Transport,
    /// The SYN sender, or the first talker unless the port says otherwise.
    pub client: Endpoint,
    /// The other side.
    pub server: Endpoint,
    /// First frame of the flow.
    pub first_frame: FrameNo,
    /// Last frame of the flow.
    pub last_frame: FrameNo,
    /// Time of the first frame.
    pub first_ts: Timestamp,
    /// Time of the last frame.
    pub last_ts: Timestamp,
    /// Packets per direction (index by [`Direction::index`]).
    pub packets: [u64; 2],
    /// Bytes on the wire (frame length) per direction.
    pub bytes: [u64; 2],
    /// TCP details; `None` for UDP.
    pub tcp: Option<TcpRecord>,
}

impl FlowRecord {
    /// Packets in both directions.
    pub fn total_packets(&self) -> u64 {
        self.packets[0] + self.packets[1]
    }

    /// Bytes in both directions.
    pub fn total_bytes(&self) -> u64 {
        self.bytes[0] + self.bytes[1]
    }

    /// The TCP outcome, for TCP flows.
    pub fn tcp_outcome(&self) -> Option<TcpOutcome> {
        self.tcp.as_ref().map(|t| t.control.outcome())
    }
}

/// Receives what flows carry: UDP payloads and in-order TCP stream events.
pub trait FlowSink {
    /// One UDP datagram.
    fn datagram(&mut self, flow: &FlowRecord, dir: Direction, frame: &Frame<'_>, payload: &[u8]);
    /// One in-order TCP stream event.
    fn stream(&mut self, flow: &FlowRecord, dir: Direction, event: StreamEvent<'_>);
    /// The flow's payload has ended — its TCP connection was reset or closed by
    /// both sides, it expired or was evicted, or the capture ended: no more datagrams or
    /// stream events follow (the record's counters may still grow with the
    /// trailing ACKs of a closed connection). Called once per flow.
    fn flow_end(&mut self, _flow: &FlowRecord) {}
    /// An ICMP or ICMPv6 destination-unreachable error from `from` quoting a
    /// datagram of `flow` that travelled in `dir` (the error travels back).
    /// The default ignores it.
    fn icmp_error(
        &mut self,
        _flow: &FlowRecord,
        _dir: Direction,
        _frame: &Frame<'_>,
        _from: IpAddr,
        _error: &IcmpError<'_>,
    ) {
    }
}

/// A sink that ignores everything.
pub struct NullSink;

impl FlowSink for NullSink {
    fn datagram(&mut self, _: &FlowRecord, _: Direction, _: &Frame<'_>, _: &[u8]) {}
    fn stream(&mut self, _: &FlowRecord, _: Direction, _: StreamEvent<'_>) {}
}

/// What the flow table's caps cost. `flows`, `packets`, `bytes` and
/// `first_frame`: flows that were seen but not kept because
/// [`MAX_FLOW_RECORDS`] (or the table's own cap) was reached — they appear in
/// no record and none of their payload reached the sink. `evicted`: flows
/// finalised early because [`MAX_LIVE_FLOWS`] was reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlowDrops {
    /// Flows (5-tuples) not kept as records.
    pub flows: u64,
    /// Their packets.
    pub packets: u64,
    /// Their bytes on the wire (frame lengths).
    pub bytes: u64,
    /// The first frame that started a dropped flow.
    pub first_frame: Option<FrameNo>,
    /// Flows whose live state was given up because the live table was full.
    pub evicted: FlowEvictions,
}

/// A live flow's TCP reassembly state. A SYN-only connection (a scan, a
/// flood, a refused attempt) never allocates the two reassemblers.
enum Streams {
    /// UDP, or a TCP connection already reset or closed by both sides.
    Done,
    /// TCP without payload so far: the initial sequence number of each
    /// direction, once its SYN was seen.
    Pending([Option<u32>; 2]),
    /// TCP with payload: both directions' reassembly.
    Open(Box<[HalfStream; 2]>),
}

impl Streams {
    /// Both reassemblers, created on the first payload with the ISNs seen so far.
    fn open(&mut self) -> Option<&mut [HalfStream; 2]> {
        if let Streams::Pending(isn) = *self {
            let mut halves = Box::new([HalfStream::new(), HalfStream::new()]);
            for (half, isn) in halves.iter_mut().zip(isn) {
                if let Some(isn) = isn {
                    half.syn(isn);
                }
            }
            *self = Streams::Open(halves);
        }
        match self {
            Streams::Open(halves) => Some(halves),
            _ => None,
        }
    }
}

struct LiveFlow {
    /// Index into the records; `None` for a flow beyond the record cap, which
    /// is only followed so that its later packets are not new flows.
    id: Option<FlowId>,
    /// True when the canonical key's `lo` endpoint is the client.
    client_is_lo: bool,
    last_ts: Timestamp,
    /// TCP reassembly state, allocated only when payload flows and dropped
    /// once the connection is reset or closed.
    streams: Streams,
    /// True once the sink has been told the flow ended (a closed TCP connection).
    ended: bool,
    /// The record's TCP connection has seen a RST or a FIN (copied from the
    /// record so that the sweep and the eviction scan need not read it).
    closing: bool,
    /// The record's TCP outcome is `syn_unanswered` (likewise).
    syn_unanswered: bool,
}

impl LiveFlow {
    /// How long this flow may stay silent before it expires.
    fn idle_timeout(&self, transport: Transport) -> i64 {
        match (self.id, transport) {
            // Untracked flows beyond the record cap: the longest timeout.
            (None, _) => TCP_IDLE_TIMEOUT_NS.max(UDP_IDLE_TIMEOUT_NS),
            (Some(_), Transport::Udp | Transport::Ip(_)) => UDP_IDLE_TIMEOUT_NS,
            (Some(_), Transport::Tcp) if self.closing => TCP_CLOSED_LINGER_NS,
            (Some(_), Transport::Tcp) => TCP_IDLE_TIMEOUT_NS,
        }
    }

    /// True when the flow has been silent longer than its timeout at `now`.
    fn is_expired(&self, transport: Transport, now: i64) -> bool {
        now.saturating_sub(self.last_ts.0) > self.idle_timeout(transport)
    }
}

/// The flow table and the TCP reassembly state of live flows.
pub struct FlowTable {
    live: FxHashMap<FlowKey, LiveFlow>,
    records: Vec<FlowRecord>,
    max_records: usize,
    max_live: usize,
    drops: FlowDrops,
    budget: ReassemblyBudget,
    last_sweep: Timestamp,
    latest_ts: Timestamp,
    icmp_packets: u64,
    icmp_unlinked: u64,
}

impl Default for FlowTable {
    fn default() -> Self {
        FlowTable::new(ReassemblyLimits::default())
    }
}

impl FlowTable {
    /// An empty table whose TCP reassembly is bounded by `limits`.
    pub fn new(limits: ReassemblyLimits) -> Self {
        FlowTable::with_limits(limits, MAX_FLOW_RECORDS)
    }

    /// An empty table whose TCP reassembly is bounded by `limits` and which
    /// keeps at most `max_records` flow records (see [`MAX_FLOW_RECORDS`]).
    pub fn with_limits(limits: ReassemblyLimits, max_records: usize) -> Self {
        FlowTable::with_caps(limits, max_records, MAX_LIVE_FLOWS)
    }

    /// [`with_limits`](Self::with_limits), also holding at most `max_live`
    /// (at least 1) live flows at once (see [`MAX_LIVE_FLOWS`]).
    pub fn with_caps(limits: ReassemblyLimits, max_records: usize, max_live: usize) -> Self {
        FlowTable {
            live: FxHashMap::default(),
            records: Vec::new(),
            max_records: max_records.min(u32::MAX as usize),
            max_live: max_live.max(1),
            drops: FlowDrops::default(),
            budget: ReassemblyBudget::new(limits),
            last_sweep: Timestamp(i64::MIN),
            latest_ts: Timestamp(i64::MIN),
            icmp_packets: 0,
            icmp_unlinked: 0,
        }
    }

    /// All flows seen so far, in order of first appearance.
    pub fn records(&self) -> &[FlowRecord] {
        &self.records
    }

    /// Flows not kept as records because the record cap was reached, and
    /// flows evicted because the live-flow cap was reached.
    pub fn drops(&self) -> FlowDrops {
        self.drops
    }

    /// Flows currently holding live state.
    pub fn live_flows(&self) -> usize {
        self.live.len()
    }

    /// ICMP and ICMPv6 packets: not flows (an error belongs to the flow it quotes).
    pub fn icmp_packets(&self) -> u64 {
        self.icmp_packets
    }

    /// ICMP errors whose quoted datagram belongs to no live flow (not handed
    /// to the sink).
    pub fn icmp_unlinked(&self) -> u64 {
        self.icmp_unlinked
    }

    /// A SYN on a known tuple starts a new connection when the old one has
    /// closed or been reset and the initial sequence number differs (as
    /// Wireshark starts a new `tcp.stream`).
    fn is_new_connection(&self, key: &FlowKey, seq: u32) -> bool {
        let Some(id) = self.live.get(key).and_then(|l| l.id) else {
            return false;
        };
        let Some(tcp) = self.records[id.0 as usize].tcp.as_ref() else {
            return false;
        };
        tcp.control.is_closing() && tcp.control.client_isn != Some(seq)
    }

    /// Closes flows that have been idle longer than their timeout.
    fn sweep(&mut self, frame: FrameNo, anomalies: &mut Vec<NetAnomaly>, sink: &mut dyn FlowSink) {
        let now = self.latest_ts.0;
        let mut expired: Vec<(Option<FlowId>, FlowKey)> = self
            .live
            .iter()
            .filter(|(key, live)| live.is_expired(key.transport, now))
            .map(|(key, live)| (live.id, *key))
            .collect();
        expired.sort_unstable_by_key(|(id, _)| *id);
        for (_, key) in expired {
            self.end_flow(&key, frame, anomalies, sink);
        }
    }

    /// Removes a flow's live state, flushing its streams to the sink.
    fn end_flow(
        &mut self,
        key: &FlowKey,
        frame: FrameNo,
        anomalies: &mut Vec<NetAnomaly>,
        sink: &mut dyn FlowSink,
    ) {
        let Some(mut live) = self.live.remove(key) else {
            return;
        };
        let Some(id) = live.id else {
            return;
        };
        let record = &mut self.records[id.0 as usize];
        if let Streams::Open(streams) = &mut live.streams {
            close_streams(streams, record, frame, &mut self.budget, anomalies, sink);
        }
        if !live.ended {
            sink.flow_end(record);
        }
    }

    /// Ends every live flow (end of capture), in flow order, and returns all records.
    pub fn finish(
        self,
        last_frame: FrameNo,
        anomalies: &mut Vec<NetAnomaly>,
        sink: &mut dyn FlowSink,
    ) -> Vec<FlowRecord> {
        self.finish_with_drops(last_frame, anomalies, sink).0
    }

    /// [`finish`](Self::finish), also returning the flows dropped by the record
    /// cap and those evicted by the live-flow cap.
    pub fn finish_with_drops(
        mut self,
        last_frame: FrameNo,
        anomalies: &mut Vec<NetAnomaly>,
        sink: &mut dyn FlowSink,
    ) -> (Vec<FlowRecord>, FlowDrops) {
        let mut keys: Vec<(Option<FlowId>, FlowKey)> =
            self.live.iter().map(|(k, l)| (l.id, *k)).collect();
        keys.sort_unstable_by_key(|(id, _)| *id);
        for (_, key) in keys {
            self.end_flow(&key, last_frame, anomalies, sink);
        }
        // The records outlive the table: give back what doubling reserved
        // (up to half of them; a large shrink is a remap, not a copy).
        self.records.shrink_to_fit();
        (self.records, self.drops)
    }
}

/// Flushes both directions of a TCP flow to the sink and records their statistics.
fn close_streams(
    streams: &mut [HalfStream; 2],
    record: &mut FlowRecord,
    frame: FrameNo,
    budget: &mut ReassemblyBudget,
    anomalies: &mut Vec<NetAnomaly>,
    sink: &mut dyn FlowSink,
) {
    for d in [Direction::ToServer, Direction::ToClient] {
        let record: &FlowRecord = record;
        let mut out = |ev: StreamEvent<'_>| sink.stream(record, d, ev);
        streams[d.index()].flush(frame, budget, anomalies, &mut out);
    }
    if let Some(tcp) = record.tcp.as_mut() {
        tcp.streams = StreamStats::new([streams[0].stats(), streams[1].stats()]);
    }
}

/// Decides whether the sender of a flow's first packet is the client: a SYN
/// sender is; a SYN-ACK sender is not; otherwise a service port marks the server,
/// and failing that the first sender is the client.
fn client_is_source(segment: &Segment<'_>, src_port: u16, dst_port: u16) -> bool {
    if let Segment::Tcp { flags, .. } = segment {
        if flags.syn() {
            return !flags.ack();
        }
    }
    match (is_service_port(src_port), is_service_port(dst_port)) {
        (true, false) => false,
        (false, true) => true,
        _ => true,
    }
}

#[cfg(test)]
mod tests;
