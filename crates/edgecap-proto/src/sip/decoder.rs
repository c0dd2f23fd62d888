//! The SIP decoder plugin (RFC 3261 §18): SIP over UDP, one message per
//! datagram, and over clear TCP, cut by `Content-Length` with several
//! messages per segment or one message across segments; CR/LF keep-alives
//! between messages skipped.
//!
//! This module owns per-flow SIP state: per direction, the bytes of an
//! oversized body still to skip and whether the stream must resynchronise
//! (after a gap or bytes that are not a start line) at the next line that
//! probes as a SIP start line. Port hint 5060 (SIP) and 5068 (Lync
//! Mediation Server SIP/TCP); on every other port the strict start-line
//! probe of `edgecap_sip::probe` decides. Invariants: never panics, reports
//! each byte at most once, buffers nothing itself (the dispatcher keeps the
//! unconsumed tail).

use edgecap_net::{Direction, Transport};
use edgecap_sip::message::{SipAnomaly, MAX_BODY_LEN};
use edgecap_sip::{next_unit, probe, SipMessage, SipProbe, StreamUnit};

use super::record::SipRecord;
use crate::decoder::{
    Decoded, Decoder, FeedCtx, FlowCtx, FlowDecoder, FlowSummary, Probe, ProbeCtx, Progress,
    ProtoAnomaly, ProtoMsg, Transports,
};

/// Ports where clear SIP is expected: 5060 (RFC 3261 §19.1.2) and 5068
/// (Lync / Skype for Business Mediation Server, SIP over TCP).
pub const SIP_PORTS: [u16; 2] = [5060, 5068];

/// The SIP decoder.
pub struct SipDecoder;

impl Decoder for SipDecoder {
    fn name(&self) -> &'static str {
        "sip"
    }

    fn transports(&self) -> Transports {
        Transports::Both
    }

    fn port_hint(&self, ctx: &FlowCtx) -> bool {
        ctx.either_port(&SIP_PORTS)
    }

    fn probe(&self, ctx: &ProbeCtx, bytes: &[u8]) -> Probe {
        match (probe(bytes), ctx.flow.transport) {
            (SipProbe::Yes, _) => Probe::Yes,
            (SipProbe::NeedMore, Transport::Tcp) => Probe::NeedMore,
            _ => Probe::No,
        }
    }

    fn new_flow(&self, _ctx: &FlowCtx) -> Box<dyn FlowDecoder> {
        Box::new(SipFlow::default())
    }
}

#[derive(Default)]
struct SipFlow {
    /// Body bytes still to skip per direction (an oversized body).
    skip: [u64; 2],
    /// Whether a direction must find a start line before decoding again.
    resync: [bool; 2],
    /// Datagrams that were not SIP, and keep-alives.
    other_units: u64,
}

fn anomaly(id: &'static str, detail: String) -> ProtoMsg {
    ProtoMsg::Anomaly(ProtoAnomaly { id, detail })
}

/// The offset of the first line start in `b` (0 or just after a `\n`) at
/// which a SIP start line begins, or how much to drop when none does: all
/// but the last line, which may still be growing.
fn find_start_line(b: &[u8]) -> Result<usize, usize> {
    let mut at = 0;
    loop {
        match probe(&b[at..]) {
            SipProbe::Yes => return Ok(at),
            SipProbe::NeedMore if !b[at..].contains(&b'\n') => return Err(at),
            _ => {}
        }
        match b[at..].iter().position(|c| *c == b'\n') {
            Some(i) => at += i + 1,
            None => return Err(b.len()),
        }
    }
}

impl SipFlow {
    fn record(msg: SipMessage, transport: Transport, wire_len: usize) -> ProtoMsg {
        ProtoMsg::Sip(Box::new(SipRecord {
            msg,
            transport,
            wire_len: wire_len as u64,
        }))
    }

