//! [`ProtoSink`]: the `FlowSink` that chooses a decoder per flow and feeds it
//! every UDP datagram and in-order TCP chunk (docs/design.md §2.4 step 5).
//!
//! This module owns decoder selection (port hint first, then the registry's
//! probe order; after [`MAX_FAILED_PROBES`] failures or
//! [`MAX_PROBE_BYTES`] undecided bytes the flow is bypassed), the
//! per-direction buffer of unconsumed stream bytes together with the frames
//! they came from (so a message split across segments is reported at the
//! frame that completed it), gap and desync handling, and the caps on what is
//! kept. It decodes nothing itself. Invariants: buffered bytes per direction
//! never exceed [`MAX_BUFFERED_PER_DIRECTION`]; at most [`MAX_MESSAGES`]
//! outputs are kept, the rest counted; no input panics.

use std::collections::BTreeMap;

use super::analysis::ProtoAnalysis;
use super::decoder::{
    Decoded, Decoder, FeedCtx, FlowCtx, FlowDecoder, FlowSummary, Piece, Probe, ProbeCtx, Progress,
    ProtoAnomaly, ProtoMsg,
};
use super::icmp::{link_requests, IcmpEvent};
use super::proto_flow::ProtoFlow;
use super::registry::registry;
use crate::stun::allocation::build_stories;
use crate::stun::transactions::match_transactions;
use edgecap_capture::{Frame, FrameNo, Timestamp};
use edgecap_net::icmp::IcmpError;
use edgecap_net::reassembly::{FrameSpan, StreamEvent};
use edgecap_net::table::{FlowRecord, FlowSink};
use edgecap_net::{Direction, FlowId, Transport};
use std::net::IpAddr;

mod snapshot;

/// Largest STUN-family record on a stream: MS-TURN frame header + 65535
/// (RFC 4571 and STUN records are smaller; TLS records much smaller).
pub const MAX_RECORD_LEN: usize = 4 + 65_535;
/// Most unconsumed stream bytes kept per direction: 64 KiB of backlog plus
/// one maximal record. Beyond it the buffer is dropped as a gap.
pub const MAX_BUFFERED_PER_DIRECTION: usize = 64 * 1024 + MAX_RECORD_LEN;
/// Probe rounds (datagrams, or stream chunks) that every decoder refused
/// before a flow is bypassed.
pub const MAX_FAILED_PROBES: u32 = 16;
/// Undecided stream bytes (probes answering NeedMore) before a direction's
/// buffer counts as a failed probe.
pub const MAX_PROBE_BYTES: usize = 16 * 1024;
/// Stream bytes buffered across all flows; beyond it the buffer of the flow
/// being fed is dropped (`proto.buffer_cap`) and its decoder resynchronises.
pub const MAX_BUFFERED_TOTAL: usize = 16 * 1024 * 1024;
/// Desyncs of an active decoder before the flow is bypassed.
pub const MAX_DESYNCS: u32 = 64;
/// Most decoder outputs kept (STUN messages, TLS events, …); later ones are
/// counted in `ProtoAnalysis::dropped`.
pub const MAX_MESSAGES: usize = 1_000_000;
/// Most bytes of STUN and SIP messages kept (each keeps its wire bytes or
/// headers and body): with
/// messages of up to 64 KiB, `MAX_MESSAGES` alone would not bound memory.
/// Later messages are decoded and counted in `ProtoAnalysis::dropped`.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;
/// Most anomaly outputs kept; all are counted.
pub const MAX_ANOMALY_MESSAGES: usize = 10_000;
/// Fewest ended flows merged into the flow summaries at once (or a quarter
/// of the flows already merged, whichever is more: linear time overall).
const MIN_FLOW_MERGE: usize = 4096;

enum Stage {
    Probing {
        failures: u32,
    },
    Active {
        name: &'static str,
        decoder: Box<dyn FlowDecoder>,
        desyncs: u32,
    },
    Bypass,
}

#[derive(Default)]
struct StreamBuf {
    bytes: Vec<u8>,
    pieces: Vec<Piece>,
    /// Length the buffer must reach before the decoder is called again.
    needed: usize,
}

impl StreamBuf {
    fn push(&mut self, bytes: &[u8], frames: FrameSpan) {
        self.bytes.extend_from_slice(bytes);
        self.pieces.push(Piece {
            end: self.bytes.len(),
            frames,
        });
    }

