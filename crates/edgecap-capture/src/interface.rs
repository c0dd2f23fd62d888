//! The interface a frame was captured on, as the file declares it: what a
//! writer needs to copy a capture without changing a packet (link type,
//! snaplen, timestamp resolution and offset) and where each frame belongs
//! (section and interface id).
//!
//! This module owns only the two value types; the parsers fill them
//! (`pcap.rs`: the file header is the one interface; `pcapng.rs`: one per
//! Interface Description Block of the current section) and
//! [`crate::CaptureReader`] hands them out.

use crate::{tsresol::TsResolution, LinkType};

/// One capture interface: a pcap file's header, or a pcapng Interface
/// Description Block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InterfaceInfo {
    /// Link type (pcapng keeps the low 16 bits).
    pub link: LinkType,
    /// Snapshot length as declared (0 = unlimited in pcapng).
    pub snaplen: u32,
    /// Timestamp units: µs or ns for pcap, `if_tsresol` for pcapng.
    pub resolution: TsResolution,
    /// pcapng `if_tsoffset` in seconds (0 when absent, and for pcap).
    pub offset_secs: i64,
}

/// Where a frame was captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FramePlace {
    /// Sections started before and including the frame's (1 for the first
    /// pcapng section; always 0 for pcap, which has none).
    pub section: u64,
    /// Interface id within the section (0 for pcap and Simple Packet Blocks).
    pub interface: u32,
}
