//! `sdp.no_relay_candidate`: an SDP offer or answer whose candidates hold
//! no relay candidate — and no server-reflexive one either — so the
//! endpoint can only be reached on its own addresses. In the field this was
//! the visible sign of missing MRAS credentials or an Allocate the edge
//! rejected (an unknown user name from another pool's MRAS).
//!
//! Severity: `error` when an Allocate of the same host in the capture failed
//! (error, no response, challenge not answered), and the finding names it;
//! else `warning`. One finding per SIP message with such an SDP. Frames: the
//! message and the failed Allocate's last frame. Details: `media`,
//! `candidates`, `call_id`.

use std::net::IpAddr;

use super::common::{Ctx, FindingBuilder};
use super::sip_exchanges::SipAt;
use crate::{Detail, Finding, Severity};
use edgecap_core::safe::escape_bytes;
use edgecap_core::FrameNo;
use edgecap_proto::{AllocationOutcome, ProtoMsg};
use edgecap_sip::sdp::{sdp_bodies, CandidateType, Sdp};

/// The finding id.
pub const ID: &str = "sdp.no_relay_candidate";

/// The failed Allocate of `host`, if the capture has one: (server, frame, what).
fn failed_allocation(ctx: &Ctx<'_>, hosts: &[IpAddr]) -> Option<(String, FrameNo, String)> {
    ctx.analysis.proto.allocations.iter().find_map(|s| {
        if !hosts.contains(&s.client.ip) {
            return None;
        }
        let (frame, what) = match s.outcome {
            AllocationOutcome::Failed { frame, code } => (frame, format!("answered {code}")),
            AllocationOutcome::NoResponse { frame } => (frame, "never answered".to_string()),
            AllocationOutcome::ChallengeNotAnswered { frame } => {
                (frame, "challenged and not retried".to_string())
            }
            AllocationOutcome::Allocated { .. } | AllocationOutcome::NoAllocate => return None,
        };
        Some((ctx.endpoint(s.server), frame, what))
    })
}

/// One finding per SIP message whose SDP has candidates but no relay or
/// server-reflexive one.
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &ctx.analysis.proto.messages {
        let ProtoMsg::Sip(rec) = &d.msg else { continue };
        let m = &rec.msg;
        let Some(ct) = m.header("content-type") else {
            continue;
        };
        for sdp in sdp_bodies(ct, &m.body).into_iter().map(Sdp::parse) {
            let all: Vec<_> = sdp.candidates().collect();
            let reachable = all
                .iter()
                .any(|(_, c)| matches!(c.typ, CandidateType::Relay | CandidateType::Srflx));
            if all.is_empty() || reachable {
                continue;
            }
            let Some(at) = SipAt::of(ctx.analysis, d, rec) else {
                continue;
            };
            let mut hosts: Vec<IpAddr> = all.iter().filter_map(|(_, c)| c.ip()).collect();
            hosts.push(at.src.ip);
            let mut media: Vec<String> = sdp
                .media
                .iter()
                .map(|m| escape_bytes(&m.kind).into_owned())
                .collect();
            media.dedup();
            let what = match (m.method(), m.status()) {
                (Some(method), _) => escape_bytes(method).into_owned(),
                (_, Some(code)) => format!("{code} response"),
                _ => String::new(),
            };
            let mut b = FindingBuilder::default();
            b.frames([at.frame]).flow(at.flow);
            let mut summary = format!(
                "{what} from {} (frame {}) offers {} {} candidates and no relay or reflexive one",
                ctx.endpoint(at.src),
                at.frame,
                all.len(),
                media.join("/"),
            );
            let failed = failed_allocation(ctx, &hosts);
            let severity = match &failed {
                Some((server, frame, how)) => {
                    summary.push_str(&format!(
                        "; its Allocate to {server} was {how} (frame {frame})"
                    ));
                    b.frames([*frame]);
                    Severity::Error
                }
                None => Severity::Warning,
            };
            let explanation = "Without a relay candidate (a TURN allocation on the A/V edge) or a \
                 reflexive one, the endpoint can be reached only on its own addresses: calls to \
                 anyone outside its network — remote users, federated partners — have no media \
                 path. A Lync / Skype for Business client offers relay candidates when it holds \
                 MRAS credentials and its Allocate succeeded: check the MRAS SERVICE at sign-in \
                 (an error there is `mras.request_failed`) and the Allocate to the edge (an \
                 unknown user name means the credentials came from another pool's MRAS)."
                .to_string();
            b.detail("media", Detail::List(media))
                .detail("candidates", Detail::Count(all.len() as u64));
            if let Some(id) = m.call_id() {
                b.detail("call_id", Detail::Text(escape_bytes(id).into_owned()));
            }
            out.push(b.build(ID, severity, summary, explanation));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn the_host_only_mediation_invite_is_a_warning() {
        let all = detect_all(&capture("sip-signalling.pcap"), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1, "the relay offers are not reported: {f:?}");
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(frames(f[0]), vec![19]);
        assert_eq!(
            f[0].summary,
            "INVITE from 10.10.10.1:49500 (frame 19) offers 2 audio candidates and no relay or reflexive one"
        );
    }

    #[test]
    fn a_failed_allocate_of_the_same_host_makes_it_an_error() {
        use edgecap_testkit::stun as s;
        use edgecap_testkit::IpBuilder;
        let ip = IpBuilder::v4([10, 98, 2, 9], [10, 3, 0, 34]);
        let back = IpBuilder::v4([10, 3, 0, 34], [10, 98, 2, 9]);
        let mi = (0x0008, vec![0; 20]);
        let mut p = Pcap::default();
        p.push(ip.udp(50240, 3478, &s::rfc(0x0003, &s::rfc_txid(1), &[mi]).bytes()));
        let err = [(0x0009, s::error_code(436, "Unknown User"))];
        p.push(back.udp(3478, 50240, &s::rfc(0x0113, &s::rfc_txid(1), &err).bytes()));
        let sdp = "v=0\r\nm=audio 54614 RTP/AVP 0\r\na=candidate:1 1 UDP 2130706431 10.98.2.9 54614 typ host\r\n";
        let invite = format!(
            "INVITE sip:b@contoso.com SIP/2.0\r\nCall-ID: x1\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
            sdp.len()
        );
        let sip = IpBuilder::v4([10, 98, 2, 9], [10, 10, 10, 1]);
        p.push(sip.udp(5060, 5060, invite.as_bytes()));
        let all = detect_all(&p.analyze(), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1, "{all:?}");
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(frames(f[0]), vec![2, 3]);
        assert!(
            f[0].summary
                .ends_with("; its Allocate to 10.3.0.34:3478 was answered 436 (frame 2)"),
            "{}",
            f[0].summary
        );
    }
}
