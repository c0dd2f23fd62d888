//! [`ProtoAnalysis`], the immutable result of the protocol layer, and its
//! per-flow record [`ProtoFlow`].
//!
//! This module owns the shape of what `ProtoSink::finish` hands to the
//! analysis and report layers: every kept [`Decoded`] in frame order with
//! transaction links filled, one [`ProtoFlow`] per flow that carried
//! payload, anomaly counts by id and the allocation stories. Iteration
//! orders are deterministic (frame order, `BTreeMap`s).

use std::collections::BTreeMap;

use super::decoder::{Decoded, FlowSummary, ProtoMsg};
use crate::stun::allocation::AllocationStory;
use crate::stun::transactions::StunRecord;
use edgecap_net::{Endpoint, FlowId, Transport};

/// What the protocol layer learned about one flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtoFlow {
    /// The flow.
    pub id: FlowId,
    /// TCP or UDP.
    pub transport: Transport,
    /// Client endpoint.
    pub client: Endpoint,
    /// Server endpoint.
    pub server: Endpoint,
    /// The decoder chosen ("stun", "tls"), if any.
    pub decoder: Option<&'static str>,
    /// "stun", "ms-turn", "pseudo-tls+ms-turn", "tls" or "unknown".
    pub label: &'static str,
    /// The decoder's counters (default when no decoder was chosen).
    pub summary: FlowSummary,
    /// Messages emitted for this flow (kept or not).
    pub messages: u64,
    /// Stream bytes buffered but never completed when the flow ended.
    pub incomplete_tail_bytes: u64,
}

/// The protocol layer's result.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProtoAnalysis {
    /// Kept decoder outputs, sorted by (completing frame, emission order),
    /// with STUN transaction links filled.
    pub messages: Vec<Decoded>,
    /// Outputs not kept because a cap was reached, by kind ("stun", "anomaly", …).
    pub dropped: BTreeMap<&'static str, u64>,
    /// One record per flow that carried payload, by flow id.
    pub flows: BTreeMap<FlowId, ProtoFlow>,
    /// Protocol anomalies by stable id, including those inside STUN messages.
    pub anomaly_counts: BTreeMap<&'static str, u64>,
    /// The TURN allocation stories, per (transport, client, server).
    pub allocations: Vec<AllocationStory>,
}

impl ProtoAnalysis {
    /// The kept STUN records, in frame order.
    pub fn stun_records(&self) -> impl Iterator<Item = &StunRecord> {
        self.messages.iter().filter_map(|d| match &d.msg {
            ProtoMsg::Stun(r) => Some(&**r),
            _ => None,
        })
    }

    /// The label of a flow, "unknown" for flows without payload.
    pub fn flow_label(&self, id: FlowId) -> &'static str {
        self.flows.get(&id).map_or("unknown", |f| f.label)
    }
}
