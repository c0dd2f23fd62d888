//! `tcp.reset`: established TCP connections to an edge ended by a RST —
//! which side sent it, after how many bytes.
//!
//! Only connections of the edge count: the server (or, for relayed media,
//! either side) has an edge role, or the connection carried STUN/TURN. An
//! HTTPS connection on 443 to a host with no role is none of the edge's
//! business. Connections whose TLS handshake failed, or whose RST was
//! injected by a middlebox, are left to `tls.handshake_failed` and
//! `tcp.injected_reset`.
//!
//! One finding per (server address, server port — or "relay ports" for
//! relayed media —, side that reset, teardown or not): a busy edge's
//! hundreds of reset client connections are one line with a count.
//!
//! Severity: `warning`; `info` when the RST only ends a connection already
//! being torn down (a FIN came first, or its TURN allocation was deleted with
//! Refresh lifetime 0). Frames: the SYN (when seen) and the RST frames.
//! Details: `port`, `reset_by` (`client`/`server`), `bytes` (payload before
//! the RST, the most of the group), `rsts`, and for several connections
//! `count` and `clients` (distinct client addresses).

use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use super::common::{bytes, frames_phrase, Ctx, FindingBuilder, MRAS_PORT};
use crate::{Detail, Finding, Role, Severity};
use edgecap_capture::FrameNo;
use edgecap_net::table::FlowRecord;
use edgecap_net::tcp_state::TcpOutcome;
use edgecap_net::{Direction, FlowId};
use edgecap_proto::stun::Method;
use edgecap_proto::StepKind;

/// The finding id.
pub const ID: &str = "tcp.reset";

/// What makes reset connections one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct GroupKey {
    server: IpAddr,
    /// The server port, or `None` for relayed media (any relay port).
    port: Option<u16>,
    /// The client sent the RST (else the server).
    by_client: bool,
    teardown: bool,
}

impl GroupKey {
    /// The direction the RST travelled.
    fn by(&self) -> Direction {
        if self.by_client {
            Direction::ToServer
        } else {
            Direction::ToClient
        }
    }
}

/// One finding per group of reset edge connections.
pub fn detect(ctx: &Ctx<'_>, skip: &BTreeSet<FlowId>) -> Vec<Finding> {
    let deleted = deletions(ctx);
    let mut groups: BTreeMap<GroupKey, Vec<(&FlowRecord, bool, bool)>> = BTreeMap::new();
    for f in &ctx.analysis.flows {
        if f.tcp_outcome() != Some(TcpOutcome::Reset) || skip.contains(&f.id) {
            continue;
        }
        let is_relay = relay_media(ctx, f);
        if !(is_relay || (ctx.is_edge_or_relay(f.server.port) && edge_connection(ctx, f))) {
            continue;
        }
        let Some(t) = f.tcp.as_ref().map(|t| &t.control) else {
            continue;
        };
        let Some(&first_rst) = t.rst_frames.first() else {
            continue;
        };
        let by = t.reset_by.unwrap_or(Direction::ToServer);
        // True when a Refresh with lifetime 0 succeeded on the flow before the RST.
        let was_deleted = deleted.get(&f.id).is_some_and(|&frame| frame < first_rst);
        let fin_first = t.fin_frames.iter().flatten().any(|&fin| fin < first_rst);
        let key = GroupKey {
            server: f.server.ip,
            port: (!is_relay).then_some(f.server.port),
            by_client: by == Direction::ToServer,
            teardown: was_deleted || fin_first,
        };
        groups
            .entry(key)
            .or_default()
            .push((f, was_deleted, fin_first));
    }
    groups
        .into_iter()
        .map(|(key, flows)| finding(ctx, key, &flows))
        .collect()
}

/// A connection of the edge: its server has an edge role, or it carried
/// STUN/TURN (MS-TURN over pseudo-TLS included).
fn edge_connection(ctx: &Ctx<'_>, f: &FlowRecord) -> bool {
    let edge_role = matches!(
        ctx.roles.role_of(f.server.ip),
        Some(Role::InternalEdge | Role::ExternalEdge | Role::RemoteEdge)
    );
    edge_role
        || ctx
            .analysis
            .proto
            .flows
            .get(&f.id)
            .is_some_and(|p| p.decoder == Some("stun") && p.messages > 0)
}

