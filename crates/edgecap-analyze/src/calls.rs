//! Calls: the SIP messages of a capture grouped by Call-ID into the calls
//! they set up (dialogs with an INVITE), each with its offer and answer
//! candidates, the TURN allocation behind every relay candidate (the
//! relayed address handed out in the same capture), the diagnostics codes
//! of its responses and the TCP connections its media-debug values name
//! (`LocalMR` / `RemoteMR`: the edge-to-edge connection of field case 1).
//!
//! The ICE checks between the caller's and the callee's candidates are
//! linked per candidate pair ([`checks`]).
//!
//! Built on demand from the finished analysis by the reports; linear in the
//! SIP messages, candidates and flows. At most [`MAX_CALLS`] calls and
//! [`MAX_CALL_CANDIDATES`] candidates per call are kept (the rest counted).

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, SocketAddr};

mod checks;
pub use checks::CandidateCheck;

use crate::Analysis;
use edgecap_capture::FrameNo;
use edgecap_net::FlowId;
use edgecap_proto::{ProtoMsg, StepKind};
use edgecap_sip::diagnostics::Diagnostic;
use edgecap_sip::sdp::{sdp_bodies, CandidateType, Sdp};

/// Most calls kept.
pub const MAX_CALLS: usize = 1_000;
/// Most candidates kept per call.
pub const MAX_CALL_CANDIDATES: usize = 64;

/// One candidate offered in a call's SDP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallCandidate {
    /// The SIP message that carried it.
    pub frame: FrameNo,
    /// Its media (`audio`, `applicationsharing`, …), as on the wire.
    pub media: Vec<u8>,
    /// Host, srflx, prflx, relay.
    pub typ: CandidateType,
    /// Its transport as written (`UDP`, `TCP-PASS`, …).
    pub transport: Vec<u8>,
    /// Its address.
    pub addr: SocketAddr,
    /// For a relay candidate: the Allocate success in this capture that
    /// handed out this relayed address.
    pub allocation: Option<FrameNo>,
    /// Signalled by the caller (the first INVITE's sender), else by the
    /// callee.
    pub caller: bool,
}

/// One call (a Call-ID with an INVITE).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Call {
    /// The Call-ID, as on the wire.
    pub call_id: Vec<u8>,
    /// The URI of the first INVITE's From and To.
    pub from: Option<Vec<u8>>,
    /// See `from`.
    pub to: Option<Vec<u8>>,
    /// Frame of the first INVITE.
    pub invite: Option<FrameNo>,
    /// The final response to the first INVITE: (status, frame).
    pub answer: Option<(u16, FrameNo)>,
    /// SIP messages of the call seen.
    pub messages: u64,
    /// The candidates of its offers and answers.
    pub candidates: Vec<CallCandidate>,
    /// Candidates beyond [`MAX_CALL_CANDIDATES`].
    pub candidates_dropped: u64,
    /// `ms-diagnostics` / `ms-client-diagnostics` codes with their frames.
    pub diagnostics: Vec<(u32, FrameNo)>,
    /// TCP or UDP flows between the media-debug `LocalMR` and `RemoteMR`
    /// (the NAT-ed side is matched by the relay port).
    pub relay_flows: Vec<FlowId>,
    /// For each of `relay_flows`, the media-debug's media label
    /// (`application-sharing`) and the frame of its diagnostics header.
    pub relay_media: Vec<(FlowId, Vec<u8>, FrameNo)>,
    /// The ICE checks seen between a caller's and a callee's candidate, one
    /// per candidate pair, in order of the first check.
    pub checks: Vec<CandidateCheck>,
}

/// Why a connection belongs to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallLink {
    /// A diagnostics header's `LocalMR` / `RemoteMR` name its ends (the frame
    /// of that header).
    MediaDebug(FrameNo),
    /// Its server end is a candidate the call offered or answered (the
    /// frame of that SDP).
    Candidate(FrameNo),
}

/// The call and media `flow` belongs to: one whose media-debug values name
/// it, else one with a candidate at its server end.
pub fn call_of_flow<'a>(
    calls: &'a [Call],
    analysis: &Analysis,
    flow: FlowId,
) -> Option<(&'a Call, &'a [u8], CallLink)> {
    for c in calls {
        if let Some((_, media, frame)) = c.relay_media.iter().find(|(f, _, _)| *f == flow) {
            return Some((c, media, CallLink::MediaDebug(*frame)));
        }
    }
    let server = analysis.flow(flow)?.server;
    let addr = SocketAddr::new(server.ip, server.port);
    calls.iter().find_map(|c| {
        let k = c.candidates.iter().find(|k| k.addr == addr)?;
        Some((c, k.media.as_slice(), CallLink::Candidate(k.frame)))
    })
}

