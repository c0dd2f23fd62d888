//! Scenario tests for [`HalfStream`] against exact bytes, events and anomalies.

use super::*;
use crate::{NetAnomaly, NetAnomalyKind};

/// An owned copy of a [`StreamEvent`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Ev {
    /// Data bytes with (first, last) frame numbers.
    Data(Vec<u8>, u64, u64),
    /// Gap length and frame number.
    Gap(u64, u64),
}

/// One direction with its own budget, recording everything it emits.
pub(super) struct Harness {
    pub hs: HalfStream,
    pub budget: ReassemblyBudget,
    pub anomalies: Vec<NetAnomaly>,
    pub events: Vec<Ev>,
}

impl Harness {
    pub fn new() -> Self {
        Self::with_limits(ReassemblyLimits::default())
    }

    pub fn with_limits(limits: ReassemblyLimits) -> Self {
        Harness {
            hs: HalfStream::new(),
            budget: ReassemblyBudget::new(limits),
            anomalies: Vec::new(),
            events: Vec::new(),
        }
    }

    fn sink(events: &mut Vec<Ev>) -> impl FnMut(StreamEvent<'_>) + '_ {
        |ev| events.push(own(ev))
    }

    pub fn seg(&mut self, seq: u32, data: &[u8], frame: u64) {
        let mut sink = Self::sink(&mut self.events);
        self.hs.segment(
            seq,
            data,
            FrameNo(frame),
            &mut self.budget,
            &mut self.anomalies,
            &mut sink,
        );
    }

    pub fn ack(&mut self, ack: u32, frame: u64) {
        let mut sink = Self::sink(&mut self.events);
        self.hs.peer_ack(
            ack,
            FrameNo(frame),
            &mut self.budget,
            &mut self.anomalies,
            &mut sink,
        );
    }

    pub fn flush(&mut self, frame: u64) {
        let mut sink = Self::sink(&mut self.events);
        self.hs.flush(
            FrameNo(frame),
            &mut self.budget,
            &mut self.anomalies,
            &mut sink,
        );
    }

    /// All delivered bytes, in order.
    pub fn bytes(&self) -> Vec<u8> {
        self.events
            .iter()
            .flat_map(|e| match e {
                Ev::Data(b, _, _) => b.clone(),
                Ev::Gap(..) => Vec::new(),
            })
            .collect()
    }

    pub fn count(&self, kind: NetAnomalyKind) -> usize {
        self.anomalies.iter().filter(|a| a.kind == kind).count()
    }

    pub fn gaps(&self) -> Vec<u64> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Ev::Gap(len, _) => Some(*len),
                Ev::Data(..) => None,
            })
            .collect()
    }
}

pub(super) fn own(ev: StreamEvent<'_>) -> Ev {
    match ev {
        StreamEvent::Data { bytes, frames } => {
            Ev::Data(bytes.to_vec(), frames.first.0, frames.last.0)
        }
        StreamEvent::Gap { len, frame } => Ev::Gap(len, frame.0),
    }
}

fn data(b: &[u8], first: u64, last: u64) -> Ev {
    Ev::Data(b.to_vec(), first, last)
}

const ISN: u32 = 1000;

#[test]
fn in_order_is_borrowed_and_attributed_to_its_frame() {
    let mut h = Harness::new();
    h.hs.syn(ISN);
    assert_eq!(h.hs.next_seq(), Some(ISN + 1));
    h.seg(ISN + 1, b"hello ", 2);
    h.seg(ISN + 7, b"world", 3);
    h.seg(ISN + 12, b"", 4);
    assert_eq!(h.events, vec![data(b"hello ", 2, 2), data(b"world", 3, 3)]);
    assert_eq!(h.hs.next_seq(), Some(ISN + 12));
    let s = h.hs.stats();
    assert_eq!((s.segments, s.delivered_bytes), (3, 11));
    assert!(h.anomalies.is_empty());

    // Zero copy: the Data bytes are the caller's slice.
    let payload = *b"!!";
    let mut ptr = None;
    let mut budget = ReassemblyBudget::default();
    h.hs.segment(
        ISN + 12,
        &payload,
        FrameNo(5),
        &mut budget,
        &mut Vec::new(),
        &mut |ev| {
            if let StreamEvent::Data { bytes, .. } = ev {
                ptr = Some(bytes.as_ptr());
            }
        },
    );
    assert_eq!(ptr, Some(payload.as_ptr()));
}

