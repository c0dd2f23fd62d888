//! The decoder plugin traits and the typed values they produce.
//!
//! This module owns the contract between [`super::dispatch`] and each protocol
//! decoder (docs/design.md §2.3): a stateless [`Decoder`] per protocol that
//! hints, probes and builds a per-flow [`FlowDecoder`]; the [`Progress`] a
//! flow decoder reports for streamed bytes; and the closed [`ProtoMsg`] enum
//! every decoder emits inside a [`Decoded`]. It holds no state and decodes
//! nothing itself. Invariant: a decoder never panics on any input and reports
//! malformed traffic as [`ProtoMsg::Anomaly`], never as an error.

use std::ops::Range;

use super::icmp::IcmpEvent;
use super::tls::TlsEvent;
use crate::sip::record::SipRecord;
use crate::stun::framing::Framing;
use crate::stun::pseudo_tls::PseudoTlsEvent;
use crate::stun::record::StunRecord;
use edgecap_capture::{FrameNo, Timestamp};
use edgecap_net::reassembly::FrameSpan;
use edgecap_net::{Direction, Endpoint, FlowId, Transport};

/// Which transports a decoder handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transports {
    /// UDP datagrams only.
    Udp,
    /// TCP streams only.
    Tcp,
    /// Both.
    Both,
}

impl Transports {
    /// Whether `t` is among these transports.
    pub fn includes(self, t: Transport) -> bool {
        matches!(
            (self, t),
            (Transports::Both, Transport::Udp | Transport::Tcp)
                | (Transports::Udp, Transport::Udp)
                | (Transports::Tcp, Transport::Tcp)
        )
    }
}

/// What a decoder may know about a flow before seeing its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowCtx {
    /// The flow's id in the flow table.
    pub flow: FlowId,
    /// TCP or UDP.
    pub transport: Transport,
    /// The SYN sender or first talker.
    pub client: Endpoint,
    /// The other side.
    pub server: Endpoint,
}

impl FlowCtx {
    /// Whether either endpoint of the flow uses a port in `ports`.
    pub fn either_port(&self, ports: &[u16]) -> bool {
        ports.contains(&self.server.port) || ports.contains(&self.client.port)
    }
}

/// Context of one probe: the flow, the direction of the bytes and whether the
/// decoder's port hint matched (a hinted probe may be less strict).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeCtx {
    /// The flow.
    pub flow: FlowCtx,
    /// Direction of the probed bytes.
    pub dir: Direction,
    /// Whether this decoder's `port_hint` matched the flow.
    pub hinted: bool,
}

/// A contiguous run of fed bytes that came from one stream chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// End offset (exclusive) of the run in the fed buffer.
    pub end: usize,
    /// The frames the run came from.
    pub frames: FrameSpan,
}

/// Context of one `feed` call: flow, time, and which frames the bytes came from.
#[derive(Debug, Clone, Copy)]
pub struct FeedCtx<'a> {
    /// The flow.
    pub flow: FlowId,
    /// TCP or UDP.
    pub transport: Transport,
    /// Capture time of the frame that delivered the newest bytes.
    pub ts: Timestamp,
    /// Runs of the fed buffer by source chunk, in order, covering it exactly.
    pub pieces: &'a [Piece],
}

impl FeedCtx<'_> {
    /// The frames of the fed bytes in `range`: `first` is the frame of its
    /// first byte, `last` the completing frame of the chunk holding its last
    /// byte (the frame at which a message split across segments is reported).
    pub fn span(&self, range: Range<usize>) -> FrameSpan {
        let fallback = FrameSpan::single(FrameNo(0));
        let end = range.end.max(range.start + 1);
        let first = self.piece_at(range.start).unwrap_or(fallback).first;
        let last = self
            .piece_at(end - 1)
            .or_else(|| self.pieces.last().map(|p| p.frames))
            .unwrap_or(fallback)
            .last;
        FrameSpan { first, last }
    }

    fn piece_at(&self, offset: usize) -> Option<FrameSpan> {
        let i = self.pieces.partition_point(|p| p.end <= offset);
        self.pieces.get(i).map(|p| p.frames)
    }

    /// Wraps `msg` as a [`Decoded`] for the fed bytes in `range`.
    pub fn decoded(&self, dir: Direction, range: Range<usize>, msg: ProtoMsg) -> Decoded {
        Decoded {
            frames: self.span(range),
            ts: self.ts,
            flow: self.flow,
            dir,
            msg,
        }
    }
}

/// Answer of a stateless probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// The bytes are this protocol.
    Yes,
    /// Too few bytes to tell; ask again with more.
    NeedMore,
    /// Not this protocol.
    No,
}

/// What a flow decoder did with the bytes it was fed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// `n` bytes were consumed; any rest is an incomplete message to be fed
    /// again with more bytes appended.
    Consumed(usize),
    /// `consumed` bytes were used; the rest must grow to `needed` bytes before
    /// the decoder can go on.
    NeedMore {
        /// Bytes consumed from the front.
        consumed: usize,
        /// Total length the unconsumed rest must reach.
        needed: usize,
    },
    /// The bytes make no sense at a message boundary; the decoder has set its
    /// resync state and the caller drops what it buffered for this direction.
    Desync,
}

/// One protocol: a static instance in the registry.
pub trait Decoder: Send + Sync {
    /// Stable id: "stun", "tls".
    fn name(&self) -> &'static str;
    /// Transports the decoder handles.
    fn transports(&self) -> Transports;
    /// Cheap prior from the flow's ports.
    fn port_hint(&self, ctx: &FlowCtx) -> bool;
    /// Stateless test of the first bytes of a datagram or stream direction.
    fn probe(&self, ctx: &ProbeCtx, bytes: &[u8]) -> Probe;
    /// A fresh per-flow decoder.
    fn new_flow(&self, ctx: &FlowCtx) -> Box<dyn FlowDecoder>;
}

