//! How STUN travels on a TCP stream: back to back (RFC 5389 §7.2.2, RFC 5766
//! §11.5), behind an RFC 4571 two-byte length (ICE-TCP, RFC 6544), or behind
//! the MS-TURN four-byte header `{0x02 control | 0x03 data, 0x00, len16}`
//! ([MS-TURN] 2.1.4), optionally after the pseudo-TLS handshake.
//!
//! This module owns detecting the framing from the first bytes of a stream
//! direction ([`detect`]) and cutting the next record off a buffer ([`cut`]).
//! It never decodes a STUN message and never allocates; every length is read
//! from at most the first bytes of the buffer and checked before use.
//! docs/protocols.md §5 is the reference.

use std::ops::Range;

use crate::stun::{self, FrameTransport, ProbeResult, MAGIC_COOKIE};

/// Length of the MS-TURN TCP frame header ([MS-TURN] 2.1.4).
pub const MS_TURN_HEADER_LEN: usize = 4;
/// MS-TURN frame type of a TURN control message.
pub const MS_TURN_CONTROL: u8 = 0x02;
/// MS-TURN frame type of end-to-end data.
pub const MS_TURN_DATA: u8 = 0x03;
/// Length of the RFC 4571 length prefix.
pub const RFC4571_HEADER_LEN: usize = 2;
/// Bytes needed to see a STUN header's length and cookie.
const STUN_PEEK: usize = 8;
/// The MS-TURN MAGIC-COOKIE TLV that opens every MS-TURN control message.
const MS_MAGIC_TLV: [u8; 8] = [0x00, 0x0F, 0x00, 0x04, 0x72, 0xC6, 0x4B, 0xC6];

/// How the STUN messages of a stream (or a datagram) were framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Framing {
    /// UDP datagram, or back-to-back messages on TCP.
    None,
    /// RFC 4571 two-byte length prefix.
    Rfc4571,
    /// MS-TURN four-byte frames.
    MsTurn,
    /// MS-TURN frames after the pseudo-TLS handshake.
    PseudoTlsMsTurn,
}

impl Framing {
    /// Stable name for reports: "none", "rfc4571", "ms-turn", "pseudo-tls+ms-turn".
    pub fn name(self) -> &'static str {
        match self {
            Framing::None => "none",
            Framing::Rfc4571 => "rfc4571",
            Framing::MsTurn => "ms-turn",
            Framing::PseudoTlsMsTurn => "pseudo-tls+ms-turn",
        }
    }
}

/// Result of [`detect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detect {
    /// A record of this framing starts at offset 0 and is plausible.
    Found(Framing),
    /// The buffer must reach this many bytes to decide.
    NeedMore(usize),
    /// No known framing starts here.
    No,
}

/// Whether `bytes` is exactly one well-formed STUN message.
fn is_stun(bytes: &[u8]) -> bool {
    matches!(stun::probe(bytes), ProbeResult::Stun(_))
}

/// Detect the framing of a record starting at offset 0 of `buf`. Strict: a
/// framed STUN message must pass `stun::probe`; when `lenient` (port hint or
/// framing already known) MS-TURN data frames and ChannelData are accepted on
/// their header alone. Pseudo-TLS is recognised by the caller first.
pub fn detect(buf: &[u8], lenient: bool) -> Detect {
    if buf.len() < 2 {
        return Detect::NeedMore(2);
    }
    if matches!(buf[0], MS_TURN_CONTROL | MS_TURN_DATA) && buf[1] == 0 {
        if let Some(d) = detect_ms_turn(buf, lenient) {
            return d;
        }
    }
    if buf.len() < STUN_PEEK + RFC4571_HEADER_LEN {
        return Detect::NeedMore(STUN_PEEK + RFC4571_HEADER_LEN);
    }
    if buf[0] & 0xC0 == 0 && buf[4..8] == MAGIC_COOKIE.to_be_bytes() {
        return detect_whole(buf, stun::message_len(buf), 0, Framing::None);
    }
    if buf[6..10] == MAGIC_COOKIE.to_be_bytes() {
        let len = RFC4571_HEADER_LEN + usize::from(u16::from_be_bytes([buf[0], buf[1]]));
        return detect_whole(buf, Some(len), RFC4571_HEADER_LEN, Framing::Rfc4571);
    }
    let typ = u16::from_be_bytes([buf[0], buf[1]]);
    if stun::CLASSIC_TYPES.contains(&typ) {
        // Cookieless (RFC 3489 / MS-TURN without cookie) back to back.
        return detect_whole(buf, stun::message_len(buf), 0, Framing::None);
    }
    if lenient && stun::turn_frame_len(buf, FrameTransport::Stream).is_some() {
        return Detect::Found(Framing::None);
    }
    Detect::No
}