fn finding(ctx: &Ctx<'_>, key: GroupKey, flows: &[(&FlowRecord, bool, bool)]) -> Finding {
    let (first, deleted, fin_first) = flows[0];
    let severity = if key.teardown {
        Severity::Info
    } else {
        Severity::Warning
    };
    let who = match key.by() {
        Direction::ToServer => "client",
        Direction::ToClient => "server",
    };
    let mut b = FindingBuilder::default();
    let mut clients: BTreeSet<IpAddr> = BTreeSet::new();
    let (mut least, mut most, mut rsts) = (u64::MAX, 0u64, 0u64);
    for (f, _, _) in flows {
        b.flow(f.id);
        clients.insert(f.client.ip);
        if let Some(t) = f.tcp.as_ref().map(|t| &t.control) {
            b.frames(t.syn_frame).frames(t.rst_frames.iter().copied());
            least = least.min(t.bytes_before_reset);
            most = most.max(t.bytes_before_reset);
            rsts += t.rst_frames.len() as u64;
        }
    }
    let amount = if least == most {
        bytes(most)
    } else {
        format!("{least} to {}", bytes(most))
    };
    let sender = match key.by() {
        Direction::ToServer => first.client.ip,
        Direction::ToClient => first.server.ip,
    };
    let summary = if flows.len() == 1 {
        let rst_frames = first
            .tcp
            .as_ref()
            .map(|t| t.control.rst_frames.to_vec())
            .unwrap_or_default();
        format!(
            "TCP {} → {} reset by the {who} ({sender}) after {amount} ({})",
            ctx.endpoint_or(first.client, "client"),
            ctx.endpoint_or(first.server, "server"),
            frames_phrase(&rst_frames),
        )
    } else {
        let from = match clients.len() {
            1 => ctx.host(first.client.ip),
            n => format!("{n} clients"),
        };
        let to = match key.port {
            Some(port) => ctx.endpoint_or(
                edgecap_net::Endpoint {
                    ip: key.server,
                    port,
                },
                "server",
            ),
            None => format!("{} relay ports", ctx.host(key.server)),
        };
        format!(
            "{} TCP connections from {from} to {to} reset by the {who} after {amount} ({})",
            flows.len(),
            frames_phrase(&b.sorted_frames()),
        )
    };
    let mut explanation = String::new();
    if deleted {
        explanation.push_str(
            "The TURN allocation on this connection had already been deleted (Refresh with \
             lifetime 0), so the RST only ends a finished session: normal teardown. ",
        );
    } else if fin_first {
        explanation.push_str(
            "A FIN came before the RST: the connection was already closing, and the RST \
             answers late data. Usually harmless. ",
        );
    }
    let port = first.server.port;
    explanation.push_str(&match (key.by(), key.port) {
        (_, None) => format!(
            "A relayed media connection (TCP {}-{}) between {} and {} was cut: media or \
             desktop sharing over it stops. A RST from a side that had accepted the connection \
             usually means the application gave up (ICE chose another pair, the call ended); a \
             RST nobody sent is a firewall or IPS killing the session (compare the TTL of the RST \
             with the host's other packets, and check idle timeouts on stateful devices).",
            ctx.cfg.relay_ports.start(),
            ctx.cfg.relay_ports.end(),
            ctx.host(first.client.ip),
            ctx.host(first.server.ip),
        ),
        (Direction::ToClient, Some(MRAS_PORT)) => "The MRAS service (TCP 5062) dropped the front \
             end's connection: look at the MTLS handshake on it (certificate trust, duplicate \
             intermediate CAs) and at the edge's event log."
            .to_string(),
        (Direction::ToClient, Some(_)) => format!(
            "The server side ({}) aborted the connection after {amount}: the TURN server (an A/V \
             Edge, coturn, a cloud relay) rejected what it received (a TURN message it does not \
             accept, a failed authentication), restarted, or a load balancer or firewall in \
             front of it closed an idle or unexpected session. Check the TURN messages just \
             before the RST, the server's log (an A/V Edge's event log), and any device between \
             client and server (its RST would show a different TTL).",
            ctx.host(first.server.ip),
        ),
        (Direction::ToServer, Some(_)) => format!(
            "The client ({}) aborted the connection after {amount}: the application gave up (an \
             allocation failed, the call ended, ICE chose another path) or a local firewall / \
             proxy cut it. Check what the client received just before.",
            if clients.len() == 1 {
                ctx.host(first.client.ip)
            } else {
                format!("{} clients", clients.len())
            },
        ),
    });
    b.detail("port", Detail::Port(port))
        .detail("reset_by", Detail::Text(who.to_string()))
        .detail("bytes", Detail::Count(most))
        .detail("rsts", Detail::Count(rsts));
    if flows.len() > 1 {
        b.detail("count", Detail::Count(flows.len() as u64))
            .detail("clients", Detail::Count(clients.len() as u64));
    }
    b.build(ID, severity, summary, explanation)
}

/// True for relayed media: the server port is in the relay range, or the
/// client port is and the server port is no edge service port (an ephemeral
/// client port talking to 443/3478 often falls in 50000-59999 too).
fn relay_media(ctx: &Ctx<'_>, f: &FlowRecord) -> bool {
    ctx.cfg.is_relay_port(f.server.port)
        || (ctx.cfg.is_relay_port(f.client.port) && !ctx.cfg.is_edge_port(f.server.port))
}

