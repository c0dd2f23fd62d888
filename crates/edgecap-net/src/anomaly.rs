//! Malformed or suspicious traffic below the application layer, as values with
//! stable ids (`ip.bad_header`, `tcp.overlap_mismatch`, …).

use edgecap_capture::FrameNo;
use std::fmt;

/// What was wrong with a packet or stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NetAnomalyKind {
    /// The link-layer header is cut short.
    LinkTruncated,
    /// A link type edgecap does not decode (reported once per type).
    UnsupportedLinkType,
    /// The IPv4/IPv6 header is malformed (bad version, length or checksum-independent fields).
    BadIpHeader,
    /// The TCP or UDP header is malformed or cut short.
    BadTransportHeader,
    /// IPv4 fragments overlap (first copy wins).
    FragmentOverlap,
    /// Overlapping IPv4 fragments carry different bytes.
    FragmentOverlapMismatch,
    /// An incomplete IPv4 datagram was discarded after the reassembly timeout.
    FragmentTimeout,
    /// IPv4 fragments were dropped because the defragmentation memory cap was reached.
    FragmentMemoryCap,
    /// A reassembled IPv4 datagram would exceed 65535 bytes.
    FragmentTooLarge,
    /// A TCP stream skipped bytes that were never captured.
    TcpGap,
    /// A TCP segment overlaps already-buffered or delivered data (first copy wins).
    TcpOverlap,
    /// Overlapping TCP bytes differ from the first copy.
    TcpOverlapMismatch,
    /// Out-of-order TCP data was dropped because a reassembly memory cap was reached.
    TcpBufferCap,
}

impl NetAnomalyKind {
    /// The stable snake_case id used in reports.
    pub fn id(self) -> &'static str {
        match self {
            NetAnomalyKind::LinkTruncated => "link.truncated",
            NetAnomalyKind::UnsupportedLinkType => "link.unsupported_type",
            NetAnomalyKind::BadIpHeader => "ip.bad_header",
            NetAnomalyKind::BadTransportHeader => "ip.bad_transport_header",
            NetAnomalyKind::FragmentOverlap => "ip.fragment_overlap",
            NetAnomalyKind::FragmentOverlapMismatch => "ip.fragment_overlap_mismatch",
            NetAnomalyKind::FragmentTimeout => "ip.fragment_timeout",
            NetAnomalyKind::FragmentMemoryCap => "ip.fragment_memory_cap",
            NetAnomalyKind::FragmentTooLarge => "ip.fragment_too_large",
            NetAnomalyKind::TcpGap => "tcp.gap",
            NetAnomalyKind::TcpOverlap => "tcp.overlap",
            NetAnomalyKind::TcpOverlapMismatch => "tcp.overlap_mismatch",
            NetAnomalyKind::TcpBufferCap => "tcp.buffer_cap",
        }
    }
}

/// One anomaly, at the frame where it was noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetAnomaly {
    /// The frame that showed the problem.
    pub frame: FrameNo,
    /// What the problem is.
    pub kind: NetAnomalyKind,
    /// Extra detail (lengths, link type number), lowercase.
    pub detail: String,
}

impl fmt::Display for NetAnomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "frame {}: {}", self.frame, self.kind.id())?;
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        Ok(())
    }
}
