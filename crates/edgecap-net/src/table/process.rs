//! One packet through the flow table, in named steps: which transport and
//! ports it has, the capture clock (and the idle sweep it drives), whether a
//! SYN starts a new connection on a known tuple, room in the live table, the
//! flow it belongs to (opened on first sight, or followed without a record
//! past the record cap), its counters, then its payload: a UDP datagram to
//! the sink, or a TCP segment through the connection state and the
//! reassembler, closing the streams once the connection is finished. An ICMP
//! error goes to the sink with the flow of the datagram it quotes; packets
//! of other IP protocols count as flows between two addresses.

use super::{
    client_is_source, close_streams, FlowDrops, FlowRecord, FlowSink, FlowTable, LiveFlow, Streams,
    TcpRecord, SWEEP_INTERVAL_NS,
};
use crate::icmp::IcmpError;
use crate::ip::{PROTO_ICMP, PROTO_ICMPV6};
use crate::reassembly::{ReassemblyBudget, StreamEvent};
use crate::tcp_state::TcpOutcome;
use crate::Transport;
use crate::{Direction, Endpoint, FlowId, FlowKey, NetAnomaly, Packet, Segment, TcpFlags};
use edgecap_capture::{Frame, FrameNo};
use rustc_hash::FxHashMap;

/// The TCP header fields a segment is processed with.
#[derive(Clone, Copy)]
struct TcpSegment<'a> {
    seq: u32,
    ack: u32,
    flags: TcpFlags,
    payload: &'a [u8],
    hop_limit: Option<u8>,
}

impl FlowTable {
    /// Accounts one decoded packet to its flow and passes its payload on.
    pub fn process(
        &mut self,
        frame: &Frame<'_>,
        packet: &Packet<'_>,
        anomalies: &mut Vec<NetAnomaly>,
        sink: &mut dyn FlowSink,
    ) {
        let Some((transport, src_port, dst_port)) = transport_and_ports(&packet.segment) else {
            self.icmp_packets += 1;
            if let Segment::IcmpError(error) = &packet.segment {
                self.icmp_error(frame, packet.src, error, sink);
            }
            return;
        };
        self.advance_clock(frame, anomalies, sink);
        let src = Endpoint::new(packet.src, src_port);
        let dst = Endpoint::new(packet.dst, dst_port);
        let (key, src_is_lo) = FlowKey::canonical(transport, src, dst);
        if let Segment::Tcp { flags, seq, .. } = packet.segment {
            if flags.syn() && !flags.ack() && self.is_new_connection(&key, seq) {
                self.end_flow(&key, frame.no, anomalies, sink);
            }
        }
        if self.live.len() >= self.max_live && !self.live.contains_key(&key) {
            self.make_room(frame.no, anomalies, sink);
        }

        let opening = Opening {
            key,
            transport,
            src,
            dst,
            client_is_src: client_is_source(&packet.segment, src_port, dst_port),
            src_is_lo,
        };
        let FlowTable {
            live,
            records,
            max_records,
            drops,
            budget,
            ..
        } = self;
        let live = find_or_open(live, records, *max_records, drops, &opening, frame);
        live.last_ts = live.last_ts.max(frame.ts);
        let Some(id) = live.id else {
            drops.packets += 1;
            drops.bytes += u64::from(frame.orig_len);
            return;
        };
        let dir = if src_is_lo == live.client_is_lo {
            Direction::ToServer
        } else {
            Direction::ToClient
        };
        let record = &mut records[id.0 as usize];
        count(record, dir, frame);

        match packet.segment {
            Segment::Udp { payload, .. } => sink.datagram(record, dir, frame, payload),
            Segment::Tcp {
                seq,
                ack,
                flags,
                payload,
                ..
            } => {
                let segment = TcpSegment {
                    seq,
                    ack,
                    flags,
                    payload,
                    hop_limit: packet.hop_limit,
                };
                tcp_segment(live, record, budget, dir, frame, segment, anomalies, sink);
            }
            Segment::Other { .. } | Segment::IcmpError(_) => {}
        }
    }

    /// Hands an ICMP error to the sink with the live flow of the datagram it
    /// quotes, or counts it as unlinked when that flow is not live (never
    /// seen, expired, or beyond the record cap).
    fn icmp_error(
        &mut self,
        frame: &Frame<'_>,
        from: std::net::IpAddr,
        error: &IcmpError<'_>,
        sink: &mut dyn FlowSink,
    ) {
        let q = &error.quoted;
        let (key, src_is_lo) = FlowKey::canonical(q.transport, q.src, q.dst);
        let Some((live, Some(id))) = self.live.get(&key).map(|l| (l, l.id)) else {
            self.icmp_unlinked += 1;
            return;
        };
        let dir = if src_is_lo == live.client_is_lo {
            Direction::ToServer
        } else {
            Direction::ToClient
        };
        if let Some(record) = self.records.get(id.0 as usize) {
            sink.icmp_error(record, dir, frame, from, error);
        }
    }

