//! The live-flow cap: when [`MAX_LIVE_FLOWS`](super::MAX_LIVE_FLOWS) flows are live and a new one
//! starts, idle flows expire and then the flows that matter least — finished
//! connections, unanswered SYNs, then the rest, oldest first — are finalised
//! early and counted in [`FlowEvictions`].

use super::{FlowSink, FlowTable, LiveFlow};
use crate::{FlowKey, NetAnomaly};
use edgecap_capture::FrameNo;

/// When the live table is full, evictions bring it down to
/// `MAX_LIVE_FLOWS - MAX_LIVE_FLOWS / EVICTION_FRACTION`, so the scan that
/// picks them is paid once per many new flows.
pub(super) const EVICTION_FRACTION: usize = 4;

/// Flows finalised early because [`MAX_LIVE_FLOWS`](super::MAX_LIVE_FLOWS) flows were live when a
/// new one started. An evicted flow with a record is ended as if it had
/// expired: its reassembly is flushed, the sink is told, its record keeps
/// its outcome; a later packet of the same 5-tuple starts a new flow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlowEvictions {
    /// Flows with a record finalised early: `finished + syn_unanswered + active`.
    pub flows: u64,
    /// Of which TCP connections already reset or closed by both sides
    /// (evicted first): nothing is lost.
    pub finished: u64,
    /// Of which unanswered SYNs (evicted next): a late SYN-ACK or
    /// retransmitted SYN would start a new flow.
    pub syn_unanswered: u64,
    /// Of which other flows — UDP, established, half-closed or midstream
    /// TCP — evicted last: if they go on, they are split into two flows.
    pub active: u64,
    /// Entries of flows beyond the record cap forgotten: a later packet of
    /// such a flow counts it again in [`FlowDrops::flows`](super::FlowDrops::flows).
    pub untracked: u64,
    /// The frame whose new flow first found the live table full.
    pub first_frame: Option<FrameNo>,
}

impl FlowEvictions {
    /// True when the live-flow cap was never hit.
    pub fn is_empty(&self) -> bool {
        self.first_frame.is_none()
    }
}

impl FlowTable {
    /// Frees live entries for a new flow when the table is full: expires
    /// idle flows (as the sweep does), then finalises the flows that come
    /// first in [`eviction_order`] until a quarter of the cap is free.
    pub(super) fn make_room(
        &mut self,
        frame: FrameNo,
        anomalies: &mut Vec<NetAnomaly>,
        sink: &mut dyn FlowSink,
    ) {
        if self.live.is_empty() {
            return;
        }
        let now = self.latest_ts.0;
        let target = self.max_live - (self.max_live / EVICTION_FRACTION).max(1);
        let excess = self.live.len().saturating_sub(target).max(1);
        // Two passes over the live flows (they need not touch the records)
        // keep the scratch small: the excess-th smallest order, then the keys
        // at or below it and of every expired flow. Ties all go, so the
        // choice depends on the flows, not on the hash table's layout.
        let mut order: Vec<u128> = self
            .live
            .iter()
            .map(|(key, live)| eviction_order(key, live, now))
            .collect();
        let threshold = *order.select_nth_unstable(excess - 1).1;
        drop(order);
        let mut victims: Vec<(u128, FlowKey)> = self
            .live
            .iter()
            .map(|(key, live)| (eviction_order(key, live, now), *key))
            .filter(|(o, _)| *o <= threshold || rank_of(*o) == RANK_EXPIRED)
            .collect();
        // Finalised in flow order, as the sweep does.
        victims.sort_unstable_by_key(|(o, _)| *o as u32);
        let evicted = &mut self.drops.evicted;
        for (o, _) in &victims {
            match (*o as u32, rank_of(*o)) {
                (_, RANK_EXPIRED) => continue,
                (UNTRACKED, _) => evicted.untracked += 1,
                (_, RANK_FINISHED) => evicted.finished += 1,
                (_, RANK_SYN_UNANSWERED) => evicted.syn_unanswered += 1,
                _ => evicted.active += 1,
            }
            evicted.first_frame.get_or_insert(frame);
        }
        evicted.flows = evicted.finished + evicted.syn_unanswered + evicted.active;
        for (_, key) in victims {
            self.end_flow(&key, frame, anomalies, sink);
        }
        // Every expired flow is gone: as good as a sweep.
        self.last_sweep = self.latest_ts;
    }
}

/// Eviction ranks: flows past their idle timeout (expired, not evicted),
/// then finished connections and untracked flows, then unanswered SYNs,
/// then everything else.
const RANK_EXPIRED: u8 = 0;
const RANK_FINISHED: u8 = 1;
const RANK_SYN_UNANSWERED: u8 = 2;
const RANK_ACTIVE: u8 = 3;
/// The id part of [`eviction_order`] for a flow without a record.
const UNTRACKED: u32 = u32::MAX;

fn rank_of(order: u128) -> u8 {
    (order >> 96) as u8
}

/// A live flow's place in the eviction order at capture time `now`,
/// smallest first: rank (bits 96..), then the time of its last packet,
/// oldest first (bits 32..96), then its flow id (bits 0..32, [`UNTRACKED`]
/// for a flow beyond the record cap).
fn eviction_order(key: &FlowKey, live: &LiveFlow, now: i64) -> u128 {
    let rank = if live.is_expired(key.transport, now) {
        RANK_EXPIRED
    } else if live.ended || live.id.is_none() {
        RANK_FINISHED
    } else if live.syn_unanswered {
        RANK_SYN_UNANSWERED
    } else {
        RANK_ACTIVE
    };
    let id = live.id.map_or(UNTRACKED, |id| id.0);
    // Offset so that negative times sort before positive ones.
    let ts = (live.last_ts.0 as u64) ^ (1 << 63);
    (u128::from(rank) << 96) | (u128::from(ts) << 32) | u128::from(id)
}
