//! Unit tests of the [`Defragmenter`] on hand-made fragments.

use super::*;

fn key(id: u32) -> FragKey {
    FragKey {
        src: "10.0.0.1".parse().unwrap(),
        dst: "10.0.0.2".parse().unwrap(),
        id,
        protocol: 17,
    }
}

fn frag(id: u32, offset: u32, data: &[u8], more: bool) -> Fragment<'_> {
    Fragment {
        key: key(id),
        offset,
        more,
        data,
        declared_len: data.len() as u32,
        header_len: 20,
        next_header: 17,
    }
}

fn ts(secs: i64) -> Timestamp {
    Timestamp::from_secs_nanos(secs, 0)
}

#[test]
fn completes_and_releases_memory() {
    let mut d = Defragmenter::new(DefragLimits::default());
    let mut a = Vec::new();
    let data: Vec<u8> = (0..24).collect();
    assert!(d
        .insert(FrameNo(1), ts(0), &frag(1, 16, &data[16..], false), &mut a)
        .is_none());
    assert!(d
        .insert(FrameNo(2), ts(0), &frag(1, 0, &data[..8], true), &mut a)
        .is_none());
    assert_eq!((d.pending(), d.buffered_bytes()), (1, 24));
    let r = d
        .insert(FrameNo(3), ts(0), &frag(1, 8, &data[8..16], true), &mut a)
        .unwrap();
    assert_eq!(
        (r.payload, r.next_header, r.truncated),
        (&data[..], 17, false)
    );
    assert_eq!(r.key, key(1));
    assert!(a.is_empty());
    assert_eq!((d.pending(), d.buffered_bytes()), (0, 0));
    assert_eq!(d.stats().reassembled, 1);
}

#[test]
fn range_merging() {
    let mut p = Pending::new(ts(0), FrameNo(1));
    for (s, e) in [(16, 24), (0, 8), (40, 48), (8, 16), (30, 42)] {
        p.insert_range(s, e);
    }
    assert_eq!(p.have, vec![(0, 24), (30, 48)]);
    p.insert_range(20, 35);
    assert_eq!(p.have, vec![(0, 48)]);
}

#[test]
fn overlap_spanning_several_held_ranges_fills_only_holes() {
    let mut d = Defragmenter::new(DefragLimits::default());
    let mut a = Vec::new();
    d.add(FrameNo(1), ts(0), &frag(1, 0, &[1; 8], true), &mut a);
    d.add(FrameNo(2), ts(0), &frag(1, 16, &[3; 8], true), &mut a);
    // 0..32 of 9s: overlaps both held ranges with different bytes.
    d.add(FrameNo(3), ts(0), &frag(1, 0, &[9; 32], true), &mut a);
    let done = d.add(FrameNo(4), ts(0), &frag(1, 32, &[4; 8], false), &mut a);
    assert!(done);
    let r = d.last_completed().unwrap();
    let want: Vec<u8> = [[1; 8], [9; 8], [3; 8], [9; 8], [4; 8]].concat();
    assert_eq!(r.payload, &want[..]);
    assert_eq!(a.len(), 1);
    assert_eq!(
        (a[0].frame, a[0].kind),
        (FrameNo(3), NetAnomalyKind::FragmentOverlapMismatch)
    );
    assert_eq!(d.stats().overlaps, 1);
}

#[test]
fn conflicting_last_fragments_keep_the_first() {
    let mut d = Defragmenter::new(DefragLimits::default());
    let mut a = Vec::new();
    d.add(FrameNo(1), ts(0), &frag(1, 8, &[2; 8], false), &mut a);
    d.add(FrameNo(2), ts(0), &frag(1, 8, &[2; 16], false), &mut a);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].kind, NetAnomalyKind::FragmentOverlapMismatch);
    assert!(d.add(FrameNo(3), ts(0), &frag(1, 0, &[1; 8], true), &mut a));
    assert_eq!(d.last_completed().unwrap().payload.len(), 16);
}

#[test]
fn expiry_is_ordered_by_first_frame_and_exact_at_the_timeout() {
    let mut d = Defragmenter::new(DefragLimits::default());
    let mut a = Vec::new();
    for id in [5, 3, 9] {
        d.add(
            FrameNo(u64::from(id)),
            ts(10),
            &frag(id, 8, &[0; 8], true),
            &mut a,
        );
    }
    d.expire(ts(39), &mut a);
    assert!(a.is_empty());
    d.expire(ts(40), &mut a);
    let frames: Vec<u64> = a.iter().map(|a| a.frame.0).collect();
    assert_eq!(frames, [3, 5, 9]);
    assert!(a.iter().all(|a| a.kind == NetAnomalyKind::FragmentTimeout));
    assert_eq!((d.pending(), d.buffered_bytes()), (0, 0));
}

#[test]
fn ipv6_keys_do_not_mix_with_ipv4() {
    let mut d = Defragmenter::new(DefragLimits::default());
    let mut a = Vec::new();
    let mut f6 = frag(1, 0, &[1; 8], true);
    f6.key.src = "::1".parse().unwrap();
    f6.key.dst = "::2".parse().unwrap();
    f6.key.protocol = 0;
    d.add(FrameNo(1), ts(0), &f6, &mut a);
    d.add(FrameNo(2), ts(0), &frag(1, 8, &[2; 8], false), &mut a);
    assert_eq!(d.pending(), 2);
    assert_eq!((d.stats().ipv4_fragments, d.stats().ipv6_fragments), (1, 1));
}
