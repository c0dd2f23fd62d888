//! The sessions of a capture, like sngrep's call list: one per TURN client
//! allocation (client, edge, how it ended, relayed address, errors, first
//! frame) and one per SIP call when SIP is decoded (From, To, final answer,
//! relay candidates, diagnostics codes), each with the flows that carried
//! it, so the ladder can show that session alone (`s`, then Enter).
//!
//! Built once when loading ends, linear in the allocation steps, the SIP
//! messages and the calls' candidates (allocations are bounded by the
//! protocol layer's caps, calls by [`edgecap_analyze::calls::MAX_CALLS`]).
//! Every string from the capture is escaped here.

use std::collections::{BTreeSet, HashMap};

use edgecap_analyze::calls::{calls, Call};
use edgecap_analyze::{Analysis, Diagnosis};
use edgecap_capture::FrameNo;
use edgecap_core::safe::escape_bytes;
use edgecap_net::FlowId;
use edgecap_proto::stun::error_name;
use edgecap_proto::{AllocationOutcome, AllocationStory, ProtoMsg, StepKind};
use edgecap_sip::sdp::CandidateType;

/// How a session ended, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// Allocated, or the call was answered 2xx.
    Success,
    /// Rejected: an Allocate error or unanswered challenge, a call's error
    /// answer.
    Failed,
    /// No answer at all (or none in the capture).
    Unanswered,
}

impl SessionState {
    /// The word in the state column.
    pub fn word(self) -> &'static str {
        match self {
            SessionState::Success => "success",
            SessionState::Failed => "failed",
            SessionState::Unanswered => "unanswered",
        }
    }
}

/// One row of the sessions view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// `udp` or `tcp` (the allocation's transport), or `call`.
    pub kind: String,
    /// The TURN client's address, or the call's From URI (escaped).
    pub client: String,
    /// The edge (address, then role), or the call's To URI (escaped).
    pub server: String,
    /// How it ended.
    pub state: SessionState,
    /// The relayed address, or the call's relay candidates (`-` if none).
    pub relayed: String,
    /// Error codes and reasons, comma-separated (`-` if none).
    pub errors: String,
    /// The first frame of the session.
    pub first_frame: FrameNo,
    /// The flows that carried it, ascending.
    pub flows: Vec<FlowId>,
}

/// The sessions of `analysis`: allocations, then calls, each list in order
/// of first frame.
pub fn sessions(analysis: &Analysis, diagnosis: &Diagnosis) -> Vec<Session> {
    let stories = &analysis.proto.allocations;
    let mut out: Vec<Session> = stories.iter().map(|s| allocation(s, diagnosis)).collect();
    out.sort_by_key(|s| s.first_frame);
    let (calls, _) = calls(analysis);
    if !calls.is_empty() {
        let sip = sip_flows(analysis);
        let allocated: HashMap<FrameNo, &AllocationStory> = stories
            .iter()
            .filter_map(|s| match s.outcome {
                AllocationOutcome::Allocated { frame, .. } => Some((frame, s)),
                _ => None,
            })
            .collect();
        let mut rows: Vec<Session> = calls.iter().map(|c| call(c, &sip, &allocated)).collect();
        rows.sort_by_key(|s| s.first_frame);
        out.extend(rows);
    }
    out
}

