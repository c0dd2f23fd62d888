//! One direction of a TCP connection, turned into an in-order byte stream.
//!
//! This module owns the per-direction state: where the stream starts (SYN or
//! first segment), the next expected byte as a 64-bit offset, the out-of-order
//! store, statistics and anomaly reports. It does not own FIN/RST semantics or
//! flow lifetime; the flow table calls [`HalfStream::flush`] when a direction
//! ends. Invariants: events come out in stream order without overlaps, and
//! their lengths add up to [`HalfStream::stream_offset`]; every buffered byte
//! lies after the next expected byte; memory held never exceeds the limits;
//! no input makes it panic.

use super::buffer::OooBuffer;
use super::limits::ReassemblyBudget;
use super::report::Reporter;
use super::seq::SeqNumber;
use super::{FrameSpan, HalfStreamStats, StreamEvent};
use crate::{NetAnomaly, NetAnomalyKind};
use edgecap_capture::FrameNo;

/// An acknowledgment further than this beyond the last byte seen from the
/// sender is implausible (a capture would have to miss 16 MiB in a row) and
/// is not used to declare a gap, so a bogus ACK cannot derail the stream.
pub const MAX_ACK_BEYOND_SEEN: u64 = 16 << 20;

/// The per-call arguments every delivery path needs.
struct Ctx<'c> {
    frame: FrameNo,
    budget: &'c mut ReassemblyBudget,
    anomalies: &'c mut Vec<NetAnomaly>,
    out: &'c mut dyn FnMut(StreamEvent<'_>),
}

/// Reassembly state of one direction of one TCP connection.
#[derive(Debug, Default)]
pub struct HalfStream {
    /// Sequence number of stream offset 0, once known.
    base: Option<SeqNumber>,
    /// Offset of the next byte to deliver.
    next: u64,
    /// Highest segment end offset seen.
    max_end: u64,
    /// Offset of the FIN flag, when [`HalfStream::fin`] was called.
    fin: Option<u64>,
    /// The most recent range declared lost, to recognise data arriving late.
    last_gap: Option<(u64, u64)>,
    buf: OooBuffer,
    stats: HalfStreamStats,
    reporter: Reporter,
}

impl HalfStream {
    /// A direction for which nothing has been seen yet.
    pub fn new() -> Self {
        HalfStream::default()
    }

    /// A SYN from this direction with initial sequence number `isn`: data
    /// starts at `isn + 1`. A retransmitted SYN with the same ISN is harmless;
    /// a different ISN re-bases the stream only while nothing has been
    /// delivered or buffered (a reused 5-tuple is the flow table's concern).
    /// A SYN's own payload (TCP Fast Open) is passed to [`Self::segment`].
    pub fn syn(&mut self, isn: u32) {
        let start = SeqNumber(isn).plus(1);
        match self.base {
            Some(base) if base == start => {}
            Some(_) if self.next != 0 || !self.buf.is_empty() => {}
            _ => {
                self.base = Some(start);
                self.max_end = 0;
                self.fin = None;
                self.last_gap = None;
            }
        }
    }

    /// A FIN from this direction occupying sequence number `fin_seq` (the
    /// segment's seq plus its payload length). The FIN consumes one sequence
    /// number, so the peer's ACK of `fin_seq + 1` is not a lost byte.
    pub fn fin(&mut self, fin_seq: u32) {
        let base = *self.base.get_or_insert(SeqNumber(fin_seq));
        let off = SeqNumber(fin_seq).offset_from(self.seq_at_next(base), self.next);
        if let Ok(off) = u64::try_from(off) {
            self.fin = Some(off);
        }
    }

