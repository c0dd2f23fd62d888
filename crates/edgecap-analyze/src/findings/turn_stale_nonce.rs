//! `turn.stale_nonce`: 438 Stale Nonce — the server's nonce expired and the
//! client must retry with the new one from the response.
//!
//! Severity: `info` when a later request of the same method on the same path
//! succeeded (the normal retry), `warning` otherwise. Frames: the request,
//! the 438 and the later success. Details: `method`, `count`, `port`.

use super::common::{frames_phrase, Ctx};
use super::errors::{groups, ErrorKind};
use crate::{Detail, Finding, Severity};

/// The finding id.
pub const ID: &str = "turn.stale_nonce";

/// One finding per (flow, method).
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    groups(ctx, ErrorKind::StaleNonce)
        .into_iter()
        .map(|g| {
            let mut b = g.evidence();
            let n = g.responses.len() as u64;
            let retry = g.later_success(ctx);
            let mut summary = format!(
                "{} answered {} {} of {} with 438 Stale Nonce ({})",
                ctx.endpoint_or(g.server, "server"),
                if n == 1 {
                    "a".to_string()
                } else {
                    n.to_string()
                },
                if n == 1 {
                    format!("{} request", g.method.name())
                } else {
                    format!("{} requests", g.method.name())
                },
                ctx.endpoint_or(g.client, "client"),
                frames_phrase(&b.sorted_frames()),
            );
            let (severity, explanation) = match retry {
                Some(f) => {
                    summary.push_str(&format!("; the retry succeeded (frame {f})"));
                    b.frames([f]);
                    (
                        Severity::Info,
                        "The nonce the client used had expired; the client retried with the new \
                         NONCE from the 438 and succeeded. Normal for long allocations."
                            .to_string(),
                    )
                }
                None => (
                    Severity::Warning,
                    "The nonce the client used had expired and no successful retry followed: \
                     the client may not handle 438 (it must retry with the NONCE of the \
                     response), or the server's nonces expire too fast — check the server's \
                     nonce lifetime and that client and server clocks agree."
                        .to_string(),
                ),
            };
            b.detail("method", Detail::Text(g.method.name().to_string()))
                .detail("count", Detail::Count(n))
                .detail("port", Detail::Port(g.server.port));
            b.build(ID, severity, summary, explanation)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use edgecap_testkit::stun as s;
    use edgecap_testkit::IpBuilder;

    fn run(retry: bool) -> Vec<Finding> {
        let ip = IpBuilder::v4([10, 98, 2, 1], [10, 3, 0, 34]);
        let back = IpBuilder::v4([10, 3, 0, 34], [10, 98, 2, 1]);
        let mi = (0x0008, vec![0; 20]);
        let mut p = Pcap::default();
        p.push(ip.udp(
            50040,
            3478,
            &s::rfc(0x0004, &s::rfc_txid(1), std::slice::from_ref(&mi)).bytes(),
        ));
        let err = [
            (0x0009, s::error_code(438, "Stale Nonce")),
            (0x0015, b"newnonce".to_vec()),
        ];
        p.push(back.udp(3478, 50040, &s::rfc(0x0114, &s::rfc_txid(1), &err).bytes()));
        if retry {
            p.push(ip.udp(50040, 3478, &s::rfc(0x0004, &s::rfc_txid(2), &[mi]).bytes()));
            p.push(back.udp(3478, 50040, &s::rfc(0x0104, &s::rfc_txid(2), &[]).bytes()));
        }
        detect_all(&p.analyze(), &Default::default())
    }

    #[test]
    fn retried_is_info() {
        let all = run(true);
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Info);
        assert_eq!(frames(f[0]), vec![1, 2, 4]);
        assert!(f[0].summary.contains("a Refresh request"));
        assert!(f[0].summary.ends_with("the retry succeeded (frame 4)"));
        assert!(with_id(&all, "turn.request_failed").is_empty());
    }

    #[test]
    fn not_retried_is_a_warning() {
        let all = run(false);
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(frames(f[0]), vec![1, 2]);
    }
}
