//! `turn.allocation_succeeded`: every Allocate success, with the relayed and
//! reflexive addresses and the lifetime, so the story is complete.
//!
//! Severity: `info`. Frames: the authenticated request and the success.
//! Details: `transport`, `relayed`, `reflexive`, `lifetime` (seconds).

use super::common::{Ctx, FindingBuilder};
use crate::{Detail, Finding, Severity};
use edgecap_proto::StepKind;

/// The finding id.
pub const ID: &str = "turn.allocation_succeeded";

/// One finding per Allocate success.
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for story in &ctx.analysis.proto.allocations {
        for step in &story.steps {
            let StepKind::AllocateSuccess {
                relayed,
                reflexive,
                lifetime,
            } = step.kind
            else {
                continue;
            };
            let mut b = FindingBuilder::default();
            b.flow(step.flow)
                .frames([step.frame])
                .frames(step.response_to);
            let t = story.transport.as_str().to_uppercase();
            let mut parts = Vec::new();
            if let Some(r) = relayed {
                parts.push(format!("relayed {r}"));
            }
            if let Some(r) = reflexive {
                parts.push(format!("reflexive {r}"));
            }
            if let Some(l) = lifetime {
                parts.push(format!("lifetime {l} s"));
            }
            let summary = format!(
                "{} allocated a relay on {} over {t}: {} (frame {})",
                ctx.endpoint_or(story.client, "client"),
                ctx.endpoint_or(story.server, "server"),
                if parts.is_empty() {
                    "no addresses in the response".to_string()
                } else {
                    parts.join(", ")
                },
                step.frame,
            );
            let mut explanation = format!(
                "The TURN server granted a relay (requested over {t}). The relayed address is what the client \
                 offers as its relay candidate (typ relay) and what remote peers send media \
                 to; the reflexive address is the client as the server sees it."
            );
            if let Some(r) = relayed {
                if r.ip() != story.server.ip {
                    explanation.push_str(&format!(
                        " The relayed address {} differs from the server address {}: the \
                         relay sits on another interface or behind a NAT (on an A/V edge, the \
                         external interface's public NAT address). The NAT must forward the \
                         relay ports ({}-{}, TCP and UDP) to the external edge unchanged.",
                        r.ip(),
                        story.server.ip,
                        ctx.cfg.relay_ports.start(),
                        ctx.cfg.relay_ports.end(),
                    ));
                }
            }
            if let Some(r) = reflexive {
                if r == std::net::SocketAddr::new(story.client.ip, story.client.port) {
                    explanation.push_str(" No NAT between client and server.");
                } else {
                    explanation.push_str(&format!(
                        " The client {} is seen as {r}: a NAT sits between them.",
                        story.client
                    ));
                }
            }
            b.detail(
                "transport",
                Detail::Text(story.transport.as_str().to_string()),
            );
            if let Some(r) = relayed {
                b.detail("relayed", Detail::Address(r.to_string()));
            }
            if let Some(r) = reflexive {
                b.detail("reflexive", Detail::Address(r.to_string()));
            }
            if let Some(l) = lifetime {
                b.detail("lifetime", Detail::Count(u64::from(l)));
            }
            out.push(b.build(ID, Severity::Info, summary, explanation));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::Role;

    #[test]
    fn msturn_tcp443_allocation() {
        let a = capture("msturn-tcp443.pcap");
        let r = roles(&[
            ("10.3.0.34", Role::InternalEdge),
            ("10.98.2.1", Role::Client),
        ]);
        let all = detect_all(&a, &r);
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        let f = f[0];
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(frames(f), vec![10, 11]);
        assert_eq!(
            f.summary,
            "client 10.98.2.1:50124 allocated a relay on internal edge 10.3.0.34:443 over TCP: \
             relayed 2.2.2.2:58138, reflexive 10.98.2.1:50124, lifetime 480 s (frame 11)"
        );
        assert!(f.explanation.contains("public NAT address"));
        assert_eq!(detail(f, "lifetime"), Some(&Detail::Count(480)));
    }

    #[test]
    fn coturn_has_four_successes() {
        let all = detect_all(&capture("coturn-loopback.pcap"), &Default::default());
        let f = with_id(&all, ID);
        let mut at: Vec<u64> = f.iter().map(|f| f.frames.last().unwrap().0).collect();
        at.sort_unstable();
        assert_eq!(at, vec![4, 10, 49, 60]);
        let first = f.iter().find(|f| frames(f) == vec![3, 4]).unwrap();
        assert!(first.summary.contains("over UDP: relayed 127.0.0.1:50040"));
        assert!(first.summary.contains("lifetime 777 s"));
        assert!(first.explanation.contains("No NAT"));
    }
}
