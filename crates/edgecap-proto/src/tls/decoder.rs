//! The TLS decoder plugin: record framing on a TCP stream, handshake message
//! defragmentation, and the per-direction encrypted state that decides when
//! the handshake completed.
//!
//! This module owns TLS per-flow state. Records are cut by their 5-byte
//! header (RFC 8446 §5.1); plaintext handshake messages are reassembled
//! across records up to [`MAX_HANDSHAKE_BUFFER`] and handed to
//! `handshake.rs`; plaintext alerts are decoded; everything after a
//! ChangeCipherSpec, and every application-data record, is only counted. In
//! TLS 1.3 (a ServerHello choosing 1.3, or a HelloRetryRequest) a
//! ChangeCipherSpec is the middlebox-compatibility no-op of RFC 8446 §5 and
//! D.4: only application-data records are encrypted, so the second
//! ClientHello after a HelloRetryRequest is decoded. The handshake is
//! complete once both directions have sent an encrypted record (the TLS ≤
//! 1.2 Finished after CCS, or TLS 1.3 encrypted records).
//! Invariants: never panics, never buffers more than the caps.

use super::event::{TlsAlert, TlsEvent};
use super::handshake::handshake_event;
use crate::decoder::{
    Decoded, Decoder, FeedCtx, FlowCtx, FlowDecoder, FlowSummary, Probe, ProbeCtx, Progress,
    ProtoAnomaly, ProtoMsg, Transports,
};
use crate::stun::pseudo_tls::{self, Match};
use edgecap_capture::FrameNo;
use edgecap_net::reassembly::FrameSpan;
use edgecap_net::{Direction, Transport};

/// Ports where TLS is expected: HTTPS/MS-TURN 443, SIP/MTLS 5061 and 5062,
/// TURN over TLS 5349.
pub const TLS_PORTS: [u16; 4] = [443, 5061, 5062, 5349];

/// Largest TLS record accepted: TLSCiphertext may carry 2^14 + 2048 bytes
/// (RFC 5246 §6.2.3); anything longer is a desync.
pub const MAX_TLS_RECORD_LEN: usize = (1 << 14) + 2048;
/// Most bytes of one fragmented handshake message buffered (certificate
/// chains are the large ones). Not from an RFC; longer messages are skipped
/// with a `tls.handshake_too_large` anomaly.
pub const MAX_HANDSHAKE_BUFFER: usize = 64 * 1024;
/// TLS record header length (RFC 8446 §5.1).
const RECORD_HEADER_LEN: usize = 5;
/// Handshake message header length: type + 24-bit length (RFC 8446 §4).
const HS_HEADER_LEN: usize = 4;
/// The TLS 1.3 version number (RFC 8446 §4.2.1).
const TLS_1_3: u16 = 0x0304;

const CT_CHANGE_CIPHER_SPEC: u8 = 20;
const CT_ALERT: u8 = 21;
const CT_HANDSHAKE: u8 = 22;
const CT_APPLICATION_DATA: u8 = 23;
const CT_HEARTBEAT: u8 = 24;

/// The TLS decoder.
pub struct TlsDecoder;

/// Whether `b` starts with a plausible record header (content type 20–24,
/// major version 3, length within [`MAX_TLS_RECORD_LEN`]).
fn plausible_header(b: &[u8]) -> bool {
    b.len() >= RECORD_HEADER_LEN
        && (CT_CHANGE_CIPHER_SPEC..=CT_HEARTBEAT).contains(&b[0])
        && b[1] == 3
        && b[2] <= 4
        && usize::from(u16::from_be_bytes([b[3], b[4]])) <= MAX_TLS_RECORD_LEN
}

