//! Where a decoded message's bytes are inside the frames it came from, for
//! the timeline's hex dump.
//!
//! Given frames re-read from the file ([`OwnedFrame`]s, see
//! [`edgecap_capture::FrameSource`]), this module decodes their link, IP and
//! TCP/UDP headers with the same functions the engine uses
//! ([`edgecap_net::link::strip`], [`edgecap_net::ip::parse`]) to find each
//! frame's transport payload as a byte range of the frame, then the
//! message's bytes inside it:
//! * a STUN / TURN / MS-TURN message: its 20-byte header (type, length,
//!   cookie and transaction id, rebuilt from the decoded message) is searched
//!   in the first frame's payload; the message runs from there for 20 +
//!   length bytes. On TCP its position is turned into a sequence number, so
//!   the continuation is found by sequence number in the later segments of
//!   the same direction between the message's first and completing frame
//!   (retransmitted copies included);
//! * TLS records, pseudo-TLS hellos, TURN channel data and decoder
//!   anomalies: the transport payload of each frame of the flow direction;
//! * SYN, SYN-ACK and RST rows ([`locate_tcp_header`]): the TCP header.
//!
//! It reads nothing and never fails: frames that do not decode get a note
//! instead of ranges. Ranges are always inside the frame's bytes.

use std::net::IpAddr;
use std::ops::Range;

use edgecap_capture::{FrameNo, OwnedFrame};
use edgecap_net::ip::{self, IpLayer, IpVersion, UDP_HEADER_LEN};
use edgecap_net::link::{self, LinkPayload};
use edgecap_net::{Direction, Endpoint, Segment, TcpFlags, Transport};
use edgecap_proto::{Decoded, ProtoMsg};

/// Most frames looked at between a message's first and completing frame
/// (the completing frame is always included).
pub const MAX_SCAN_FRAMES: u64 = 1024;
/// Frames looked at before a message's first frame: a TCP segment with a
/// later part of the message may have arrived earlier, out of order.
pub const MAX_LOOKBACK_FRAMES: u64 = 32;
/// Most frames a message is shown in.
pub const MAX_MESSAGE_FRAMES: usize = 64;
/// Length of a STUN message header (RFC 5389 §6).
const STUN_HEADER_LEN: usize = 20;

/// The transport part of a frame, located as byte ranges of the frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportLayer {
    /// A TCP segment.
    Tcp {
        /// Source port.
        src_port: u16,
        /// Destination port.
        dst_port: u16,
        /// Sequence number of the first payload byte.
        seq: u32,
        /// Header flags.
        flags: TcpFlags,
        /// The TCP header, options included.
        header: Range<usize>,
    },
    /// A UDP datagram.
    Udp {
        /// Source port.
        src_port: u16,
        /// Destination port.
        dst_port: u16,
        /// The 8-byte UDP header.
        header: Range<usize>,
    },
    /// One fragment of an IP datagram; the payload is the fragment's data.
    Fragment {
        /// Byte offset of the data in the reassembled datagram.
        offset: u32,
    },
    /// Another IP protocol: no payload range.
    Other {
        /// IP protocol number.
        protocol: u8,
    },
}

/// The IP and transport layers of one frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportView {
    /// IP source address.
    pub src: IpAddr,
    /// IP destination address.
    pub dst: IpAddr,
    /// The transport layer.
    pub layer: TransportLayer,
    /// The transport payload (fragment data for a fragment), as captured.
    pub payload: Option<Range<usize>>,
}

impl TransportView {
    /// Whether the frame travels from `src` to `dst` (ports are compared
    /// for TCP and UDP, only addresses for fragments and other protocols).
    pub fn goes(&self, src: Endpoint, dst: Endpoint) -> bool {
        let ports = match self.layer {
            TransportLayer::Tcp {
                src_port, dst_port, ..
            }
            | TransportLayer::Udp {
                src_port, dst_port, ..
            } => src_port == src.port && dst_port == dst.port,
            TransportLayer::Fragment { .. } | TransportLayer::Other { .. } => true,
        };
        ports && self.src == src.ip && self.dst == dst.ip
    }
}

/// Where `inner` (a subslice of `outer`) starts in `outer`.
fn offset_in(outer: &[u8], inner: &[u8]) -> Option<usize> {
    let start = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    (start.checked_add(inner.len())? <= outer.len()).then_some(start)
}