/// Per-flow decoding state.
pub trait FlowDecoder: Send {
    /// Decode `bytes` (one UDP datagram, or the unconsumed stream bytes of
    /// `dir` with the newest chunk appended), pushing results to `out`.
    fn feed(
        &mut self,
        ctx: &FeedCtx<'_>,
        dir: Direction,
        bytes: &[u8],
        out: &mut Vec<Decoded>,
    ) -> Progress;
    /// `len` stream bytes of `dir` were never captured. The default does
    /// nothing; stream decoders set a resync state so the next bytes are
    /// re-probed at a message boundary.
    fn gap(&mut self, _dir: Direction, _len: u64) {}
    /// Counters and labels of the flow, read when the flow ends.
    fn summary(&self) -> FlowSummary;
}

/// Identity of a TURN data channel within a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChannelId {
    /// RFC 5766 ChannelData channel number.
    Channel(u16),
    /// [MS-TURN] 2.2.3 multiplexed TURN session id (0xFF10 frames).
    MsSession(u64),
    /// [MS-TURN] 2.1.4 end-to-end data frames (type 0x03) on TCP.
    MsTurnData,
}

/// Frames and bytes counted on one channel in one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelStats {
    /// Frames seen.
    pub frames: u64,
    /// Payload bytes seen.
    pub bytes: u64,
    /// The first frame carrying the channel.
    pub first_frame: FrameNo,
    /// The last frame carrying the channel.
    pub last_frame: FrameNo,
}

/// Counters a flow decoder reports when its flow ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowSummary {
    /// Protocol label: "stun", "ms-turn", "pseudo-tls+ms-turn", "tls", …
    pub label: &'static str,
    /// Channel counters per (channel, direction index).
    pub channels: Vec<(ChannelId, usize, ChannelStats)>,
    /// Datagrams or records that were neither STUN nor TURN frames (RTP,
    /// DTLS, …), counted and skipped.
    pub other_units: u64,
    /// Encrypted TLS records per direction index.
    pub encrypted_records: [u64; 2],
    /// Encrypted TLS bytes per direction index.
    pub encrypted_bytes: [u64; 2],
}

/// A TURN data channel seen for the first time in one direction of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TurnChannelEvent {
    /// Which channel.
    pub channel: ChannelId,
    /// How the frame was carried.
    pub framing: Framing,
    /// Payload length of the first frame.
    pub payload_len: usize,
}

/// Malformed or suspicious traffic found by a decoder or the dispatcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtoAnomaly {
    /// Stable snake_case id ("proto.desync", "tls.bad_record", …).
    pub id: &'static str,
    /// What exactly was seen.
    pub detail: String,
}

/// Everything a decoder can emit. Closed: analyzers match on it exhaustively.
#[derive(Debug, Clone, PartialEq)]
pub enum ProtoMsg {
    /// A STUN / TURN / MS-TURN message.
    Stun(Box<StunRecord>),
    /// First frame of a TURN data channel in one direction (counted in
    /// [`FlowSummary::channels`] thereafter).
    TurnChannel(TurnChannelEvent),
    /// A TLS handshake step, alert or milestone.
    Tls(TlsEvent),
    /// An MS-TURN pseudo-TLS handshake message ([MS-TURN] 2.1.1).
    PseudoTls(PseudoTlsEvent),
    /// An ICMP / ICMPv6 destination-unreachable error quoting a datagram
    /// of the flow (its direction is the way the error travels: back to the
    /// quoted datagram's sender). Not produced by a decoder: the dispatcher
    /// places it on the flow.
    Icmp(Box<IcmpEvent>),
    /// A SIP message on UDP or clear TCP.
    Sip(Box<SipRecord>),
    /// Malformed or suspicious traffic.
    Anomaly(ProtoAnomaly),
}

/// One decoder output, located in the capture.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// First frame of the message and the frame that completed it.
    pub frames: FrameSpan,
    /// Capture time of the completing frame (for TCP: of the newest segment
    /// the flow had when the message completed).
    pub ts: Timestamp,
    /// The flow.
    pub flow: FlowId,
    /// Direction.
    pub dir: Direction,
    /// What was decoded.
    pub msg: ProtoMsg,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_maps_ranges_to_frames() {
        let pieces = [
            Piece {
                end: 10,
                frames: FrameSpan::single(FrameNo(3)),
            },
            Piece {
                end: 25,
                frames: FrameSpan {
                    first: FrameNo(5),
                    last: FrameNo(7),
                },
            },
        ];
        let ctx = FeedCtx {
            flow: FlowId(0),
            transport: Transport::Tcp,
            ts: Timestamp(0),
            pieces: &pieces,
        };
        let s = ctx.span(0..10);
        assert_eq!((s.first, s.last), (FrameNo(3), FrameNo(3)));
        let s = ctx.span(4..11);
        assert_eq!((s.first, s.last), (FrameNo(3), FrameNo(7)));
        let s = ctx.span(10..25);
        assert_eq!((s.first, s.last), (FrameNo(5), FrameNo(7)));
        assert!(Transports::Both.includes(Transport::Udp));
        assert!(!Transports::Tcp.includes(Transport::Udp));
        assert!(!Transports::Both.includes(Transport::Ip(132)));
    }
}