    fn consume(&mut self, n: usize) {
        let n = n.min(self.bytes.len());
        self.bytes.drain(..n);
        self.pieces.retain(|p| p.end > n);
        for p in &mut self.pieces {
            p.end -= n;
        }
        self.needed = 0;
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.pieces.clear();
        self.needed = 0;
    }
}

struct FlowState {
    ctx: FlowCtx,
    stage: Stage,
    bufs: [StreamBuf; 2],
    messages: u64,
}

/// The protocol layer's flow sink. Feed it through the engine, then call
/// [`ProtoSink::finish`].
pub struct ProtoSink {
    decoders: Vec<&'static dyn Decoder>,
    /// Live per-flow state, indexed by flow id (ids are dense from 0), taken
    /// out while a flow is being fed.
    live: Vec<Option<Box<FlowState>>>,
    /// Stream bytes buffered across all flows (bounded by [`MAX_BUFFERED_TOTAL`]).
    buffered_total: usize,
    /// Summaries of ended flows, merged in bulk so the tree's nodes are
    /// full: flows end in about id order, and a tree grown one insertion at
    /// a time at its right edge leaves its nodes half empty (some 330 bytes
    /// per flow instead of 200, with a million flows carrying payload).
    flows: BTreeMap<FlowId, ProtoFlow>,
    /// Flows ended since the last merge into `flows`.
    ended: BTreeMap<FlowId, ProtoFlow>,
    messages: Vec<Decoded>,
    /// Wire bytes of the kept STUN messages.
    message_bytes: usize,
    /// Cap on `message_bytes` ([`MAX_MESSAGE_BYTES`]; smaller in tests).
    message_bytes_cap: usize,
    anomaly_messages: usize,
    dropped: BTreeMap<&'static str, u64>,
    anomaly_counts: BTreeMap<&'static str, u64>,
    scratch: Vec<Decoded>,
}

impl Default for ProtoSink {
    fn default() -> Self {
        ProtoSink::new()
    }
}

fn anomaly(id: &'static str, detail: String) -> ProtoMsg {
    ProtoMsg::Anomaly(ProtoAnomaly { id, detail })
}

fn kind_name(msg: &ProtoMsg) -> &'static str {
    match msg {
        ProtoMsg::Stun(_) => "stun",
        ProtoMsg::TurnChannel(_) => "turn-channel",
        ProtoMsg::Tls(_) => "tls",
        ProtoMsg::PseudoTls(_) => "pseudo-tls",
        ProtoMsg::Icmp(_) => "icmp",
        ProtoMsg::Sip(_) => "sip",
        ProtoMsg::Anomaly(_) => "anomaly",
    }
}

/// What a flow's state says about it so far (the flow's record when it ends).
fn flow_summary(st: &FlowState) -> ProtoFlow {
    let tail: usize = st.bufs.iter().map(|b| b.bytes.len()).sum();
    let (decoder, summary) = match &st.stage {
        Stage::Active { name, decoder, .. } => (Some(*name), decoder.summary()),
        _ => (None, FlowSummary::default()),
    };
    let label = if summary.label.is_empty() {
        "unknown"
    } else {
        summary.label
    };
    ProtoFlow {
        id: st.ctx.flow,
        transport: st.ctx.transport,
        client: st.ctx.client,
        server: st.ctx.server,
        decoder,
        label,
        summary,
        messages: st.messages,
        incomplete_tail_bytes: tail as u64,
    }
}

impl ProtoSink {
    /// A sink using every decoder of [`registry`].
    pub fn new() -> Self {
        ProtoSink::with_decoders(registry())
    }

    /// Lowers the cap on kept STUN message bytes (tests of the cap).
    #[cfg(test)]
    pub(crate) fn set_message_bytes_cap(&mut self, cap: usize) {
        self.message_bytes_cap = cap;
    }

    /// A sink using only `decoders`, in this probe order.
    pub fn with_decoders(decoders: Vec<&'static dyn Decoder>) -> Self {
        ProtoSink {
            decoders,
            live: Vec::new(),
            buffered_total: 0,
            flows: BTreeMap::new(),
            ended: BTreeMap::new(),
            messages: Vec::new(),
            message_bytes: 0,
            message_bytes_cap: MAX_MESSAGE_BYTES,
            anomaly_messages: 0,
            dropped: BTreeMap::new(),
            anomaly_counts: BTreeMap::new(),
            scratch: Vec::new(),
        }
    }

