//! ICE connectivity checks (RFC 8445, [MS-ICE2]): the story of a capture of
//! Binding checks between candidates — which candidate pairs were checked,
//! which succeeded, which was nominated, with what round-trip time.
//!
//! A check is a Binding request that carries ICE attributes (PRIORITY,
//! ICE-CONTROLLING or ICE-CONTROLLED). Checks are grouped into ICE sessions
//! by the pair of username fragments of their USERNAME (`RFRAG:LFRAG`, in
//! either order, so both sides' checks of one session meet); a candidate
//! pair is a flow (5-tuple). A pair succeeded when a check on it got a
//! success response; it is nominated when a check with USE-CANDIDATE did.
//!
//! * `ice.checks` (info): the session's story, for captures with no TURN
//!   Allocate (with TURN, the allocation findings tell the story and the
//!   checks are on the ladder). Details: `pairs`, `succeeded`, `requests`,
//!   `nominated` (the nominated pair), `rtt_ms` (its fastest round trip).
//! * `ice.no_pair_succeeded` (error): checks were sent and no pair of the
//!   session succeeded: media cannot flow. Details: `pairs`, `requests`,
//!   `unanswered`, `errors`.

use std::collections::BTreeMap;

use super::common::{frames_phrase, Ctx, FindingBuilder};
use crate::{Detail, Finding, Severity};
use edgecap_capture::FrameNo;
use edgecap_net::{Endpoint, FlowId};
use edgecap_proto::stun::{AttrKind, Class, Method};
use edgecap_proto::StunRecord;

/// Id of the session story.
pub const ID_CHECKS: &str = "ice.checks";
/// Id of the failure.
pub const ID_FAILED: &str = "ice.no_pair_succeeded";

/// What was seen on one candidate pair.
#[derive(Default)]
struct Pair {
    requests: u64,
    successes: u64,
    errors: u64,
    unanswered: u64,
    nominated: bool,
    /// Copies of the checks (retransmissions).
    copies: u64,
    /// Round trip of the nominating check's success, else of the fastest
    /// success, in nanoseconds.
    rtt_ns: Option<i64>,
    first_request: Option<FrameNo>,
    first_success: Option<FrameNo>,
    nominated_at: Option<FrameNo>,
}

/// One ICE session: its candidate pairs by flow.
#[derive(Default)]
struct Session {
    pairs: BTreeMap<FlowId, Pair>,
}

/// The two username fragments of a check, in a fixed order.
type SessionKey = (Vec<u8>, Vec<u8>);

fn session_key(r: &StunRecord) -> Option<SessionKey> {
    let user = r.msg.username()?;
    let colon = user.iter().position(|&b| b == b':')?;
    let (a, b) = (user[..colon].to_vec(), user[colon + 1..].to_vec());
    Some(if a <= b { (a, b) } else { (b, a) })
}

/// A Binding request with ICE attributes (PRIORITY, ICE-CONTROLLING or
/// ICE-CONTROLLED): a connectivity check.
pub(crate) fn is_check(r: &StunRecord) -> bool {
    r.msg.msg_type.method == Method::Binding
        && r.msg.msg_type.class == Class::Request
        && [
            AttrKind::Priority,
            AttrKind::IceControlling,
            AttrKind::IceControlled,
        ]
        .iter()
        .any(|k| r.msg.attr(*k).is_some())
}

/// The ICE findings of the capture.
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    let mut sessions: BTreeMap<SessionKey, Session> = BTreeMap::new();
    for (_, r) in ctx.originals() {
        if !is_check(r) {
            continue;
        }
        let Some(key) = session_key(r) else {
            continue;
        };
        let pair = sessions
            .entry(key)
            .or_default()
            .pairs
            .entry(r.flow)
            .or_default();
        pair.requests += 1;
        pair.copies += u64::from(r.retransmissions);
        pair.first_request.get_or_insert(r.frame());
        let Some(at) = r.response_in else {
            pair.unanswered += u64::from(r.unanswered);
            continue;
        };
        let Some((_, response)) = ctx.record_at(r.flow, at) else {
            continue;
        };
        if response.msg.msg_type.class == Class::Success {
            pair.successes += 1;
            pair.first_success.get_or_insert(at);
            let nominating = r.msg.attr(AttrKind::UseCandidate).is_some();
            if let Some(rtt) = response.rtt_ns {
                pair.rtt_ns = Some(match (pair.rtt_ns, nominating && !pair.nominated) {
                    (Some(best), false) => best.min(rtt),
                    _ => rtt,
                });
            }
            if nominating && !pair.nominated {
                pair.nominated = true;
                pair.nominated_at = Some(at);
            }
        } else {
            pair.errors += 1;
        }
    }
    let any_allocate = ctx
        .analysis
        .proto
        .allocations
        .iter()
        .any(|s| !s.steps.is_empty());
    let mut out = Vec::new();
    for session in sessions.values() {
        let succeeded = session.pairs.values().filter(|p| p.successes > 0).count();
        if succeeded == 0 {
            out.push(failed(ctx, session));
        } else if !any_allocate {
            out.push(story(ctx, session, succeeded));
        }
    }
    out
}