#[test]
fn out_of_order_permutations() {
    let pieces: [(u32, &[u8]); 4] = [(0, b"ab"), (2, b"cde"), (5, b"f"), (6, b"ghij")];
    let orders: [[usize; 4]; 6] = [
        [0, 1, 2, 3],
        [3, 2, 1, 0],
        [1, 0, 3, 2],
        [2, 3, 0, 1],
        [0, 3, 1, 2],
        [3, 0, 2, 1],
    ];
    for order in orders {
        let mut h = Harness::new();
        h.hs.syn(ISN);
        for (i, &k) in order.iter().enumerate() {
            let (off, bytes) = pieces[k];
            h.seg(ISN + 1 + off, bytes, i as u64 + 1);
        }
        assert_eq!(h.bytes(), b"abcdefghij", "order {order:?}");
        assert_eq!(h.hs.buffered(), 0);
        assert_eq!(h.budget.buffered(), 0);
        assert!(h.anomalies.is_empty(), "order {order:?}");
        // Each piece is its own Data event.
        assert_eq!(h.events.len(), 4, "order {order:?}");
    }
}

#[test]
fn hole_filling_frame_spans() {
    let mut h = Harness::new();
    h.hs.syn(ISN);
    h.seg(ISN + 1, b"aa", 1);
    h.seg(ISN + 5, b"cc", 2); // buffered
    h.seg(ISN + 7, b"dd", 3); // buffered
    assert_eq!(h.hs.buffered(), 4);
    assert_eq!(h.budget.buffered(), 4 + 2 * PIECE_OVERHEAD);
    h.seg(ISN + 3, b"bb", 4); // fills the hole
    assert_eq!(
        h.events,
        vec![
            data(b"aa", 1, 1),
            data(b"bb", 4, 4),
            data(b"cc", 2, 4),
            data(b"dd", 3, 4),
        ]
    );
    assert_eq!(h.budget.buffered(), 0);
}

#[test]
fn exact_retransmission_is_counted_not_redelivered() {
    let mut h = Harness::new();
    h.hs.syn(ISN);
    h.seg(ISN + 1, b"abcd", 1);
    h.seg(ISN + 1, b"abcd", 2);
    h.seg(ISN + 2, b"XY", 3); // inside delivered data, even with other bytes
    assert_eq!(h.bytes(), b"abcd");
    assert_eq!(h.hs.stats().retransmissions, 2);
    assert_eq!(h.hs.stats().overlaps, 0);
    assert!(h.anomalies.is_empty());

    // Exact retransmission of a buffered segment.
    h.seg(ISN + 9, b"ij", 4);
    h.seg(ISN + 9, b"ij", 5);
    assert_eq!(h.hs.stats().retransmissions, 3);
    assert!(h.anomalies.is_empty());
    h.seg(ISN + 5, b"efgh", 6);
    assert_eq!(h.bytes(), b"abcdefghij");
    assert_eq!(h.events[2], data(b"ij", 4, 6));
}

#[test]
fn partial_overlap_with_delivered_data() {
    let mut h = Harness::new();
    h.hs.syn(ISN);
    h.seg(ISN + 1, b"abcd", 1);
    h.seg(ISN + 3, b"cdef", 2);
    assert_eq!(h.bytes(), b"abcdef");
    assert_eq!(h.events[1], data(b"ef", 2, 2));
    assert_eq!(h.hs.stats().overlaps, 1);
    assert_eq!(h.count(NetAnomalyKind::TcpOverlap), 1);
    assert_eq!(h.count(NetAnomalyKind::TcpOverlapMismatch), 0);
}

#[test]
fn partial_overlap_with_buffered_same_bytes() {
    let mut h = Harness::new();
    h.hs.syn(ISN);
    h.seg(ISN + 5, b"efgh", 1);
    h.seg(ISN + 3, b"cdef", 2); // overlaps "ef" with equal bytes
    h.seg(ISN + 1, b"ab", 3);
    assert_eq!(h.bytes(), b"abcdefgh");
    assert_eq!(h.hs.stats().overlaps, 1);
    assert_eq!(h.hs.stats().overlap_mismatches, 0);
    assert_eq!(h.count(NetAnomalyKind::TcpOverlap), 1);
    assert_eq!(h.count(NetAnomalyKind::TcpOverlapMismatch), 0);
    assert_eq!(
        h.events,
        vec![data(b"ab", 3, 3), data(b"cd", 2, 3), data(b"efgh", 1, 3)]
    );
}

