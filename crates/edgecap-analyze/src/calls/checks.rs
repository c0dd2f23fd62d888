//! The ICE connectivity checks of a call (RFC 8445 §7, [MS-ICE2]): STUN
//! Binding requests with ICE attributes seen in the capture between a
//! candidate the caller signalled and one the callee signalled — which
//! candidate pairs were checked, which succeeded (a success response to a
//! check) and which was nominated (a success to a check with
//! USE-CANDIDATE), with the fastest round trip.
//!
//! A pair is a flow whose two ends are candidates of the two sides (a
//! check from a relayed address is seen where the relay forwards it, so on
//! the relay's outside or on loopback). Bounded by the calls' candidates
//! ([`super::MAX_CALL_CANDIDATES`] per call): at most one pair per flow.

use std::collections::HashMap;
use std::net::SocketAddr;

use super::Call;
use crate::findings::is_ice_check;
use crate::Analysis;
use edgecap_capture::FrameNo;
use edgecap_net::FlowId;
use edgecap_proto::stun::{AttrKind, Class};
use edgecap_proto::{ProtoMsg, StunRecord};

/// The checks on one candidate pair of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateCheck {
    /// The flow between the two candidates.
    pub flow: FlowId,
    /// The caller's candidate of the pair.
    pub caller: SocketAddr,
    /// The callee's candidate of the pair.
    pub callee: SocketAddr,
    /// Checks sent on the pair, both ways (retransmissions once).
    pub requests: u64,
    /// Frame of the first check.
    pub first_request: FrameNo,
    /// Frame of the first success response: the pair works.
    pub succeeded: Option<FrameNo>,
    /// Frame of the success to the first check with USE-CANDIDATE: the
    /// pair the media uses.
    pub nominated: Option<FrameNo>,
    /// The fastest success round trip, nanoseconds.
    pub rtt_ns: Option<i64>,
}

/// The original STUN message completed at `frame` on `flow`.
fn record_at(analysis: &Analysis, flow: FlowId, frame: FrameNo) -> Option<&StunRecord> {
    let messages = &analysis.proto.messages;
    let start = messages.partition_point(|d| d.frames.last < frame);
    messages[start..]
        .iter()
        .take_while(|d| d.frames.last == frame)
        .find_map(|d| match &d.msg {
            ProtoMsg::Stun(r) if r.flow == flow && r.retransmission_of.is_none() => Some(&**r),
            _ => None,
        })
}

/// Fills each call's `checks` from the capture's ICE checks.
pub(super) fn link(analysis: &Analysis, calls: &mut [Call]) {
    // Candidate address → (call, signalled by the caller); the first call
    // that signalled an address owns it.
    let mut owner: HashMap<SocketAddr, (usize, bool)> = HashMap::new();
    for (i, c) in calls.iter().enumerate() {
        for k in &c.candidates {
            owner.entry(k.addr).or_insert((i, k.caller));
        }
    }
    if owner.is_empty() {
        return;
    }
    // (call, flow) → index in that call's checks.
    let mut at: HashMap<(usize, FlowId), usize> = HashMap::new();
    for d in &analysis.proto.messages {
        let ProtoMsg::Stun(r) = &d.msg else { continue };
        if r.retransmission_of.is_some() || !is_ice_check(r) {
            continue;
        }
        let Some((_, a, b)) = analysis.flow_ends(r.flow) else {
            continue;
        };
        let (a, b) = (SocketAddr::new(a.ip, a.port), SocketAddr::new(b.ip, b.port));
        let (Some(&(ca, sa)), Some(&(cb, sb))) = (owner.get(&a), owner.get(&b)) else {
            continue;
        };
        if ca != cb || sa == sb {
            continue;
        }
        let (caller, callee) = if sa { (a, b) } else { (b, a) };
        let checks = &mut calls[ca].checks;
        let k = *at.entry((ca, r.flow)).or_insert_with(|| {
            checks.push(CandidateCheck {
                flow: r.flow,
                caller,
                callee,
                requests: 0,
                first_request: r.frames.last,
                succeeded: None,
                nominated: None,
                rtt_ns: None,
            });
            checks.len() - 1
        });
        let pair = &mut checks[k];
        pair.requests += 1;
        let Some(resp) = r
            .response_in
            .and_then(|f| record_at(analysis, r.flow, f))
            .filter(|s| s.msg.msg_type.class == Class::Success)
        else {
            continue;
        };
        let frame = resp.frames.last;
        pair.succeeded = Some(pair.succeeded.map_or(frame, |f| f.min(frame)));
        if r.msg.attr(AttrKind::UseCandidate).is_some() {
            pair.nominated = Some(pair.nominated.map_or(frame, |f| f.min(frame)));
        }
        if let Some(rtt) = resp.rtt_ns {
            pair.rtt_ns = Some(pair.rtt_ns.map_or(rtt, |best| best.min(rtt)));
        }
    }
}

#[cfg(test)]
mod tests;