/// Decodes the link, IP and TCP/UDP headers of `data` (link type `link`)
/// with [`edgecap_net`], returning where the layers are, or why not.
pub fn transport_view(frame: &OwnedFrame) -> Result<TransportView, String> {
    let data = frame.data.as_slice();
    let (bytes, expect) = match link::strip(frame.link, data) {
        Ok(LinkPayload::Ipv4(b)) => (b, Some(IpVersion::V4)),
        Ok(LinkPayload::Ipv6(b)) => (b, Some(IpVersion::V6)),
        Ok(LinkPayload::Ip(b)) => (b, None),
        Ok(LinkPayload::NotIp) => return Err("the frame carries no IP".into()),
        Ok(LinkPayload::Unsupported) => {
            return Err(format!("link type {} is not decoded", frame.link))
        }
        Err(t) => {
            return Err(format!(
                "the link header needs {} bytes, {} present",
                t.needed, t.have
            ))
        }
    };
    let range = |inner: &[u8]| offset_in(data, inner).map(|s| s..s + inner.len());
    match ip::parse(bytes, expect).map_err(|e| e.detail)? {
        IpLayer::Fragment(f) => Ok(TransportView {
            src: f.key.src,
            dst: f.key.dst,
            layer: TransportLayer::Fragment { offset: f.offset },
            payload: range(f.data),
        }),
        IpLayer::Packet(p) => {
            let (layer, payload) = match p.segment {
                Segment::Tcp {
                    src_port,
                    dst_port,
                    seq,
                    flags,
                    header_len,
                    payload,
                    ..
                } => {
                    let pr = range(payload).ok_or("tcp payload outside the frame")?;
                    let start = pr
                        .start
                        .checked_sub(usize::from(header_len))
                        .ok_or("tcp header cut")?;
                    let layer = TransportLayer::Tcp {
                        src_port,
                        dst_port,
                        seq,
                        flags,
                        header: start..pr.start,
                    };
                    (layer, Some(pr))
                }
                Segment::Udp {
                    src_port,
                    dst_port,
                    payload,
                } => {
                    let pr = range(payload).ok_or("udp payload outside the frame")?;
                    let start = pr
                        .start
                        .checked_sub(UDP_HEADER_LEN)
                        .ok_or("udp header cut")?;
                    let layer = TransportLayer::Udp {
                        src_port,
                        dst_port,
                        header: start..pr.start,
                    };
                    (layer, Some(pr))
                }
                Segment::Other { protocol } => (TransportLayer::Other { protocol }, None),
                Segment::IcmpError(e) => {
                    let protocol = match e.version {
                        IpVersion::V4 => ip::PROTO_ICMP,
                        IpVersion::V6 => ip::PROTO_ICMPV6,
                    };
                    (TransportLayer::Other { protocol }, None)
                }
            };
            Ok(TransportView {
                src: p.src,
                dst: p.dst,
                layer,
                payload,
            })
        }
    }
}

/// Where one frame holds (part of) a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameBytes {
    /// The frame.
    pub frame: FrameNo,
    /// The transport payload, when the frame decoded.
    pub payload: Option<Range<usize>>,
    /// The message's bytes (or the header of a TCP control row), in order,
    /// non-overlapping, inside the frame.
    pub highlight: Vec<Range<usize>>,
    /// Why nothing (or not everything) is highlighted, when that is the case.
    pub note: Option<String>,
}

impl FrameBytes {
    fn note(frame: FrameNo, payload: Option<Range<usize>>, note: impl Into<String>) -> Self {
        FrameBytes {
            frame,
            payload,
            highlight: Vec::new(),
            note: Some(note.into()),
        }
    }
}

/// The frames to re-read for `d`, in order: for TCP messages up to
/// [`MAX_LOOKBACK_FRAMES`] before its first frame (out-of-order
/// continuations), then its first frame up to its completing frame (at
/// most [`MAX_SCAN_FRAMES`] of them, the completing frame always included).
/// Frame numbers below 1 are left out.
pub fn message_frames(d: &Decoded, transport: Transport) -> Vec<FrameNo> {
    let (first, last) = (d.frames.first.0, d.frames.last.0.max(d.frames.first.0));
    let end = last.min(first.saturating_add(MAX_SCAN_FRAMES - 1));
    let from = match (transport, &d.msg) {
        (Transport::Tcp, ProtoMsg::Stun(_)) => first.saturating_sub(MAX_LOOKBACK_FRAMES).max(1),
        _ => first,
    };
    let mut out: Vec<FrameNo> = (from.min(first)..=end).map(FrameNo).collect();
    if end < last {
        out.push(FrameNo(last));
    }
    out
}

