//! TURN ChannelData, MS-TURN multiplexed TURN (0xFF10) and the RFC 7983
//! first-byte demultiplexer.
//!
//! These frames share ports with STUN but are never STUN messages: their
//! first two bits are not zero. This module owns recognising them and
//! computing their frame length (for stream framing); it never decodes the
//! payload and never panics.

use std::ops::Range;

use super::wire::be16;

/// Lowest TURN channel number (RFC 5766 §11; RFC 8656 §12).
pub const CHANNEL_MIN: u16 = 0x4000;
/// Highest TURN channel number accepted: 0x7FFF (RFC 5766 §11; RFC 8656
/// narrows it to 0x4FFF but 0x5000–0x7FFF still demultiplex as channels).
pub const CHANNEL_MAX: u16 = 0x7FFF;
/// ChannelData header length: channel + length (RFC 5766 §11.4).
pub const CHANNEL_HEADER_LEN: usize = 4;
/// MS-TURN multiplexed TURN marker `FF 10` ([MS-TURN] 2.2.3).
pub const MS_MUX_MARKER: u16 = 0xFF10;
/// MS multiplexed header: marker, length, 8-byte session id ([MS-TURN] 2.2.3).
pub const MS_MUX_HEADER_LEN: usize = 12;

/// How the frame was carried; ChannelData is padded to 4 bytes on streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FrameTransport {
    /// One frame per UDP datagram (padding optional, RFC 5766 §11.5).
    Datagram,
    /// Back-to-back frames on TCP/TLS (ChannelData padded, RFC 5766 §11.5).
    Stream,
}

/// A recognised non-STUN TURN frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TurnFrame {
    /// RFC 5766 §11.4 ChannelData.
    ChannelData {
        /// Channel number 0x4000–0x7FFF.
        channel: u16,
        /// Payload byte range in the buffer.
        payload: Range<usize>,
    },
    /// [MS-TURN] 2.2.3 multiplexed TURN data.
    MsMultiplexed {
        /// MTURN session id (value of MS-MULTIPLEXED-TURN-SESSION-ID 0x8095).
        session_id: u64,
        /// Payload byte range in the buffer.
        payload: Range<usize>,
    },
}

/// Total length of the TURN frame starting `prefix` (padding included on
/// streams), or `None` when it is not ChannelData / 0xFF10 or fewer than 4
/// bytes are present.
pub fn turn_frame_len(prefix: &[u8], transport: FrameTransport) -> Option<usize> {
    let first = be16(prefix, 0)?;
    let len = usize::from(be16(prefix, 2)?);
    if first == MS_MUX_MARKER {
        // Length counts the bytes after the length field, session id included.
        return (len >= 8).then_some(CHANNEL_HEADER_LEN + len);
    }
    if !(CHANNEL_MIN..=CHANNEL_MAX).contains(&first) {
        return None;
    }
    let pad = match transport {
        FrameTransport::Stream => (4 - len % 4) % 4,
        FrameTransport::Datagram => 0,
    };
    Some(CHANNEL_HEADER_LEN + len + pad)
}

/// Recognise one ChannelData or 0xFF10 frame at the start of `bytes`. On
/// datagrams the buffer may hold up to 3 pad bytes more than the frame (and
/// no fewer); on streams the padded frame must be complete.
pub fn turn_frame(bytes: &[u8], transport: FrameTransport) -> Option<TurnFrame> {
    let total = turn_frame_len(bytes, transport)?;
    if total > bytes.len() {
        return None;
    }
    if transport == FrameTransport::Datagram && bytes.len() - total > 3 {
        return None;
    }
    let first = be16(bytes, 0)?;
    let len = usize::from(be16(bytes, 2)?);
    if first == MS_MUX_MARKER {
        let id: [u8; 8] = bytes.get(4..MS_MUX_HEADER_LEN)?.try_into().ok()?;
        return Some(TurnFrame::MsMultiplexed {
            session_id: u64::from_be_bytes(id),
            payload: MS_MUX_HEADER_LEN..CHANNEL_HEADER_LEN + len,
        });
    }
    Some(TurnFrame::ChannelData {
        channel: first,
        payload: CHANNEL_HEADER_LEN..CHANNEL_HEADER_LEN + len,
    })
}

/// What the first byte of a multiplexed packet says it is (RFC 7983 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Demux {
    /// 0–3: STUN.
    Stun,
    /// 16–19: ZRTP.
    Zrtp,
    /// 20–63: DTLS.
    Dtls,
    /// 64–79: TURN ChannelData.
    TurnChannel,
    /// 128–191: RTP / RTCP.
    RtpRtcp,
    /// Anything else (including 0xFF of MS multiplexed TURN).
    Unknown,
}

/// Classify a packet by its first byte (RFC 7983 §7).
pub fn demux(first_byte: u8) -> Demux {
    match first_byte {
        0..=3 => Demux::Stun,
        16..=19 => Demux::Zrtp,
        20..=63 => Demux::Dtls,
        64..=79 => Demux::TurnChannel,
        128..=191 => Demux::RtpRtcp,
        _ => Demux::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_data_udp_and_tcp() {
        let mut b = vec![0x40, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5];
        assert_eq!(
            turn_frame(&b, FrameTransport::Datagram),
            Some(TurnFrame::ChannelData {
                channel: 0x4001,
                payload: 4..9
            })
        );
        assert_eq!(turn_frame_len(&b, FrameTransport::Stream), Some(12));
        assert_eq!(turn_frame(&b, FrameTransport::Stream), None);
        b.extend_from_slice(&[0, 0, 0]);
        assert!(turn_frame(&b, FrameTransport::Stream).is_some());
        assert!(turn_frame(&b, FrameTransport::Datagram).is_some());
        b.extend_from_slice(&[0; 4]);
        assert_eq!(turn_frame(&b, FrameTransport::Datagram), None);
        assert_eq!(turn_frame(&[0x80, 0, 0, 0], FrameTransport::Datagram), None);
        assert_eq!(turn_frame(&[0x00, 1, 0, 0], FrameTransport::Datagram), None);
        assert_eq!(turn_frame(&[0x40, 1, 0], FrameTransport::Datagram), None);
    }

    #[test]
    fn ms_multiplexed() {
        let mut b = vec![0xFF, 0x10, 0x00, 0x0A];
        b.extend_from_slice(&[0x7f, 0x20, 0xc4, 0xdd, 0x4f, 0x84, 0x8d, 0xfa, 0xAA, 0xBB]);
        assert_eq!(
            turn_frame(&b, FrameTransport::Datagram),
            Some(TurnFrame::MsMultiplexed {
                session_id: 0x7f20_c4dd_4f84_8dfa,
                payload: 12..14
            })
        );
        assert_eq!(
            turn_frame_len(&[0xFF, 0x10, 0, 7], FrameTransport::Stream),
            None
        );
    }

    #[test]
    fn rfc7983_ranges() {
        assert_eq!(demux(0), Demux::Stun);
        assert_eq!(demux(3), Demux::Stun);
        assert_eq!(demux(4), Demux::Unknown);
        assert_eq!(demux(17), Demux::Zrtp);
        assert_eq!(demux(22), Demux::Dtls);
        assert_eq!(demux(64), Demux::TurnChannel);
        assert_eq!(demux(79), Demux::TurnChannel);
        assert_eq!(demux(80), Demux::Unknown);
        assert_eq!(demux(0x80), Demux::RtpRtcp);
        assert_eq!(demux(191), Demux::RtpRtcp);
        assert_eq!(demux(0xFF), Demux::Unknown);
    }
}