/// The calls of `analysis`, in order of their first message.
pub fn calls(analysis: &Analysis) -> (Vec<Call>, u64) {
    // Built on first need: a capture without SIP calls (a busy edge's
    // usual case) pays for neither index.
    let mut relayed: Option<HashMap<SocketAddr, FrameNo>> = None;
    let mut by_end: Option<EndIndex> = None;
    let mut order: Vec<Vec<u8>> = Vec::new();
    let mut calls: BTreeMap<Vec<u8>, Call> = BTreeMap::new();
    let mut dropped = 0u64;
    // Call-ID → the `tag` of the first INVITE's From: the caller's side.
    let mut caller_tags: HashMap<Vec<u8>, Option<Vec<u8>>> = HashMap::new();
    for d in &analysis.proto.messages {
        let ProtoMsg::Sip(rec) = &d.msg else { continue };
        let m = &rec.msg;
        let Some(id) = m.call_id() else { continue };
        let frame = d.frames.last;
        if !calls.contains_key(id) {
            if m.method() != Some(b"INVITE") {
                continue;
            }
            if calls.len() >= MAX_CALLS {
                dropped += 1;
                continue;
            }
            order.push(id.to_vec());
            calls.insert(
                id.to_vec(),
                Call {
                    call_id: id.to_vec(),
                    ..Call::default()
                },
            );
        }
        let Some(call) = calls.get_mut(id) else {
            continue;
        };
        call.messages += 1;
        if m.method() == Some(b"INVITE") && call.invite.is_none() {
            call.invite = Some(frame);
            let from = m.from();
            caller_tags.insert(id.to_vec(), from.as_ref().and_then(|a| a.tag.clone()));
            call.from = from.map(|a| a.uri);
            call.to = m.to().map(|a| a.uri);
        }
        if let (Some(status), Some(c)) = (m.status(), m.cseq()) {
            if status >= 200 && c.method == b"INVITE" && call.answer.is_none() {
                call.answer = Some((status, frame));
            }
        }
        for name in ["ms-diagnostics", "ms-client-diagnostics"] {
            let Some(diag) = m.header(name).and_then(Diagnostic::parse) else {
                continue;
            };
            if let Some(code) = diag.code {
                call.diagnostics.push((code, frame));
            }
            for md in &diag.media_debug {
                let (Some(local), Some(remote)) = (md.addr("LocalMR"), md.addr("RemoteMR")) else {
                    continue;
                };
                let index = by_end.get_or_insert_with(|| end_index(analysis));
                let before = call.relay_flows.len();
                link_relay_flows(call, index, local, remote);
                for &f in &call.relay_flows[before..] {
                    call.relay_media.push((f, md.media.clone(), frame));
                }
            }
        }
        let Some(ct) = m.header("content-type") else {
            continue;
        };
        // The caller sends its own requests and the answers to the callee's.
        let ours = caller_tags.get(id) == Some(&m.from().and_then(|a| a.tag));
        let caller = ours == m.status().is_none();
        for sdp in sdp_bodies(ct, &m.body).into_iter().map(Sdp::parse) {
            for media in &sdp.media {
                for c in &media.candidates {
                    let (Some(ip), Some(port)) = (c.ip(), c.port) else {
                        continue;
                    };
                    if call.candidates.len() >= MAX_CALL_CANDIDATES {
                        call.candidates_dropped += 1;
                        continue;
                    }
                    let addr = SocketAddr::new(ip, port);
                    // RTP and RTCP components often share the address
                    // (Microsoft's TCP candidates): one entry each.
                    let seen = call.candidates.iter().any(|k| {
                        k.frame == frame
                            && k.addr == addr
                            && k.media == media.kind
                            && k.transport == c.transport.name()
                    });
                    if seen {
                        continue;
                    }
                    call.candidates.push(CallCandidate {
                        frame,
                        media: media.kind.clone(),
                        typ: c.typ.clone(),
                        transport: c.transport.name().to_vec(),
                        addr,
                        allocation: (c.typ == CandidateType::Relay)
                            .then(|| {
                                relayed
                                    .get_or_insert_with(|| relayed_index(analysis))
                                    .get(&addr)
                                    .copied()
                            })
                            .flatten(),
                        caller,
                    });
                }
            }
        }
    }
    let mut out: Vec<Call> = order
        .into_iter()
        .filter_map(|id| calls.remove(&id))
        .collect();
    checks::link(analysis, &mut out);
    (out, dropped)
}

