//! The NetMon file header and the layout of its records: which version,
//! which media type for the whole file (1.x, 2.0), the capture start time,
//! where the frame table and the other tables are, and how long a record's
//! header and trailer are. Shared by the streaming parser and the frame
//! re-reader, so both read a record the same way.
//!
//! Layout (little-endian; Wireshark `wiretap/netmon.c`, the NetMon 3.x
//! help's "capture file format"): magic `RTSS` (1.x) or `GMBU` (2.x), minor
//! and major version bytes, the media type (`u16`), the start time as a
//! Windows SYSTEMTIME (eight `u16`: year, month, day of week, day, hour,
//! minute, second, millisecond), then ten `u32`: frame table offset and
//! length, user data offset and length, comment data offset and length,
//! process info offset and count, network info offset and length; the
//! header is padded to 128 bytes. A record is a header (1.x: `u32`
//! milliseconds since the start, `u16` wire length, `u16` captured length;
//! 2.x: `u64` microseconds, `u32` wire length, `u32` captured length), the
//! captured bytes, and from 2.1 on a trailer: the media type (2 bytes), a
//! process info index (4, from 2.2), a UTC FILETIME and a time zone index
//! (9, from 2.3).

use super::media::Media;
use crate::endian::Endianness::Little as LE;
use crate::{LinkType, Timestamp};

/// Bytes of the file header, magic included (`CAPTUREFILE_HEADER_SIZE`).
pub const HEADER_LEN: usize = 128;

/// The NetMon 1.x magic.
pub const MAGIC_1: [u8; 4] = *b"RTSS";
/// The NetMon 2.x magic.
pub const MAGIC_2: [u8; 4] = *b"GMBU";

/// Largest captured length of a 2.x record: Wireshark's
/// `WTAP_MAX_PACKET_SIZE_STANDARD`, beyond which it refuses a record.
const MAX_CAPLEN_2: u32 = 262_144;

/// Nanoseconds between 1601-01-01 (FILETIME's epoch) and 1970-01-01, in
/// 100 ns units.
const FILETIME_UNIX_EPOCH: i128 = 116_444_736_000_000_000;

/// How the records of one file are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordLayout {
    /// Major version: 1 or 2.
    pub(crate) major: u8,
    /// Minor version (2.1 added the trailer, 2.2 and 2.3 lengthened it).
    pub(crate) minor: u8,
    /// The header's media type, for versions without a per-record one.
    pub(crate) file_media: u16,
}

/// One record header.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecordHeader {
    /// Time since the start: milliseconds (1.x) or microseconds (2.x).
    pub(crate) delta: u64,
    /// Length on the wire.
    pub(crate) orig_len: u32,
    /// Captured length.
    pub(crate) caplen: u32,
}

impl RecordLayout {
    /// Bytes of a record header.
    pub(crate) fn header_len(self) -> usize {
        if self.major == 1 {
            8
        } else {
            16
        }
    }

    /// Bytes of the trailer after the captured data.
    pub(crate) fn trailer_len(self) -> usize {
        match (self.major, self.minor) {
            (2, 1) => 2,
            (2, 2) => 6,
            (2, m) if m >= 3 => 15,
            _ => 0,
        }
    }

    /// The largest captured length accepted (1.x lengths are 16-bit).
    pub(crate) fn max_caplen(self) -> u32 {
        if self.major == 1 {
            u32::from(u16::MAX)
        } else {
            MAX_CAPLEN_2
        }
    }

    /// Reads a record header from `b` (at least [`Self::header_len`] bytes).
    pub(crate) fn read_header(self, b: &[u8]) -> RecordHeader {
        if self.major == 1 {
            RecordHeader {
                delta: u64::from(LE.u32_at(b, 0)),
                orig_len: u32::from(LE.u16_at(b, 4)),
                caplen: u32::from(LE.u16_at(b, 6)),
            }
        } else {
            RecordHeader {
                delta: LE.i64_at(b, 0) as u64,
                orig_len: LE.u32_at(b, 8),
                caplen: LE.u32_at(b, 12),
            }
        }
    }

    /// The media type of a record with this `trailer` (the file's for 1.x, 2.0).
    pub(crate) fn media(self, trailer: &[u8]) -> u16 {
        if self.trailer_len() == 0 {
            self.file_media
        } else {
            LE.u16_at(trailer, 0)
        }
    }