/// What is searched for.
enum Target {
    /// A STUN message: its header and total length.
    Stun([u8; STUN_HEADER_LEN], usize),
    /// The whole transport payload.
    Payload,
}

/// The 20-byte header of a decoded STUN message, as on the wire.
fn stun_header(d: &Decoded) -> Option<([u8; STUN_HEADER_LEN], usize)> {
    let ProtoMsg::Stun(r) = &d.msg else {
        return None;
    };
    let m = &r.msg;
    let mut h = [0u8; STUN_HEADER_LEN];
    h[0..2].copy_from_slice(&m.msg_type.raw.to_be_bytes());
    h[2..4].copy_from_slice(&m.length.to_be_bytes());
    h[4..20].copy_from_slice(&m.txid());
    Some((h, STUN_HEADER_LEN + usize::from(m.length)))
}

/// Where the header starts in `payload`: a full match, else the longest
/// header prefix that ends the payload (a header split across segments).
fn find_header(payload: &[u8], header: &[u8; STUN_HEADER_LEN]) -> Option<usize> {
    if let Some(at) = payload.windows(STUN_HEADER_LEN).position(|w| w == header) {
        return Some(at);
    }
    (1..STUN_HEADER_LEN.min(payload.len() + 1))
        .rev()
        .find(|&k| payload.ends_with(&header[..k]))
        .map(|k| payload.len() - k)
}

/// Locates message `d` of a flow between `client` and `server` in `frames`
/// (those of [`message_frames`], in order; missing ones are skipped). The
/// result lists the frames the message came from: its first and completing
/// frame, plus frames in between of the same direction that carry its bytes
/// (TCP continuation) — at most [`MAX_MESSAGE_FRAMES`].
pub fn locate_message(
    d: &Decoded,
    client: Endpoint,
    server: Endpoint,
    frames: &[OwnedFrame],
) -> Vec<FrameBytes> {
    let (src, dst) = match d.dir {
        Direction::ToServer => (client, server),
        Direction::ToClient => (server, client),
    };
    let target = match stun_header(d) {
        Some((h, total)) => Target::Stun(h, total),
        None => Target::Payload,
    };
    let views: Vec<Result<TransportView, String>> = frames.iter().map(transport_view).collect();
    // The message's first sequence number: its header searched in the
    // direction's bytes reassembled from the frames (the first frame may
    // hold only a framing header, or part of the STUN header).
    let stream_start = match target {
        Target::Stun(header, _) => tcp_stream_start(d, src, dst, frames, &views, &header),
        Target::Payload => None,
    };
    let mut out = Vec::new();
    for (f, view) in frames.iter().zip(views) {
        if out.len() >= MAX_MESSAGE_FRAMES {
            break;
        }
        let edge = f.no == d.frames.first || f.no == d.frames.last;
        let view = match view {
            Ok(v) => v,
            Err(why) if edge => {
                out.push(FrameBytes::note(f.no, None, why));
                continue;
            }
            Err(_) => continue,
        };
        if !view.goes(src, dst) {
            if edge {
                out.push(FrameBytes::note(
                    f.no,
                    view.payload,
                    "this frame is not in the message's flow direction",
                ));
            }
            continue;
        }
        let Some(payload) = view.payload.clone() else {
            if edge {
                out.push(FrameBytes::note(f.no, None, "no transport payload"));
            }
            continue;
        };
        let bytes = &f.data[payload.clone()];
        let mut fb = FrameBytes {
            frame: f.no,
            payload: Some(payload.clone()),
            highlight: Vec::new(),
            note: None,
        };
        match (&target, &view.layer) {
            (Target::Payload, _) => {
                if (bytes.is_empty() || f.no < d.frames.first) && !edge {
                    continue;
                }
                if !bytes.is_empty() {
                    fb.highlight.push(payload.clone());
                }
                if let TransportLayer::Fragment { .. } = view.layer {
                    fb.note = Some(fragment_note());
                }
            }
            (Target::Stun(_, total), TransportLayer::Tcp { seq, .. }) => {
                match stream_start {
                    Some(s) => {
                        // Signed distance from the message start, in stream bytes.
                        let rel = i64::from(seq.wrapping_sub(s) as i32);
                        let lo = rel.max(0);
                        let hi = (rel + bytes.len() as i64).min(*total as i64);
                        if lo < hi {
                            let a = payload.start + (lo - rel) as usize;
                            let b = payload.start + (hi - rel) as usize;
                            fb.highlight.push(a..b);
                        } else if edge && hi <= 0 {
                            fb.note = Some(
                                "this frame holds only bytes before the message (its framing \
                                 header)"
                                    .into(),
                            );
                        } else if edge {
                            fb.note = Some("no bytes of the message in this frame".into());
                        } else {
                            continue;
                        }
                    }
                    None if edge => fb.note = Some(header_not_found()),
                    None => continue,
                }
            }
            (Target::Stun(header, total), layer) => {
                if !edge {
                    continue;
                }
                match find_header(bytes, header) {
                    Some(at) => {
                        let end = (at + total).min(bytes.len());
                        fb.highlight.push(payload.start + at..payload.start + end);
                        if end - at < *total {
                            fb.note = Some(format!(
                                "{} of the message's {total} bytes were captured",
                                end - at
                            ));
                        }
                    }
                    None => {
                        fb.note = Some(if matches!(layer, TransportLayer::Fragment { .. }) {
                            fragment_note()
                        } else {
                            header_not_found()
                        });
                    }
                }
            }
        }
        out.push(fb);
    }
    out
}

