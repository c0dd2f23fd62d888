//! `turn.allocation_failed`: an Allocate rejected with any error other than
//! the challenge, authentication (401/431/441), unknown user (436) and stale
//! nonce (438): 403, 437, 442, 486, 508, 500, … with the code's meaning.
//!
//! Severity: `error`; `warning` when a later Allocate on the same path
//! succeeded. Frames: each rejected request and its error response (and the
//! later success). Details: `code`, `count`, `port`, `reason` (wire phrase,
//! printable ASCII only).

use super::common::{frames_phrase, Ctx};
use super::errors::{code_phrase, groups, meaning, ErrorGroup, ErrorKind};
use crate::{Detail, Finding, Severity};

/// The finding id.
pub const ID: &str = "turn.allocation_failed";

/// One finding per (flow, code).
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    groups(ctx, ErrorKind::AllocationFailed)
        .into_iter()
        .map(|g| failed(ctx, &g, ID, Severity::Error))
        .collect()
}

/// A finding for one group of rejected requests: `severity` when nothing
/// recovered, `warning` (or `info` for a warning-level id) when a later
/// request of the same method succeeded.
pub fn failed(ctx: &Ctx<'_>, g: &ErrorGroup<'_>, id: &'static str, severity: Severity) -> Finding {
    let mut b = g.evidence();
    let n = g.responses.len() as u64;
    let (name, advice) = meaning(g.code);
    let recovered = g.later_success(ctx);
    let severity = match (recovered, severity) {
        (None, s) => s,
        (Some(_), Severity::Error) => Severity::Warning,
        (Some(_), _) => Severity::Info,
    };
    let what = if n == 1 {
        format!("{} request", g.method.name())
    } else {
        format!("{n} {} requests", g.method.name())
    };
    let mut summary = format!(
        "{} rejected the {what} of {} with {} ({})",
        ctx.endpoint_or(g.server, "server"),
        ctx.endpoint_or(g.client, "client"),
        code_phrase(g.code),
        frames_phrase(&b.sorted_frames()),
    );
    let mut explanation = format!("{}: {advice}", code_phrase(g.code));
    if let Some(reason) = g.reason() {
        if !reason.eq_ignore_ascii_case(name) {
            explanation.push_str(&format!(" The server's phrase: \"{reason}\"."));
        }
        b.detail("reason", Detail::Text(reason));
    }
    if let Some(f) = recovered {
        summary.push_str(&format!(
            "; a later {} succeeded (frame {f})",
            g.method.name()
        ));
        explanation.push_str(&format!(
            " A later {} on the same path succeeded (frame {f}).",
            g.method.name()
        ));
        b.frames([f]);
    }
    let mut details = vec![
        ("code", Detail::Text(g.code.to_string())),
        ("count", Detail::Count(n)),
        ("port", Detail::Port(g.server.port)),
    ];
    if id != ID {
        details.insert(0, ("method", Detail::Text(g.method.name().to_string())));
    }
    let mut out = b.build(id, severity, summary, explanation);
    let rest = std::mem::take(&mut out.details);
    out.details = details;
    out.details.extend(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::Role;
    use edgecap_testkit::stun as s;
    use edgecap_testkit::IpBuilder;

    fn exchange(p: &mut Pcap, n: u8, code: u16, reason: &str) {
        let ip = IpBuilder::v4([10, 98, 2, 1], [10, 3, 0, 34]);
        let back = IpBuilder::v4([10, 3, 0, 34], [10, 98, 2, 1]);
        let req = s::rfc(0x0003, &s::rfc_txid(n), &[(0x0008, vec![0; 20])]).bytes();
        p.push(ip.udp(50040, 3478, &req));
        let resp = if code == 0 {
            s::rfc(0x0103, &s::rfc_txid(n), &[]).bytes()
        } else {
            s::rfc(
                0x0113,
                &s::rfc_txid(n),
                &[(0x0009, s::error_code(code, reason))],
            )
            .bytes()
        };
        p.push(back.udp(3478, 50040, &resp));
    }

    #[test]
    fn quota_reached_is_an_error_with_its_meaning() {
        let mut p = Pcap::default();
        exchange(&mut p, 1, 486, "Allocation Quota Reached");
        let r = roles(&[("10.3.0.34", Role::InternalEdge)]);
        let all = detect_all(&p.analyze(), &r);
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        let f = f[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(frames(f), vec![1, 2]);
        assert_eq!(
            f.summary,
            "internal edge 10.3.0.34:3478 rejected the Allocate request of client \
             10.98.2.1:50040 with 486 Allocation Quota Reached (frames 1-2)"
        );
        assert!(f.explanation.contains("too many allocations"));
        assert_eq!(detail(f, "code"), Some(&Detail::Text("486".into())));
    }

    #[test]
    fn mismatch_then_success_is_a_warning_and_reason_is_made_safe() {
        let mut p = Pcap::default();
        exchange(&mut p, 1, 437, "Mismatch\x1b[2J");
        exchange(&mut p, 2, 0, "");
        let all = detect_all(&p.analyze(), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(frames(f[0]), vec![1, 2, 4]);
        assert!(f[0].explanation.contains("\"Mismatch\\x1b[2J\""));
        assert!(!f[0].explanation.contains('\x1b'));
    }
}