    /// Takes a flow's state out of the table, creating it on first sight.
    fn take_state(&mut self, flow: &FlowRecord) -> Box<FlowState> {
        let i = flow.id.0 as usize;
        if i >= self.live.len() {
            self.live.resize_with(i + 1, || None);
        }
        self.live[i].take().unwrap_or_else(|| {
            Box::new(FlowState {
                ctx: FlowCtx {
                    flow: flow.id,
                    transport: flow.transport,
                    client: flow.client,
                    server: flow.server,
                },
                stage: Stage::Probing { failures: 0 },
                bufs: Default::default(),
                messages: 0,
            })
        })
    }

    /// Puts a flow's state back after feeding it, keeping its outputs.
    fn put_state(&mut self, mut st: Box<FlowState>) {
        st.messages += self.collect();
        let i = st.ctx.flow.0 as usize;
        self.live[i] = Some(st);
    }

    /// Keep or count the outputs in `scratch`; returns how many there were.
    fn collect(&mut self) -> u64 {
        let n = self.scratch.len() as u64;
        for d in self.scratch.drain(..) {
            if let ProtoMsg::Anomaly(a) = &d.msg {
                *self.anomaly_counts.entry(a.id).or_insert(0) += 1;
                if self.anomaly_messages >= MAX_ANOMALY_MESSAGES {
                    *self.dropped.entry("anomaly").or_insert(0) += 1;
                    continue;
                }
                self.anomaly_messages += 1;
            }
            if let ProtoMsg::Stun(r) = &d.msg {
                for a in &r.msg.anomalies {
                    *self.anomaly_counts.entry(a.kind.id()).or_insert(0) += 1;
                }
            }
            if let ProtoMsg::Sip(r) = &d.msg {
                for a in &r.msg.anomalies {
                    *self.anomaly_counts.entry(a.id()).or_insert(0) += 1;
                }
            }
            let size = match &d.msg {
                ProtoMsg::Stun(r) => r.msg.bytes().len(),
                ProtoMsg::Sip(r) => r.kept_bytes(),
                _ => 0,
            };
            if self.messages.len() >= MAX_MESSAGES
                || self.message_bytes + size > self.message_bytes_cap
            {
                *self.dropped.entry(kind_name(&d.msg)).or_insert(0) += 1;
                continue;
            }
            self.message_bytes += size;
            self.messages.push(d);
        }
        n
    }

    /// Ends the protocol layer: closes flows still live, sorts the kept
    /// outputs by (completing frame, emission order), matches STUN
    /// transactions and builds the allocation stories.
    pub fn finish(mut self) -> ProtoAnalysis {
        for i in 0..self.live.len() {
            if let Some(st) = self.live[i].take() {
                self.end(st);
            }
        }
        self.merge_ended();
        let mut messages = self.messages;
        // Kept for the whole analysis: give back what doubling reserved.
        messages.shrink_to_fit();
        messages.sort_by_key(|d| d.frames.last);
        match_transactions(&mut messages);
        link_requests(&mut messages);
        let allocations = build_stories(&messages, &self.flows);
        ProtoAnalysis {
            messages,
            dropped: self.dropped,
            flows: self.flows,
            anomaly_counts: self.anomaly_counts,
            allocations,
        }
    }

    fn end(&mut self, st: Box<FlowState>) {
        let flow = flow_summary(&st);
        let tail = flow.incomplete_tail_bytes as usize;
        self.buffered_total = self.buffered_total.saturating_sub(tail);
        if flow.decoder.is_some() && tail > 0 {
            *self
                .anomaly_counts
                .entry("proto.incomplete_at_end")
                .or_insert(0) += 1;
        }
        self.ended.insert(flow.id, flow);
        self.merge_ended_if_many();
    }

    /// Merges the flows ended since the last merge into `flows` once there
    /// are enough of them (all of them when `finish` calls it last).
    fn merge_ended_if_many(&mut self) {
        if self.ended.len() >= MIN_FLOW_MERGE.max(self.flows.len() / 4) {
            self.merge_ended();
        }
    }

    /// Merges `ended` into `flows`, rebuilding the tree with full nodes
    /// (`BTreeMap::append` builds from the two sorted sequences and frees the
    /// old nodes as it goes; into an empty map it would only swap them).
    fn merge_ended(&mut self) {
        if self.flows.is_empty() {
            if let Some((id, flow)) = self.ended.pop_first() {
                self.flows.insert(id, flow);
            }
        }
        self.flows.append(&mut self.ended);
    }

