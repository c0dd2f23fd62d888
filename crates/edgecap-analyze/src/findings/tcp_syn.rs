//! `tcp.syn_unanswered`: SYNs that never got an answer (no SYN-ACK, no
//! RST), grouped per (source address, destination address, destination
//! port) — a firewall silently dropping, or a host that is down.
//!
//! Severity: `error` when the destination is a relay or edge service port
//! and at least one SYN was retransmitted; `warning` otherwise (a single SYN
//! at the end of a capture may just be the capture stopping). Frames: the
//! first and last SYN of each connection, and every frame between them when
//! the flow's packets fill that range (the flow table does not list each
//! retransmission's frame). Details: `port`, `count` (connections), `syns`.

use std::net::IpAddr;

use super::common::{
    frames_phrase, port_purpose, tcp_flows_by_target, tcp_rollup, times, Ctx, FindingBuilder,
    MRAS_PORT,
};
use crate::{Detail, Finding, Severity};
use edgecap_net::table::FlowRecord;
use edgecap_net::tcp_state::TcpOutcome;
use edgecap_net::Endpoint;

/// The finding id.
pub const ID: &str = "tcp.syn_unanswered";

/// One finding per (source address, destination address, destination port).
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    let groups = tcp_flows_by_target(ctx.analysis, TcpOutcome::SynUnanswered);
    let mut out: Vec<Finding> = groups
        .listed
        .iter()
        .map(|(src, dst, flows)| finding(ctx, *src, *dst, flows))
        .collect();
    out.extend(tcp_rollup(ID, &groups, "unanswered SYNs"));
    out
}

fn finding(ctx: &Ctx<'_>, src: IpAddr, dst: Endpoint, flows: &[&FlowRecord]) -> Finding {
    let mut b = FindingBuilder::default();
    let mut syns = 0u64;
    for f in flows {
        b.flow(f.id);
        if let Some(t) = &f.tcp {
            b.frames(t.control.syn_frames.iter().copied());
            syns += u64::from(t.control.syn_count);
        }
    }
    let retransmitted = syns > flows.len() as u64;
    let severity = if ctx.is_edge_or_relay(dst.port) && retransmitted {
        Severity::Error
    } else {
        Severity::Warning
    };
    let conns = if flows.len() > 1 {
        format!(" over {} connections", flows.len())
    } else {
        String::new()
    };
    let summary = format!(
        "{} → {}: SYN sent {}{conns}, never answered ({})",
        ctx.host(src),
        ctx.endpoint(dst),
        times(syns),
        frames_phrase(&b.sorted_frames()),
    );
    let mut explanation = format!(
        "No SYN-ACK and no RST came back{}: a firewall on the path silently drops TCP {} to {} \
         (or the host is down or unrouted). A rejecting firewall or a closed port would answer \
         with RST; silence means a drop rule. ",
        if retransmitted {
            ", although the SYN was retransmitted with back-off"
        } else {
            ""
        },
        dst.port,
        ctx.host(dst.ip),
    );
    explanation.push_str(&if dst.port == MRAS_PORT {
        "This is MRAS (Media Relay Authentication Service) on the edge's internal interface: \
         the front end cannot get relay credentials for clients, who then show \"Limited \
         External Calling\" (504 Server time-out, ms-diagnostics 1038). Allow TCP 5062 from \
         the front end pool to the edge's internal interface."
            .to_string()
    } else if ctx.cfg.is_relay_port(dst.port) {
        format!(
            "The destination is in the relayed media range: allow TCP {}-{} between the edges \
             (outbound from the external edge), or desktop sharing and federated TCP media fail.",
            ctx.cfg.relay_ports.start(),
            ctx.cfg.relay_ports.end()
        )
    } else {
        match port_purpose(ctx.cfg, dst.port) {
            Some(what) => format!(
                "TCP {} is {what}: check the firewall rules towards {} for this port and that \
                 the address is the one clients are told to use.",
                dst.port,
                ctx.host(dst.ip)
            ),
            None => format!(
                "Check the firewall rules towards {} for TCP {}.",
                ctx.host(dst.ip),
                dst.port
            ),
        }
    });
    b.detail("port", Detail::Port(dst.port))
        .detail("count", Detail::Count(flows.len() as u64))
        .detail("syns", Detail::Count(syns));
    b.build(ID, severity, summary, explanation)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::Role;
    use edgecap_testkit::TcpConversation;

    #[test]
    fn mras_syns_dropped() {
        let a = capture("tcp-outcomes.pcap");
        let r = roles(&[("10.3.0.34", Role::InternalEdge)]);
        let all = detect_all(&a, &r);
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        let f = f[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(frames(f), vec![23, 24, 25]);
        assert_eq!(
            f.summary,
            "10.0.0.5 → internal edge 10.3.0.34:5062: SYN sent 3 times, never answered \
             (frames 23-25)"
        );
        assert_eq!(detail(f, "syns"), Some(&Detail::Count(3)));
        assert!(f.explanation.contains("MRAS"));
        assert!(f.explanation.contains("silently drops"));
    }

    #[test]
    fn a_flood_from_many_sources_is_capped_with_a_rollup() {
        use crate::findings::common::MAX_TCP_GROUPS;
        let mut p = Pcap::default();
        let sources = MAX_TCP_GROUPS + 50;
        for i in 0..sources {
            let src = format!("10.0.{}.{}:40000", i / 250, i % 250 + 1);
            let mut c = TcpConversation::new(sa(&src), sa("192.0.2.9:443"));
            p.push(c.syn());
        }
        let all = detect_all(&p.analyze(), &Default::default());
        let f = with_id(&all, ID);
        // The listed pairs share one cause: one finding; then the roll-up.
        assert_eq!(f.len(), 2, "{f:#?}");
        let listed = f.iter().find(|f| detail(f, "similar").is_some()).unwrap();
        assert_eq!(
            detail(listed, "similar"),
            Some(&Detail::Count(MAX_TCP_GROUPS as u64 - 1))
        );
        assert_eq!(listed.flows.len(), MAX_TCP_GROUPS);
        let rollup = f
            .iter()
            .find(|f| f.summary.starts_with("… and 50 more"))
            .expect("roll-up finding");
        assert_eq!(rollup.severity, Severity::Warning);
        assert_eq!(detail(rollup, "count"), Some(&Detail::Count(50)));
        assert_eq!(detail(rollup, "flows"), Some(&Detail::Count(50)));
        // The first pair beyond the cap started at frame 101.
        assert_eq!(frames(rollup), vec![MAX_TCP_GROUPS as u64 + 1]);
    }

    #[test]
    fn single_syn_elsewhere_is_a_warning() {
        let mut p = Pcap::default();
        let mut c = TcpConversation::new(sa("10.0.0.5:40000"), sa("192.0.2.9:8443"));
        p.push(c.syn());
        let all = detect_all(&p.analyze(), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(frames(f[0]), vec![1]);
        assert!(f[0].summary.contains("SYN sent once"));
    }
}