/// Most stream bytes reassembled to find a message header over TCP.
const MAX_STREAM_BYTES: usize = 256 * 1024;

/// The sequence number where the STUN `header` starts in the TCP bytes
/// from `src` to `dst` carried by `frames`, counted from the message's
/// first frame: the first complete copy of the header in the reassembled
/// bytes, else a header cut off at the end of what was captured.
fn tcp_stream_start(
    d: &Decoded,
    src: Endpoint,
    dst: Endpoint,
    frames: &[OwnedFrame],
    views: &[Result<TransportView, String>],
    header: &[u8; STUN_HEADER_LEN],
) -> Option<u32> {
    let segments: Vec<(FrameNo, u32, &[u8])> = frames
        .iter()
        .zip(views)
        .filter_map(|(f, v)| {
            let v = v.as_ref().ok().filter(|v| v.goes(src, dst))?;
            let TransportLayer::Tcp { seq, .. } = v.layer else {
                return None;
            };
            Some((f.no, seq, f.data.get(v.payload.clone()?)?))
        })
        .collect();
    let base = segments
        .iter()
        .find(|s| s.0 == d.frames.first)
        .or(segments.first())?
        .1;
    let mut buf: Vec<u8> = Vec::new();
    let mut have: Vec<bool> = Vec::new();
    for &(_, seq, bytes) in &segments {
        let rel = i64::from(seq.wrapping_sub(base) as i32);
        for (i, &b) in bytes.iter().enumerate() {
            let Ok(p) = usize::try_from(rel + i as i64) else {
                continue;
            };
            if p >= MAX_STREAM_BYTES {
                break;
            }
            if p >= buf.len() {
                buf.resize(p + 1, 0);
                have.resize(p + 1, false);
            }
            buf[p] = b;
            have[p] = true;
        }
    }
    let full = buf
        .windows(STUN_HEADER_LEN)
        .enumerate()
        .position(|(i, w)| w == header && have[i..i + STUN_HEADER_LEN].iter().all(|&h| h));
    let at = full.or_else(|| {
        let covered = have.iter().position(|&h| !h).unwrap_or(have.len());
        find_header(&buf[..covered], header)
    })?;
    Some(base.wrapping_add(at as u32))
}

fn header_not_found() -> String {
    "the message header was not found in this frame".into()
}

fn fragment_note() -> String {
    "an IP fragment: the message was reassembled from several fragments".into()
}