/// "192.168.1.20:50000 ↔ 198.51.100.7:60000 (UDP)".
fn pair_name(ctx: &Ctx<'_>, flow: FlowId) -> String {
    match ctx.analysis.flow_ends(flow) {
        Some((transport, a, b)) => format!(
            "{} ↔ {} ({})",
            ctx.endpoint(a),
            ctx.endpoint(b),
            transport.as_str().to_uppercase()
        ),
        None => format!("flow {flow}"),
    }
}

/// "192.168.1.20 and 10.0.0.7, 198.51.100.7": the address every pair has
/// (the side that captured, usually) and the others; else all addresses.
fn hosts(ctx: &Ctx<'_>, session: &Session) -> String {
    let mut ips: Vec<std::net::IpAddr> = Vec::new();
    let mut pairs = 0;
    let mut in_every: Option<Vec<std::net::IpAddr>> = None;
    for flow in session.pairs.keys() {
        let Some((_, a, b)) = ctx.analysis.flow_ends(*flow) else {
            continue;
        };
        pairs += 1;
        for ip in [a.ip, b.ip] {
            if !ips.contains(&ip) {
                ips.push(ip);
            }
        }
        in_every = Some(match in_every {
            None => vec![a.ip, b.ip],
            Some(v) => v
                .into_iter()
                .filter(|ip| *ip == a.ip || *ip == b.ip)
                .collect(),
        });
    }
    let names = |v: &[std::net::IpAddr]| {
        v.iter()
            .map(|ip| ctx.host(*ip))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match in_every.as_deref() {
        Some([common]) if pairs > 1 || ips.len() == 2 => {
            let others: Vec<_> = ips.iter().copied().filter(|ip| ip != common).collect();
            format!("{} and {}", ctx.host(*common), names(&others))
        }
        _ => names(&ips),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn story(ctx: &Ctx<'_>, session: &Session, succeeded: usize) -> Finding {
    let mut b = FindingBuilder::default();
    let mut requests = 0;
    for (flow, p) in &session.pairs {
        b.flow(*flow)
            .frames(p.first_request)
            .frames(p.first_success);
        requests += p.requests;
    }
    let nominated = session
        .pairs
        .iter()
        .find(|(_, p)| p.nominated)
        .or_else(|| session.pairs.iter().find(|(_, p)| p.successes > 0));
    let chosen = nominated.map(|(flow, p)| {
        b.frames(p.nominated_at);
        let rtt = p.rtt_ns.map_or(String::new(), |ns| {
            format!(", RTT {:.1} ms", ns as f64 / 1e6)
        });
        let how = if p.nominated {
            "nominated"
        } else {
            "succeeded, none nominated"
        };
        (format!("{how}: {}{rtt}", pair_name(ctx, *flow)), p)
    });
    let summary = format!(
        "ICE between {}: {} checked, {succeeded} succeeded{} ({})",
        hosts(ctx, session),
        plural(session.pairs.len(), "candidate pair", "candidate pairs"),
        chosen
            .as_ref()
            .map_or(String::new(), |(text, _)| format!("; {text}")),
        frames_phrase(&b.sorted_frames()),
    );
    let explanation = "The two sides checked candidate pairs with STUN Binding requests \
         (ICE connectivity checks) and media uses the nominated pair (USE-CANDIDATE). Pairs \
         that failed are normal as long as one succeeded: host candidates across a NAT, or \
         protocols a firewall blocks. A relay pair (through a TURN server) nominated where a \
         direct pair was expected means UDP between the hosts is blocked."
        .to_string();
    b.detail("pairs", Detail::Count(session.pairs.len() as u64))
        .detail("succeeded", Detail::Count(succeeded as u64))
        .detail("requests", Detail::Count(requests));
    if let Some((flow, p)) = nominated.filter(|(_, p)| p.nominated) {
        if let Some((_, a, z)) = ctx.analysis.flow_ends(*flow) {
            b.detail(
                "nominated",
                Detail::List(vec![endpoint_text(a), endpoint_text(z)]),
            );
        }
        if let Some(ns) = p.rtt_ns {
            b.detail("rtt_ms", Detail::Count((ns / 1_000_000).max(0) as u64));
        }
    }
    b.build(ID_CHECKS, Severity::Info, summary, explanation)
}

fn endpoint_text(e: Endpoint) -> String {
    std::net::SocketAddr::new(e.ip, e.port).to_string()
}

fn failed(ctx: &Ctx<'_>, session: &Session) -> Finding {
    let mut b = FindingBuilder::default();
    let (mut requests, mut copies, mut unanswered, mut errors) = (0, 0, 0, 0);
    for (flow, p) in &session.pairs {
        b.flow(*flow).frames(p.first_request);
        requests += p.requests;
        copies += p.copies;
        unanswered += p.unanswered;
        errors += p.errors;
    }
    // Only the outcomes that happened: "0 answered with an error" says nothing.
    let mut outcomes = String::new();
    if unanswered > 0 {
        outcomes.push_str(&format!(", {unanswered} unanswered"));
    }
    if errors > 0 {
        outcomes.push_str(&format!(", {errors} answered with an error"));
    }
    let summary = format!(
        "ICE between {}: none of the {} checked succeeded ({} sent {} times in all{outcomes}; {})",
        hosts(ctx, session),
        plural(session.pairs.len(), "candidate pair", "candidate pairs"),
        plural(requests as usize, "check", "checks"),
        requests + copies,
        frames_phrase(&b.sorted_frames()),
    );
    let explanation = "Every connectivity check between the two sides' candidates failed, so \
         the call has no path for its media: it connects and then drops, or has no audio. \
         Unanswered checks mean the packets are dropped on the way (a firewall blocking UDP \
         between the candidates, or the peer never got these candidates); error answers \
         (487 role conflict, 401 wrong credentials) point at the signalling. Check that both \
         sides offered a relay candidate (a TURN server reachable on UDP 3478 or TCP 443), \
         that the firewall allows UDP to the relay and media ports, and the candidates in the \
         SDP offer and answer."
        .to_string();
    b.detail("pairs", Detail::Count(session.pairs.len() as u64))
        .detail("requests", Detail::Count(requests))
        .detail("unanswered", Detail::Count(unanswered))
        .detail("errors", Detail::Count(errors));
    b.build(ID_FAILED, Severity::Error, summary, explanation)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn an_ice_only_capture_tells_which_pair_was_nominated() {
        let all = detect_all(&capture("ice-only.pcap"), &Default::default());
        let f = with_id(&all, ID_CHECKS);
        assert_eq!(f.len(), 1, "{all:#?}");
        let f = f[0];
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(detail(f, "pairs"), Some(&Detail::Count(2)));
        assert_eq!(detail(f, "succeeded"), Some(&Detail::Count(1)));
        assert_eq!(detail(f, "rtt_ms"), Some(&Detail::Count(12)));
        assert_eq!(
            detail(f, "nominated"),
            Some(&Detail::List(vec![
                "198.51.100.7:60002".into(),
                "192.168.1.20:50000".into()
            ]))
        );
        assert!(f.summary.contains("nominated: "), "{}", f.summary);
        assert!(with_id(&all, ID_FAILED).is_empty());
    }

    #[test]
    fn no_pair_succeeded_is_an_error() {
        let all = detect_all(&capture("ice-failed.pcap"), &Default::default());
        let f = with_id(&all, ID_FAILED);
        assert_eq!(f.len(), 1, "{all:#?}");
        let f = f[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(frames(f), vec![1, 5]);
        assert_eq!(detail(f, "requests"), Some(&Detail::Count(2)));
        assert_eq!(detail(f, "unanswered"), Some(&Detail::Count(2)));
        assert!(
            f.summary.contains("sent 8 times in all, 2 unanswered; "),
            "{}",
            f.summary
        );
        // No check was answered with an error: that outcome is not listed as "0".
        assert!(!f.summary.contains("0 answered"), "{}", f.summary);
        assert!(with_id(&all, ID_CHECKS).is_empty());
    }

    #[test]
    fn checks_beside_turn_are_left_to_the_allocation_story() {
        for name in ["field-healthy-call.pcap", "field-nat-port-rewritten.pcap"] {
            let all = detect_all(&capture(name), &Default::default());
            assert!(with_id(&all, ID_CHECKS).is_empty(), "{name}");
            assert!(with_id(&all, ID_FAILED).is_empty(), "{name}");
        }
    }
}
