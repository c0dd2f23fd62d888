//! [`ProtoFlow`]: what the protocol layer learnt of one flow that carried
//! payload (which decoder took it, its label, summary and message count).
//! A plain value the allocation stories and the analysis both read.

use super::decoder::FlowSummary;
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