    /// Choose a decoder for `bytes` of `dir`. Returns the probe outcome.
    fn select(&self, st: &mut FlowState, dir: Direction, bytes: &[u8]) -> Probe {
        // Port-hinted decoders first, then the rest, each in registry order.
        let ctx = st.ctx;
        let hinted = move |d: &&&'static dyn Decoder| d.port_hint(&ctx);
        let order = (self.decoders.iter().filter(hinted).map(|d| (*d, true))).chain(
            self.decoders
                .iter()
                .filter(move |d| !hinted(d))
                .map(|d| (*d, false)),
        );
        for (d, is_hinted) in order {
            if !d.transports().includes(st.ctx.transport) {
                continue;
            }
            let ctx = ProbeCtx {
                flow: st.ctx,
                dir,
                hinted: is_hinted,
            };
            match d.probe(&ctx, bytes) {
                Probe::Yes => {
                    st.stage = Stage::Active {
                        name: d.name(),
                        decoder: d.new_flow(&st.ctx),
                        desyncs: 0,
                    };
                    return Probe::Yes;
                }
                Probe::NeedMore if st.ctx.transport == Transport::Tcp => return Probe::NeedMore,
                _ => {}
            }
        }
        Probe::No
    }

    /// Run one unit of bytes through the flow's stage; returns how many bytes
    /// of `bytes` were consumed and sets `needed`.
    #[allow(clippy::too_many_arguments)]
    fn process(
        &mut self,
        st: &mut FlowState,
        dir: Direction,
        ts: Timestamp,
        bytes: &[u8],
        pieces: &[Piece],
        needed: &mut usize,
    ) -> usize {
        if let Stage::Probing { failures } = st.stage {
            match self.select(st, dir, bytes) {
                Probe::Yes => {}
                Probe::NeedMore if bytes.len() < MAX_PROBE_BYTES => return 0,
                _ => {
                    let failures = failures + 1;
                    st.stage = if failures >= MAX_FAILED_PROBES {
                        Stage::Bypass
                    } else {
                        Stage::Probing { failures }
                    };
                    return bytes.len();
                }
            }
        }
        let Stage::Active {
            decoder, desyncs, ..
        } = &mut st.stage
        else {
            return bytes.len();
        };
        let ctx = FeedCtx {
            flow: st.ctx.flow,
            transport: st.ctx.transport,
            ts,
            pieces,
        };
        let progress = decoder.feed(&ctx, dir, bytes, &mut self.scratch);
        match progress {
            Progress::Consumed(n) => n.min(bytes.len()),
            Progress::NeedMore {
                consumed,
                needed: n,
            } => {
                *needed = n;
                if n > MAX_BUFFERED_PER_DIRECTION {
                    let detail = format!("record of {n} bytes exceeds the buffer cap");
                    let span = ctx.span(consumed.min(bytes.len())..bytes.len());
                    self.scratch.push(Decoded {
                        frames: span,
                        ts,
                        flow: st.ctx.flow,
                        dir,
                        msg: anomaly("proto.record_too_large", detail),
                    });
                    decoder.gap(dir, (bytes.len() - consumed.min(bytes.len())) as u64);
                    *needed = 0;
                    return bytes.len();
                }
                consumed.min(bytes.len())
            }
            Progress::Desync => {
                *desyncs += 1;
                if *desyncs >= MAX_DESYNCS {
                    st.stage = Stage::Bypass;
                }
                bytes.len()
            }
        }
    }

    fn on_data(&mut self, flow: &FlowRecord, dir: Direction, bytes: &[u8], frames: FrameSpan) {
        let mut st = self.take_state(flow);
        let ts = flow.last_ts;
        let d = dir.index();
        if matches!(st.stage, Stage::Bypass) {
            self.put_state(st);
            return;
        }
        let before = st.bufs[0].bytes.len() + st.bufs[1].bytes.len();
        if st.bufs[d].bytes.is_empty() {
            let pieces = [Piece {
                end: bytes.len(),
                frames,
            }];
            let mut needed = 0;
            let n = self.process(&mut st, dir, ts, bytes, &pieces, &mut needed);
            if n < bytes.len() {
                st.bufs[d].push(&bytes[n..], frames);
                st.bufs[d].needed = needed;
            }
        } else {
            st.bufs[d].push(bytes, frames);
            if st.bufs[d].bytes.len() >= st.bufs[d].needed {
                self.drain_buffer(&mut st, dir, ts);
            }
        }
        // A decoder chosen from this direction may now take the other one's backlog.
        let o = dir.reverse();
        if matches!(st.stage, Stage::Active { .. }) && !st.bufs[o.index()].bytes.is_empty() {
            self.drain_buffer(&mut st, o, ts);
        }
        let after = st.bufs[0].bytes.len() + st.bufs[1].bytes.len();
        self.buffered_total = (self.buffered_total + after).saturating_sub(before);
        let buf = &st.bufs[d];
        if buf.bytes.len() > MAX_BUFFERED_PER_DIRECTION || self.buffered_total > MAX_BUFFERED_TOTAL
        {
            self.drop_buffer(&mut st, dir, frames, ts);
        }
        self.put_state(st);
    }