#[test]
fn partial_overlap_with_buffered_different_bytes_first_wins() {
    let mut h = Harness::new();
    h.hs.syn(ISN);
    h.seg(ISN + 5, b"efgh", 1);
    h.seg(ISN + 3, b"cdXY", 2); // "XY" conflicts with buffered "ef"
    h.seg(ISN + 7, b"ZZij", 3); // "ZZ" conflicts with buffered "gh"
    h.seg(ISN + 1, b"ab", 4);
    assert_eq!(h.bytes(), b"abcdefghij");
    let s = h.hs.stats();
    assert_eq!((s.overlaps, s.overlap_mismatches), (2, 2));
    assert_eq!(h.count(NetAnomalyKind::TcpOverlapMismatch), 2);
    assert_eq!(h.count(NetAnomalyKind::TcpOverlap), 2);
    let m = h
        .anomalies
        .iter()
        .find(|a| a.kind == NetAnomalyKind::TcpOverlapMismatch)
        .map(|a| a.frame);
    assert_eq!(m, Some(FrameNo(2)));
}

#[test]
fn in_order_segment_overlapping_buffered_different_bytes() {
    let mut h = Harness::new();
    h.hs.syn(ISN);
    h.seg(ISN + 3, b"cd", 1);
    h.seg(ISN + 1, b"abXXe", 2); // in order; "XX" conflicts with buffered "cd"
    assert_eq!(h.bytes(), b"abcde");
    assert_eq!(
        h.events,
        vec![data(b"ab", 2, 2), data(b"cd", 1, 2), data(b"e", 2, 2)]
    );
    assert_eq!(h.hs.stats().overlap_mismatches, 1);
}

#[test]
fn overlap_reports_are_rate_limited_stats_are_not() {
    let mut h = Harness::new();
    h.hs.syn(ISN);
    let mut seq = ISN + 1;
    for i in 0..50u64 {
        h.seg(seq, b"0123", 2 * i + 1);
        h.seg(seq + 2, b"2345", 2 * i + 2); // 2 old + 2 new bytes
        seq += 6;
    }
    assert_eq!(h.hs.stats().overlaps, 50);
    assert_eq!(
        h.count(NetAnomalyKind::TcpOverlap),
        MAX_REPORTS_PER_KIND as usize
    );
}

#[test]
fn gap_via_peer_ack() {
    let mut h = Harness::new();
    h.hs.syn(ISN);
    h.seg(ISN + 1, b"abc", 1);
    // "def" (ISN+4..7) never captured.
    h.seg(ISN + 7, b"ghi", 2);
    h.seg(ISN + 13, b"mno", 3); // second hole: "jkl"
    h.ack(ISN + 10, 4); // acks through "ghi": only the first hole is lost
    assert_eq!(
        h.events,
        vec![data(b"abc", 1, 1), Ev::Gap(3, 4), data(b"ghi", 2, 4)]
    );
    assert_eq!(h.hs.buffered(), 3);
    h.ack(ISN + 16, 5);
    assert_eq!(&h.events[3..], &[Ev::Gap(3, 5), data(b"mno", 3, 5)]);
    let s = h.hs.stats();
    assert_eq!((s.gaps, s.gap_bytes, s.delivered_bytes), (2, 6, 9));
    assert_eq!(h.count(NetAnomalyKind::TcpGap), 2);
    assert_eq!(h.budget.buffered(), 0);
    assert_eq!(h.hs.stream_offset(), 15);

    // Late arrival of the lost bytes: dropped, not delivered, not an overlap.
    h.seg(ISN + 10, b"jkl", 6);
    assert_eq!(h.hs.stats().dropped_bytes, 3);
    assert_eq!(h.hs.stats().retransmissions, 0);
    assert_eq!(h.events.len(), 5);
}

#[test]
fn ack_with_nothing_buffered_declares_lost_tail() {
    let mut h = Harness::new();
    h.hs.syn(ISN);
    h.seg(ISN + 1, b"abc", 1);
    h.ack(ISN + 4, 2); // acks what we delivered: nothing happens
    h.ack(ISN + 2, 3); // old ACK: nothing happens
    assert_eq!(h.events.len(), 1);
    h.ack(ISN + 10, 4); // 6 bytes sent but never captured
    assert_eq!(h.events[1], Ev::Gap(6, 4));
    h.seg(ISN + 10, b"z", 5);
    assert_eq!(h.bytes(), b"abcz");
}

