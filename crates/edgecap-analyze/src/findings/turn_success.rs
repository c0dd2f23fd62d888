//! `turn.allocation_succeeded`: the Allocate successes, with the relayed and
//! reflexive addresses and the lifetime, so the story is complete.
//!
//! One finding per (TURN server, transport): a busy edge's hundreds of
//! healthy allocations roll up into one line with the count and the
//! clients, and the addresses of the first allocation as the example; a
//! server with a single allocation reads as before.
//!
//! Severity: `info`. Frames: the authenticated request and the success of
//! each allocation (the first [`MAX_EVIDENCE_FRAMES`]). Details:
//! `transport`, `relayed`, `reflexive`, `lifetime` (seconds) of the first
//! allocation, and, when there are several, `count`, `clients` (how many
//! distinct client addresses) and `client_list` (the first
//! [`MAX_LISTED_CLIENTS`] of them).

use std::collections::{BTreeMap, HashSet};
use std::net::{IpAddr, SocketAddr};

use super::common::{Ctx, FindingBuilder, MAX_EVIDENCE_FRAMES};
use crate::{Detail, Finding, Severity};
use edgecap_net::{Endpoint, Transport};
use edgecap_proto::{AllocationStory, StepKind};

/// The finding id.
pub const ID: &str = "turn.allocation_succeeded";

/// Most client addresses listed in a rolled-up finding's `client_list`.
pub const MAX_LISTED_CLIENTS: usize = 16;

/// The first success of a (server, transport), and how many followed.
struct Rollup<'a> {
    story: &'a AllocationStory,
    frame: edgecap_capture::FrameNo,
    relayed: Option<SocketAddr>,
    reflexive: Option<SocketAddr>,
    lifetime: Option<u32>,
    count: u64,
    /// Distinct client addresses.
    clients: HashSet<IpAddr>,
    /// The first [`MAX_LISTED_CLIENTS`] of them, in order of appearance.
    listed: Vec<IpAddr>,
    builder: FindingBuilder,
}

/// One finding per (TURN server, transport) with successes.
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    let mut groups: BTreeMap<(Endpoint, Transport), Rollup<'_>> = BTreeMap::new();
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
            let g = groups
                .entry((story.server, story.transport))
                .or_insert_with(|| Rollup {
                    story,
                    frame: step.frame,
                    relayed,
                    reflexive,
                    lifetime,
                    count: 0,
                    clients: HashSet::new(),
                    listed: Vec::new(),
                    builder: FindingBuilder::default(),
                });
            g.count += 1;
            if g.clients.insert(story.client.ip) && g.listed.len() < MAX_LISTED_CLIENTS {
                g.listed.push(story.client.ip);
            }
            g.builder.flow(step.flow);
            if g.builder.frame_count() < MAX_EVIDENCE_FRAMES {
                g.builder.frames([step.frame]).frames(step.response_to);
            }
        }
    }
    groups.into_values().map(|g| finding(ctx, g)).collect()
}

fn finding(ctx: &Ctx<'_>, g: Rollup<'_>) -> Finding {
    let Rollup {
        story,
        frame,
        relayed,
        reflexive,
        lifetime,
        count,
        clients,
        listed,
        mut builder,
    } = g;
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
    let addresses = if parts.is_empty() {
        "no addresses in the response".to_string()
    } else {
        parts.join(", ")
    };
    let server = ctx.endpoint_or(story.server, "server");
    let summary = if count == 1 {
        format!(
            "{} allocated a relay on {server} over {t}: {addresses} (frame {frame})",
            ctx.endpoint_or(story.client, "client"),
        )
    } else {
        let who = match clients.len() {
            1 => ctx.endpoint_or(story.client, "client"),
            n => format!("{n} clients"),
        };
        format!(
            "{count} relays allocated on {server} over {t} by {who}; the first: {addresses} (frame {frame})"
        )
    };
    let mut explanation = format!(
        "The TURN server granted a relay (requested over {t}). The relayed address is what the client \
         offers as its relay candidate (typ relay) and what remote peers send media \
         to; the reflexive address is the client as the server sees it."
    );
    if count > 1 {
        explanation.push_str(&format!(
            " {count} allocations succeeded on this server; the addresses quoted are the first one's."
        ));
    }
    if let Some(r) = relayed {
        if r.ip() != story.server.ip && crate::roles::is_private(story.server.ip) {
            // An on-premises edge behind a NAT (the A/V edge's case).
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
        } else if r.ip() != story.server.ip {
            // A relay on the internet (a cloud relay): its own business.
            explanation.push_str(&format!(
                " The relayed address {} is another address of the relay service on the \
                 internet than the one the client talks to ({}).",
                r.ip(),
                story.server.ip,
            ));
        }
    }
    if let Some(r) = reflexive {
        if r == SocketAddr::new(story.client.ip, story.client.port) {
            explanation.push_str(" No NAT between client and server.");
        } else {
            explanation.push_str(&format!(
                " The client {} is seen as {r}: a NAT sits between them.",
                story.client
            ));
        }
    }
    builder.detail(
        "transport",
        Detail::Text(story.transport.as_str().to_string()),
    );
    if let Some(r) = relayed {
        builder.detail("relayed", Detail::Address(r.to_string()));
    }
    if let Some(r) = reflexive {
        builder.detail("reflexive", Detail::Address(r.to_string()));
    }
    if let Some(l) = lifetime {
        builder.detail("lifetime", Detail::Count(u64::from(l)));
    }
    if count > 1 {
        builder
            .detail("count", Detail::Count(count))
            .detail("clients", Detail::Count(clients.len() as u64))
            .detail(
                "client_list",
                Detail::List(listed.iter().map(IpAddr::to_string).collect()),
            );
    }
    builder.build(ID, Severity::Info, summary, explanation)
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
    fn coturn_successes_roll_up_per_server_and_transport() {
        let all = detect_all(&capture("coturn-loopback.pcap"), &Default::default());
        let f = with_id(&all, ID);
        // One UDP and one TCP allocation story on 127.0.0.1:3478, two successes each.
        assert_eq!(f.len(), 2, "{f:#?}");
        let mut at = Vec::new();
        for g in &f {
            assert_eq!(detail(g, "count"), Some(&Detail::Count(2)), "{g:#?}");
            assert!(
                g.summary.starts_with("2 relays allocated on "),
                "{}",
                g.summary
            );
            assert!(g.explanation.contains("No NAT"));
            at.extend(g.frames.iter().map(|f| f.0));
        }
        for success in [4, 10, 49, 60] {
            assert!(at.contains(&success), "{at:?}");
        }
        assert!(f
            .iter()
            .any(|g| g.summary.contains("the first: relayed 127.0.0.1:50040")
                && g.summary.contains("lifetime 777 s")));
    }
}
