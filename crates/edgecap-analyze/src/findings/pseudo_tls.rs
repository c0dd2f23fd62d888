//! `tcp.pseudo_tls`: MS-TURN pseudo-TLS seen on TCP 443 — the fixed
//! ClientHello / ServerHello records, then MS-TURN in the clear, which
//! Wireshark shows as "Ignored Unknown Record" and edgecap decodes.
//!
//! Severity: `info`. One finding per server endpoint, however many clients
//! (a busy edge has one per remote user). Frames: the pseudo-TLS records.
//! Details: `port`, `count` (connections), `turn_messages` (STUN/TURN
//! messages decoded on those connections), and with several clients
//! `clients` (how many).

use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use super::common::{frames_phrase, Ctx, FindingBuilder};
use crate::{Detail, Finding, Severity};
use edgecap_net::{Endpoint, FlowId};
use edgecap_proto::ProtoMsg;

/// The finding id.
pub const ID: &str = "tcp.pseudo_tls";

/// Connections and clients of one server endpoint.
#[derive(Default)]
struct Group {
    builder: FindingBuilder,
    flows: BTreeSet<FlowId>,
    clients: BTreeSet<IpAddr>,
}

/// One finding per server endpoint.
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    let mut groups: BTreeMap<Endpoint, Group> = BTreeMap::new();
    // STUN messages per flow, counted once for every group.
    let mut stun_on: FxHashMap<FlowId, u64> = FxHashMap::default();
    for d in &ctx.analysis.proto.messages {
        if matches!(d.msg, ProtoMsg::Stun(_)) {
            *stun_on.entry(d.flow).or_default() += 1;
        }
        if !matches!(d.msg, ProtoMsg::PseudoTls(_)) {
            continue;
        }
        let Some((client, server)) = ctx.endpoints(d.flow) else {
            continue;
        };
        let g = groups.entry(server).or_default();
        g.builder.flow(d.flow).frames([d.frames.last]);
        g.flows.insert(d.flow);
        g.clients.insert(client.ip);
    }
    groups
        .into_iter()
        .map(|(server, g)| {
            let Group {
                builder: mut b,
                flows,
                clients,
            } = g;
            let turn: u64 = flows
                .iter()
                .map(|f| stun_on.get(f).copied().unwrap_or(0))
                .sum();
            let who = match clients.iter().next() {
                Some(ip) if clients.len() == 1 => ctx.host(*ip),
                _ => format!("{} clients", clients.len()),
            };
            let inside = match turn {
                0 => "no TURN message".to_string(),
                1 => "1 TURN message".to_string(),
                n => format!("{n} TURN messages"),
            };
            let summary = format!(
                "{who} → {}: MS-TURN pseudo-TLS handshake ({}), then {inside} decoded inside",
                ctx.endpoint(server),
                frames_phrase(&b.sorted_frames()),
            );
            let explanation = "MS-TURN over TCP 443 starts with a fixed, unencrypted \
                 \"pseudo-TLS\" handshake (ClientHello, then ServerHello + ServerHelloDone) so \
                 that firewalls and proxies let it through as HTTPS; no encryption follows. \
                 Wireshark shows only \"Ignored Unknown Record\" for everything after it; edgecap \
                 decodes the MS-TURN messages inside (Allocate, 401, relayed address…). Not a \
                 problem in itself: this is how Lync/Skype for Business clients reach the A/V \
                 edge when UDP 3478 is not available. A TLS-inspecting proxy in the path breaks \
                 it."
            .to_string();
            b.detail("port", Detail::Port(server.port))
                .detail("count", Detail::Count(flows.len() as u64))
                .detail("turn_messages", Detail::Count(turn));
            if clients.len() > 1 {
                b.detail("clients", Detail::Count(clients.len() as u64));
            }
            b.build(ID, Severity::Info, summary, explanation)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn msturn_tcp443_pseudo_tls() {
        let all = detect_all(&capture("msturn-tcp443.pcap"), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        let f = f[0];
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(frames(f), vec![4, 5]);
        assert!(f
            .summary
            .starts_with("10.98.2.1 → 10.3.0.34:443: MS-TURN pseudo-TLS handshake (frames 4-5)"));
        assert!(f.explanation.contains("Ignored Unknown Record"));
        assert_eq!(detail(f, "count"), Some(&Detail::Count(1)));
    }

    /// A handshake with nothing after it says "no TURN message", not "0 TURN
    /// messages"; one message is singular.
    #[test]
    fn no_turn_message_inside_is_said_in_words() {
        let all = detect_all(&capture("field-injected-reset.pcap"), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1, "{all:#?}");
        assert!(
            f[0].summary
                .ends_with("then no TURN message decoded inside"),
            "{}",
            f[0].summary
        );
        let all = detect_all(&capture("msturn-tcp443.pcap"), &Default::default());
        assert!(with_id(&all, ID)[0]
            .summary
            .ends_with("then 7 TURN messages decoded inside"));
    }

    #[test]
    fn no_pseudo_tls_on_udp() {
        let all = detect_all(&capture("msturn-udp.pcap"), &Default::default());
        assert!(with_id(&all, ID).is_empty());
    }
}
