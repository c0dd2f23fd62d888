//! Renders an [`edgecap_analyze::Analysis`] for people (text, and an HTML page
//! for tickets) and scripts (JSON).
//!
//! Reports only read the analysis; they never see packet bytes. Everything
//! printed iterates in a defined order (flows by id, anomalies by id), so the
//! same capture always gives byte-identical output. Every string that comes
//! from a capture goes through [`edgecap_core::safe`] before it is printed.

pub mod brief;
pub mod calls_text;
pub mod diagnosis;
pub mod explained;
pub mod html;
pub mod json;
pub mod json_calls;
pub mod json_diag;
pub mod json_icmp;
pub mod json_inputs;
pub mod json_join;
pub mod json_mras;
pub mod json_proto;
pub mod json_sip;
pub mod json_stun;
pub mod jsonl;
pub mod jsonl_join;
pub mod jsonl_live;
pub mod logs_text;
pub mod sink;
pub mod sip_text;
pub mod story;
pub mod text;
pub mod tls;
pub mod vantage_text;

use edgecap_analyze::Analysis;
use edgecap_proto::{AllocationStep, AllocationStory, ProtoMsg, StunRecord};

/// The allocation stories in the order their first step appears in the
/// capture (stories without steps last, in the protocol layer's order).
pub fn stories_in_order(analysis: &Analysis) -> Vec<&AllocationStory> {
    let mut v: Vec<&AllocationStory> = analysis.proto.allocations.iter().collect();
    v.sort_by_key(|s| s.steps.first().map_or(u64::MAX, |st| st.frame.0));
    v
}

/// The STUN record of an allocation step.
pub fn step_record<'a>(analysis: &'a Analysis, step: &AllocationStep) -> Option<&'a StunRecord> {
    match &analysis.proto.messages.get(step.message)?.msg {
        ProtoMsg::Stun(r) => Some(&**r),
        _ => None,
    }
}