    /// The record's time: the trailer's UTC FILETIME from 2.3 on, otherwise
    /// `start` plus the header's delta, as Wireshark computes it (a 2.x delta
    /// is microseconds as unsigned, times 10 read as signed 100 ns units).
    /// The flag is true when a FILETIME lies outside the range of
    /// [`Timestamp`] and the delta was used instead.
    pub(crate) fn time(
        self,
        start: Timestamp,
        h: &RecordHeader,
        trailer: &[u8],
    ) -> (Timestamp, bool) {
        let from_delta = Timestamp(start.0.saturating_add(self.delta_nanos(h)));
        if self.major == 2 && self.minor >= 3 {
            let ft = i128::from(LE.i64_at(trailer, 6) as u64);
            return match i64::try_from((ft - FILETIME_UNIX_EPOCH) * 100) {
                Ok(nanos) => (Timestamp(nanos), false),
                Err(_) => (from_delta, true),
            };
        }
        (from_delta, false)
    }

    /// The header's delta in nanoseconds (saturating).
    fn delta_nanos(self, h: &RecordHeader) -> i64 {
        if self.major == 1 {
            (h.delta as i64).saturating_mul(1_000_000)
        } else {
            (h.delta.wrapping_mul(10) as i64).saturating_mul(100)
        }
    }
}

/// The parsed file header.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FileHeader {
    /// Record layout.
    pub(crate) layout: RecordLayout,
    /// The capture start time, read as UTC.
    pub(crate) start: Timestamp,
    /// Frame table offset and length in bytes.
    pub(crate) table: (u32, u32),
    /// User data, comment data and network info (offset, length): tables
    /// that are skipped when they lie between records.
    pub(crate) tables: [(u32, u32); 3],
}

impl FileHeader {
    /// Parses the first [`HEADER_LEN`] bytes `b` (magic already checked).
    /// The error is a lowercase reason: a major version other than 1 or 2,
    /// or a file-wide media type Wireshark does not read.
    pub(crate) fn parse(b: &[u8]) -> Result<FileHeader, String> {
        let (minor, major) = (b[4], b[5]);
        if major != 1 && major != 2 {
            return Err(format!(
                "NetMon major version {major} is not supported (1 or 2)"
            ));
        }
        let layout = RecordLayout {
            major,
            minor,
            file_media: LE.u16_at(b, 6),
        };
        if layout.trailer_len() == 0 && !Media::of(layout.file_media).1 {
            return Err(format!(
                "NetMon network type {} is unknown or not supported",
                layout.file_media
            ));
        }
        let u16s: Vec<i64> = (0..8).map(|i| i64::from(LE.u16_at(b, 8 + 2 * i))).collect();
        let start = system_time(&u16s);
        let u32_at = |at: usize| LE.u32_at(b, at);
        // Before 2.2 the comment fields are uninitialised (Wireshark).
        let comments = if major == 2 && minor >= 2 {
            (u32_at(40), u32_at(44))
        } else {
            (0, 0)
        };
        Ok(FileHeader {
            layout,
            start,
            table: (u32_at(24), u32_at(28)),
            tables: [(u32_at(32), u32_at(36)), comments, (u32_at(56), u32_at(60))],
        })
    }

    /// The link type of every frame of a file without per-record media
    /// types, when that is a packet type.
    pub(crate) fn packet_link(&self) -> Option<LinkType> {
        match Media::of(self.layout.file_media).0 {
            Media::Packet(link) if self.layout.trailer_len() == 0 => Some(link),
            _ => None,
        }
    }
}

/// A SYSTEMTIME (year, month, day of week, day, hour, minute, second,
/// millisecond) as UTC. The file does not say which time zone NetMon was in;
/// Wireshark reads it as the local time of the machine it runs on, so the
/// two agree where that is UTC. Out-of-range fields carry over as C's
/// `mktime` does (month 13 is January of the next year, day 0 the last day
/// of the previous month); the result saturates rather than overflow.
fn system_time(f: &[i64]) -> Timestamp {
    let (year, month, day, hour, minute, second, millis) =
        (f[0], f[1], f[3], f[4], f[5], f[6], f[7]);
    let m0 = month - 1;
    let days = days_from_civil(year + m0.div_euclid(12), m0.rem_euclid(12) + 1) + day - 1;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second;
    Timestamp(
        secs.saturating_mul(1_000_000_000)
            .saturating_add(millis * 1_000_000),
    )
}

/// Days from 1970-01-01 to the first of `month` (1–12) of `year` (Howard
/// Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
