//! `turn.unknown_user`: the edge rejected credentials it does not know —
//! ERROR-CODE 436 or the phrase "The Username Supplied in the request is not
//! known" (field case 2).
//!
//! Severity: `error`. Frames: each rejected request and its 436 response.
//! Details: `code`, `count`, `port`, `reason` (the wire phrase, printable
//! ASCII only).

use super::common::{frames_phrase, Ctx};
use super::errors::{groups, ErrorKind};
use crate::{Detail, Finding, Severity};

/// The finding id.
pub const ID: &str = "turn.unknown_user";

/// One finding per (flow, method, code).
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    groups(ctx, ErrorKind::UnknownUser)
        .into_iter()
        .map(|g| {
            let mut b = g.evidence();
            let n = g.responses.len() as u64;
            let what = if n == 1 {
                format!("the authenticated {}", g.method.name())
            } else {
                format!("{n} authenticated {} requests", g.method.name())
            };
            let summary = format!(
                "{} rejected {what} of {} with {} ({}): the edge does not know this MRAS \
                 username",
                ctx.endpoint_or(g.server, "edge"),
                ctx.endpoint_or(g.client, "client"),
                if g.code == 436 {
                    format!("436 {}", edgecap_proto::stun::error_name(436))
                } else {
                    format!("{} \"username not known\"", g.code)
                },
                frames_phrase(&b.sorted_frames()),
            );
            let explanation = format!(
                "{} does not know the USERNAME the client authenticated with. The credentials \
                 belong to another edge pool: MRAS handed these users the credentials and relay \
                 host of a different edge pool (MRAS handing out the wrong edge: check the \
                 pool's public A/V edge FQDN in the topology, and which edge pool is associated \
                 with the users' front-end pool), so the edge they reach never issued that \
                 username. Typically only users homed on one pool fail. Check the mediaRelay \
                 hostName in the MRAS response and that it resolves to this edge; then publish \
                 the topology and restart the A/V Authentication service. The client ends up \
                 with no relay candidates in its INVITE, so calls with remote or federated users \
                 fail to get media.",
                match ctx.roles.role_of(g.server.ip) {
                    Some(_) => ctx.host(g.server.ip),
                    None => format!("The edge {}", g.server.ip),
                },
            );
            b.detail("code", Detail::Text(g.code.to_string()))
                .detail("count", Detail::Count(n))
                .detail("port", Detail::Port(g.server.port));
            if let Some(reason) = g.reason() {
                b.detail("reason", Detail::Text(reason));
            }
            b.build(ID, Severity::Error, summary, explanation)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::Role;
    use edgecap_testkit::stun as s;
    use edgecap_testkit::IpBuilder;

    #[test]
    fn field_case_2_frame_24() {
        let a = capture("msturn-udp.pcap");
        let r = roles(&[
            ("10.3.0.34", Role::InternalEdge),
            ("10.98.2.9", Role::Client),
        ]);
        let all = detect_all(&a, &r);
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        let f = f[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(frames(f), vec![23, 24]);
        assert_eq!(
            f.summary,
            "internal edge 10.3.0.34:3478 rejected the authenticated Allocate of client \
             10.98.2.9:50060 with 436 Unknown User (frames 23-24): the edge does not know this \
             MRAS username"
        );
        assert!(f.explanation.contains("another edge pool"));
        assert!(f.explanation.contains("public A/V edge FQDN"));
        assert_eq!(
            detail(f, "reason"),
            Some(&Detail::Text(
                super::super::errors::UNKNOWN_USER_PHRASE.into()
            ))
        );
        // Not reported again as an allocation failure.
        assert!(with_id(&all, "turn.allocation_failed").is_empty());
    }

    #[test]
    fn phrase_alone_is_enough() {
        let ip = IpBuilder::v4([10, 98, 2, 9], [10, 3, 0, 34]);
        let back = IpBuilder::v4([10, 3, 0, 34], [10, 98, 2, 9]);
        let req = s::ms(
            0x0003,
            &s::ms_txid(1),
            &[s::ms_magic_cookie(), (0x0008, vec![0; 20])],
        );
        let err = s::ms(
            0x0113,
            &s::ms_txid(1),
            &[
                s::ms_magic_cookie(),
                (
                    0x0009,
                    s::error_code(401, super::super::errors::UNKNOWN_USER_PHRASE),
                ),
            ],
        );
        let mut p = Pcap::default();
        p.push(ip.udp(50060, 3478, &req.bytes()));
        p.push(back.udp(3478, 50060, &err.bytes()));
        let all = detect_all(&p.analyze(), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        assert!(f[0].summary.starts_with("edge 10.3.0.34:3478 rejected"));
        assert!(with_id(&all, "turn.auth_failed").is_empty());
    }
}
