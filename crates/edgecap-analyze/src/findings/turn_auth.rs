//! `turn.auth_failed`: an authenticated Allocate (one carrying
//! MESSAGE-INTEGRITY) answered 401, 431 or 441 — wrong password, expired or
//! foreign MRAS credentials. The first 401 to the anonymous Allocate is the
//! normal challenge and never a finding.
//!
//! Severity: `error`; `warning` when a later Allocate on the same path
//! succeeded (the client recovered, e.g. after fetching new credentials).
//! Frames: each rejected authenticated request and its error response (the
//! later success too, when there is one). Details: `code`, `count`, `port`,
//! `integrity` (`valid`/`invalid` when a `--credential` applied).

use super::common::{frames_phrase, Ctx};
use super::errors::{groups, meaning, ErrorGroup, ErrorKind};
use crate::Integrity;
use crate::{Detail, Finding, Severity};
use edgecap_proto::stun::Dialect;

/// The finding id.
pub const ID: &str = "turn.auth_failed";

/// One finding per (flow, method, code).
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    groups(ctx, ErrorKind::AuthFailed)
        .into_iter()
        .map(|g| finding(ctx, &g))
        .collect()
}

fn finding(ctx: &Ctx<'_>, g: &ErrorGroup<'_>) -> Finding {
    let mut b = g.evidence();
    let n = g.responses.len() as u64;
    let recovered = g.later_success(ctx);
    let severity = if recovered.is_some() {
        Severity::Warning
    } else {
        Severity::Error
    };
    let what = if n == 1 {
        "an authenticated Allocate".to_string()
    } else {
        format!("{n} authenticated Allocate requests")
    };
    let (name, _) = meaning(g.code);
    let mut summary = format!(
        "{} rejected {what} from {} with {} {name} ({})",
        ctx.endpoint_or(g.server, "server"),
        ctx.endpoint_or(g.client, "client"),
        g.code,
        frames_phrase(&b.sorted_frames()),
    );
    let ms = g
        .responses
        .iter()
        .chain(g.requests.iter().map(|(_, q)| q))
        .any(|r| r.msg.dialect == Dialect::MsTurn);
    let mut explanation = String::from(
        "The client answered the challenge with USERNAME, REALM, NONCE and \
         MESSAGE-INTEGRITY, and the server still refused: the credentials are wrong for this \
         server. ",
    );
    if ms {
        explanation.push_str(
            "On an A/V edge the credentials come from MRAS and are valid for 8 hours: expired \
             credentials (a client that stayed signed in across a long sleep, or clocks that \
             disagree between front end and edge), or credentials issued by another pool's MRAS \
             (the edge checks them against its own shared secret). Check the MRAS exchange at \
             sign-in, the clocks of front end and edge, and that the user's pool points to \
             this edge pool.",
        );
    } else {
        explanation.push_str(
            "Usually a wrong password or a user the server does not have (coturn answers an \
             unknown user with 401 too), an expired time-limited (REST API) credential, or a \
             shared secret that differs between the credential issuer and the TURN server. \
             Check the server's user database or secret, and the server log for the reason.",
        );
    }
    if g.responses.len() > 1 {
        explanation.push_str(
            " The client kept retrying with the same credentials, which never works: fix the \
             credentials, not the network.",
        );
    }
    let integrity: Vec<Integrity> = g.requests.iter().map(|(_, q)| q.integrity).collect();
    let verdict = if integrity.contains(&Integrity::Invalid) {
        explanation.push_str(
            " MESSAGE-INTEGRITY does NOT verify with the credential you supplied: the client \
             used a different password (or username/realm) than you expect.",
        );
        Some("invalid")
    } else if integrity.contains(&Integrity::Valid) {
        explanation.push_str(
            " MESSAGE-INTEGRITY verifies with the credential you supplied: the client used that \
             password, so the server does not accept it (another password on the server, \
             expired, or another realm).",
        );
        Some("valid")
    } else {
        None
    };
    if let Some(f) = recovered {
        summary.push_str(&format!("; a later Allocate succeeded (frame {f})"));
        b.frames([f]);
    }
    b.detail("code", Detail::Text(g.code.to_string()))
        .detail("count", Detail::Count(n))
        .detail("port", Detail::Port(g.server.port));
    if let Some(v) = verdict {
        b.detail("integrity", Detail::Text(v.to_string()));
    }
    b.build(ID, severity, summary, explanation)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use edgecap_testkit::stun as s;
    use edgecap_testkit::IpBuilder;

    #[test]
    fn coturn_wrong_password_and_unknown_user() {
        let a = capture("coturn-loopback.pcap");
        let all = detect_all(&a, &Default::default());
        let f = with_id(&all, ID);
        // Wrong password and unknown user: coturn answers both with 401, one
        // cause for the admin (credentials wrong for this server), one finding.
        assert_eq!(f.len(), 1, "{f:#?}");
        let f = f[0];
        assert_eq!(f.severity, Severity::Error);
        assert!(f.summary.contains("with 401 Unauthorized"));
        assert!(f.explanation.contains("wrong password"));
        // Wrong password: 31 authenticated Allocates 89, 91, … 149 and their 401s.
        assert_eq!(detail(f, "count"), Some(&Detail::Count(31)));
        assert!(f.summary.contains("client 127.0.0.1:40515"));
        assert!(f.summary.contains("31 authenticated Allocate requests"));
        assert!(f
            .summary
            .contains("(frames 89-150); and 1 more like it (frames 153-"));
        assert_eq!(detail(f, "similar"), Some(&Detail::Count(1)));
        assert_eq!(f.flows.len(), 2);
        // The challenges to the anonymous Allocates (2, 8, 46, 57, 88, 152) are not findings.
        assert!(!f.frames.iter().any(|n| [2, 8, 88, 152].contains(&n.0)));
    }

    #[test]
    fn challenge_to_anonymous_allocate_is_normal() {
        let all = detect_all(&capture("msturn-tcp443.pcap"), &Default::default());
        assert!(with_id(&all, ID).is_empty());
        assert!(with_id(&all, "turn.allocation_failed").is_empty());
    }

    #[test]
    fn ms_turn_431_then_success_is_a_warning() {
        let ip = IpBuilder::v4([10, 98, 2, 1], [10, 3, 0, 34]);
        let back = IpBuilder::v4([10, 3, 0, 34], [10, 98, 2, 1]);
        let mi = (0x0008, vec![0; 20]);
        let mut p = Pcap::default();
        p.push(ip.udp(
            50040,
            3478,
            &s::ms(0x0003, &s::rfc_txid(1), &[s::ms_magic_cookie(), mi.clone()]).bytes(),
        ));
        let err = [
            s::ms_magic_cookie(),
            (0x0009, s::error_code(431, "Integrity Check Failure")),
        ];
        p.push(back.udp(3478, 50040, &s::ms(0x0113, &s::rfc_txid(1), &err).bytes()));
        p.push(ip.udp(
            50040,
            3478,
            &s::ms(0x0003, &s::rfc_txid(2), &[s::ms_magic_cookie(), mi]).bytes(),
        ));
        p.push(back.udp(
            3478,
            50040,
            &s::ms(0x0103, &s::rfc_txid(2), &[s::ms_magic_cookie()]).bytes(),
        ));
        let all = detect_all(&p.analyze(), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(frames(f[0]), vec![1, 2, 4]);
        assert!(f[0].summary.contains("431 Integrity Check Failure"));
        assert!(f[0]
            .summary
            .ends_with("a later Allocate succeeded (frame 4)"));
        assert!(f[0].explanation.contains("MRAS"));
    }
}
