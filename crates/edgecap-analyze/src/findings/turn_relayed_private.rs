//! `turn.relayed_address_private`: an Allocate success hands a private
//! relayed address to a client on the internet — one whose source address is
//! global, or whose reflexive address (XOR-MAPPED-ADDRESS) is global and
//! differs from its source (it came through a NAT). The edge's external
//! interface is configured without its public NAT address, so remote peers
//! are told to send media to an address they cannot reach.
//!
//! Severity: `error`. Frames: the authenticated request and the success.
//! Details: `relayed`, `client`, `reflexive` (when the response has one),
//! `count` (successes like it on the same server).

use std::collections::BTreeMap;
use std::net::SocketAddr;

use super::common::{frames_phrase, Ctx, FindingBuilder};
use crate::roles::{is_private, is_public};
use crate::{Detail, Finding, Severity};
use edgecap_net::Endpoint;
use edgecap_proto::StepKind;

/// The finding id.
pub const ID: &str = "turn.relayed_address_private";

/// The first such success per (server, relayed address), with how many
/// successes like it followed.
struct Group {
    client: Endpoint,
    reflexive: Option<SocketAddr>,
    count: u64,
    builder: FindingBuilder,
}

/// One finding per (server, relayed address).
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    let mut groups: BTreeMap<(Endpoint, SocketAddr), Group> = BTreeMap::new();
    for story in &ctx.analysis.proto.allocations {
        for step in &story.steps {
            let StepKind::AllocateSuccess {
                relayed: Some(relayed),
                reflexive,
                ..
            } = step.kind
            else {
                continue;
            };
            let nated = reflexive.is_some_and(|r| r.ip() != story.client.ip && is_public(r.ip()));
            if !is_private(relayed.ip()) || !(is_public(story.client.ip) || nated) {
                continue;
            }
            let g = groups
                .entry((story.server, relayed))
                .or_insert_with(|| Group {
                    client: story.client,
                    reflexive,
                    count: 0,
                    builder: FindingBuilder::default(),
                });
            g.count += 1;
            g.builder
                .flow(step.flow)
                .frames([step.frame])
                .frames(step.response_to);
        }
    }
    groups
        .into_iter()
        .map(|((server, relayed), g)| finding(ctx, server, relayed, g))
        .collect()
}

fn finding(ctx: &Ctx<'_>, server: Endpoint, relayed: SocketAddr, g: Group) -> Finding {
    let Group {
        client,
        reflexive,
        count,
        mut builder,
    } = g;
    let seen_as = match reflexive {
        Some(r) if r.ip() != client.ip => format!(" (seen as {r})"),
        _ => String::new(),
    };
    let more = if count > 1 {
        format!(", {count} allocations")
    } else {
        String::new()
    };
    let summary = format!(
        "{} handed the private relayed address {relayed} to {}{seen_as}, a client on the internet ({}{more})",
        ctx.endpoint_or(server, "TURN server"),
        ctx.endpoint_or(client, "client"),
        frames_phrase(&builder.sorted_frames()),
    );
    let explanation = format!(
        "The relayed address is what the client offers as its relay candidate and what remote \
         peers send media to; {} is a private address that nobody on the internet can reach. \
         The edge's external interface sits behind a NAT but the A/V edge does not know the \
         NAT's public address: in the topology, the external A/V edge must be set to \"This \
         external IP address will be translated by NAT\" with the public address, or the relay \
         must be given a public address. Calls with remote and federated users then fail to \
         get media even though the allocation succeeded.",
        relayed.ip()
    );
    builder
        .detail("relayed", Detail::Address(relayed.to_string()))
        .detail("client", Detail::Address(client.to_string()));
    if let Some(r) = reflexive {
        builder.detail("reflexive", Detail::Address(r.to_string()));
    }
    builder.detail("count", Detail::Count(count));
    builder.build(ID, Severity::Error, summary, explanation)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use edgecap_testkit::ip::udp;
    use edgecap_testkit::stun::{self as s, addr_attr};

    fn success(n: u8, relayed: &str, reflexive: &str) -> Vec<u8> {
        let t = s::rfc_txid(n);
        let attrs = [
            addr_attr(0x0016, sa(relayed), Some(&t)),
            addr_attr(0x0020, sa(reflexive), Some(&t)),
        ];
        s::rfc(0x0103, &t, &attrs).bytes()
    }

    fn allocate(n: u8) -> Vec<u8> {
        s::rfc(0x0003, &s::rfc_txid(n), &[]).bytes()
    }

    #[test]
    fn private_relay_for_a_nated_client_is_an_error_once_per_relay() {
        let (client, edge) = (sa("192.168.0.5:50040"), sa("198.51.100.9:3478"));
        let mut p = Pcap::default();
        p.push(udp(client, edge, &allocate(1)));
        p.push(udp(
            edge,
            client,
            &success(1, "10.3.0.40:52000", "203.0.113.50:61000"),
        ));
        p.push(udp(client, edge, &allocate(2)));
        p.push(udp(
            edge,
            client,
            &success(2, "10.3.0.40:52000", "203.0.113.50:61000"),
        ));
        let all = detect_all(&p.analyze(), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1, "{all:#?}");
        let f = f[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(frames(f), vec![1, 2, 3, 4]);
        assert!(
            f.summary
                .contains("private relayed address 10.3.0.40:52000"),
            "{}",
            f.summary
        );
        assert!(
            f.summary.contains("seen as 203.0.113.50:61000"),
            "{}",
            f.summary
        );
        assert_eq!(detail(f, "count"), Some(&Detail::Count(2)));
        assert_eq!(
            detail(f, "reflexive"),
            Some(&Detail::Address("203.0.113.50:61000".into()))
        );
    }

    #[test]
    fn internal_client_or_public_relay_is_fine() {
        let mut p = Pcap::default();
        // An internal client, no NAT: a private relay is its business.
        let (c, e) = (sa("10.98.2.1:50040"), sa("10.3.0.34:3478"));
        p.push(udp(c, e, &allocate(1)));
        p.push(udp(e, c, &success(1, "10.3.0.40:52000", "10.98.2.1:50040")));
        // A client on the internet with a public relay.
        let (c, e) = (sa("192.168.0.5:50040"), sa("198.51.100.9:3478"));
        p.push(udp(c, e, &allocate(2)));
        p.push(udp(
            e,
            c,
            &success(2, "198.51.100.9:52000", "203.0.113.50:61000"),
        ));
        let all = detect_all(&p.analyze(), &Default::default());
        assert!(with_id(&all, ID).is_empty(), "{all:#?}");
    }
}