/// The TCP header of a SYN, SYN-ACK or RST frame.
pub fn locate_tcp_header(frame: &OwnedFrame) -> FrameBytes {
    match transport_view(frame) {
        Ok(TransportView {
            layer: TransportLayer::Tcp { header, .. },
            payload,
            ..
        }) => FrameBytes {
            frame: frame.no,
            payload,
            highlight: vec![header],
            note: None,
        },
        Ok(v) => FrameBytes::note(frame.no, v.payload, "not a TCP segment"),
        Err(why) => FrameBytes::note(frame.no, None, why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgecap_analyze::{analyze_capture, Analysis, AnalyzeOptions};
    use edgecap_capture::{CaptureReader, FrameSource};
    use std::path::{Path, PathBuf};

    fn path(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("captures")
            .join(name)
    }

    fn load(name: &str) -> (Analysis, FrameSource) {
        let p = path(name);
        let reader = CaptureReader::open(&p).unwrap();
        let opts = AnalyzeOptions {
            keep_frame_index: true,
            ..AnalyzeOptions::default()
        };
        let a = analyze_capture(reader, name, &opts);
        let src = FrameSource::open(&p, a.frame_index.as_ref().unwrap()).unwrap();
        (a, src)
    }

    fn endpoints(a: &Analysis, d: &Decoded) -> (Endpoint, Endpoint, Transport) {
        let (transport, client, server) = a.flow_ends(d.flow).unwrap();
        (client, server, transport)
    }

    /// Locates every STUN message of the capture and checks the highlighted
    /// bytes are exactly the message: its header first, its length in all.
    /// Returns how many messages spanned several frames.
    fn check_stun(name: &str) -> (usize, usize) {
        let (a, mut src) = load(name);
        let (mut checked, mut multi) = (0, 0);
        for d in &a.proto.messages {
            let Some((header, total)) = stun_header(d) else {
                continue;
            };
            let (client, server, transport) = endpoints(&a, d);
            let frames: Vec<OwnedFrame> = message_frames(d, transport)
                .into_iter()
                .map(|n| src.read(n).unwrap())
                .collect();
            let located = locate_message(d, client, server, &frames);
            // The highlighted pieces, with the piece holding the header first
            // (a later piece may sit in an earlier frame, out of order).
            let mut pieces: Vec<&[u8]> = Vec::new();
            for fb in &located {
                let f = frames.iter().find(|f| f.no == fb.frame).unwrap();
                for r in &fb.highlight {
                    let p = fb.payload.clone().unwrap();
                    assert!(
                        p.start <= r.start && r.end <= p.end,
                        "{name}: inside the payload"
                    );
                    pieces.push(&f.data[r.clone()]);
                }
            }
            let head = pieces
                .iter()
                .position(|p| p.starts_with(&header[..p.len().min(20)]))
                .unwrap_or_else(|| panic!("{name}: frame {}: no header", d.frames.last));
            let mut bytes = pieces.remove(head).to_vec();
            for p in pieces {
                bytes.extend_from_slice(p);
            }
            assert!(
                located.iter().any(|fb| fb.frame == d.frames.first),
                "{name}"
            );
            assert_eq!(located.last().unwrap().frame, d.frames.last, "{name}");
            assert_eq!(&bytes[..20], &header, "{name}: frame {}", d.frames.last);
            assert_eq!(bytes.len(), total, "{name}: frame {}", d.frames.last);
            // Type, then the cookie (RFC 5389) or transaction id right after the length.
            let ProtoMsg::Stun(r) = &d.msg else {
                unreachable!()
            };
            assert_eq!(bytes[0..2], r.msg.msg_type.raw.to_be_bytes());
            assert_eq!(bytes[4..20], r.msg.txid());
            if r.msg.cookie_present {
                assert_eq!(bytes[4..8], [0x21, 0x12, 0xA4, 0x42]);
            }
            let with_bytes = located.iter().filter(|fb| !fb.highlight.is_empty()).count();
            if with_bytes > 1 {
                assert_eq!(transport, Transport::Tcp);
                multi += 1;
            }
            checked += 1;
        }
        (checked, multi)
    }

    #[test]
    fn stun_messages_of_coturn_are_highlighted_exactly() {
        let (checked, _) = check_stun("coturn-loopback.pcap");
        assert!(checked > 10, "{checked}");
    }

    /// (frame, highlighted bytes) of the STUN message completed at `last`.
    fn pieces_of(name: &str, last: u64) -> Vec<(u64, usize)> {
        let (a, mut src) = load(name);
        let d = a
            .proto
            .messages
            .iter()
            .find(|d| d.frames.last.0 == last && matches!(d.msg, ProtoMsg::Stun(_)))
            .unwrap();
        let (client, server, transport) = endpoints(&a, d);
        let frames: Vec<OwnedFrame> = message_frames(d, transport)
            .into_iter()
            .map(|n| src.read(n).unwrap())
            .collect();
        locate_message(d, client, server, &frames)
            .iter()
            .map(|fb| (fb.frame.0, fb.highlight.iter().map(|r| r.len()).sum()))
            .collect()
    }

    #[test]
    fn split_tcp_messages_of_msturn_tcp443_are_highlighted_across_frames() {
        let (checked, multi) = check_stun("msturn-tcp443.pcap");
        assert!(checked > 3, "{checked}");
        assert!(multi >= 1, "messages split over segments: {multi}");
        // 6–7: an Allocate split inside its MS-TURN frame header: 6 holds
        // only framing bytes (shown, nothing highlighted), 7 the message.
        let p = pieces_of("msturn-tcp443.pcap", 7);
        assert_eq!(p.iter().map(|x| x.0).collect::<Vec<_>>(), vec![6, 7]);
        assert!(p[0].1 == 0 && p[1].1 > 20, "{p:?}");
        // 9 (second half, arrived first) and 10 (first half).
        let p = pieces_of("msturn-tcp443.pcap", 10);
        assert_eq!(p.iter().map(|x| x.0).collect::<Vec<_>>(), vec![9, 10]);
        assert!(p.iter().all(|x| x.1 > 0), "{p:?}");
        // rfc-tcp-framings: the Allocate across three segments 6–8.
        let p = pieces_of("rfc-tcp-framings.pcap", 8);
        assert_eq!(p.iter().map(|x| x.0).collect::<Vec<_>>(), vec![6, 7, 8]);
        assert!(p.iter().all(|x| x.1 > 0), "{p:?}");
    }

    #[test]
    fn other_captures_locate_every_stun_message() {
        for name in [
            "msturn-udp.pcap",
            "rfc-tcp-framings.pcap",
            "field-healthy-call.pcap",
            "field-unknown-user.pcap",
        ] {
            let (checked, _) = check_stun(name);
            assert!(checked > 0, "{name}");
        }
    }

    #[test]
    fn tls_and_control_rows_highlight_payload_and_tcp_header() {
        let (a, mut src) = load("msturn-tcp443.pcap");
        let mut payload_rows = 0;
        for d in &a.proto.messages {
            if matches!(d.msg, ProtoMsg::Stun(_)) {
                continue;
            }
            let (client, server, transport) = endpoints(&a, d);
            let frames: Vec<OwnedFrame> = message_frames(d, transport)
                .into_iter()
                .map(|n| src.read(n).unwrap())
                .collect();
            for fb in locate_message(d, client, server, &frames) {
                if fb.highlight.is_empty() {
                    continue;
                }
                assert_eq!(fb.highlight, vec![fb.payload.clone().unwrap()]);
                payload_rows += 1;
            }
        }
        assert!(payload_rows > 0);
        let (a, mut src) = load("tcp-outcomes.pcap");
        let mut controls = 0;
        for f in &a.flows {
            let Some(tcp) = &f.tcp else { continue };
            let ctl = &tcp.control;
            for no in ctl
                .syn_frame
                .iter()
                .chain(&ctl.syn_ack_frame)
                .chain(&ctl.rst_frames)
            {
                let frame = src.read(*no).unwrap();
                let fb = locate_tcp_header(&frame);
                let h = fb.highlight[0].clone();
                assert!(h.len() >= 20 && h.len() <= 60, "{h:?}");
                assert_eq!(h.end, fb.payload.unwrap().start);
                let ports = [
                    &frame.data[h.start..h.start + 2],
                    &frame.data[h.start + 2..h.start + 4],
                ];
                let c = f.client.port.to_be_bytes();
                let sv = f.server.port.to_be_bytes();
                assert!(
                    ports == [&c[..], &sv[..]] || ports == [&sv[..], &c[..]],
                    "{ports:?}"
                );
                let flags = frame.data[h.start + 13];
                assert!(flags & (TcpFlags::SYN | TcpFlags::RST) != 0, "{flags:#x}");
                controls += 1;
            }
        }
        assert!(controls >= 5, "{controls}");
    }

    #[test]
    fn garbage_frames_get_notes_not_panics() {
        for (link, data) in [
            (edgecap_capture::LinkType::ETHERNET, vec![0u8; 5]),
            (edgecap_capture::LinkType::ETHERNET, vec![0xff; 14]),
            (edgecap_capture::LinkType(999), vec![1, 2, 3]),
            (edgecap_capture::LinkType::RAW, vec![0x45; 40]),
            (edgecap_capture::LinkType::RAW, Vec::new()),
        ] {
            let f = OwnedFrame {
                no: FrameNo(1),
                link,
                data,
                orig_len: 0,
            };
            let fb = locate_tcp_header(&f);
            assert!(fb.highlight.is_empty() && fb.note.is_some(), "{fb:?}");
        }
        assert_eq!(find_header(b"", &[0; 20]), None);
        let mut h = [0u8; 20];
        h[0] = 1;
        h[1] = 1;
        assert_eq!(find_header(&[9, 9, 1, 1, 0], &h), Some(2), "split header");
        assert_eq!(offset_in(&[1, 2, 3], &[1, 2, 3, 4]), None);
    }
}
