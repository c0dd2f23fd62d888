//! Frame numbers and the frame spans that tie decoded bytes back to the
//! frames they came from.

use std::fmt;

/// A 1-based frame number, equal to Wireshark's `frame.number`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FrameNo(pub u64);

impl fmt::Display for FrameNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The frames that contributed to a chunk: the first frame whose bytes are in
/// it, and the frame whose arrival released it (the "completing" frame, as
/// Wireshark attributes reassembled PDUs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameSpan {
    /// The frame the bytes came from.
    pub first: FrameNo,
    /// The frame whose arrival released them (equal to `first` when in order).
    pub last: FrameNo,
}

impl FrameSpan {
    /// A span of one frame.
    pub fn single(frame: FrameNo) -> Self {
        FrameSpan {
            first: frame,
            last: frame,
        }
    }
}