impl Decoder for TlsDecoder {
    fn name(&self) -> &'static str {
        "tls"
    }

    fn transports(&self) -> Transports {
        Transports::Tcp
    }

    fn port_hint(&self, ctx: &FlowCtx) -> bool {
        ctx.either_port(&TLS_PORTS)
    }

    fn probe(&self, ctx: &ProbeCtx, bytes: &[u8]) -> Probe {
        let prefix_ok = bytes.iter().take(3).enumerate().all(|(i, b)| match i {
            0 => (CT_CHANGE_CIPHER_SPEC..=CT_HEARTBEAT).contains(b),
            1 => *b == 3,
            _ => *b <= 4,
        });
        if !prefix_ok {
            return Probe::No;
        }
        if bytes.len() < RECORD_HEADER_LEN + 1 {
            return Probe::NeedMore;
        }
        if !plausible_header(bytes) || pseudo_tls::match_client_hello(bytes) == Match::Yes {
            return Probe::No;
        }
        let real_hello = bytes[0] == CT_HANDSHAKE && matches!(bytes[5], 1 | 2);
        // Mid-stream starts (encrypted records) only where TLS is expected.
        let midstream = ctx.hinted && bytes[0] == CT_APPLICATION_DATA;
        if real_hello || midstream {
            Probe::Yes
        } else {
            Probe::No
        }
    }

    fn new_flow(&self, _ctx: &FlowCtx) -> Box<dyn FlowDecoder> {
        Box::new(TlsFlow::default())
    }
}

#[derive(Debug, Default)]
struct DirState {
    /// A ChangeCipherSpec was sent: later records are encrypted.
    after_ccs: bool,
    /// An encrypted record was sent.
    sent_encrypted: bool,
    /// Partial plaintext handshake message.
    hs_buf: Vec<u8>,
    /// First frame of the bytes in `hs_buf`.
    hs_first: Option<FrameNo>,
    /// Skip handshake reassembly after an oversize message.
    hs_broken: bool,
    /// Lost sync: look for a plausible record header at the next feed.
    resync: bool,
    records: u64,
    encrypted_records: u64,
    encrypted_bytes: u64,
}

/// Per-flow TLS state.
#[derive(Debug, Default)]
pub struct TlsFlow {
    dirs: [DirState; 2],
    version: Option<u16>,
    completed: bool,
}

fn anomaly(id: &'static str, detail: String) -> ProtoMsg {
    ProtoMsg::Anomaly(ProtoAnomaly { id, detail })
}

impl TlsFlow {
    fn on_record(
        &mut self,
        ctx: &FeedCtx<'_>,
        dir: Direction,
        range: std::ops::Range<usize>,
        record: &[u8],
        out: &mut Vec<Decoded>,
    ) {
        let ct = record[0];
        let version = u16::from_be_bytes([record[1], record[2]]);
        let body = &record[RECORD_HEADER_LEN..];
        let d = dir.index();
        self.dirs[d].records += 1;
        let encrypted =
            ct == CT_APPLICATION_DATA || (self.dirs[d].after_ccs && ct != CT_CHANGE_CIPHER_SPEC);
        if encrypted {
            let st = &mut self.dirs[d];
            st.encrypted_records += 1;
            st.encrypted_bytes += body.len() as u64;
            st.sent_encrypted = true;
            if ct == CT_ALERT {
                let alert = TlsAlert {
                    level: 0,
                    description: 0,
                    encrypted: true,
                };
                out.push(ctx.decoded(dir, range.clone(), ProtoMsg::Tls(TlsEvent::Alert(alert))));
            }
            if !self.completed && self.dirs.iter().all(|s| s.sent_encrypted) {
                self.completed = true;
                let ev = TlsEvent::HandshakeComplete {
                    version: self.version,
                };
                out.push(ctx.decoded(dir, range, ProtoMsg::Tls(ev)));
            }
            return;
        }
        match ct {
            CT_CHANGE_CIPHER_SPEC => {
                if self.version != Some(TLS_1_3) {
                    self.dirs[d].after_ccs = true;
                }
                out.push(ctx.decoded(dir, range, ProtoMsg::Tls(TlsEvent::ChangeCipherSpec)));
            }
            CT_ALERT => {
                for a in body.chunks(2) {
                    if let [level, description] = *a {
                        let alert = TlsAlert {
                            level,
                            description,
                            encrypted: false,
                        };
                        let ev = ProtoMsg::Tls(TlsEvent::Alert(alert));
                        out.push(ctx.decoded(dir, range.clone(), ev));
                    } else {
                        let detail = format!("alert record of {} bytes", body.len());
                        out.push(ctx.decoded(dir, range.clone(), anomaly("tls.bad_alert", detail)));
                    }
                }
            }
            CT_HANDSHAKE => self.on_handshake(ctx, dir, range, version, body, out),
            _ => {}
        }
    }

