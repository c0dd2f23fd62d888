//! The `calls` array of the JSON report: one object per SIP call (a
//! Call-ID with an INVITE, at most `edgecap_analyze::calls::MAX_CALLS`),
//! with its candidates, the Allocate success behind each relay candidate,
//! the ICE checks per candidate pair and the flows its media-debug values
//! name. Present only when the capture
//! holds a call. Captured strings go through
//! [`edgecap_core::safe::text_or_hex`].

use serde::Serialize;

use edgecap_analyze::calls::{Call, CallCandidate, CandidateCheck};
use edgecap_core::safe::text_or_hex;

/// One call.
#[derive(Serialize)]
pub struct CallJson {
    call_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    invite_frame: Option<u64>,
    answer: Option<u16>,
    answer_frame: Option<u64>,
    messages: u64,
    diagnostics: Vec<DiagnosticJson>,
    candidates: Vec<CandidateJson>,
    candidates_omitted: u64,
    relay_flows: Vec<u32>,
    checks: Vec<CheckJson>,
}

/// The ICE checks on one candidate pair.
#[derive(Serialize)]
struct CheckJson {
    flow: u32,
    caller: String,
    callee: String,
    requests: u64,
    first_request_frame: u64,
    /// The first success response: the pair works.
    succeeded_frame: Option<u64>,
    /// The success to the first check with USE-CANDIDATE.
    nominated_frame: Option<u64>,
    /// The fastest success round trip.
    rtt_ms: Option<f64>,
}

#[derive(Serialize)]
struct DiagnosticJson {
    code: u32,
    frame: u64,
}

#[derive(Serialize)]
struct CandidateJson {
    frame: u64,
    media: String,
    #[serde(rename = "type")]
    typ: String,
    transport: String,
    address: String,
    /// The Allocate success that handed out this relayed address.
    allocation_frame: Option<u64>,
    /// `caller` or `callee`: who signalled it.
    side: &'static str,
}

impl CallJson {
    /// The JSON form of `call`.
    pub fn new(call: &Call) -> Self {
        CallJson {
            call_id: text(&call.call_id),
            from: call.from.as_deref().map(text),
            to: call.to.as_deref().map(text),
            invite_frame: call.invite.map(|f| f.0),
            answer: call.answer.map(|(s, _)| s),
            answer_frame: call.answer.map(|(_, f)| f.0),
            messages: call.messages,
            diagnostics: call
                .diagnostics
                .iter()
                .map(|&(code, f)| DiagnosticJson { code, frame: f.0 })
                .collect(),
            candidates: call.candidates.iter().map(candidate).collect(),
            candidates_omitted: call.candidates_dropped,
            relay_flows: call.relay_flows.iter().map(|f| f.0).collect(),
            checks: call.checks.iter().map(check).collect(),
        }
    }
}

fn candidate(c: &CallCandidate) -> CandidateJson {
    CandidateJson {
        frame: c.frame.0,
        media: text(&c.media),
        typ: text(c.typ.name()),
        transport: text(&c.transport),
        address: c.addr.to_string(),
        allocation_frame: c.allocation.map(|f| f.0),
        side: if c.caller { "caller" } else { "callee" },
    }
}

fn check(k: &CandidateCheck) -> CheckJson {
    CheckJson {
        flow: k.flow.0,
        caller: k.caller.to_string(),
        callee: k.callee.to_string(),
        requests: k.requests,
        first_request_frame: k.first_request.0,
        succeeded_frame: k.succeeded.map(|f| f.0),
        nominated_frame: k.nominated.map(|f| f.0),
        rtt_ms: k.rtt_ns.map(|ns| ns as f64 / 1e6),
    }
}

fn text(b: &[u8]) -> String {
    text_or_hex(b).into_owned()
}