/// Flows by one end's (address, port): (flow, the other end's port).
type EndIndex = HashMap<(IpAddr, u16), Vec<(FlowId, u16)>>;

/// Every flow under both of its ends, for the media-debug links.
fn end_index(analysis: &Analysis) -> EndIndex {
    let mut by_end: EndIndex = HashMap::new();
    for f in &analysis.flows {
        by_end
            .entry((f.client.ip, f.client.port))
            .or_default()
            .push((f.id, f.server.port));
        by_end
            .entry((f.server.ip, f.server.port))
            .or_default()
            .push((f.id, f.client.port));
    }
    by_end
}

/// The relayed address of every Allocate success, with its frame.
fn relayed_index(analysis: &Analysis) -> HashMap<SocketAddr, FrameNo> {
    analysis
        .proto
        .allocations
        .iter()
        .flat_map(|s| &s.steps)
        .filter_map(|st| match st.kind {
            StepKind::AllocateSuccess {
                relayed: Some(a), ..
            } => Some((a, st.frame)),
            _ => None,
        })
        .collect()
}

/// Flows between `local` (exact) and `remote`'s relay port on any address
/// (the edge's private side sends from the port of its public relayed
/// address), either way round.
fn link_relay_flows(call: &mut Call, by_end: &EndIndex, local: SocketAddr, remote: SocketAddr) {
    for (a, b) in [(local, remote), (remote, local)] {
        let Some(flows) = by_end.get(&(a.ip(), a.port())) else {
            continue;
        };
        for &(id, other_port) in flows {
            if other_port == b.port() && !call.relay_flows.contains(&id) {
                call.relay_flows.push(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AnalyzeOptions;

    #[test]
    fn a_call_links_its_relay_candidate_and_the_refused_edge_connection() {
        let a = crate::test_util::capture("field-call-refused.pcap", &AnalyzeOptions::default());
        let (calls, dropped) = calls(&a);
        assert_eq!((calls.len(), dropped), (1, 0));
        let c = &calls[0];
        assert_eq!(c.invite, Some(FrameNo(8)));
        assert_eq!(c.answer, Some((200, FrameNo(10))));
        assert_eq!(c.diagnostics, vec![(51007, FrameNo(10))]);
        let relay: Vec<_> = c
            .candidates
            .iter()
            .filter(|k| k.typ == CandidateType::Relay)
            .map(|k| (k.addr.to_string(), k.allocation))
            .collect();
        assert_eq!(
            relay,
            vec![
                ("2.2.2.2:58138".to_string(), Some(FrameNo(4))),
                ("1.1.1.1:50704".to_string(), None)
            ]
        );
        // RTP and RTCP sharing an address are one candidate.
        assert_eq!(c.candidates.len(), 5);
        // The refused 10.3.0.40:58138 → 1.1.1.1:50704 connection (one flow,
        // the same ISN retried) is what 51007's LocalMR/RemoteMR name.
        assert_eq!(c.relay_flows.len(), 1);
        assert_eq!(
            call_of_flow(&calls, &a, c.relay_flows[0]).map(|(_, m, l)| (m.to_vec(), l)),
            Some((
                b"application-sharing".to_vec(),
                CallLink::MediaDebug(FrameNo(10))
            ))
        );
        let f = &a.flows[c.relay_flows[0].0 as usize];
        assert_eq!(f.client.to_string(), "10.3.0.40:58138");
        assert_eq!(f.server.to_string(), "1.1.1.1:50704");
    }

    #[test]
    fn only_dialogs_with_an_invite_are_calls() {
        let a = crate::test_util::capture("sip-signalling.pcap", &AnalyzeOptions::default());
        let (calls, _) = calls(&a);
        // The MRAS SERVICE and the OPTIONS pings are no calls.
        assert_eq!(calls.len(), 2);
        assert!(calls.iter().all(|c| c.invite.is_some()));
        assert_eq!(calls[1].answer.map(|(s, _)| s), Some(488));
    }
}
