//! The STUN decoder plugin: finds STUN, TURN and MS-TURN on any UDP flow and on
//! TCP streams in every framing the edge uses, and turns each message into a
//! [`StunRecord`].
//!
//! This module owns per-flow STUN state: on UDP the RFC 7983 demultiplexing of
//! each datagram (STUN decoded; ChannelData and MS 0xFF10 counted per
//! channel; DTLS, RTP and the rest counted as other), on TCP the framing of
//! each direction (pseudo-TLS, MS-TURN, RFC 4571 or back to back; see
//! `framing.rs`, `pseudo_tls.rs`) and resynchronisation after gaps. Message
//! decoding is `stun::decode`; transaction matching is `transactions.rs`.
//! Invariants: never panics; keeps at most [`MAX_CHANNELS_PER_FLOW`] channel
//! counters; never reports a byte twice.

use std::collections::BTreeMap;
use std::ops::Range;

use super::framing::{cut, detect, Cut, Detect, Framing, RecordKind};
use super::pseudo_tls::{self, Match, PseudoTlsEvent};
use super::record::StunRecord;
use crate::decoder::{
    ChannelId, ChannelStats, Decoded, Decoder, FeedCtx, FlowCtx, FlowDecoder, FlowSummary, Probe,
    ProbeCtx, Progress, ProtoAnomaly, ProtoMsg, Transports, TurnChannelEvent,
};
use crate::stun::{self, Demux, Dialect, FrameTransport, ProbeResult, TurnFrame};
use edgecap_net::{Direction, Transport};

/// Ports where STUN/TURN/MS-TURN is expected: TURN UDP/TCP 3478, Teams 3479,
/// MS-TURN over TCP 443, TURN over TLS 5349 (docs/protocols.md §7).
pub const STUN_PORTS: [u16; 4] = [3478, 3479, 443, 5349];
/// Relayed media port range of a Lync/SfB A/V Edge (docs/protocols.md §7).
pub const RELAY_PORTS: std::ops::RangeInclusive<u16> = 50000..=59999;

/// Whether either endpoint of the flow uses a relay port.
fn relay_port(ctx: &FlowCtx) -> bool {
    RELAY_PORTS.contains(&ctx.server.port) || RELAY_PORTS.contains(&ctx.client.port)
}

/// Most distinct (channel, direction) counters kept per flow; more channels
/// are counted as other units. Not from any RFC: RFC 8656 allows 4096
/// channels per allocation.
pub const MAX_CHANNELS_PER_FLOW: usize = 4096;

/// The STUN / TURN / MS-TURN decoder.
pub struct StunDecoder;