    /// Moves the capture clock to `frame` and sweeps idle flows every
    /// [`SWEEP_INTERVAL_NS`] of capture time.
    fn advance_clock(
        &mut self,
        frame: &Frame<'_>,
        anomalies: &mut Vec<NetAnomaly>,
        sink: &mut dyn FlowSink,
    ) {
        if frame.ts > self.latest_ts {
            self.latest_ts = frame.ts;
        }
        if self.latest_ts.0.saturating_sub(self.last_sweep.0) >= SWEEP_INTERVAL_NS {
            self.sweep(frame.no, anomalies, sink);
            self.last_sweep = self.latest_ts;
        }
    }
}

/// The transport and the source and destination ports (0 for protocols
/// without ports), or `None` for ICMP and ICMPv6, which are not flows.
fn transport_and_ports(segment: &Segment<'_>) -> Option<(Transport, u16, u16)> {
    match *segment {
        Segment::Tcp {
            src_port, dst_port, ..
        } => Some((Transport::Tcp, src_port, dst_port)),
        Segment::Udp {
            src_port, dst_port, ..
        } => Some((Transport::Udp, src_port, dst_port)),
        Segment::Other {
            protocol: PROTO_ICMP | PROTO_ICMPV6,
        }
        | Segment::IcmpError(_) => None,
        Segment::Other { protocol } => Some((Transport::Ip(protocol), 0, 0)),
    }
}

/// What a packet says about the flow it would open.
struct Opening {
    key: FlowKey,
    transport: Transport,
    src: Endpoint,
    dst: Endpoint,
    client_is_src: bool,
    src_is_lo: bool,
}

/// The live flow of `opening.key`: the existing one, a new one with a
/// record, or — past the record cap — a followed flow without a record
/// (counted in `drops`), so its later packets are not taken for new flows.
fn find_or_open<'t>(
    live: &'t mut FxHashMap<FlowKey, LiveFlow>,
    records: &mut Vec<FlowRecord>,
    max_records: usize,
    drops: &mut FlowDrops,
    opening: &Opening,
    frame: &Frame<'_>,
) -> &'t mut LiveFlow {
    if records.len() >= max_records && !live.contains_key(&opening.key) {
        drops.flows += 1;
        drops.first_frame.get_or_insert(frame.no);
    }
    live.entry(opening.key).or_insert_with(|| {
        if records.len() >= max_records {
            return LiveFlow {
                id: None,
                client_is_lo: true,
                last_ts: frame.ts,
                streams: Streams::Done,
                ended: true,
                closing: false,
                syn_unanswered: false,
            };
        }
        let id = open_record(records, max_records, opening, frame);
        LiveFlow {
            id: Some(id),
            client_is_lo: opening.client_is_src == opening.src_is_lo,
            last_ts: frame.ts,
            streams: match opening.transport {
                Transport::Tcp => Streams::Pending([None; 2]),
                Transport::Udp | Transport::Ip(_) => Streams::Done,
            },
            ended: false,
            closing: false,
            syn_unanswered: false,
        }
    })
}

/// Appends the record of a new flow and returns its id.
fn open_record(
    records: &mut Vec<FlowRecord>,
    max_records: usize,
    opening: &Opening,
    frame: &Frame<'_>,
) -> FlowId {
    let id = FlowId(records.len() as u32);
    let (client, server) = if opening.client_is_src {
        (opening.src, opening.dst)
    } else {
        (opening.dst, opening.src)
    };
    if records.len() == records.capacity() {
        // Double, but never past the cap: at 1,000,000 records plain
        // doubling would reserve 2^20 (20 MB more).
        let len = records.len();
        let want = (len * 2).max(16).min(max_records);
        records.reserve_exact(want.saturating_sub(len).max(1));
    }
    records.push(FlowRecord {
        id,
        transport: opening.transport,
        client,
        server,
        first_frame: frame.no,
        last_frame: frame.no,
        first_ts: frame.ts,
        last_ts: frame.ts,
        packets: [0; 2],
        bytes: [0; 2],
        tcp: (opening.transport == Transport::Tcp).then(TcpRecord::default),
    });
    id
}

/// Counts the packet in its flow's per-direction counters.
fn count(record: &mut FlowRecord, dir: Direction, frame: &Frame<'_>) {
    record.last_frame = frame.no;
    record.last_ts = record.last_ts.max(frame.ts);
    record.packets[dir.index()] += 1;
    record.bytes[dir.index()] += u64::from(frame.orig_len);
}

