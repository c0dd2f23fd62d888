//! Reading captures: pcap and pcapng, plain or gzip-compressed, as a stream of
//! [`Frame`]s.
//!
//! This module owns frame numbering (1-based over the whole file, equal to
//! Wireshark's `frame.number`), timestamps and link types. It never decodes
//! packet contents. Damage in the file (a record cut off, a corrupt block)
//! becomes a [`CaptureWarning`] with the byte offset and the last good frame;
//! only an unreadable header is a fatal [`crate::Error`].

mod buffer;
pub mod endian;
pub mod frame_index;
pub mod frame_source;
mod gzip;
mod ledger;
mod pcap;
mod pcapng;
pub mod reader;
mod resync;
pub mod time;
pub mod tsresol;
pub mod writer;

pub use frame_index::FrameIndex;
pub use frame_source::{FrameSource, OwnedFrame};
pub use reader::CaptureReader;
pub use time::Timestamp;

use std::fmt;

/// A 1-based frame number, equal to Wireshark's `frame.number`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FrameNo(pub u64);

impl fmt::Display for FrameNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A link-layer header type (the LINKTYPE_* registry used by pcap and pcapng).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LinkType(pub u32);

impl LinkType {
    /// BSD loopback: 4-byte address family in the writer's byte order.
    pub const NULL: LinkType = LinkType(0);
    /// Ethernet II, optionally with 802.1Q / 802.1ad tags.
    pub const ETHERNET: LinkType = LinkType(1);
    /// Raw IP (the value some BSDs use for DLT_RAW).
    pub const RAW_12: LinkType = LinkType(12);
    /// Raw IP (the value OpenBSD uses for DLT_RAW).
    pub const RAW_14: LinkType = LinkType(14);
    /// Raw IP (LINKTYPE_RAW).
    pub const RAW: LinkType = LinkType(101);
    /// OpenBSD loopback: 4-byte address family in network byte order.
    pub const LOOP: LinkType = LinkType(108);
    /// Linux cooked capture v1.
    pub const LINUX_SLL: LinkType = LinkType(113);
    /// Raw IPv4.
    pub const IPV4: LinkType = LinkType(228);
    /// Raw IPv6.
    pub const IPV6: LinkType = LinkType(229);
    /// Linux cooked capture v2.
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// The short name used in reports (`ethernet`, `linux_sll`, …), or `None`
    /// for a link type edgecap does not decode.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            LinkType::NULL => "null",
            LinkType::ETHERNET => "ethernet",
            LinkType::RAW_12 | LinkType::RAW_14 | LinkType::RAW => "raw",
            LinkType::LOOP => "loop",
            LinkType::LINUX_SLL => "linux_sll",
            LinkType::IPV4 => "ipv4",
            LinkType::IPV6 => "ipv6",
            LinkType::LINUX_SLL2 => "linux_sll2",
            _ => return None,
        })
    }
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "unsupported ({})", self.0),
        }
    }
}

/// The container format of a capture file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureFormat {
    /// Classic libpcap format (either byte order, µs or ns timestamps).
    Pcap,
    /// pcap Next Generation.
    PcapNg,
}

impl CaptureFormat {
    /// `"pcap"` or `"pcapng"`, as used in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            CaptureFormat::Pcap => "pcap",
            CaptureFormat::PcapNg => "pcapng",
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
