//! The flows pane's order, like `tshark -z conv`: by default the flows
//! grouped by the role pair of their client and server, a heading per group
//! (the order of [`crate::ladder::Index::groups`]); or one flat list sorted
//! by a column (`o` cycles it, `r` reverses; [`on_key`]). Sorting is
//! `n log n` in the flows and is done once per key press, never per frame
//! drawn.

use std::cmp::Ordering;

use super::app::{App, Pane};
use super::loaded::Loaded;
use edgecap_net::table::FlowRecord;

/// What the flows pane is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Grouped by role pair, flows in order of first appearance.
    #[default]
    Group,
    /// Flow id (order of first appearance), ungrouped.
    Id,
    /// Client address and port.
    Client,
    /// Server address and port.
    Server,
    /// Packets, both directions.
    Packets,
    /// Bytes, both directions.
    Bytes,
    /// Last minus first packet's time.
    Duration,
    /// The application protocol label (`stun`, `tls`, …).
    Protocol,
    /// The TCP outcome (`-` for UDP).
    Outcome,
}

impl SortKey {
    /// Every key, in the order `o` cycles through them.
    pub const ALL: [SortKey; 9] = [
        SortKey::Group,
        SortKey::Id,
        SortKey::Client,
        SortKey::Server,
        SortKey::Packets,
        SortKey::Bytes,
        SortKey::Duration,
        SortKey::Protocol,
        SortKey::Outcome,
    ];

    /// The key after this one (wrapping).
    pub fn next(self) -> SortKey {
        let i = SortKey::ALL.iter().position(|k| *k == self).unwrap_or(0);
        SortKey::ALL[(i + 1) % SortKey::ALL.len()]
    }

    /// The name shown in the pane's title.
    pub fn name(self) -> &'static str {
        match self {
            SortKey::Group => "role pair",
            SortKey::Id => "id",
            SortKey::Client => "client",
            SortKey::Server => "server",
            SortKey::Packets => "packets",
            SortKey::Bytes => "bytes",
            SortKey::Duration => "duration",
            SortKey::Protocol => "protocol",
            SortKey::Outcome => "outcome",
        }
    }
}

/// One line of the flows pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowItem {
    /// The heading of `index.groups[i]` (only in the grouped order).
    Heading(usize),
    /// `analysis.flows[i]`.
    Flow(usize),
}

/// The flows pane's order: the key, its direction and the lines it gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowOrder {
    /// Sorted by.
    pub key: SortKey,
    /// Descending (grouped: groups and flows in reverse order).
    pub reverse: bool,
    /// The lines, in order.
    pub items: Vec<FlowItem>,
}

impl FlowOrder {
    /// The order of `loaded`'s flows by `key`, reversed when `reverse`.
    pub fn new(loaded: &Loaded, key: SortKey, reverse: bool) -> FlowOrder {
        FlowOrder {
            key,
            reverse,
            items: items(loaded, key, reverse),
        }
    }

    /// The title suffix: `by bytes ▼`.
    pub fn describe(&self) -> String {
        let arrow = if self.reverse { "▼" } else { "▲" };
        format!("by {} {arrow}", self.key.name())
    }
}

fn duration(f: &FlowRecord) -> f64 {
    f.last_ts.seconds_since(f.first_ts)
}

/// Compares two flows by `key` (not `Group` nor `Protocol`), ties by flow
/// order.
fn compare(loaded: &Loaded, key: SortKey, a: usize, b: usize) -> Ordering {
    let flows = &loaded.analysis.flows;
    let (fa, fb) = (&flows[a], &flows[b]);
    let outcome = |f: &FlowRecord| crate::fields::outcome_name(f.tcp_outcome());
    let by = match key {
        // Protocol is sorted on labels looked up once (see `items`).
        SortKey::Group | SortKey::Id | SortKey::Protocol => Ordering::Equal,
        SortKey::Client => fa.client.cmp(&fb.client),
        SortKey::Server => fa.server.cmp(&fb.server),
        SortKey::Packets => fa.total_packets().cmp(&fb.total_packets()),
        SortKey::Bytes => fa.total_bytes().cmp(&fb.total_bytes()),
        SortKey::Duration => duration(fa).total_cmp(&duration(fb)),
        SortKey::Outcome => outcome(fa).cmp(outcome(fb)),
    };
    by.then(a.cmp(&b))
}

fn items(loaded: &Loaded, key: SortKey, reverse: bool) -> Vec<FlowItem> {
    if key == SortKey::Group {
        let groups = &loaded.index.groups;
        let mut out = Vec::with_capacity(groups.len() + loaded.analysis.flows.len());
        let mut push = |g: usize| {
            out.push(FlowItem::Heading(g));
            let flows = &groups[g].flows;
            if reverse {
                out.extend(flows.iter().rev().map(|&i| FlowItem::Flow(i)));
            } else {
                out.extend(flows.iter().map(|&i| FlowItem::Flow(i)));
            }
        };
        if reverse {
            (0..groups.len()).rev().for_each(&mut push);
        } else {
            (0..groups.len()).for_each(&mut push);
        }
        return out;
    }
    let mut order: Vec<usize> = (0..loaded.analysis.flows.len()).collect();
    if key == SortKey::Protocol {
        // One label look-up per flow, not per comparison.
        let proto = &loaded.analysis.proto;
        let labels: Vec<&str> = loaded
            .analysis
            .flows
            .iter()
            .map(|f| proto.flow_label(f.id))
            .collect();
        order.sort_unstable_by(|&a, &b| {
            let o = labels[a].cmp(labels[b]).then(a.cmp(&b));
            if reverse {
                o.reverse()
            } else {
                o
            }
        });
        return order.into_iter().map(FlowItem::Flow).collect();
    }
    order.sort_unstable_by(|&a, &b| {
        let o = compare(loaded, key, a, b);
        if reverse {
            o.reverse()
        } else {
            o
        }
    });
    order.into_iter().map(FlowItem::Flow).collect()
}

/// `o` (next sort column) and `r` (reverse) in the flows pane.
pub fn on_key(app: &mut App, next_key: bool) {
    let (key, reverse) = (app.flow_order.key, app.flow_order.reverse);
    let (key, reverse) = if next_key {
        (key.next(), false)
    } else {
        (key, !reverse)
    };
    let Some(l) = app.loaded() else { return };
    app.flow_order = FlowOrder::new(l, key, reverse);
    app.flows.selected = 0;
    if app.focus != Pane::Flows {
        app.back.clear();
        app.focus = Pane::Flows;
    }
}

#[cfg(test)]
mod tests;