/// A TCP segment of a tracked flow: connection state, then reassembly, then
/// the end of the byte streams once the connection is finished.
#[allow(clippy::too_many_arguments)] // the table's disjoint parts, borrowed at once
fn tcp_segment(
    live: &mut LiveFlow,
    record: &mut FlowRecord,
    budget: &mut ReassemblyBudget,
    dir: Direction,
    frame: &Frame<'_>,
    seg: TcpSegment<'_>,
    anomalies: &mut Vec<NetAnomaly>,
    sink: &mut dyn FlowSink,
) {
    let Some(tcp) = record.tcp.as_mut() else {
        return;
    };
    // Before `observe`, which records a RST: the path state compares with
    // what came before it.
    tcp.control.observe_path(dir, seg.flags, seg.hop_limit);
    if matches!(live.streams, Streams::Done) {
        // Trailing packets of a reset or closed connection: their flags
        // still count (a Windows host retries a refused SYN on the same
        // tuple with the same ISN, and each RST answers one attempt), their
        // payload is not reassembled any more.
        if seg.flags.syn() || seg.flags.rst() || seg.flags.fin() {
            observe_control(live, tcp, dir, frame, seg);
        }
        return;
    }
    observe_control(live, tcp, dir, frame, seg);
    reassemble(live, record, budget, dir, frame.no, seg, anomalies, sink);
    // A reset or a close from both sides ends the byte streams: deliver what
    // is buffered and free the reassembly state now, keeping only the light
    // flow entry for trailing packets.
    let control = record.tcp.as_ref().map(|t| &t.control);
    let finished =
        seg.flags.rst() || control.is_some_and(|c| c.fin_frames.iter().all(Option::is_some));
    if finished {
        if let Streams::Open(mut streams) = std::mem::replace(&mut live.streams, Streams::Done) {
            close_streams(&mut streams, record, frame.no, budget, anomalies, sink);
        }
        // No stream data follows: let the sink free its state now.
        sink.flow_end(record);
        live.ended = true;
    }
}

/// Handshake, resets and closes: the connection's control state, the
/// client's ISN and the initial sequence numbers the reassembler starts at.
fn observe_control(
    live: &mut LiveFlow,
    tcp: &mut TcpRecord,
    dir: Direction,
    frame: &Frame<'_>,
    seg: TcpSegment<'_>,
) {
    let flags = seg.flags;
    tcp.control
        .observe(dir, flags, frame.no, frame.ts, seg.payload.len());
    if flags.syn() && !flags.ack() && dir == Direction::ToServer {
        tcp.control.client_isn.get_or_insert(seg.seq);
    }
    live.closing = tcp.control.is_closing();
    live.syn_unanswered = tcp.control.outcome() == TcpOutcome::SynUnanswered;
    if flags.syn() && !flags.rst() {
        match &mut live.streams {
            Streams::Pending(isn) => isn[dir.index()] = Some(seg.seq),
            Streams::Open(halves) => halves[dir.index()].syn(seg.seq),
            Streams::Done => {}
        }
    }
}

/// Feeds the payload to this direction's reassembler (reassembly state is
/// allocated only once a connection carries payload), the ACK to the other
/// direction's, and marks this direction's FIN.
#[allow(clippy::too_many_arguments)] // the table's disjoint parts, borrowed at once
fn reassemble(
    live: &mut LiveFlow,
    record: &FlowRecord,
    budget: &mut ReassemblyBudget,
    dir: Direction,
    frame: FrameNo,
    seg: TcpSegment<'_>,
    anomalies: &mut Vec<NetAnomaly>,
    sink: &mut dyn FlowSink,
) {
    let TcpSegment {
        seq,
        ack,
        flags,
        payload,
        ..
    } = seg;
    let data_seq = if flags.syn() {
        seq.wrapping_add(1)
    } else {
        seq
    };
    let halves = if payload.is_empty() {
        match &mut live.streams {
            Streams::Open(halves) => Some(&mut **halves),
            _ => None,
        }
    } else {
        live.streams.open()
    };
    let Some(streams) = halves else {
        return;
    };
    let mut out = |ev: StreamEvent<'_>| sink.stream(record, dir, ev);
    if !payload.is_empty() {
        streams[dir.index()].segment(data_seq, payload, frame, budget, anomalies, &mut out);
    }
    if flags.ack() && !flags.rst() {
        let mut out_rev = |ev: StreamEvent<'_>| sink.stream(record, dir.reverse(), ev);
        streams[dir.reverse().index()].peer_ack(ack, frame, budget, anomalies, &mut out_rev);
    }
    if flags.fin() && !flags.rst() {
        // Not flushed yet: retransmissions may still fill holes.
        streams[dir.index()].fin(data_seq.wrapping_add(payload.len() as u32));
    }
}
