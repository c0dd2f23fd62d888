//! `nat.relay_port_rewritten`: the NAT in front of the edge's external
//! interface does not keep the relay port. An Allocate success hands out a
//! public relayed address (2.2.2.2:58138); the edge's private side then runs
//! ICE checks from port 58138, and the far side answers that it saw the
//! check coming from the relayed address's IP with another port (Binding
//! success XOR-MAPPED-ADDRESS 2.2.2.2:61000). Remote peers were told
//! 2.2.2.2:58138, so their media misses the relay.
//!
//! Severity: `error` when the far side is a remote edge (edge-to-edge media
//! breaks), else `warning`. Frames: each Binding success that shows it and
//! the Allocate success of the relayed address. Details: `relayed`,
//! `source_port` (the port the far side saw), `count`.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};

use super::common::{frames_phrase, Ctx, FindingBuilder};
use crate::roles::is_public;
use crate::{Detail, Finding, Role, Severity};
use edgecap_proto::stun::{Class, Method};

/// The finding id.
pub const ID: &str = "nat.relay_port_rewritten";

/// What was seen for one relayed address.
struct Group {
    /// Ports the far side saw instead of the relayed port.
    ports: Vec<u16>,
    /// Far sides that answered.
    peers: Vec<IpAddr>,
    count: u64,
    builder: FindingBuilder,
}

/// One finding per relayed address whose port the NAT rewrote.
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    let mut groups: BTreeMap<SocketAddr, Group> = BTreeMap::new();
    for (_, r) in ctx.originals() {
        let t = r.msg.msg_type;
        if t.method != Method::Binding || t.class != Class::Success {
            continue;
        }
        let (Some(mapped), Some((requester, responder))) = (
            r.msg.xor_mapped_address(),
            ctx.sender_receiver(r.flow, r.dir)
                .map(|(from, to)| (to, from)),
        ) else {
            continue;
        };
        // A public relayed address with the requester's port (the first
        // handed out), seen outside with the mapped IP.
        let Some((_, alloc_frame, addr)) = ctx
            .allocations_with_relay_port(requester.port)
            .find(|(_, _, a)| is_public(a.ip()) && a.ip() == mapped.ip() && a.ip() != requester.ip)
        else {
            continue;
        };
        if mapped.port() == addr.port() {
            continue;
        }
        let g = groups.entry(addr).or_insert_with(|| Group {
            ports: Vec::new(),
            peers: Vec::new(),
            count: 0,
            builder: FindingBuilder::default(),
        });
        g.count += 1;
        if !g.ports.contains(&mapped.port()) {
            g.ports.push(mapped.port());
        }
        if !g.peers.contains(&responder.ip) {
            g.peers.push(responder.ip);
        }
        g.builder
            .flow(r.flow)
            .frames([r.frame(), alloc_frame])
            .frames(r.response_to);
    }
    groups
        .into_iter()
        .map(|(addr, g)| finding(ctx, addr, g))
        .collect()
}

fn finding(ctx: &Ctx<'_>, relayed: SocketAddr, g: Group) -> Finding {
    let Group {
        ports,
        peers,
        count,
        mut builder,
    } = g;
    let edge_to_edge = peers
        .iter()
        .any(|ip| ctx.roles.role_of(*ip) == Some(Role::RemoteEdge));
    let severity = if edge_to_edge {
        Severity::Error
    } else {
        Severity::Warning
    };
    let seen: Vec<String> = ports
        .iter()
        .map(|p| SocketAddr::new(relayed.ip(), *p).to_string())
        .collect();
    let far: Vec<String> = peers.iter().map(|ip| ctx.host(*ip)).collect();
    let summary = format!(
        "the NAT in front of the edge rewrote relay port {}: {} saw {} instead of the relayed address {relayed} ({})",
        relayed.port(),
        far.join(", "),
        seen.join(", "),
        frames_phrase(&builder.sorted_frames()),
    );
    let explanation = format!(
        "The A/V edge hands out {relayed} as the relayed address and sends from port {} on its \
         external interface; the NAT in front of it must keep that port. It translated it to {} \
         instead, so what peers were told (the relay candidate in the SDP) is not where the \
         edge's packets come from: connectivity checks and media to the relay fail or take a \
         detour{}. Configure the NAT (or firewall) to translate the external edge's address \
         one-to-one with port preservation (static NAT, no port address translation) for TCP \
         and UDP {}-{}.",
        relayed.port(),
        seen.join(", "),
        if edge_to_edge {
            ", and edge-to-edge media with the remote edge breaks"
        } else {
            ""
        },
        ctx.cfg.relay_ports.start(),
        ctx.cfg.relay_ports.end(),
    );
    builder
        .detail("relayed", Detail::Address(relayed.to_string()))
        .detail(
            "source_port",
            match ports.as_slice() {
                [p] => Detail::Port(*p),
                ps => Detail::List(ps.iter().map(u16::to_string).collect()),
            },
        )
        .detail("count", Detail::Count(count));
    builder.build(ID, severity, summary, explanation)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn remote_edge_sees_another_port() {
        let a = capture("field-nat-port-rewritten.pcap");
        let r = crate::roles::infer(&a, &Default::default());
        let all = detect_all(&a, &r);
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1, "{all:#?}");
        let f = f[0];
        assert_eq!(
            f.severity,
            Severity::Error,
            "the far side is the remote edge"
        );
        assert_eq!(frames(f), vec![4, 7, 8]);
        assert_eq!(detail(f, "source_port"), Some(&Detail::Port(61000)));
        assert_eq!(
            detail(f, "relayed"),
            Some(&Detail::Address("2.2.2.2:58160".into()))
        );
        // Without roles the far side is not known to be an edge.
        let plain = detect_all(&a, &Default::default());
        assert_eq!(with_id(&plain, ID)[0].severity, Severity::Warning);
    }

    #[test]
    fn kept_ports_are_fine() {
        // The healthy call's remote edge sees 2.2.2.2:58150, the relayed address.
        let all = detect_all(&capture("field-healthy-call.pcap"), &Default::default());
        assert!(with_id(&all, ID).is_empty(), "{all:#?}");
    }
}