impl Decoder for StunDecoder {
    fn name(&self) -> &'static str {
        "stun"
    }

    fn transports(&self) -> Transports {
        Transports::Both
    }

    fn port_hint(&self, ctx: &FlowCtx) -> bool {
        ctx.either_port(&STUN_PORTS) || relay_port(ctx)
    }

    fn probe(&self, ctx: &ProbeCtx, bytes: &[u8]) -> Probe {
        match ctx.flow.transport {
            Transport::Udp => {
                let stun = matches!(stun::probe(bytes), ProbeResult::Stun(_));
                let frame =
                    ctx.hinted && stun::turn_frame(bytes, FrameTransport::Datagram).is_some();
                if stun || frame {
                    Probe::Yes
                } else {
                    Probe::No
                }
            }
            Transport::Tcp => {
                let hello = match ctx.dir {
                    Direction::ToServer => pseudo_tls::match_client_hello(bytes),
                    Direction::ToClient => pseudo_tls::match_server_hello(bytes),
                };
                match hello {
                    Match::Yes => return Probe::Yes,
                    Match::NeedMore => return Probe::NeedMore,
                    Match::No => {}
                }
                // Strict even on a STUN port: a TURN-over-TCP stream opens
                // with a STUN message, so ChannelData or an MS-TURN data frame
                // alone is no evidence (random bytes on 3478 would lock on and
                // buffer "records" of up to 64 KiB). A flow picked up mid-stream
                // locks on at its next STUN message.
                match detect(bytes, false) {
                    Detect::Found(_) => Probe::Yes,
                    Detect::NeedMore(_) => Probe::NeedMore,
                    Detect::No => Probe::No,
                }
            }
            Transport::Ip(_) => Probe::No,
        }
    }

    fn new_flow(&self, ctx: &FlowCtx) -> Box<dyn FlowDecoder> {
        Box::new(StunFlow::new(*ctx, self.port_hint(ctx)))
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct DirState {
    /// The framing once known.
    framing: Option<Framing>,
    /// Set after a gap or desync: the next bytes must be re-probed.
    resync: bool,
}

/// Per-flow STUN state.
pub struct StunFlow {
    ctx: FlowCtx,
    hinted: bool,
    dirs: [DirState; 2],
    pseudo_tls: bool,
    ms_turn: bool,
    channels: BTreeMap<(ChannelId, usize), ChannelStats>,
    other_units: u64,
}

impl StunFlow {
    /// A fresh decoder for a flow; `hinted` when a STUN port matched.
    pub fn new(ctx: FlowCtx, hinted: bool) -> Self {
        StunFlow {
            ctx,
            hinted,
            dirs: [DirState::default(); 2],
            pseudo_tls: false,
            ms_turn: false,
            channels: BTreeMap::new(),
            other_units: 0,
        }
    }

    fn emit_stun(
        &mut self,
        ctx: &FeedCtx<'_>,
        dir: Direction,
        range: Range<usize>,
        bytes: &[u8],
        framing: Framing,
        out: &mut Vec<Decoded>,
    ) {
        match stun::decode(bytes) {
            Ok(msg) => {
                self.ms_turn |= msg.dialect == Dialect::MsTurn;
                let frames = ctx.span(range.clone());
                let record = StunRecord::new(msg, framing, ctx.flow, dir, frames, ctx.ts);
                out.push(ctx.decoded(dir, range, ProtoMsg::Stun(Box::new(record))));
            }
            Err(e) => out.push(ctx.decoded(dir, range, anomaly("stun.undecodable", e.to_string()))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn count_channel(
        &mut self,
        ctx: &FeedCtx<'_>,
        dir: Direction,
        range: Range<usize>,
        channel: ChannelId,
        framing: Framing,
        payload_len: usize,
        out: &mut Vec<Decoded>,
    ) {
        let frame = ctx.span(range.clone()).last;
        let key = (channel, dir.index());
        if let Some(s) = self.channels.get_mut(&key) {
            s.frames += 1;
            s.bytes += payload_len as u64;
            s.last_frame = frame;
            return;
        }
        if self.channels.len() >= MAX_CHANNELS_PER_FLOW {
            self.other_units += 1;
            return;
        }
        self.channels.insert(
            key,
            ChannelStats {
                frames: 1,
                bytes: payload_len as u64,
                first_frame: frame,
                last_frame: frame,
            },
        );
        let ev = TurnChannelEvent {
            channel,
            framing,
            payload_len,
        };
        out.push(ctx.decoded(dir, range, ProtoMsg::TurnChannel(ev)));
    }

    fn turn_frame(
        &mut self,
        ctx: &FeedCtx<'_>,
        dir: Direction,
        range: Range<usize>,
        frame: TurnFrame,
        framing: Framing,
        out: &mut Vec<Decoded>,
    ) {
        let (id, payload) = match frame {
            TurnFrame::ChannelData { channel, payload } => (ChannelId::Channel(channel), payload),
            TurnFrame::MsMultiplexed {
                session_id,
                payload,
            } => (ChannelId::MsSession(session_id), payload),
        };
        self.count_channel(ctx, dir, range, id, framing, payload.len(), out);
    }

    fn feed_datagram(
        &mut self,
        ctx: &FeedCtx<'_>,
        dir: Direction,
        bytes: &[u8],
        out: &mut Vec<Decoded>,
    ) -> Progress {
        let range = 0..bytes.len();
        let Some(&first) = bytes.first() else {
            return Progress::Consumed(0);
        };
        match stun::demux(first) {
            Demux::Stun => self.emit_stun(ctx, dir, range, bytes, Framing::None, out),
            Demux::TurnChannel | Demux::Unknown => {
                match stun::turn_frame(bytes, FrameTransport::Datagram) {
                    Some(f) => self.turn_frame(ctx, dir, range, f, Framing::None, out),
                    None => self.other_units += 1,
                }
            }
            Demux::Zrtp | Demux::Dtls | Demux::RtpRtcp => self.other_units += 1,
        }
        Progress::Consumed(bytes.len())
    }

    /// Decide the framing at a boundary (stream start or resync). Returns
    /// `Ok(consumed)` for a pseudo-TLS record, `Ok(0)` when a framing is set,
    /// or the progress to return.
    fn start(
        &mut self,
        ctx: &FeedCtx<'_>,
        dir: Direction,
        pos: usize,
        rest: &[u8],
        total: usize,
        out: &mut Vec<Decoded>,
    ) -> Result<usize, Progress> {
        let st = self.dirs[dir.index()];
        if st.framing.is_none() {
            let (m, len, ev) = match dir {
                Direction::ToServer => (
                    pseudo_tls::match_client_hello(rest),
                    pseudo_tls::CLIENT_HELLO_LEN,
                    PseudoTlsEvent::ClientHello,
                ),
                Direction::ToClient => (
                    pseudo_tls::match_server_hello(rest),
                    pseudo_tls::SERVER_HELLO_LEN,
                    PseudoTlsEvent::ServerHello,
                ),
            };
            match m {
                Match::Yes => {
                    self.pseudo_tls = true;
                    let d = &mut self.dirs[dir.index()];
                    d.framing = Some(Framing::PseudoTlsMsTurn);
                    d.resync = false;
                    out.push(ctx.decoded(dir, pos..pos + len, ProtoMsg::PseudoTls(ev)));
                    return Ok(len);
                }
                Match::NeedMore => {
                    return Err(Progress::NeedMore {
                        consumed: pos,
                        needed: len,
                    })
                }
                Match::No => {}
            }
        }
        // Lenient (header-only) detection only at a hinted stream start; a
        // resync must find a whole STUN message in the framing already known.
        let lenient = self.hinted && st.framing.is_none();
        let found = match detect(rest, lenient) {
            Detect::Found(f) => {
                let f = match f {
                    Framing::MsTurn if self.pseudo_tls => Framing::PseudoTlsMsTurn,
                    other => other,
                };
                match st.framing {
                    Some(known) if known != f => Detect::No,
                    _ => Detect::Found(f),
                }
            }
            other => other,
        };
        match found {
            Detect::Found(f) => {
                let d = &mut self.dirs[dir.index()];
                d.framing = Some(f);
                d.resync = false;
                Ok(0)
            }
            Detect::NeedMore(n) => Err(Progress::NeedMore {
                consumed: pos,
                needed: n,
            }),
            Detect::No if st.resync => Err(Progress::Consumed(total)),
            Detect::No => {
                self.dirs[dir.index()].resync = true;
                let detail = format!("no stun framing at stream offset of {} bytes", rest.len());
                out.push(ctx.decoded(dir, pos..total, anomaly("stun.stream_desync", detail)));
                Err(Progress::Desync)
            }
        }
    }

    fn feed_stream(
        &mut self,
        ctx: &FeedCtx<'_>,
        dir: Direction,
        bytes: &[u8],
        out: &mut Vec<Decoded>,
    ) -> Progress {
        let mut pos = 0usize;
        while pos < bytes.len() {
            let rest = &bytes[pos..];
            let st = self.dirs[dir.index()];
            if st.framing.is_none() || st.resync {
                match self.start(ctx, dir, pos, rest, bytes.len(), out) {
                    Ok(n) => {
                        pos += n;
                        continue;
                    }
                    Err(p) => return p,
                }
            }
            let framing = st.framing.unwrap_or(Framing::None);
            match cut(rest, framing) {
                Cut::NeedMore(n) => {
                    return Progress::NeedMore {
                        consumed: pos,
                        needed: n,
                    }
                }
                Cut::Invalid => {
                    self.dirs[dir.index()].resync = true;
                    let detail = format!(
                        "bytes {:02x?} are not a {} record",
                        &rest[..rest.len().min(4)],
                        framing.name()
                    );
                    out.push(ctx.decoded(
                        dir,
                        pos..bytes.len(),
                        anomaly("stun.stream_desync", detail),
                    ));
                    return Progress::Desync;
                }
                Cut::Record { len, payload, kind } => {
                    let range = pos..pos + len;
                    let p = &rest[payload];
                    self.record(ctx, dir, range, p, kind, framing, out);
                    pos += len;
                }
            }
        }
        Progress::Consumed(pos)
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        ctx: &FeedCtx<'_>,
        dir: Direction,
        range: Range<usize>,
        payload: &[u8],
        kind: RecordKind,
        framing: Framing,
        out: &mut Vec<Decoded>,
    ) {
        match kind {
            RecordKind::Stun => self.emit_stun(ctx, dir, range, payload, framing, out),
            RecordKind::TurnFrame => match stun::turn_frame(payload, FrameTransport::Stream) {
                Some(f) => self.turn_frame(ctx, dir, range, f, framing, out),
                None => self.other_units += 1,
            },
            RecordKind::Data => {
                if matches!(stun::probe(payload), ProbeResult::Stun(_)) {
                    // ICE checks travel inside MS-TURN data frames (libnice)
                    // and RFC 4571 records (RFC 6544).
                    self.emit_stun(ctx, dir, range, payload, framing, out);
                } else if matches!(framing, Framing::MsTurn | Framing::PseudoTlsMsTurn) {
                    let len = payload.len();
                    self.count_channel(ctx, dir, range, ChannelId::MsTurnData, framing, len, out);
                } else {
                    self.other_units += 1;
                }
            }
        }
    }

    fn label(&self) -> &'static str {
        let framings = self.dirs.iter().filter_map(|d| d.framing);
        let mut label = if self.ms_turn { "ms-turn" } else { "stun" };
        for f in framings {
            match f {
                Framing::PseudoTlsMsTurn => return "pseudo-tls+ms-turn",
                Framing::MsTurn => label = "ms-turn",
                Framing::None | Framing::Rfc4571 => {}
            }
        }
        label
    }
}

fn anomaly(id: &'static str, detail: String) -> ProtoMsg {
    ProtoMsg::Anomaly(ProtoAnomaly { id, detail })
}

impl FlowDecoder for StunFlow {
    fn feed(
        &mut self,
        ctx: &FeedCtx<'_>,
        dir: Direction,
        bytes: &[u8],
        out: &mut Vec<Decoded>,
    ) -> Progress {
        match self.ctx.transport {
            Transport::Udp => self.feed_datagram(ctx, dir, bytes, out),
            Transport::Tcp => self.feed_stream(ctx, dir, bytes, out),
            // Never fed: the flow table hands no payload of other transports.
            Transport::Ip(_) => Progress::Desync,
        }
    }

    fn gap(&mut self, dir: Direction, _len: u64) {
        self.dirs[dir.index()].resync = true;
    }

    fn summary(&self) -> FlowSummary {
        FlowSummary {
            label: self.label(),
            channels: self
                .channels
                .iter()
                .map(|(&(id, d), &s)| (id, d, s))
                .collect(),
            other_units: self.other_units,
            ..FlowSummary::default()
        }
    }
}
