//! `sip.error_response`: a SIP request answered with a final error (4xx,
//! 5xx, 6xx), with the Microsoft diagnostics header decoded — e.g. 488 with
//! `ms-client-diagnostics: 52017` "Encryption levels dont match".
//!
//! Severity: `error` for 5xx and 6xx, `warning` for 4xx. Not reported: 401
//! and 407 (authentication challenges), 487 (a cancelled request) and the
//! MRAS SERVICE failures, which are `mras.request_failed`. Frames: request
//! and response. Details: `status`, `method`, `diagnostic` (code).

use super::common::{Ctx, FindingBuilder};
use super::mras_failed::is_mras_request;
use super::sip_exchanges::exchanges;
use crate::{Detail, Finding, Severity};
use edgecap_core::safe::escape_bytes;
use edgecap_sip::message::StartLine;
use edgecap_sip::Diagnostic;

/// The finding id.
pub const ID: &str = "sip.error_response";

/// The first diagnostics header of a message, decoded: (header, value).
pub fn first_diagnostic(m: &edgecap_sip::SipMessage) -> Option<(&'static str, Diagnostic)> {
    [
        "ms-diagnostics",
        "ms-client-diagnostics",
        "ms-diagnostics-public",
    ]
    .into_iter()
    .find_map(|h| Some((h, m.header(h).and_then(Diagnostic::parse)?)))
}

/// `1038 "reason" (Peer=…, Port=…)` of a diagnostic.
pub fn diagnostic_phrase(name: &str, d: &Diagnostic) -> String {
    let mut s = format!(
        "{name} {}",
        d.code.map_or_else(|| "-".to_string(), |c| c.to_string())
    );
    if let Some(r) = d.reason() {
        s.push_str(&format!(" \"{}\"", escape_bytes(r)));
    }
    let keys = [
        "WinsockFailureCode",
        "HRESULT",
        "Peer",
        "Port",
        "component",
        "source",
    ];
    let params: Vec<String> = keys
        .iter()
        .filter_map(|k| d.param(k).map(|v| format!("{k}={}", escape_bytes(v))))
        .collect();
    if !params.is_empty() {
        s.push_str(&format!(" ({})", params.join(", ")));
    }
    s
}

/// Whether a final response `code` to `request` is this finding's: an
/// error other than a challenge, a cancel or an MRAS failure.
pub(super) fn is_reported(code: u16, request: &edgecap_sip::SipMessage) -> bool {
    (400..=699).contains(&code) && !matches!(code, 401 | 407 | 487) && !is_mras_request(request)
}

/// `error` for 5xx and 6xx, `warning` for 4xx.
pub(super) fn severity(code: u16) -> Severity {
    if code >= 500 {
        Severity::Error
    } else {
        Severity::Warning
    }
}

/// The explanation for status `code` with its decoded diagnostic.
pub(super) fn explanation(code: u16, diag: Option<&Diagnostic>) -> String {
    let class = match code {
        400..=499 => "The request was refused (4xx): the server or the far end understood it but will not do it as asked.",
        500..=599 => "The server failed (5xx): it could not complete the request — often a hop behind it (another server, the edge) was unreachable or timed out.",
        _ => "A global failure (6xx): the far end refuses the request everywhere.",
    };
    let mut explanation = class.to_string();
    if let Some(meaning) = diag.and_then(Diagnostic::meaning) {
        explanation.push_str(&format!(" The diagnostic code means: {meaning}."));
    }
    explanation
}

/// One finding per request answered with an error.
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in exchanges(ctx.analysis) {
        let Some(resp) = &e.response else { continue };
        let Some(code) = resp.rec.msg.status() else {
            continue;
        };
        if !is_reported(code, &e.request.rec.msg) {
            continue;
        }
        let reason = match &resp.rec.msg.start {
            StartLine::Response { reason, .. } => escape_bytes(reason).into_owned(),
            StartLine::Request { .. } => String::new(),
        };
        let method = escape_bytes(&e.cseq.method).into_owned();
        let mut b = FindingBuilder::default();
        b.frames([e.request.frame, resp.frame])
            .flow(e.request.flow)
            .flow(resp.flow);
        let diag = first_diagnostic(&resp.rec.msg);
        let mut summary = format!(
            "{} answered {method} (CSeq {}) from {} with {code} {reason} (frame {})",
            ctx.endpoint(resp.src),
            e.cseq.seq,
            ctx.endpoint(e.request.src),
            resp.frame
        );
        if let Some((h, d)) = &diag {
            summary.push_str(&format!(": {}", diagnostic_phrase(h, d)));
        }
        let explanation = explanation(code, diag.as_ref().map(|(_, d)| d));
        b.detail("status", Detail::Count(u64::from(code)))
            .detail("method", Detail::Text(method));
        if let Some(c) = diag.as_ref().and_then(|(_, d)| d.code) {
            b.detail("diagnostic", Detail::Count(u64::from(c)));
        }
        out.push(b.build(ID, severity(code), summary, explanation));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn the_488_of_the_sample_is_a_warning_with_its_diagnostic() {
        let all = detect_all(&capture("sip-signalling.pcap"), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(frames(f[0]), vec![19, 20]);
        assert_eq!(
            f[0].summary,
            "10.10.10.5:5068 answered INVITE (CSeq 1) from 10.10.10.1:49500 with 488 Not Acceptable Here (frame 20): ms-client-diagnostics 52017 \"Encryption levels dont match\""
        );
        assert!(f[0].explanation.contains("encryption levels dont match"));
    }
}