fn detect_ms_turn(buf: &[u8], lenient: bool) -> Option<Detect> {
    if buf.len() < MS_TURN_HEADER_LEN {
        return Some(Detect::NeedMore(MS_TURN_HEADER_LEN));
    }
    let len = usize::from(u16::from_be_bytes([buf[2], buf[3]]));
    if buf[0] == MS_TURN_DATA {
        return lenient.then_some(Detect::Found(Framing::MsTurn));
    }
    // Control: the payload is one MS-TURN message whose first attribute is
    // MAGIC-COOKIE (libnice decides 0x02 vs 0x03 by it).
    let magic = MS_TURN_HEADER_LEN + 20;
    if buf.len() < magic + MS_MAGIC_TLV.len() {
        return Some(Detect::NeedMore(magic + MS_MAGIC_TLV.len()));
    }
    if buf[magic..magic + MS_MAGIC_TLV.len()] != MS_MAGIC_TLV {
        return None;
    }
    Some(detect_whole(
        buf,
        Some(MS_TURN_HEADER_LEN + len),
        MS_TURN_HEADER_LEN,
        Framing::MsTurn,
    ))
}

fn detect_whole(buf: &[u8], total: Option<usize>, skip: usize, framing: Framing) -> Detect {
    let Some(total) = total else {
        return Detect::No;
    };
    if buf.len() < total {
        return Detect::NeedMore(total);
    }
    match buf.get(skip..total) {
        Some(msg) if is_stun(msg) => Detect::Found(framing),
        _ => Detect::No,
    }
}

/// What a record cut from the stream carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// A STUN message (back-to-back framing or MS-TURN control frame).
    Stun,
    /// A ChannelData or 0xFF10 frame (back-to-back framing).
    TurnFrame,
    /// Opaque data (MS-TURN 0x03 frame, RFC 4571 record): STUN, or media.
    Data,
}

/// Result of [`cut`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cut {
    /// A complete record of `len` bytes whose payload is `payload`.
    Record {
        /// Total record length, header included.
        len: usize,
        /// Payload range within the buffer.
        payload: Range<usize>,
        /// What the payload is.
        kind: RecordKind,
    },
    /// The buffer must reach this many bytes.
    NeedMore(usize),
    /// The bytes at offset 0 are not a record of this framing.
    Invalid,
}

/// Cut the record starting at offset 0 of `buf` under `framing`.
pub fn cut(buf: &[u8], framing: Framing) -> Cut {
    match framing {
        Framing::None => cut_plain(buf),
        Framing::Rfc4571 => {
            if buf.len() < RFC4571_HEADER_LEN {
                return Cut::NeedMore(RFC4571_HEADER_LEN);
            }
            let len = RFC4571_HEADER_LEN + usize::from(u16::from_be_bytes([buf[0], buf[1]]));
            record(buf, len, RFC4571_HEADER_LEN, RecordKind::Data)
        }
        Framing::MsTurn | Framing::PseudoTlsMsTurn => {
            if buf.len() < MS_TURN_HEADER_LEN {
                return Cut::NeedMore(MS_TURN_HEADER_LEN);
            }
            let kind = match (buf[0], buf[1]) {
                (MS_TURN_CONTROL, 0) => RecordKind::Stun,
                (MS_TURN_DATA, 0) => RecordKind::Data,
                _ => return Cut::Invalid,
            };
            let len = MS_TURN_HEADER_LEN + usize::from(u16::from_be_bytes([buf[2], buf[3]]));
            record(buf, len, MS_TURN_HEADER_LEN, kind)
        }
    }
}