    /// Gives up this direction's buffered bytes (a cap was reached): the
    /// decoder resynchronises as after a capture gap.
    fn drop_buffer(
        &mut self,
        st: &mut FlowState,
        dir: Direction,
        frames: FrameSpan,
        ts: Timestamp,
    ) {
        let buf = &mut st.bufs[dir.index()];
        let len = buf.bytes.len();
        let span = FrameSpan {
            first: buf.pieces.first().map_or(frames.first, |p| p.frames.first),
            last: frames.last,
        };
        buf.clear();
        self.buffered_total = self.buffered_total.saturating_sub(len);
        if let Stage::Active { decoder, .. } = &mut st.stage {
            decoder.gap(dir, len as u64);
        }
        self.scratch.push(Decoded {
            frames: span,
            ts,
            flow: st.ctx.flow,
            dir,
            msg: anomaly("proto.buffer_cap", format!("dropped {len} buffered bytes")),
        });
    }

    fn drain_buffer(&mut self, st: &mut FlowState, dir: Direction, ts: Timestamp) {
        let d = dir.index();
        let bytes = std::mem::take(&mut st.bufs[d].bytes);
        let pieces = std::mem::take(&mut st.bufs[d].pieces);
        let mut needed = 0;
        let n = self.process(st, dir, ts, &bytes, &pieces, &mut needed);
        st.bufs[d].bytes = bytes;
        st.bufs[d].pieces = pieces;
        st.bufs[d].consume(n);
        st.bufs[d].needed = needed;
    }

    fn on_gap(&mut self, flow: &FlowRecord, dir: Direction, len: u64, frame: FrameNo) {
        let mut st = self.take_state(flow);
        let buf = &mut st.bufs[dir.index()];
        let lost = buf.bytes.len();
        buf.clear();
        self.buffered_total = self.buffered_total.saturating_sub(lost);
        if let Stage::Active { decoder, .. } = &mut st.stage {
            decoder.gap(dir, len + lost as u64);
            self.scratch.push(Decoded {
                frames: FrameSpan::single(frame),
                ts: flow.last_ts,
                flow: flow.id,
                dir,
                msg: anomaly(
                    "proto.stream_gap",
                    format!("{len} bytes missing; {lost} buffered bytes dropped"),
                ),
            });
        }
        self.put_state(st);
    }
}

impl FlowSink for ProtoSink {
    fn datagram(&mut self, flow: &FlowRecord, dir: Direction, frame: &Frame<'_>, payload: &[u8]) {
        let mut st = self.take_state(flow);
        if !payload.is_empty() && !matches!(st.stage, Stage::Bypass) {
            let pieces = [Piece {
                end: payload.len(),
                frames: FrameSpan::single(frame.no),
            }];
            let mut needed = 0;
            self.process(&mut st, dir, frame.ts, payload, &pieces, &mut needed);
        }
        self.put_state(st);
    }

    fn stream(&mut self, flow: &FlowRecord, dir: Direction, event: StreamEvent<'_>) {
        match event {
            StreamEvent::Data { bytes, frames } => self.on_data(flow, dir, bytes, frames),
            StreamEvent::Gap { len, frame } => self.on_gap(flow, dir, len, frame),
        }
    }

    fn flow_end(&mut self, flow: &FlowRecord) {
        if let Some(st) = self.live.get_mut(flow.id.0 as usize).and_then(Option::take) {
            self.end(st);
        }
    }

    fn icmp_error(
        &mut self,
        flow: &FlowRecord,
        dir: Direction,
        frame: &Frame<'_>,
        from: IpAddr,
        error: &IcmpError<'_>,
    ) {
        // Only looked at, never created: the flow may have ended already.
        let stun_flow = self
            .live
            .get(flow.id.0 as usize)
            .and_then(Option::as_ref)
            .is_some_and(|st| matches!(st.stage, Stage::Active { name: "stun", .. }));
        self.scratch.push(Decoded {
            frames: FrameSpan::single(frame.no),
            ts: frame.ts,
            flow: flow.id,
            dir: dir.reverse(),
            msg: ProtoMsg::Icmp(Box::new(IcmpEvent::new(from, error, stun_flow))),
        });
        self.collect();
    }
}