#[test]
fn ack_of_fin_is_not_a_gap() {
    let mut h = Harness::new();
    h.hs.syn(ISN);
    h.seg(ISN + 1, b"abc", 1);
    // Without fin(): one past the last byte seen is taken as the FIN.
    h.ack(ISN + 5, 2);
    assert!(h.gaps().is_empty());
    // With fin(): exact, even when data before the FIN was lost.
    let mut h = Harness::new();
    h.hs.syn(ISN);
    h.seg(ISN + 1, b"abc", 1);
    h.hs.fin(ISN + 6); // FIN after 2 uncaptured bytes
    h.ack(ISN + 7, 2);
    assert_eq!(h.gaps(), vec![2]);
}

#[test]
fn implausible_ack_is_ignored() {
    let mut h = Harness::new();
    h.hs.syn(ISN);
    h.seg(ISN + 1, b"abc", 1);
    h.ack(ISN.wrapping_add(1 << 30), 2);
    h.ack(ISN.wrapping_add(3 << 30), 3); // "before" in serial order
    assert!(h.gaps().is_empty());
    h.seg(ISN + 4, b"d", 4);
    assert_eq!(h.bytes(), b"abcd");
}

#[test]
fn gap_via_flush_and_budget_released() {
    let mut h = Harness::new();
    h.hs.syn(ISN);
    h.seg(ISN + 1, b"ab", 1);
    h.seg(ISN + 5, b"ef", 2);
    h.seg(ISN + 9, b"ij", 3);
    assert!(h.budget.buffered() > 0);
    h.flush(4);
    assert_eq!(
        h.events,
        vec![
            data(b"ab", 1, 1),
            Ev::Gap(2, 4),
            data(b"ef", 2, 4),
            Ev::Gap(2, 4),
            data(b"ij", 3, 4),
        ]
    );
    assert_eq!(h.hs.buffered(), 0);
    assert_eq!(h.hs.memory(), 0);
    assert_eq!(h.budget.buffered(), 0);
    assert_eq!(h.count(NetAnomalyKind::TcpGap), 2);
    // Flushing again is harmless.
    h.flush(5);
    assert_eq!(h.events.len(), 5);
}

#[test]
fn discard_releases_budget() {
    let mut h = Harness::new();
    h.hs.syn(ISN);
    h.seg(ISN + 5, b"efgh", 1);
    h.hs.discard(&mut h.budget);
    assert_eq!(h.budget.buffered(), 0);
    assert_eq!(h.hs.stats().dropped_bytes, 4);
    assert!(h.events.is_empty());
}

#[test]
fn sequence_wraparound_mid_stream() {
    let isn = u32::MAX - 5;
    let mut h = Harness::new();
    h.hs.syn(isn);
    let stream: Vec<u8> = (0u8..40).collect();
    // Segments of 8 bytes, delivered 0, 2, 1, 4, 3: the wrap is inside 1.
    let seg = |i: usize| {
        (
            isn.wrapping_add(1 + 8 * i as u32),
            &stream[8 * i..8 * i + 8],
        )
    };
    for (n, i) in [0usize, 2, 1, 4, 3].into_iter().enumerate() {
        let (seq, bytes) = seg(i);
        h.seg(seq, bytes, n as u64 + 1);
    }
    assert_eq!(h.bytes(), stream);
    assert_eq!(h.hs.next_seq(), Some(isn.wrapping_add(41)));
    assert_eq!(h.hs.stream_offset(), 40);
    assert!(h.anomalies.is_empty());
    // Retransmission across the wrap is still recognised.
    h.seg(seg(1).0, seg(1).1, 9);
    assert_eq!(h.hs.stats().retransmissions, 1);
}

#[test]
fn mid_stream_pickup() {
    let mut h = Harness::new();
    h.seg(50_000, b"middle", 1);
    assert_eq!(h.hs.next_seq(), Some(50_006));
    h.seg(49_990, b"before", 2); // before the start: ignored
    h.seg(49_998, b"xxmiddlemo", 3); // straddles the start: only "mo" is new
    h.seg(50_008, b"end", 4);
    assert_eq!(h.bytes(), b"middlemoend");
    assert_eq!(h.hs.stats().retransmissions, 1);
    // A SYN seen after data does not re-base the stream.
    h.hs.syn(7);
    assert_eq!(h.hs.next_seq(), Some(50_011));
}

#[test]
fn syn_retransmission_and_rebase() {
    let mut h = Harness::new();
    h.hs.syn(ISN);
    h.hs.syn(ISN);
    h.seg(ISN, b"", 1); // a pure ACK carrying the SYN's seq: harmless
    assert_eq!(h.hs.next_seq(), Some(ISN + 1));
    // Different ISN before any data: re-based.
    h.hs.syn(5);
    assert_eq!(h.hs.next_seq(), Some(6));
    h.seg(6, b"ok", 2);
    assert_eq!(h.bytes(), b"ok");
}

