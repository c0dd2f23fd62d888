//! The flows pane's order on real captures: every sort key against an
//! independent check of adjacent pairs, reversal, and the grouped order's
//! headings.

use std::cmp::Ordering;

use super::{FlowItem, FlowOrder, SortKey};
use crate::tui::loaded::Loaded;
use crate::tui::tests::field;

fn flows(order: &FlowOrder) -> Vec<usize> {
    order
        .items
        .iter()
        .filter_map(|i| match i {
            FlowItem::Flow(f) => Some(*f),
            FlowItem::Heading(_) => None,
        })
        .collect()
}

/// How flows `a` and `b` compare under `key`, computed from the raw
/// fields (not through the module's comparator).
fn cmp(l: &Loaded, key: SortKey, a: usize, b: usize) -> Ordering {
    let (fa, fb) = (&l.analysis.flows[a], &l.analysis.flows[b]);
    let dur = |f: &edgecap_net::table::FlowRecord| f.last_ts.0 - f.first_ts.0;
    let outcome = |f: &edgecap_net::table::FlowRecord| f.tcp_outcome().map_or("-", |o| o.as_str());
    match key {
        SortKey::Group | SortKey::Id => a.cmp(&b),
        SortKey::Client => (fa.client.ip, fa.client.port).cmp(&(fb.client.ip, fb.client.port)),
        SortKey::Server => (fa.server.ip, fa.server.port).cmp(&(fb.server.ip, fb.server.port)),
        SortKey::Packets => (fa.packets[0] + fa.packets[1]).cmp(&(fb.packets[0] + fb.packets[1])),
        SortKey::Bytes => (fa.bytes[0] + fa.bytes[1]).cmp(&(fb.bytes[0] + fb.bytes[1])),
        SortKey::Duration => dur(fa).cmp(&dur(fb)),
        SortKey::Protocol => l
            .analysis
            .proto
            .flow_label(fa.id)
            .cmp(l.analysis.proto.flow_label(fb.id)),
        SortKey::Outcome => outcome(fa).cmp(outcome(fb)),
    }
}

#[test]
fn every_key_sorts_every_flow_once_both_ways() {
    for name in ["tcp-outcomes.pcap", "coturn-loopback.pcap"] {
        let l = field(name);
        let n = l.analysis.flows.len();
        assert!(n >= 8, "{name}: {n} flows");
        for key in SortKey::ALL.into_iter().filter(|k| *k != SortKey::Group) {
            for reverse in [false, true] {
                let got = flows(&FlowOrder::new(&l, key, reverse));
                let mut seen = got.clone();
                seen.sort_unstable();
                assert_eq!(seen, (0..n).collect::<Vec<_>>(), "{name} {key:?}");
                for w in got.windows(2) {
                    let o = cmp(&l, key, w[0], w[1]);
                    let ok = if reverse { o.is_ge() } else { o.is_le() };
                    assert!(ok, "{name} {key:?} rev={reverse}: {} then {}", w[0], w[1]);
                    if o.is_eq() {
                        assert_eq!(w[0] < w[1], !reverse, "ties keep flow order");
                    }
                }
            }
        }
    }
}

#[test]
fn bytes_descending_puts_the_biggest_flow_first() {
    let l = field("tcp-outcomes.pcap");
    let got = flows(&FlowOrder::new(&l, SortKey::Bytes, true));
    let max = l.analysis.flows.iter().map(|f| f.total_bytes()).max();
    assert_eq!(Some(l.analysis.flows[got[0]].total_bytes()), max);
    assert_eq!(
        FlowOrder::new(&l, SortKey::Bytes, true).describe(),
        "by bytes ▼"
    );
}

#[test]
fn the_grouped_order_keeps_role_pairs_as_headings() {
    let l = field("field-desktop-sharing-refused.pcap");
    let order = FlowOrder::new(&l, SortKey::Group, false);
    let headings = order
        .items
        .iter()
        .filter(|i| matches!(i, FlowItem::Heading(_)))
        .count();
    assert_eq!(headings, l.index.groups.len());
    assert_eq!(order.items[0], FlowItem::Heading(0));
    // Each flow sits under the heading of its own group.
    let mut group = None;
    for item in &order.items {
        match *item {
            FlowItem::Heading(g) => group = Some(g),
            FlowItem::Flow(f) => {
                let g = group.expect("a heading first");
                assert!(l.index.groups[g].flows.contains(&f), "flow {f} group {g}");
            }
        }
    }
    let reversed = FlowOrder::new(&l, SortKey::Group, true);
    assert_eq!(
        reversed.items[0],
        FlowItem::Heading(l.index.groups.len() - 1)
    );
    assert_eq!(flows(&reversed).len(), l.analysis.flows.len());
}

#[test]
fn o_cycles_through_every_key_and_back() {
    let mut k = SortKey::default();
    let mut seen = Vec::new();
    for _ in 0..SortKey::ALL.len() {
        seen.push(k);
        k = k.next();
    }
    assert_eq!(k, SortKey::Group);
    assert_eq!(seen, SortKey::ALL.to_vec());
}
