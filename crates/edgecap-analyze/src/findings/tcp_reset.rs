//! `tcp.reset`: an established TCP connection on an edge service port or a
//! relay port ended by a RST — which side sent it, after how many bytes.
//!
//! Severity: `warning`; `info` when the RST only ends a connection already
//! being torn down (a FIN came first, or its TURN allocation was deleted with
//! Refresh lifetime 0). Connections whose TLS handshake failed are left to
//! `tls.handshake_failed`. Frames: the SYN (when seen) and the RST frames.
//! Details: `port`, `reset_by` (`client`/`server`), `bytes`, `rsts`.

use std::collections::{BTreeSet, HashMap};

use super::common::{bytes, frames_phrase, Ctx, FindingBuilder, MRAS_PORT};
use crate::{Detail, Finding, Severity};
use edgecap_capture::FrameNo;
use edgecap_net::table::FlowRecord;
use edgecap_net::tcp_state::TcpOutcome;
use edgecap_net::{Direction, FlowId};
use edgecap_proto::stun::Method;
use edgecap_proto::StepKind;

/// The finding id.
pub const ID: &str = "tcp.reset";

/// One finding per reset connection on an edge or relay port.
pub fn detect(ctx: &Ctx<'_>, skip: &BTreeSet<FlowId>) -> Vec<Finding> {
    let deleted = deletions(ctx);
    ctx.analysis
        .flows
        .iter()
        .filter(|f| f.tcp_outcome() == Some(TcpOutcome::Reset))
        .filter(|f| !skip.contains(&f.id))
        .filter(|f| ctx.is_edge_or_relay(f.server.port) || relay_media(ctx, f))
        .filter_map(|f| finding(ctx, f, &deleted))
        .collect()
}

fn finding(ctx: &Ctx<'_>, f: &FlowRecord, deletions: &HashMap<FlowId, FrameNo>) -> Option<Finding> {
    let t = &f.tcp.as_ref()?.control;
    let first_rst = *t.rst_frames.first()?;
    let by = t.reset_by.unwrap_or(Direction::ToServer);
    let (who, sender) = match by {
        Direction::ToServer => ("client", f.client),
        Direction::ToClient => ("server", f.server),
    };
    // True when a Refresh with lifetime 0 succeeded on the flow before the RST.
    let deleted = deletions.get(&f.id).is_some_and(|&frame| frame < first_rst);
    let fin_first = t.fin_frames.iter().flatten().any(|&fin| fin < first_rst);
    let severity = if deleted || fin_first {
        Severity::Info
    } else {
        Severity::Warning
    };
    let mut b = FindingBuilder::default();
    b.flow(f.id)
        .frames(t.syn_frame)
        .frames(t.rst_frames.iter().copied());
    let summary = format!(
        "TCP {} → {} reset by the {who} ({}) after {} ({})",
        ctx.endpoint_or(f.client, "client"),
        ctx.endpoint_or(f.server, "server"),
        sender.ip,
        bytes(t.bytes_before_reset),
        frames_phrase(&t.rst_frames),
    );
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
    let port = f.server.port;
    let is_relay = relay_media(ctx, f);
    explanation.push_str(&match (by, port) {
        (_, _) if is_relay => format!(
            "A relayed media connection (TCP {}-{}) between {} and {} was cut: media or \
             desktop sharing over it stops. A RST from a side that had accepted the connection \
             usually means the application gave up (ICE chose another pair, the call ended); a \
             RST nobody sent is a firewall or IPS killing the session (compare the TTL of the RST \
             with the host's other packets, and check idle timeouts on stateful devices).",
            ctx.cfg.relay_ports.start(),
            ctx.cfg.relay_ports.end(),
            ctx.host(f.client.ip),
            ctx.host(f.server.ip),
        ),
        (Direction::ToClient, MRAS_PORT) => "The MRAS service (TCP 5062) dropped the front \
             end's connection: look at the MTLS handshake on it (certificate trust, duplicate \
             intermediate CAs) and at the edge's event log."
            .to_string(),
        (Direction::ToClient, _) => format!(
            "The edge side ({}) aborted the connection after {}: the A/V Edge rejected what it \
             received (a TURN message it does not accept, a failed authentication), restarted, \
             or a load balancer or firewall in front of it closed an idle or unexpected session. \
             Check the TURN messages just before the RST, the edge's event log, and any device \
             between client and edge (its RST would show a different TTL).",
            ctx.host(f.server.ip),
            bytes(t.bytes_before_reset),
        ),
        (Direction::ToServer, _) => format!(
            "The client ({}) aborted the connection after {}: the application gave up (an \
             allocation failed, the call ended, ICE chose another path) or a local firewall / \
             proxy cut it. Check what the client received just before.",
            ctx.host(f.client.ip),
            bytes(t.bytes_before_reset),
        ),
    });
    b.detail("port", Detail::Port(port))
        .detail("reset_by", Detail::Text(who.to_string()))
        .detail("bytes", Detail::Count(t.bytes_before_reset))
        .detail("rsts", Detail::Count(t.rst_frames.len() as u64));
    Some(b.build(ID, severity, summary, explanation))
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
fn deletions(ctx: &Ctx<'_>) -> HashMap<FlowId, FrameNo> {
    let mut first: HashMap<FlowId, FrameNo> = HashMap::new();
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
        assert!(f.explanation.contains("edge side"));
    }

    #[test]
    fn coturn_teardowns_are_info() {
        let a = capture("coturn-loopback.pcap");
        let all = detect_all(&a, &Default::default());
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
}