    /// A segment's payload at sequence `seq` (payload may be empty). Emits
    /// in-order Data/Gap events through `out`. In-order data with nothing
    /// buffered is passed through borrowed, without copying or allocating.
    pub fn segment(
        &mut self,
        seq: u32,
        payload: &[u8],
        frame: FrameNo,
        budget: &mut ReassemblyBudget,
        anomalies: &mut Vec<NetAnomaly>,
        out: &mut dyn FnMut(StreamEvent<'_>),
    ) {
        self.stats.segments += 1;
        let base = *self.base.get_or_insert(SeqNumber(seq));
        if payload.is_empty() {
            return;
        }
        let next_seq = self.seq_at_next(base);
        if seq == next_seq.0 && self.buf.is_empty() {
            self.deliver(payload, FrameSpan::single(frame), out);
            self.max_end = self.max_end.max(self.next);
            return;
        }
        let start = SeqNumber(seq).offset_from(next_seq, self.next);
        let mut cx = Ctx {
            frame,
            budget,
            anomalies,
            out,
        };
        self.segment_slow(start, payload, &mut cx);
    }

    /// The other direction acknowledged up to `ack`. Bytes acknowledged but
    /// never seen were lost from the capture: emits a Gap up to
    /// min(ack, first buffered byte), delivers what is now contiguous, and
    /// repeats until `ack` is reached. An ACK one past the last byte seen is
    /// taken as acknowledging a FIN, and implausibly far ACKs
    /// ([`MAX_ACK_BEYOND_SEEN`]) are ignored.
    pub fn peer_ack(
        &mut self,
        ack: u32,
        frame: FrameNo,
        budget: &mut ReassemblyBudget,
        anomalies: &mut Vec<NetAnomaly>,
        out: &mut dyn FnMut(StreamEvent<'_>),
    ) {
        let Some(base) = self.base else { return };
        let off = SeqNumber(ack).offset_from(self.seq_at_next(base), self.next);
        let Ok(mut ack_off) = u64::try_from(off) else {
            return;
        };
        let seen = self.max_end.max(self.next);
        match self.fin {
            Some(fin) => ack_off = ack_off.min(fin),
            None if ack_off == seen.saturating_add(1) => ack_off = seen,
            None => {}
        }
        if ack_off <= self.next || ack_off > seen.saturating_add(MAX_ACK_BEYOND_SEEN) {
            return;
        }
        let mut cx = Ctx {
            frame,
            budget,
            anomalies,
            out,
        };
        while self.next < ack_off {
            let target = self.buf.first_start().map_or(ack_off, |s| s.min(ack_off));
            self.gap_to(target, &mut cx);
            self.release_contiguous(&mut cx);
        }
    }

    /// End of this direction (FIN/RST and the flow closing, flow expiry, or
    /// end of capture): delivers everything still buffered, with Gap events
    /// over the holes, and releases its budget. The stream stays usable.
    pub fn flush(
        &mut self,
        frame: FrameNo,
        budget: &mut ReassemblyBudget,
        anomalies: &mut Vec<NetAnomaly>,
        out: &mut dyn FnMut(StreamEvent<'_>),
    ) {
        let mut cx = Ctx {
            frame,
            budget,
            anomalies,
            out,
        };
        while let Some(first) = self.buf.first_start() {
            self.gap_to(first, &mut cx);
            self.release_contiguous(&mut cx);
        }
    }

    /// Drops everything buffered without delivering it (counted in
    /// `dropped_bytes`) and releases its budget, for a flow evicted unread.
    pub fn discard(&mut self, budget: &mut ReassemblyBudget) {
        while let Some((_, piece, cost)) = self.buf.pop_first() {
            budget.release(cost);
            self.stats.dropped_bytes += piece.bytes.len() as u64;
        }
    }

    /// Counters for this direction.
    pub fn stats(&self) -> HalfStreamStats {
        self.stats
    }

    /// Payload bytes held out of order.
    pub fn buffered(&self) -> usize {
        self.buf.bytes()
    }

    /// Bytes charged against the limits: [`Self::buffered`] plus
    /// [`super::PIECE_OVERHEAD`] per buffered piece.
    pub fn memory(&self) -> usize {
        self.buf.memory()
    }

    /// The next expected sequence number, once the stream start is known.
    pub fn next_seq(&self) -> Option<u32> {
        self.base.map(|base| self.seq_at_next(base).0)
    }

    /// Bytes delivered plus bytes skipped as gaps since the stream start.
    pub fn stream_offset(&self) -> u64 {
        self.next
    }

    /// The sequence number of the next expected byte.
    fn seq_at_next(&self, base: SeqNumber) -> SeqNumber {
        // Truncation is the point: offsets wrap into 32-bit sequence space.
        base.plus(self.next as u32)
    }

    /// Everything but the in-order fast path. `start` is the segment's
    /// offset, negative when it begins before the stream start.
    fn segment_slow(&mut self, start: i64, payload: &[u8], cx: &mut Ctx<'_>) {
        let len = i64::try_from(payload.len()).unwrap_or(i64::MAX);
        let end = start.saturating_add(len);
        if let Ok(end) = u64::try_from(end) {
            self.max_end = self.max_end.max(end);
        }
        let next = i64::try_from(self.next).unwrap_or(i64::MAX);
        let mut seen = 0u64;
        let (at, data) = if start < next {
            let before = end.min(next) - start;
            let late = self.late_bytes(start, end.min(next));
            self.stats.dropped_bytes += late;
            seen = before.unsigned_abs() - late;
            if end <= next {
                if seen > 0 {
                    self.stats.retransmissions += 1;
                }
                return;
            }
            (self.next, &payload[before.unsigned_abs() as usize..])
        } else {
            (start.unsigned_abs(), payload)
        };
        let overlap = self.buf.compare(at, data);
        seen += overlap.bytes;
        if overlap.bytes == data.len() as u64 {
            self.stats.retransmissions += 1;
        } else if seen > 0 {
            self.stats.overlaps += 1;
            self.reporter
                .report(cx.anomalies, cx.frame, NetAnomalyKind::TcpOverlap, || {
                    format!("segment of {len} bytes at stream offset {start} repeats {seen} bytes")
                });
        }
        if overlap.mismatched {
            self.stats.overlap_mismatches += 1;
            let n = overlap.bytes;
            self.reporter.report(
                cx.anomalies,
                cx.frame,
                NetAnomalyKind::TcpOverlapMismatch,
                || format!("{n} overlapping bytes near stream offset {at} differ; first copy kept"),
            );
        }
        self.place(at, data, cx);
    }

    /// Bytes of `[lo, hi)` inside the last range declared lost.
    fn late_bytes(&self, lo: i64, hi: i64) -> u64 {
        let Some((gs, ge)) = self.last_gap else {
            return 0;
        };
        let gs = i64::try_from(gs).unwrap_or(i64::MAX);
        let ge = i64::try_from(ge).unwrap_or(i64::MAX);
        (hi.min(ge) - lo.max(gs)).max(0).unsigned_abs()
    }

    /// Delivers or buffers new bytes at offset `at` (not before the next
    /// expected byte). Cap policy: when buffering would exceed a limit, the
    /// oldest hole is declared lost (Gap) and what follows it is delivered,
    /// until the bytes fit or become in order.
    fn place(&mut self, mut at: u64, mut data: &[u8], cx: &mut Ctx<'_>) {
        let mut cap_reported = false;
        while !data.is_empty() {
            if at == self.next {
                self.deliver_in_order(data, cx);
                return;
            }
            let cost = self.buf.uncovered_cost(at, data);
            if cost == 0 {
                return;
            }
            let limits = cx.budget.limits();
            let own_ok = self
                .buf
                .memory()
                .checked_add(cost)
                .is_some_and(|n| n <= limits.per_direction);
            if own_ok && cx.budget.fits(cost) {
                let added = self.buf.insert_uncovered(at, data, cx.frame);
                cx.budget.charge(added);
                return;
            }
            if !cap_reported {
                cap_reported = true;
                self.stats.cap_hits += 1;
                let (which, limit) = if own_ok {
                    ("total", limits.total)
                } else {
                    ("per-direction", limits.per_direction)
                };
                self.reporter
                    .report(cx.anomalies, cx.frame, NetAnomalyKind::TcpBufferCap, || {
                        format!("{which} limit of {limit} bytes reached; oldest hole declared lost")
                    });
            }
            let target = self.buf.first_start().map_or(at, |s| s.min(at));
            self.gap_to(target, cx);
            self.release_contiguous(cx);
            if at < self.next {
                let skip = usize::try_from(self.next - at).unwrap_or(usize::MAX);
                data = data.get(skip..).unwrap_or_default();
                at = self.next;
            }
        }
    }

    /// Delivers `data`, which starts at the next expected byte, interleaved
    /// with buffered pieces: buffered bytes win where they overlap.
    fn deliver_in_order(&mut self, mut data: &[u8], cx: &mut Ctx<'_>) {
        loop {
            match self.buf.first_start() {
                Some(start) if start <= self.next => {
                    let Some((_, piece, cost)) = self.buf.pop_first() else {
                        return;
                    };
                    cx.budget.release(cost);
                    let span = FrameSpan {
                        first: piece.frame,
                        last: cx.frame,
                    };
                    self.deliver(&piece.bytes, span, cx.out);
                    data = data.get(piece.bytes.len()..).unwrap_or_default();
                }
                _ if data.is_empty() => return,
                Some(start) => {
                    let n = usize::try_from(start - self.next).unwrap_or(usize::MAX);
                    let (now, rest) = data.split_at(n.min(data.len()));
                    self.deliver(now, FrameSpan::single(cx.frame), cx.out);
                    data = rest;
                }
                None => {
                    self.deliver(data, FrameSpan::single(cx.frame), cx.out);
                    return;
                }
            }
        }
    }

    /// Delivers buffered pieces while they start at the next expected byte.
    fn release_contiguous(&mut self, cx: &mut Ctx<'_>) {
        while self.buf.first_start() == Some(self.next) {
            let Some((_, piece, cost)) = self.buf.pop_first() else {
                return;
            };
            cx.budget.release(cost);
            let span = FrameSpan {
                first: piece.frame,
                last: cx.frame,
            };
            self.deliver(&piece.bytes, span, cx.out);
        }
    }

    /// Declares the bytes from the next expected one up to `target` lost.
    fn gap_to(&mut self, target: u64, cx: &mut Ctx<'_>) {
        if target <= self.next {
            return;
        }
        let (from, len) = (self.next, target - self.next);
        (cx.out)(StreamEvent::Gap {
            len,
            frame: cx.frame,
        });
        self.stats.gaps += 1;
        self.stats.gap_bytes += len;
        self.last_gap = Some((from, target));
        self.next = target;
        self.reporter
            .report(cx.anomalies, cx.frame, NetAnomalyKind::TcpGap, || {
                format!("{len} bytes never captured at stream offset {from}")
            });
    }

    /// Emits one Data event and advances the stream.
    fn deliver(&mut self, bytes: &[u8], frames: FrameSpan, out: &mut dyn FnMut(StreamEvent<'_>)) {
        out(StreamEvent::Data { bytes, frames });
        let n = bytes.len() as u64;
        self.next = self.next.saturating_add(n);
        self.stats.delivered_bytes += n;
    }
}
