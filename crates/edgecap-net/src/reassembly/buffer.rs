//! The out-of-order store of one direction: owned copies of segment bytes
//! that arrived ahead of the next expected byte.
//!
//! This module owns the pieces, their stream offsets and the memory they are
//! charged for. It knows nothing about sequence numbers, events or the
//! shared budget. Invariants: pieces never overlap, are never empty, and
//! `memory` is always the sum of [`piece_cost`] over the pieces. Insertion is
//! first-copy-wins: only bytes not already held are stored.

use super::limits::piece_cost;
use edgecap_capture::FrameNo;
use std::collections::BTreeMap;
use std::ops::Bound;

/// One buffered run of bytes, exactly as one segment carried it.
#[derive(Debug)]
pub(super) struct Piece {
    /// The frame these bytes came from.
    pub frame: FrameNo,
    /// The bytes (never empty).
    pub bytes: Box<[u8]>,
}

/// How a new run of bytes compares with what is already buffered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Overlap {
    /// Bytes of the run already held in the buffer.
    pub bytes: u64,
    /// True when any of those bytes differ from the buffered first copy.
    pub mismatched: bool,
}

/// Non-overlapping pieces keyed by stream offset.
#[derive(Debug, Default)]
pub(super) struct OooBuffer {
    pieces: BTreeMap<u64, Piece>,
    bytes: usize,
    memory: usize,
}

impl OooBuffer {
    /// True when nothing is buffered.
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// Payload bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Bytes charged for the pieces held (payload plus per-piece overhead).
    pub fn memory(&self) -> usize {
        self.memory
    }

    /// Offset of the first buffered byte.
    pub fn first_start(&self) -> Option<u64> {
        self.pieces.first_key_value().map(|(&start, _)| start)
    }

    /// Removes the first piece, returning its offset, the piece and its cost.
    pub fn pop_first(&mut self) -> Option<(u64, Piece, usize)> {
        let (start, piece) = self.pieces.pop_first()?;
        let cost = piece_cost(piece.bytes.len());
        self.bytes -= piece.bytes.len();
        self.memory -= cost;
        Some((start, piece, cost))
    }

    /// Calls `f(piece_start, piece)` for every piece overlapping
    /// `[start, end)`, in offset order.
    fn for_each_overlapping(&self, start: u64, end: u64, mut f: impl FnMut(u64, &Piece)) {
        if let Some((&ps, piece)) = self.pieces.range(..=start).next_back() {
            if ps.saturating_add(len_u64(&piece.bytes)) > start {
                f(ps, piece);
            }
        }
        let after = (Bound::Excluded(start), Bound::Excluded(end));
        if start < end {
            for (&ps, piece) in self.pieces.range(after) {
                f(ps, piece);
            }
        }
    }

    /// Compares `data`, which starts at offset `start`, with the buffered bytes
    /// it overlaps.
    pub fn compare(&self, start: u64, data: &[u8]) -> Overlap {
        let end = start.saturating_add(len_u64(data));
        let mut overlap = Overlap::default();
        self.for_each_overlapping(start, end, |ps, piece| {
            let pe = ps.saturating_add(len_u64(&piece.bytes));
            let (lo, hi) = (ps.max(start), pe.min(end));
            let n = to_usize(hi - lo);
            let ours = &data[to_usize(lo - start)..][..n];
            let theirs = &piece.bytes[to_usize(lo - ps)..][..n];
            overlap.bytes += hi - lo;
            overlap.mismatched |= ours != theirs;
        });
        overlap
    }

    /// The sub-ranges of `[start, start + len)` not covered by any piece.
    fn holes(&self, start: u64, len: usize) -> Vec<(u64, u64)> {
        let end = start.saturating_add(len as u64);
        let mut holes = Vec::new();
        let mut cursor = start;
        self.for_each_overlapping(start, end, |ps, piece| {
            if ps > cursor {
                holes.push((cursor, ps));
            }
            cursor = cursor.max(ps.saturating_add(len_u64(&piece.bytes)));
        });
        if cursor < end {
            holes.push((cursor, end));
        }
        holes
    }

    /// What buffering the uncovered parts of `data` (at `start`) would cost.
    pub fn uncovered_cost(&self, start: u64, data: &[u8]) -> usize {
        self.holes(start, data.len())
            .iter()
            .map(|&(lo, hi)| piece_cost(to_usize(hi - lo)))
            .fold(0, usize::saturating_add)
    }

    /// Stores owned copies of the parts of `data` (at `start`) not already
    /// buffered, each as its own piece; returns the cost added.
    pub fn insert_uncovered(&mut self, start: u64, data: &[u8], frame: FrameNo) -> usize {
        let mut added = 0;
        for (lo, hi) in self.holes(start, data.len()) {
            let bytes: Box<[u8]> = data[to_usize(lo - start)..to_usize(hi - start)].into();
            let cost = piece_cost(bytes.len());
            self.bytes += bytes.len();
            self.memory += cost;
            added += cost;
            self.pieces.insert(lo, Piece { frame, bytes });
        }
        added
    }
}

/// A slice length as a stream-offset distance.
fn len_u64(bytes: &[u8]) -> u64 {
    bytes.len() as u64
}

/// A stream-offset distance known to fit a slice length (it was derived from one).
fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reassembly::limits::PIECE_OVERHEAD;

    fn buf_with(pieces: &[(u64, &[u8])]) -> OooBuffer {
        let mut b = OooBuffer::default();
        for (i, &(start, data)) in pieces.iter().enumerate() {
            b.insert_uncovered(start, data, FrameNo(i as u64 + 1));
        }
        b
    }

    #[test]
    fn insert_keeps_first_copy_and_fills_holes() {
        let mut b = buf_with(&[(10, b"abc"), (20, b"xyz")]);
        // Covers 8..24: holes 8..10 and 13..20 are new, the rest is held.
        let data = b"QQabcRRRRRRRxyzS";
        assert_eq!(
            b.compare(8, &data[..16]),
            Overlap {
                bytes: 6,
                mismatched: false
            }
        );
        let cost = b.uncovered_cost(8, data);
        let added = b.insert_uncovered(8, data, FrameNo(9));
        assert_eq!(cost, added);
        assert_eq!(added, 2 + 7 + 1 + 3 * PIECE_OVERHEAD);
        assert_eq!(b.bytes(), 3 + 3 + 2 + 7 + 1);
        let mut all = Vec::new();
        while let Some((_, p, _)) = b.pop_first() {
            all.extend_from_slice(&p.bytes);
        }
        assert_eq!(all, b"QQabcRRRRRRRxyzS");
        assert_eq!(b.memory(), 0);
    }

    #[test]
    fn compare_reports_mismatch() {
        let b = buf_with(&[(0, b"hello")]);
        let o = b.compare(3, b"lX!");
        assert_eq!(o.bytes, 2);
        assert!(o.mismatched);
        assert_eq!(b.compare(5, b"zz").bytes, 0);
    }
}