    fn on_handshake(
        &mut self,
        ctx: &FeedCtx<'_>,
        dir: Direction,
        range: std::ops::Range<usize>,
        version: u16,
        body: &[u8],
        out: &mut Vec<Decoded>,
    ) {
        let span = ctx.span(range.clone());
        let st = &mut self.dirs[dir.index()];
        if st.hs_broken {
            return;
        }
        if st.hs_buf.is_empty() {
            st.hs_first = Some(span.first);
        }
        st.hs_buf.extend_from_slice(body);
        let mut events = Vec::new();
        let mut pos = 0;
        while st.hs_buf.len() - pos >= HS_HEADER_LEN {
            let h = &st.hs_buf[pos..];
            let len = HS_HEADER_LEN
                + (usize::from(h[1]) << 16 | usize::from(h[2]) << 8 | usize::from(h[3]));
            if len > MAX_HANDSHAKE_BUFFER {
                st.hs_broken = true;
                let detail = format!("handshake message type {} of {len} bytes", h[0]);
                out.push(ctx.decoded(
                    dir,
                    range.clone(),
                    anomaly("tls.handshake_too_large", detail),
                ));
                st.hs_buf.clear();
                return;
            }
            if h.len() < len {
                break;
            }
            match handshake_event(&h[..len], version) {
                Ok(Some(ev)) => events.push(ev),
                Ok(None) => {}
                Err(()) => {
                    let detail = format!("handshake message type {} of {len} bytes", h[0]);
                    out.push(ctx.decoded(dir, range.clone(), anomaly("tls.bad_handshake", detail)));
                }
            }
            pos += len;
        }
        st.hs_buf.drain(..pos);
        let first = st.hs_first.unwrap_or(span.first);
        if !st.hs_buf.is_empty() {
            st.hs_first = Some(span.first);
        }
        for ev in events {
            match &ev {
                TlsEvent::ServerHello(sh) => self.version = Some(sh.negotiated_version()),
                // Only TLS 1.3 retries a hello (RFC 8446 §4.1.4).
                TlsEvent::HelloRetryRequest { .. } => self.version = Some(TLS_1_3),
                _ => {}
            }
            let mut dec = ctx.decoded(dir, range.clone(), ProtoMsg::Tls(ev));
            dec.frames = FrameSpan {
                first,
                last: span.last,
            };
            out.push(dec);
        }
    }
}

impl FlowDecoder for TlsFlow {
    fn feed(
        &mut self,
        ctx: &FeedCtx<'_>,
        dir: Direction,
        bytes: &[u8],
        out: &mut Vec<Decoded>,
    ) -> Progress {
        if ctx.transport != Transport::Tcp {
            return Progress::Consumed(bytes.len());
        }
        let mut pos = 0;
        while pos < bytes.len() {
            let rest = &bytes[pos..];
            if rest.len() < RECORD_HEADER_LEN {
                return Progress::NeedMore {
                    consumed: pos,
                    needed: RECORD_HEADER_LEN,
                };
            }
            if !plausible_header(rest) {
                let st = &mut self.dirs[dir.index()];
                if st.resync {
                    return Progress::Consumed(bytes.len());
                }
                st.resync = true;
                let detail = format!(
                    "bytes {:02x?} are not a tls record header",
                    &rest[..RECORD_HEADER_LEN]
                );
                out.push(ctx.decoded(dir, pos..bytes.len(), anomaly("tls.bad_record", detail)));
                return Progress::Desync;
            }
            self.dirs[dir.index()].resync = false;
            let len = RECORD_HEADER_LEN + usize::from(u16::from_be_bytes([rest[3], rest[4]]));
            if rest.len() < len {
                return Progress::NeedMore {
                    consumed: pos,
                    needed: len,
                };
            }
            self.on_record(ctx, dir, pos..pos + len, &rest[..len], out);
            pos += len;
        }
        Progress::Consumed(pos)
    }

    fn gap(&mut self, dir: Direction, _len: u64) {
        let st = &mut self.dirs[dir.index()];
        st.resync = true;
        st.hs_buf.clear();
    }

    fn summary(&self) -> FlowSummary {
        FlowSummary {
            label: "tls",
            encrypted_records: [
                self.dirs[0].encrypted_records,
                self.dirs[1].encrypted_records,
            ],
            encrypted_bytes: [self.dirs[0].encrypted_bytes, self.dirs[1].encrypted_bytes],
            ..FlowSummary::default()
        }
    }
}
