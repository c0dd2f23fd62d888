//! TCP stream reassembly, one direction at a time.
//!
//! This module owns turning the TCP segments of one direction of a flow into
//! an in-order byte stream of [`StreamEvent`]s, with bounded buffering of
//! out-of-order data. It does not own flow state, FIN/RST semantics or
//! application decoding: the flow table holds two [`HalfStream`]s per TCP flow
//! and one [`ReassemblyBudget`] shared by all flows, feeds segments, SYNs and
//! the peer's ACKs in, and calls [`HalfStream::flush`] when a direction ends.
//!
//! Invariants callers can rely on:
//! * Events of one direction are in stream order and never overlap; the sum of
//!   their lengths is [`HalfStream::stream_offset`].
//! * In-order data with nothing buffered is passed through borrowed from the
//!   segment: no copy, no allocation.
//! * Memory held out of order never exceeds [`ReassemblyLimits`], per direction
//!   or in total. No input panics.
//!
//! Policies (architecture guide §4):
//! * **Stream start.** A SYN fixes the start at ISN + 1. Without one (capture
//!   picked up mid-stream, which is normal at the edge) the first segment's
//!   seq is the start; later segments before it count as retransmissions.
//! * **First copy wins.** Bytes already delivered or buffered are never
//!   replaced. A segment with no new bytes is a retransmission; one with some
//!   new and some repeated bytes is an overlap (`tcp.overlap`). Repeated bytes
//!   that differ from a buffered first copy give `tcp.overlap_mismatch`
//!   (delivered bytes are not kept, so they cannot be compared). At most
//!   [`MAX_REPORTS_PER_KIND`] of each are reported per direction; the
//!   statistics count all of them.
//! * **Caps.** When buffering would exceed a cap, the oldest hole is declared
//!   lost (Gap + `tcp.gap`) and the data after it is delivered, until the new
//!   bytes fit or are in order; `tcp.buffer_cap` is reported once per segment
//!   (rate-limited like overlaps) and counted in `cap_hits`.
//!   Captured data is thus never thrown away to save memory; only bytes that
//!   arrive later for a hole already declared lost are, counted in
//!   `dropped_bytes`.
//! * **Gaps.** Decided by the peer's ACK passing bytes never seen, by a cap, or
//!   by `flush`; each is a Gap event, a `tcp.gap` anomaly and statistics, and
//!   the stream continues after it.

mod buffer;
mod half;
mod limits;
mod report;
pub mod seq;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_prop;

pub use half::{HalfStream, MAX_ACK_BEYOND_SEEN};
pub use limits::{
    ReassemblyBudget, ReassemblyLimits, DEFAULT_PER_DIRECTION, DEFAULT_TOTAL, PIECE_OVERHEAD,
};
pub use report::MAX_REPORTS_PER_KIND;
pub use seq::SeqNumber;

use edgecap_core::FrameNo;
pub use edgecap_core::FrameSpan;

/// What one direction of a TCP stream delivers, in stream order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamEvent<'a> {
    /// In-order bytes. Borrowed straight from the segment when it arrives in
    /// order (zero copy), or from the out-of-order buffer.
    Data {
        /// The bytes, never empty.
        bytes: &'a [u8],
        /// Where they came from.
        frames: FrameSpan,
    },
    /// `len` bytes were never captured; the stream continues after them.
    Gap {
        /// Number of missing bytes, never zero.
        len: u64,
        /// The frame at which the gap was decided.
        frame: FrameNo,
    },
}

/// Counters of one direction, for reports and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct HalfStreamStats {
    /// Segments seen, including empty ones.
    pub segments: u64,
    /// Segments carrying no new bytes (all already delivered or buffered).
    pub retransmissions: u64,
    /// Segments carrying both new and already-seen bytes.
    pub overlaps: u64,
    /// Segments whose repeated bytes differ from the buffered first copy.
    pub overlap_mismatches: u64,
    /// Gap events emitted.
    pub gaps: u64,
    /// Bytes skipped by gaps.
    pub gap_bytes: u64,
    /// Captured bytes never delivered: late arrivals for a hole already
    /// declared lost, and data dropped by [`HalfStream::discard`].
    pub dropped_bytes: u64,
    /// Bytes delivered in Data events.
    pub delivered_bytes: u64,
    /// Segments for which a memory cap forced a hole to be declared lost.
    pub cap_hits: u64,
}
