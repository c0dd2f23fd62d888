//! Property tests: random segmentation, reordering and duplication
//! reassemble exactly; arbitrary input never panics or exceeds the caps.

use super::tests::{own, Ev, Harness};
use super::*;
use crate::NetAnomalyKind;
use proptest::prelude::*;
use proptest::sample::Index;

/// ISNs anywhere, and often close enough to 2^32 that the stream wraps.
fn isn() -> impl Strategy<Value = u32> {
    prop_oneof![any::<u32>(), (u32::MAX - 4000..=u32::MAX), Just(u32::MAX),]
}

/// Splits `0..len` at the given cut points into non-empty segments.
fn segments(len: usize, cuts: &[Index]) -> Vec<(usize, usize)> {
    let mut points: Vec<usize> = cuts
        .iter()
        .map(|c| c.index(len))
        .filter(|&c| c > 0)
        .collect();
    points.push(0);
    points.push(len);
    points.sort_unstable();
    points.dedup();
    points.windows(2).map(|w| (w[0], w[1])).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_segmentation_order_and_duplication_reassembles_exactly(
        data in prop::collection::vec(any::<u8>(), 1..3000),
        cuts in prop::collection::vec(any::<Index>(), 0..40),
        dups in prop::collection::vec(any::<Index>(), 0..10),
        slices in prop::collection::vec((any::<Index>(), any::<Index>()), 0..10),
        keys in prop::collection::vec(any::<u32>(), 64),
        isn in isn(),
        use_syn in any::<bool>(),
    ) {
        let main = segments(data.len(), &cuts);
        let mut feed: Vec<(usize, usize)> = main.clone();
        feed.extend(dups.iter().map(|d| main[d.index(main.len())]));
        feed.extend(slices.iter().filter_map(|(a, b)| {
            let (a, b) = (a.index(data.len()), b.index(data.len() + 1));
            (a < b).then_some((a, b))
        }));
        let mut keyed: Vec<(u32, (usize, usize))> =
            feed.into_iter().enumerate().map(|(i, s)| (keys[i % keys.len()], s)).collect();
        keyed.sort_by_key(|&(k, _)| k);
        let mut order: Vec<(usize, usize)> = keyed.into_iter().map(|(_, s)| s).collect();
        let mut h = Harness::new();
        let start = isn.wrapping_add(1);
        if use_syn {
            h.hs.syn(isn);
        } else {
            // Mid-stream pickup: the first segment seen is the stream start.
            order.insert(0, main[0]);
        }
        for (frame, &(lo, hi)) in order.iter().enumerate() {
            h.seg(start.wrapping_add(lo as u32), &data[lo..hi], frame as u64 + 1);
            prop_assert!(h.hs.memory() <= ReassemblyLimits::default().per_direction);
        }
        h.flush(order.len() as u64 + 1);
        prop_assert_eq!(h.bytes(), data.clone());
        prop_assert!(h.gaps().is_empty());
        prop_assert_eq!(h.count(NetAnomalyKind::TcpOverlapMismatch), 0);
        prop_assert_eq!(h.count(NetAnomalyKind::TcpGap), 0);
        prop_assert_eq!(h.count(NetAnomalyKind::TcpBufferCap), 0);
        let s = h.hs.stats();
        prop_assert_eq!(s.delivered_bytes, data.len() as u64);
        prop_assert_eq!(s.segments, order.len() as u64);
        prop_assert_eq!(h.hs.next_seq(), Some(start.wrapping_add(data.len() as u32)));
        prop_assert_eq!(h.budget.buffered(), 0);
        // Every Data event is attributed to frames that were fed.
        for ev in &h.events {
            if let Ev::Data(_, first, last) = ev {
                prop_assert!(1 <= *first && first <= last && *last <= order.len() as u64 + 1);
            }
        }
    }

    #[test]
    fn arbitrary_input_never_panics_and_respects_caps(
        per_direction in 0usize..4000,
        total in 0usize..6000,
        ops in prop::collection::vec(op(), 1..120),
    ) {
        let limits = ReassemblyLimits { per_direction, total };
        let mut budget = ReassemblyBudget::new(limits);
        let mut streams = [HalfStream::new(), HalfStream::new()];
        let mut lengths = [0u64; 2];
        let mut anomalies = Vec::new();
        let payload = vec![0xa5u8; 5000];
        for (i, op) in ops.into_iter().enumerate() {
            let frame = FrameNo(i as u64 + 1);
            let (which, action) = op;
            let hs = &mut streams[usize::from(which)];
            let near = |delta: i32| hs.next_seq().unwrap_or(0).wrapping_add(delta as u32);
            let total_len = &mut lengths[usize::from(which)];
            let mut out = |ev: StreamEvent<'_>| {
                match own(ev) {
                    Ev::Data(b, _, _) => {
                        assert!(!b.is_empty());
                        *total_len += b.len() as u64;
                    }
                    Ev::Gap(n, _) => {
                        assert!(n > 0);
                        *total_len += n;
                    }
                }
            };
            match action {
                Action::SegNear(delta, len) => {
                    let seq = near(delta);
                    hs.segment(seq, &payload[..len], frame, &mut budget, &mut anomalies, &mut out);
                }
                Action::Seg(seq, len) => {
                    hs.segment(seq, &payload[..len], frame, &mut budget, &mut anomalies, &mut out);
                }
                Action::AckNear(delta) => {
                    let ack = near(delta);
                    hs.peer_ack(ack, frame, &mut budget, &mut anomalies, &mut out);
                }
                Action::Ack(ack) => hs.peer_ack(ack, frame, &mut budget, &mut anomalies, &mut out),
                Action::Syn(isn) => hs.syn(isn),
                Action::FinNear(delta) => {
                    let seq = near(delta);
                    hs.fin(seq);
                }
                Action::Flush => hs.flush(frame, &mut budget, &mut anomalies, &mut out),
                Action::Discard => hs.discard(&mut budget),
            }
            for (hs, len) in streams.iter().zip(lengths) {
                prop_assert!(hs.buffered() <= hs.memory());
                prop_assert!(hs.memory() <= per_direction);
                prop_assert_eq!(hs.stream_offset(), len);
            }
            prop_assert!(budget.buffered() <= total);
            prop_assert_eq!(budget.buffered(), streams[0].memory() + streams[1].memory());
        }
        for hs in &mut streams {
            hs.flush(FrameNo(u64::MAX), &mut budget, &mut anomalies, &mut |_| {});
            prop_assert_eq!(hs.buffered(), 0);
        }
        prop_assert_eq!(budget.buffered(), 0);
    }
}

/// One step of the hostile-input property.
#[derive(Debug, Clone)]
enum Action {
    SegNear(i32, usize),
    Seg(u32, usize),
    AckNear(i32),
    Ack(u32),
    Syn(u32),
    FinNear(i32),
    Flush,
    Discard,
}

/// A step on stream 0 or 1; "near" values are relative to its next seq.
fn op() -> impl Strategy<Value = (bool, Action)> {
    let action = prop_oneof![
        8 => (-3000i32..6000, 0usize..1500).prop_map(|(d, l)| Action::SegNear(d, l)),
        2 => (any::<u32>(), 0usize..5000).prop_map(|(s, l)| Action::Seg(s, l)),
        3 => (-100i32..8000).prop_map(Action::AckNear),
        1 => any::<u32>().prop_map(Action::Ack),
        1 => any::<u32>().prop_map(Action::Syn),
        1 => (-10i32..3000).prop_map(Action::FinNear),
        1 => Just(Action::Flush),
        1 => Just(Action::Discard),
    ];
    (any::<bool>(), action)
}
