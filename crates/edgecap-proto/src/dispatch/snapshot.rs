//! [`ProtoSink::snapshot`]: the protocol results of a capture still being
//! read — what [`ProtoSink::finish`] would return if the capture ended now,
//! without ending anything. A live view (`edgecap --follow`) calls it at
//! intervals; it copies the kept messages, so it costs time and memory in
//! proportion to them, and callers space the calls out accordingly.

use super::{flow_summary, ProtoSink};
use crate::analysis::ProtoAnalysis;
use crate::icmp::link_requests;
use crate::stun::allocation::build_stories;
use crate::stun::transactions::match_transactions;

impl ProtoSink {
    /// The protocol analysis of everything fed so far. Flows still live are
    /// listed with their state so far (their unconsumed tail is not an
    /// anomaly yet); messages are sorted, STUN transactions matched and the
    /// allocation stories built exactly as [`ProtoSink::finish`] does.
    pub fn snapshot(&self) -> ProtoAnalysis {
        let mut flows = self.flows.clone();
        flows.extend(self.ended.iter().map(|(id, f)| (*id, f.clone())));
        for st in self.live.iter().flatten() {
            let f = flow_summary(st);
            flows.insert(f.id, f);
        }
        let mut messages = self.messages.clone();
        messages.sort_by_key(|d| d.frames.last);
        match_transactions(&mut messages);
        link_requests(&mut messages);
        let allocations = build_stories(&messages, &flows);
        ProtoAnalysis {
            messages,
            dropped: self.dropped.clone(),
            flows,
            anomaly_counts: self.anomaly_counts.clone(),
            allocations,
        }
    }
}

#[cfg(test)]
mod tests;
