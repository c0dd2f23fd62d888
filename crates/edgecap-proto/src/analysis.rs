//! [`ProtoAnalysis`], the immutable result of the protocol layer.
//!
//! This module owns the shape of what `ProtoSink::finish` hands to the
//! analysis and report layers: every kept [`Decoded`] in frame order with
//! transaction links filled, one [`ProtoFlow`] per flow that carried
//! payload, anomaly counts by id and the allocation stories. Iteration
//! orders are deterministic (frame order, `BTreeMap`s).

use std::collections::BTreeMap;

use super::decoder::{Decoded, ProtoMsg};
use crate::proto_flow::ProtoFlow;
use crate::stun::allocation::AllocationStory;
use crate::stun::record::StunRecord;
use edgecap_net::FlowId;

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