/// Flow → first frame of a successful Refresh with lifetime 0 (the
/// allocation deleted) on it, over every allocation story.
fn deletions(ctx: &Ctx<'_>) -> FxHashMap<FlowId, FrameNo> {
    let mut first: FxHashMap<FlowId, FrameNo> = FxHashMap::default();
    for st in ctx.analysis.proto.allocations.iter().flat_map(|s| &s.steps) {
        if matches!(
            st.kind,
            StepKind::Success {
                method: Method::Refresh,
                lifetime: Some(0)
            }
        ) {
            first
                .entry(st.flow)
                .and_modify(|f| *f = (*f).min(st.frame))
                .or_insert(st.frame);
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::Role;

    #[test]
    fn reset_by_server_after_13_bytes() {
        let a = capture("tcp-outcomes.pcap");
        let r = roles(&[("10.3.0.34", Role::InternalEdge)]);
        let all = detect_all(&a, &r);
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        let f = f[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(frames(f), vec![17, 22]);
        assert_eq!(
            f.summary,
            "TCP client 10.98.2.1:50200 → internal edge 10.3.0.34:3478 reset by the server \
             (10.3.0.34) after 13 bytes (frame 22)"
        );
        assert_eq!(detail(f, "reset_by"), Some(&Detail::Text("server".into())));
        assert_eq!(detail(f, "bytes"), Some(&Detail::Count(13)));
        assert!(f
            .explanation
            .contains("server side (internal edge 10.3.0.34)"));
    }

    /// A reset from a TURN server that is not an A/V Edge (coturn) is not
    /// explained as the A/V Edge's doing: the advice names any TURN server.
    #[test]
    fn the_server_side_advice_is_not_lync_only() {
        let a = capture("coturn-loopback.pcap");
        let all = detect_all(&a, &crate::roles::infer(&a, &Default::default()));
        let f = with_id(&all, ID);
        let by_server = f.iter().find(|f| f.summary.contains("by the server"));
        let text = &by_server.expect("coturn's RST").explanation;
        assert!(
            text.contains("the TURN server (an A/V Edge, coturn, a cloud relay)"),
            "{text}"
        );
        assert!(!text.contains("the A/V Edge rejected"), "{text}");
    }

    #[test]
    fn coturn_teardowns_are_info() {
        let a = capture("coturn-loopback.pcap");
        let all = detect_all(&a, &crate::roles::infer(&a, &Default::default()));
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 2);
        // The client closed (FIN, frame 67) and coturn answered with RST (frame 68).
        let by_server = f
            .iter()
            .find(|f| f.summary.contains("by the server"))
            .unwrap();
        assert_eq!(by_server.severity, Severity::Info);
        assert!(by_server.explanation.contains("A FIN came before the RST"));
        assert_eq!(frames(by_server), vec![41, 68]);
        assert!(by_server.summary.contains("after 592 bytes"));
        let by_client = f
            .iter()
            .find(|f| f.summary.contains("by the client"))
            .unwrap();
        assert_eq!(by_client.severity, Severity::Info);
        assert!(by_client.explanation.contains("normal teardown"));
        assert!(by_client.summary.contains("after 2156 bytes"));
    }

    #[test]
    fn tls_failure_flows_are_not_repeated() {
        // The 5061 reset in rfc-tcp-framings is not an edge port and belongs to the TLS finding.
        let a = capture("rfc-tcp-framings.pcap");
        let all = detect_all(&a, &Default::default());
        assert!(with_id(&all, ID).is_empty());
    }

    /// Three clients' connections to the edge's 443 reset by the edge roll
    /// up into one finding; a reset HTTPS connection to a host with no role
    /// is not the edge's business.
    #[test]
    fn resets_roll_up_per_edge_and_unrelated_https_is_silent() {
        use edgecap_net::Direction::{ToClient, ToServer};
        use edgecap_testkit::TcpConversation;
        let mut p = Pcap::default();
        let edge = sa("10.3.0.34:443");
        for (n, client) in ["10.98.2.1:50100", "10.98.2.2:50101", "10.98.2.3:50102"]
            .into_iter()
            .enumerate()
        {
            let mut t = TcpConversation::new(sa(client), edge);
            p.extend(t.handshake());
            p.push(t.data(ToServer, &vec![0x16; 10 + n]));
            p.push(t.rst(ToClient));
        }
        let mut web = TcpConversation::new(sa("10.98.2.1:50200"), sa("93.184.216.34:443"));
        p.extend(web.handshake());
        p.push(web.data(ToServer, b"GET"));
        p.push(web.rst(ToClient));
        let all = detect_all(&p.analyze(), &roles(&[("10.3.0.34", Role::InternalEdge)]));
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1, "{all:#?}");
        let f = f[0];
        assert_eq!(
            f.summary,
            "3 TCP connections from 3 clients to internal edge 10.3.0.34:443 reset by the \
             server after 10 to 12 bytes (frames 1, 5-6, 10-11, 15)"
        );
        assert_eq!(detail(f, "count"), Some(&Detail::Count(3)));
        assert_eq!(detail(f, "bytes"), Some(&Detail::Count(12)));
        assert_eq!(f.flows.len(), 3);
        assert!(!f.explanation.contains("93.184.216.34"));
    }
}
