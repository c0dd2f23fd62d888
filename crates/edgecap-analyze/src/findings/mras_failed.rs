//! `mras.request_failed` (error): a SIP SERVICE carrying an MRAS
//! `credentialsRequest` answered with an error (504 with `ms-diagnostics:
//! 1038`, 403 with 9006, 504 with 2 / SIPPROXY_E_CONNECTION_FAILED, …) or
//! never answered. Without MRAS credentials the client offers no relay
//! candidates: "Limited External Calling".
//!
//! The finding is linked to what the capture shows of the 5062 connections
//! (MRAS on the edge's internal interface): refused, unanswered SYNs, or a
//! TLS handshake ended by an alert. Frames: the SERVICE, the response and
//! those connections. Details: `status` (absent when unanswered),
//! `diagnostic`, `peer`, `port`.

use std::collections::BTreeSet;

use super::common::{frame_list, Ctx, FindingBuilder, MRAS_PORT};
use super::sip_error::{diagnostic_phrase, first_diagnostic};
use super::sip_exchanges::exchanges;
use crate::{Detail, Finding, Severity};
use edgecap_core::safe::escape_bytes;
use edgecap_net::tcp_state::TcpOutcome;
use edgecap_net::FlowId;
use edgecap_sip::message::StartLine;
use edgecap_sip::{Mras, SipMessage};

/// The finding id.
pub const ID: &str = "mras.request_failed";

/// Whether `m` is a SERVICE carrying an MRAS body.
pub fn is_mras_request(m: &SipMessage) -> bool {
    m.method() == Some(b"SERVICE") && m.body_is(edgecap_sip::mras::CONTENT_TYPE)
}

/// What to check for a failure with diagnostic `code` (and whether the
/// Winsock error says refused), from the field notes.
fn advice(code: Option<u32>, refused: bool) -> &'static str {
    match code {
        Some(1038) if refused => {
            "The edge actively refused the front end's connection to MRAS on TCP 5062: nothing \
             listens there (the A/V Authentication service is down or bound elsewhere), a firewall \
             rejects it, or the MTLS handshake fails — check the certificate chains on both sides \
             (a stale duplicate of the issuing CA in Active Directory has caused exactly this)."
        }
        Some(1038) => {
            "The front end could not connect to MRAS on the edge's internal interface (TCP 5062): \
             check that 5062 is open from the front end pool to the edge's internal interface, \
             that the edge's internal FQDN resolves to it, and both certificate chains."
        }
        Some(2) => {
            "The front end failed to connect to the next hop (SIPPROXY_E_CONNECTION_FAILED): with \
             everything else correct, front end and edge at different patch levels have caused \
             this; also check 5062 reachability and MTLS."
        }
        Some(9006) => {
            "MRAS refused the requester: the edge does not list this server (or its pool FQDN) \
             among the internal servers authorised to connect, or the default routing domain is \
             not the SIP domain."
        }
        _ => {
            "Check that TCP 5062 is open from the front end pool to the edge's internal \
             interface, that the edge's internal FQDN resolves, both certificate chains, and the \
             front end's clock: a wrong clock makes SERVICE requests expire in the outbound queue."
        }
    }
}

/// The finding's explanation for diagnostic `code` (refused: the Winsock
/// error says so).
pub(super) fn explanation(code: Option<u32>, refused: bool) -> String {
    format!(
        "Clients get their media relay credentials from MRAS on the edge through a SIP \
         SERVICE to their front end; without them they offer no relay candidates and show \
         \"Limited External Calling\", and calls to external users fail. {}",
        advice(code, refused)
    )
}

/// Whether the diagnostic's Winsock error is WSAECONNREFUSED (10061).
pub(super) fn is_refused(d: &edgecap_sip::Diagnostic) -> bool {
    d.param("WinsockFailureCode")
        .is_some_and(|w| w.starts_with(b"10061"))
}