fn allocation(s: &AllocationStory, diagnosis: &Diagnosis) -> Session {
    let (state, relayed) = match s.outcome {
        AllocationOutcome::Allocated { relayed, .. } => (
            SessionState::Success,
            relayed.map_or_else(|| "-".to_string(), |r| r.to_string()),
        ),
        AllocationOutcome::Failed { .. } | AllocationOutcome::ChallengeNotAnswered { .. } => {
            (SessionState::Failed, "-".to_string())
        }
        AllocationOutcome::NoResponse { .. } | AllocationOutcome::NoAllocate => {
            (SessionState::Unanswered, "-".to_string())
        }
    };
    let mut errors: Vec<String> = Vec::new();
    // Challenges to a request that already carried credentials are
    // rejections (wrong password), not the normal first 401.
    let mut authenticated = false;
    let mut rejected: Option<(u16, usize)> = None;
    for step in &s.steps {
        let text = match &step.kind {
            StepKind::AllocateRequest {
                authenticated: a, ..
            } => {
                authenticated = *a;
                continue;
            }
            StepKind::Challenge { code, .. } if authenticated => {
                let n = rejected.map_or(0, |(_, n)| n);
                rejected = Some((*code, n + 1));
                continue;
            }
            StepKind::Error { code, .. } => match error_name(*code) {
                "" => code.to_string(),
                name => format!("{code} {name}"),
            },
            _ => continue,
        };
        if !errors.contains(&text) {
            errors.push(text);
        }
    }
    if let Some((code, n)) = rejected {
        errors.push(format!("{code} {} to credentials ×{n}", error_name(code)));
    }
    if let AllocationOutcome::ChallengeNotAnswered { .. } = s.outcome {
        errors.push("challenge not answered".to_string());
    }
    if let AllocationOutcome::NoResponse { .. } = s.outcome {
        errors.push("no response".to_string());
    }
    // The address first: a narrow screen cuts the role, not the address.
    let edge = match diagnosis.roles.role_of(s.server.ip) {
        Some(r) => format!("{} {}", s.server, r.words()),
        None => s.server.to_string(),
    };
    let mut flows = s.flows.clone();
    flows.sort_unstable();
    flows.dedup();
    Session {
        kind: s.transport.as_str().to_string(),
        client: s.client.to_string(),
        server: edge,
        state,
        relayed,
        errors: joined(errors),
        first_frame: s.steps.first().map_or(FrameNo(0), |st| st.frame),
        flows,
    }
}

fn joined(list: Vec<String>) -> String {
    if list.is_empty() {
        "-".to_string()
    } else {
        list.join(", ")
    }
}

/// The flows carrying each Call-ID's SIP messages.
fn sip_flows(analysis: &Analysis) -> HashMap<Vec<u8>, BTreeSet<FlowId>> {
    let mut out: HashMap<Vec<u8>, BTreeSet<FlowId>> = HashMap::new();
    for d in &analysis.proto.messages {
        let ProtoMsg::Sip(rec) = &d.msg else { continue };
        if let Some(id) = rec.msg.call_id() {
            match out.get_mut(id) {
                Some(set) => {
                    set.insert(d.flow);
                }
                None => {
                    out.insert(id.to_vec(), BTreeSet::from([d.flow]));
                }
            }
        }
    }
    out
}

fn call(
    c: &Call,
    sip: &HashMap<Vec<u8>, BTreeSet<FlowId>>,
    allocated: &HashMap<FrameNo, &AllocationStory>,
) -> Session {
    let mut flows: BTreeSet<FlowId> = sip.get(&c.call_id).cloned().unwrap_or_default();
    flows.extend(c.relay_flows.iter().copied());
    let mut relays: Vec<String> = Vec::new();
    for cand in c
        .candidates
        .iter()
        .filter(|c| c.typ == CandidateType::Relay)
    {
        let text = cand.addr.to_string();
        if !relays.contains(&text) {
            relays.push(text);
        }
        if let Some(story) = cand.allocation.and_then(|f| allocated.get(&f)) {
            flows.extend(story.flows.iter().copied());
        }
    }
    let state = match c.answer {
        Some((s, _)) if s < 300 => SessionState::Success,
        Some(_) => SessionState::Failed,
        None => SessionState::Unanswered,
    };
    let mut errors: Vec<String> = Vec::new();
    if let Some((s, _)) = c.answer.filter(|(s, _)| *s >= 300) {
        errors.push(s.to_string());
    }
    for (code, _) in &c.diagnostics {
        let text = format!("diag {code}");
        if !errors.contains(&text) {
            errors.push(text);
        }
    }
    let uri = |u: &Option<Vec<u8>>| {
        u.as_deref()
            .map_or_else(|| "?".to_string(), |b| escape_bytes(b).into_owned())
    };
    Session {
        kind: "call".to_string(),
        client: uri(&c.from),
        server: uri(&c.to),
        state,
        relayed: joined(relays),
        errors: joined(errors),
        first_frame: c.invite.unwrap_or(FrameNo(0)),
        flows: flows.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests;