    fn feed_stream(
        &mut self,
        ctx: &FeedCtx<'_>,
        dir: Direction,
        bytes: &[u8],
        out: &mut Vec<Decoded>,
    ) -> Progress {
        let d = dir.index();
        let mut off = 0;
        while off < bytes.len() {
            let rest = &bytes[off..];
            if self.skip[d] > 0 {
                let n = usize::try_from(self.skip[d])
                    .unwrap_or(usize::MAX)
                    .min(rest.len());
                self.skip[d] -= n as u64;
                off += n;
                continue;
            }
            if self.resync[d] {
                match find_start_line(rest) {
                    Ok(at) => {
                        off += at;
                        self.resync[d] = false;
                    }
                    Err(drop) => return Progress::Consumed(off + drop),
                }
                continue;
            }
            match next_unit(rest) {
                StreamUnit::KeepAlive(n) => {
                    self.other_units += 1;
                    off += n;
                }
                StreamUnit::Message { len } => {
                    if let Ok(msg) = SipMessage::parse(&rest[..len], true) {
                        out.push(ctx.decoded(
                            dir,
                            off..off + len,
                            Self::record(msg, Transport::Tcp, len),
                        ));
                    }
                    off += len;
                }
                StreamUnit::Oversized { head_len, body_len } => {
                    let kept = head_len + MAX_BODY_LEN;
                    if rest.len() < kept {
                        return Progress::NeedMore {
                            consumed: off,
                            needed: kept,
                        };
                    }
                    if let Ok(mut msg) = SipMessage::parse(&rest[..kept], true) {
                        for a in &mut msg.anomalies {
                            if *a == SipAnomaly::BodyShorterThanContentLength {
                                *a = SipAnomaly::BodyTruncated;
                            }
                        }
                        let wire = head_len as u64 + body_len;
                        let rec = Self::record(
                            msg,
                            Transport::Tcp,
                            usize::try_from(wire).unwrap_or(usize::MAX),
                        );
                        out.push(ctx.decoded(dir, off..off + kept, rec));
                    }
                    self.skip[d] = body_len - MAX_BODY_LEN as u64;
                    off += kept;
                }
                StreamUnit::NeedMore(needed) => {
                    return Progress::NeedMore {
                        consumed: off,
                        needed,
                    }
                }
                StreamUnit::Invalid => {
                    let shown = &rest[..rest.len().min(32)];
                    let detail = format!(
                        "{} bytes that are not a SIP start line: {}",
                        rest.len(),
                        edgecap_core::safe::escape_bytes(shown)
                    );
                    out.push(ctx.decoded(dir, off..off + 1, anomaly("sip.bad_start_line", detail)));
                    self.resync[d] = true;
                    // Skip the bad line itself before looking again.
                    off += rest
                        .iter()
                        .position(|c| *c == b'\n')
                        .map_or(rest.len(), |i| i + 1);
                }
            }
        }
        Progress::Consumed(off)
    }
}

impl FlowDecoder for SipFlow {
    fn feed(
        &mut self,
        ctx: &FeedCtx<'_>,
        dir: Direction,
        bytes: &[u8],
        out: &mut Vec<Decoded>,
    ) -> Progress {
        if ctx.transport == Transport::Tcp {
            return self.feed_stream(ctx, dir, bytes, out);
        }
        let lead = bytes
            .iter()
            .take_while(|c| matches!(c, b'\r' | b'\n'))
            .count();
        match SipMessage::parse(&bytes[lead..], false) {
            Ok(msg) => out.push(ctx.decoded(
                dir,
                0..bytes.len(),
                Self::record(msg, Transport::Udp, bytes.len()),
            )),
            Err(_) => self.other_units += 1,
        }
        Progress::Consumed(bytes.len())
    }

    fn gap(&mut self, dir: Direction, len: u64) {
        let d = dir.index();
        if self.skip[d] >= len {
            self.skip[d] -= len;
        } else {
            self.skip[d] = 0;
            self.resync[d] = true;
        }
    }

    fn summary(&self) -> FlowSummary {
        FlowSummary {
            label: "sip",
            other_units: self.other_units,
            ..FlowSummary::default()
        }
    }
}