/// One finding per failed or unanswered MRAS request.
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    let broken_5062 = broken_mras_connections(ctx);
    let mut out = Vec::new();
    for e in exchanges(ctx.analysis) {
        if !is_mras_request(&e.request.rec.msg) {
            continue;
        }
        let status = e.response.as_ref().and_then(|r| r.rec.msg.status());
        if matches!(status, Some(200..=299)) {
            continue;
        }
        let identity = Mras::parse(&e.request.rec.msg.body)
            .and_then(|m| m.identity)
            .map_or_else(|| "a user".to_string(), |i| escape_bytes(&i).into_owned());
        let mut b = FindingBuilder::default();
        b.frames([e.request.frame]).flow(e.request.flow);
        // A server log does not name the address it was reached on (0.0.0.0:0).
        let to = if e.request.dst.ip.is_unspecified() {
            String::new()
        } else {
            format!(" to {}", ctx.endpoint(e.request.dst))
        };
        let mut summary = format!(
            "MRAS request for {identity} (SERVICE CSeq {}, frame {}){to}",
            e.cseq.seq, e.request.frame,
        );
        let mut code = None;
        let mut refused = false;
        match &e.response {
            Some(r) => {
                b.frames([r.frame]).flow(r.flow);
                if let StartLine::Response { code: c, reason } = &r.rec.msg.start {
                    summary.push_str(&format!(
                        " answered {c} {} (frame {})",
                        escape_bytes(reason),
                        r.frame
                    ));
                    b.detail("status", Detail::Count(u64::from(*c)));
                }
                if let Some((h, d)) = first_diagnostic(&r.rec.msg) {
                    summary.push_str(&format!(": {}", diagnostic_phrase(h, &d)));
                    code = d.code;
                    refused = is_refused(&d);
                    if let Some(c) = d.code {
                        b.detail("diagnostic", Detail::Count(u64::from(c)));
                    }
                    if let Some(p) = d.param("Peer") {
                        b.detail("peer", Detail::Text(escape_bytes(p).into_owned()));
                    }
                    if let Some(p) = d.port() {
                        b.detail("port", Detail::Port(p));
                    }
                }
            }
            None => summary.push_str(" never answered"),
        }
        if !broken_5062.is_empty() {
            let mut frames = Vec::new();
            for (flow, fs) in &broken_5062 {
                b.flow(*flow).frames(fs.iter().copied());
                frames.extend(fs.iter().copied());
            }
            summary.push_str(&format!(
                "; TCP 5062 connections in the capture failed (frames {})",
                frame_list(&frames)
            ));
        }
        out.push(b.build(ID, Severity::Error, summary, explanation(code, refused)));
    }
    out
}

/// The flows to port 5062 that were refused, never answered or ended by a
/// TLS alert, with their SYN/RST frames.
fn broken_mras_connections(ctx: &Ctx<'_>) -> Vec<(FlowId, Vec<edgecap_core::FrameNo>)> {
    let alerted: BTreeSet<FlowId> = super::tls_handshake::failed_flows(ctx);
    ctx.analysis
        .flows
        .iter()
        .filter(|f| f.server.port == MRAS_PORT)
        .filter(|f| {
            matches!(
                f.tcp_outcome(),
                Some(TcpOutcome::Refused | TcpOutcome::SynUnanswered)
            ) || alerted.contains(&f.id)
        })
        .map(|f| {
            let mut frames = Vec::new();
            if let Some(t) = &f.tcp {
                frames.extend(t.control.syn_frames.iter().copied());
                frames.extend(t.control.rst_frames.iter().copied());
            }
            if frames.is_empty() {
                frames.push(f.first_frame);
            }
            (f.id, frames)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn the_504_with_1038_of_the_sample() {
        let all = detect_all(&capture("sip-signalling.pcap"), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1, "only the first SERVICE failed: {f:?}");
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(frames(f[0]), vec![4, 5]);
        assert_eq!(
            f[0].summary,
            "MRAS request for sip:user1@contoso.com (SERVICE CSeq 1, frame 4) to 10.10.10.1:5060 answered 504 Server time-out (frame 5): ms-diagnostics 1038 \"Failed to connect to a peer server\" (WinsockFailureCode=10061(WSAECONNREFUSED), Peer=edge-int.contoso.com, Port=5062, source=fe01.contoso.com)"
        );
        assert!(f[0].explanation.contains("Limited External Calling"));
        assert!(f[0].explanation.contains("actively refused"));
        assert!(with_id(&all, "sip.error_response")
            .iter()
            .all(|f| !f.summary.contains("SERVICE")));
    }
}