fn cut_plain(buf: &[u8]) -> Cut {
    if buf.len() < 4 {
        return Cut::NeedMore(4);
    }
    if let Some(len) = stun::message_len(buf) {
        return record(buf, len, 0, RecordKind::Stun);
    }
    match stun::turn_frame_len(buf, FrameTransport::Stream) {
        Some(len) => {
            // The payload excludes stream padding; the frame parser re-reads it.
            record(buf, len, 0, RecordKind::TurnFrame)
        }
        None => Cut::Invalid,
    }
}

fn record(buf: &[u8], len: usize, header: usize, kind: RecordKind) -> Cut {
    if buf.len() < len {
        Cut::NeedMore(len)
    } else {
        Cut::Record {
            len,
            payload: header..len,
            kind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding() -> Vec<u8> {
        let mut m = vec![0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xA4, 0x42];
        m.extend_from_slice(&[9u8; 12]);
        m.extend_from_slice(&[0x00, 0x24, 0x00, 0x04, 1, 2, 3, 4]);
        m
    }

    #[test]
    fn detects_each_framing() {
        let b = binding();
        assert_eq!(detect(&b, false), Detect::Found(Framing::None));
        assert_eq!(detect(&b[..12], false), Detect::NeedMore(28));
        let mut f = vec![0x00, 28];
        f.extend_from_slice(&b);
        assert_eq!(detect(&f, false), Detect::Found(Framing::Rfc4571));
        assert_eq!(detect(&f[..20], false), Detect::NeedMore(30));
        let mut ms = vec![0x02, 0x00, 0x00, 28];
        let mut m = b.clone();
        m[3] = 16;
        m.truncate(20);
        m.extend_from_slice(&MS_MAGIC_TLV);
        m.extend_from_slice(&[0x00, 0x0D, 0x00, 0x04, 0, 0, 0, 60]);
        ms.extend_from_slice(&m);
        ms[3] = m.len() as u8;
        assert_eq!(detect(&ms, false), Detect::Found(Framing::MsTurn));
        assert_eq!(detect(&ms[..10], false), Detect::NeedMore(32));
        assert_eq!(
            detect(&[0x03, 0, 0, 2, 0x80, 0], false),
            Detect::NeedMore(10)
        );
        assert_eq!(
            detect(&[0x03, 0, 0, 2, 0x80, 0], true),
            Detect::Found(Framing::MsTurn)
        );
        assert_eq!(
            detect(&[0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0], true),
            Detect::No
        );
        assert_eq!(
            detect(&[0x40, 0x01, 0, 1, 7, 0, 0, 0, 0, 0], true),
            Detect::Found(Framing::None)
        );
        assert_eq!(
            detect(&[0x40, 0x01, 0, 1, 7, 0, 0, 0, 0, 0], false),
            Detect::No
        );
    }

    #[test]
    fn cuts_records() {
        let b = binding();
        assert_eq!(
            cut(&b, Framing::None),
            Cut::Record {
                len: 28,
                payload: 0..28,
                kind: RecordKind::Stun
            }
        );
        assert_eq!(cut(&b[..27], Framing::None), Cut::NeedMore(28));
        let cd = [0x40, 0x00, 0x00, 0x05, 1, 2, 3, 4, 5, 0, 0, 0];
        assert_eq!(
            cut(&cd, Framing::None),
            Cut::Record {
                len: 12,
                payload: 0..12,
                kind: RecordKind::TurnFrame
            }
        );
        assert_eq!(cut(&cd[..9], Framing::None), Cut::NeedMore(12));
        assert_eq!(cut(&[0x80, 0, 0, 0], Framing::None), Cut::Invalid);
        assert_eq!(
            cut(&[0x03, 0x00, 0x00, 0x02, 0xAA, 0xBB], Framing::MsTurn),
            Cut::Record {
                len: 6,
                payload: 4..6,
                kind: RecordKind::Data
            }
        );
        assert_eq!(
            cut(&[0x04, 0x00, 0x00, 0x02], Framing::MsTurn),
            Cut::Invalid
        );
        assert_eq!(
            cut(&[0x00, 0x01, 0xAA], Framing::Rfc4571),
            Cut::Record {
                len: 3,
                payload: 2..3,
                kind: RecordKind::Data
            }
        );
        assert_eq!(Framing::PseudoTlsMsTurn.name(), "pseudo-tls+ms-turn");
    }
}
