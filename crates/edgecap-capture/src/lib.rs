//! Reading captures: pcap, pcapng and Microsoft Network Monitor (`.cap`),
//! plain or gzip-compressed, as a stream of [`Frame`]s.
//!
//! Layer 1 of the workspace: it may import `edgecap-core` only. Opening a
//! path or standard input ([`open_capture`]), the frame index and the frame
//! re-reader behind the hex dump ([`FrameSource`]) live here too.
//!
//! This module owns frame numbering (1-based over the whole file, equal to
//! Wireshark's `frame.number`), timestamps and link types. It never decodes
//! packet contents. Damage in the file (a record cut off, a corrupt block)
//! becomes a [`CaptureWarning`] with the byte offset and the last good frame;
//! only an unreadable header is a fatal [`edgecap_core::Error`].

mod buffer;
pub mod follow;
pub mod frame_index;
pub mod frame_source;
mod gzip;
mod interface;
mod ledger;
mod netmon;
mod open;
mod pcap;
mod pcapng;
pub mod pcapng_writer;
pub mod reader;
mod resync;

pub use edgecap_core::{endian, time, tsresol, FrameNo, LinkType, Timestamp};
pub use follow::{open_follow, FollowFile, StopFlag, FOLLOW_POLL};
pub use frame_index::{FrameIndex, SourceCheck};
pub use frame_source::{FrameSource, OwnedFrame};
pub use gzip::{InflateLimit, InflateLimitHit, INFLATE_GRACE, MAX_GZIP_RATIO};
pub use interface::{FramePlace, InterfaceInfo};
pub use open::{open_capture, open_capture_with};
pub use reader::CaptureReader;

use std::fmt;

/// The container format of a capture file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureFormat {
    /// Classic libpcap format (either byte order, µs or ns timestamps).
    Pcap,
    /// pcap Next Generation.
    PcapNg,
    /// The "modified" pcap of Kuznetzov's patched libpcap (magic
    /// `0xa1b2cd34`): classic pcap with a 24-byte record header.
    PcapModified,
    /// Microsoft Network Monitor 1.x (`RTSS` magic, millisecond times).
    NetMon1,
    /// Microsoft Network Monitor 2.x (`GMBU` magic; NetMon 2 and 3).
    NetMon2,
    /// No capture file was read: the analysis holds the SIP messages of a
    /// Lync / Skype for Business log read alone, its frame numbers being
    /// the log's line numbers (never produced by the reader).
    LogAlone,
}

impl CaptureFormat {
    /// `"pcap"`, `"pcapng"`, `"pcap-modified"`, `"netmon1"`, `"netmon2"`
    /// or `"log"`, as used in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            CaptureFormat::Pcap => "pcap",
            CaptureFormat::PcapNg => "pcapng",
            CaptureFormat::PcapModified => "pcap-modified",
            CaptureFormat::NetMon1 => "netmon1",
            CaptureFormat::NetMon2 => "netmon2",
            CaptureFormat::LogAlone => "log",
        }
    }
}

/// One packet record of the capture, borrowed from the reader's buffer.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based frame number over the whole file.
    pub no: FrameNo,
    /// Capture time.
    pub ts: Timestamp,
    /// Link type of the interface the frame was captured on.
    pub link: LinkType,
    /// The captured bytes (may be shorter than `orig_len`).
    pub data: &'a [u8],
    /// Length of the packet on the wire.
    pub orig_len: u32,
}

impl Frame<'_> {
    /// True when fewer bytes were captured than were on the wire (snaplen).
    pub fn is_truncated(&self) -> bool {
        (self.data.len() as u64) < u64::from(self.orig_len)
    }
}

/// What kind of damage a [`CaptureWarning`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningKind {
    /// The file ends in the middle of a record or block.
    TruncatedFile,
    /// A record or block is corrupt; the reader skipped ahead to resynchronise.
    CorruptRecord,
    /// The underlying stream returned an I/O error (e.g. a damaged gzip stream).
    ReadError,
    /// A block is well-formed but unusable (e.g. a packet on an undeclared interface).
    Skipped,
    /// A named limit stopped reading (a gzip stream inflating past its ratio).
    LimitReached,
}

/// Damage found while reading: where it is and what was lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureWarning {
    /// What happened.
    pub kind: WarningKind,
    /// Byte offset of the damage in the (decompressed) capture stream.
    pub offset: u64,
    /// The last frame read before the damage, if any.
    pub last_good_frame: Option<FrameNo>,
    /// A one-line human description, lowercase, no trailing period.
    pub message: String,
}

impl fmt::Display for CaptureWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte offset {}", self.message, self.offset)?;
        match self.last_good_frame {
            Some(no) => write!(f, " (after frame {no})"),
            None => write!(f, " (before the first frame)"),
        }
    }
}