#[test]
fn per_direction_cap_declares_oldest_hole_lost() {
    let limits = ReassemblyLimits {
        per_direction: 2 * (100 + PIECE_OVERHEAD),
        total: 1 << 20,
    };
    let mut h = Harness::with_limits(limits);
    h.hs.syn(0);
    let block = |c: u8| vec![c; 100];
    h.seg(1, &block(b'a'), 1);
    // Hole at 101..201; buffer two blocks, the third does not fit.
    h.seg(201, &block(b'c'), 2);
    h.seg(301, &block(b'd'), 3);
    assert_eq!(h.hs.memory(), limits.per_direction);
    h.seg(401, &block(b'e'), 4);
    assert_eq!(h.count(NetAnomalyKind::TcpBufferCap), 1);
    assert_eq!(h.hs.stats().cap_hits, 1);
    assert_eq!(h.gaps(), vec![100]);
    assert_eq!(h.bytes().len(), 400);
    assert_eq!(h.events[3], data(&block(b'd'), 3, 4));
    assert_eq!(h.events[4], data(&block(b'e'), 4, 4));
    assert!(h.hs.memory() <= limits.per_direction);
    // The lost block arrives late: dropped, counted.
    h.seg(101, &block(b'b'), 5);
    assert_eq!(h.hs.stats().dropped_bytes, 100);
}

#[test]
fn segment_larger_than_cap_is_delivered_after_gap() {
    let limits = ReassemblyLimits {
        per_direction: 64 + PIECE_OVERHEAD,
        total: 1 << 20,
    };
    let mut h = Harness::with_limits(limits);
    h.hs.syn(0);
    h.seg(11, b"x", 1);
    let big = vec![7u8; 1000];
    h.seg(101, &big, 2);
    assert_eq!(h.gaps(), vec![10, 89]);
    assert_eq!(h.events[1], data(b"x", 1, 2));
    assert_eq!(h.events[3], Ev::Data(big, 2, 2));
    assert_eq!(h.hs.memory(), 0);
}

#[test]
fn total_cap_is_shared_between_streams() {
    let limits = ReassemblyLimits {
        per_direction: 1 << 20,
        total: 150 + PIECE_OVERHEAD,
    };
    let mut budget = ReassemblyBudget::new(limits);
    let mut a = HalfStream::new();
    let mut b = HalfStream::new();
    let mut anomalies = Vec::new();
    let mut events = Vec::new();
    a.syn(0);
    b.syn(0);
    a.segment(
        101,
        &[1; 100],
        FrameNo(1),
        &mut budget,
        &mut anomalies,
        &mut |e| events.push(own(e)),
    );
    assert_eq!(budget.buffered(), 100 + PIECE_OVERHEAD);
    // b cannot buffer: with nothing of its own to release, it gives up its hole.
    b.segment(
        51,
        &[2; 100],
        FrameNo(2),
        &mut budget,
        &mut anomalies,
        &mut |e| events.push(own(e)),
    );
    assert!(budget.buffered() <= limits.total);
    assert_eq!(events, vec![Ev::Gap(50, 2), Ev::Data(vec![2; 100], 2, 2)]);
    assert!(anomalies
        .iter()
        .any(|x| x.kind == NetAnomalyKind::TcpBufferCap && x.detail.starts_with("total")));
    a.flush(FrameNo(3), &mut budget, &mut anomalies, &mut |_| {});
    assert_eq!(budget.buffered(), 0);
}

#[test]
fn hostile_values_do_not_panic() {
    let mut h = Harness::with_limits(ReassemblyLimits {
        per_direction: 4096,
        total: 8192,
    });
    h.seg(0, b"a", 1);
    h.seg(1 << 31, b"b", 2); // exactly half the space away: "before"
    h.seg((1 << 31) - 1, b"c", 3); // far ahead: buffered
    h.seg(u32::MAX, b"dd", 4); // straddles the start
    h.ack(u32::MAX, 5);
    h.ack(1 << 31, 6);
    h.hs.fin(3);
    h.seg(1, &[9; 10_000], 7);
    h.flush(8);
    assert_eq!(h.budget.buffered(), 0);
    let total: u64 = h
        .events
        .iter()
        .map(|e| match e {
            Ev::Data(b, _, _) => b.len() as u64,
            Ev::Gap(n, _) => *n,
        })
        .sum();
    assert_eq!(total, h.hs.stream_offset());
}
