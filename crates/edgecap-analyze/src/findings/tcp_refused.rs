//! `tcp.connection_refused`: SYNs answered by RST, grouped per (source
//! address, destination address, destination port).
//!
//! Severity: `error` when the destination port is a relay or edge service
//! port (field cases 1 and 3), `warning` elsewhere. Frames: every SYN and RST
//! of the group. Details: `port`, `count` (refused attempts: a SYN answered
//! by RST; Windows retries on the same tuple with the same initial sequence
//! number, so one flow can hold several), `syns`, `source_ports`; and
//! `call`, `media` when a SIP call of the capture points at one of the
//! refused connections ([`name_calls`]).

use std::net::IpAddr;

use super::common::{
    frames_phrase, tcp_flows_by_target, tcp_rollup, times, Ctx, FindingBuilder, MRAS_PORT,
};
use crate::{Detail, Finding, Severity};
use edgecap_net::table::FlowRecord;
use edgecap_net::tcp_state::TcpOutcome;
use edgecap_net::Endpoint;

/// The finding id.
pub const ID: &str = "tcp.connection_refused";

/// Names the call and media of each refused connection a SIP call points
/// at — its `LocalMR` / `RemoteMR` media-debug values, or a candidate at the
/// connection's far end ([`crate::calls::call_of_flow`]): the summary gains
/// "; media … of call …" and the evidence the frame that says so. Costs
/// nothing without such a finding; one pass over the messages with one.
pub fn name_calls(analysis: &crate::Analysis, findings: &mut [Finding]) {
    if !findings.iter().any(|f| f.id == ID) {
        return;
    }
    let (calls, _) = crate::calls::calls(analysis);
    if calls.is_empty() {
        return;
    }
    for f in findings.iter_mut().filter(|f| f.id == ID) {
        let Some((call, media, link)) = f
            .flows
            .iter()
            .find_map(|&id| crate::calls::call_of_flow(&calls, analysis, id))
        else {
            continue;
        };
        let id = edgecap_core::safe::escape_bytes(&call.call_id).into_owned();
        let short: String = id.chars().take(8).collect();
        let ends = match (&call.from, &call.to) {
            (Some(a), Some(b)) => format!(
                " ({} → {})",
                edgecap_core::safe::escape_bytes(a),
                edgecap_core::safe::escape_bytes(b)
            ),
            _ => String::new(),
        };
        let (how, frame) = match link {
            crate::calls::CallLink::MediaDebug(fr) => ("its LocalMR/RemoteMR", fr),
            crate::calls::CallLink::Candidate(fr) => ("its candidate", fr),
        };
        f.summary.push_str(&format!(
            "; media {} of call {short}…{ends}, {how} in frame {frame}",
            edgecap_core::safe::escape_bytes(media)
        ));
        if let Err(i) = f.frames.binary_search(&frame) {
            f.frames.insert(i, frame);
        }
        let kept = |b: &[u8]| Detail::Text(edgecap_core::safe::text_or_hex(b).into_owned());
        f.details.push(("call", kept(&call.call_id)));
        f.details.push(("media", kept(media)));
    }
}

/// One finding per (source address, destination address, destination port).
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    let groups = tcp_flows_by_target(ctx.analysis, TcpOutcome::Refused);
    let mut out: Vec<Finding> = groups
        .listed
        .iter()
        .map(|(src, dst, flows)| finding(ctx, *src, *dst, flows))
        .collect();
    out.extend(tcp_rollup(ID, &groups, "refused connections"));
    out
}

fn finding(ctx: &Ctx<'_>, src: IpAddr, dst: Endpoint, flows: &[&FlowRecord]) -> Finding {
    let mut b = FindingBuilder::default();
    let mut syns = 0u64;
    let mut attempts = 0u64;
    let mut src_ports: Vec<u16> = Vec::new();
    for f in flows {
        b.flow(f.id);
        if let Some(t) = &f.tcp {
            b.frames(t.control.syn_frames.iter().copied());
            b.frames(t.control.rst_frames.iter().copied());
            syns += u64::from(t.control.syn_count);
            attempts += u64::from(t.control.refused_attempts.max(1));
        }
        src_ports.push(f.client.port);
    }
    src_ports.sort_unstable();
    src_ports.dedup();
    let relay_dst = ctx.cfg.is_relay_port(dst.port);
    // An ephemeral source port in 50000-59999 towards 443/5062 is no relay port.
    let relay_src = !ctx.cfg.is_edge_port(dst.port);
    let severity = if ctx.is_edge_or_relay(dst.port) {
        Severity::Error
    } else {
        Severity::Warning
    };
    let from = match src_ports.as_slice() {
        [p] if relay_src && ctx.cfg.is_relay_port(*p) => format!(", from relay port {p}"),
        [p] => format!(", from port {p}"),
        ps => format!(
            ", from ports {}",
            ps.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
        ),
    };
    let summary = format!(
        "{} → {} refused {} (RST, {}){from}",
        ctx.host(src),
        ctx.endpoint(dst),
        times(attempts),
        frames_phrase(&b.sorted_frames()),
    );
    let explanation = if dst.port == MRAS_PORT {
        mras_explanation(ctx, dst)
    } else if relay_dst || (relay_src && src_ports.iter().any(|p| ctx.cfg.is_relay_port(*p))) {
        relay_explanation(ctx, src, dst, &src_ports)
    } else if ctx.cfg.is_edge_port(dst.port) {
        format!(
            "Nothing accepted the connection on {} TCP {}: the RST comes from the host itself \
             (no service listening on that address: A/V Edge service stopped, bound to another \
             interface or IP) or from a firewall that rejects instead of dropping. Check that the \
             edge service is running and listening on this interface (`netstat -ano | findstr \
             :{}`), and the firewall rules between {} and {}.",
            ctx.host(dst.ip),
            dst.port,
            dst.port,
            ctx.host(src),
            ctx.host(dst.ip),
        )
    } else {
        format!(
            "Nothing listens on TCP {} at {}, or a firewall rejects the connection with a RST. \
             Check the service on that host and the firewall rules in between.",
            dst.port,
            ctx.host(dst.ip),
        )
    };
    b.detail("port", Detail::Port(dst.port))
        .detail("count", Detail::Count(attempts))
        .detail("syns", Detail::Count(syns))
        .detail(
            "source_ports",
            Detail::List(src_ports.iter().map(u16::to_string).collect()),
        );
    b.build(ID, severity, summary, explanation)
}

fn relay_explanation(ctx: &Ctx<'_>, src: IpAddr, dst: Endpoint, src_ports: &[u16]) -> String {
    let mut s = format!(
        "TCP to the relayed media range (TCP {}-{}) is rejected between {} and {}: a firewall \
         does not allow outbound TCP {}-{} from the edge (or the partner does not allow it \
         inbound). Media that must go edge-to-edge over TCP — federated desktop sharing, \
         application sharing and calls with OCS 2007/R2 partners — fails while sign-in, IM and \
         UDP audio still work. Open TCP {}-{} outbound from the external edge interface to any \
         address (the A/V Edge port requirements), and check that the NAT in front of it keeps \
         the source port.",
        ctx.cfg.relay_ports.start(),
        ctx.cfg.relay_ports.end(),
        ctx.host(src),
        ctx.host(dst.ip),
        ctx.cfg.relay_ports.start(),
        ctx.cfg.relay_ports.end(),
        ctx.cfg.relay_ports.start(),
        ctx.cfg.relay_ports.end(),
    );
    for &p in src_ports {
        for (story, frame, relayed) in ctx.allocations_with_relay_port(p) {
            s.push_str(&format!(
                " Source port {p} is the relay allocated to client {} on {} (relayed {relayed}, \
                 frame {frame}).",
                story.client,
                ctx.endpoint(story.server),
            ));
        }
    }
    s
}

fn mras_explanation(ctx: &Ctx<'_>, dst: Endpoint) -> String {
    format!(
        "The front end cannot reach MRAS, the Media Relay Authentication Service, on {} TCP \
         5062: nothing listens there (A/V Authentication service stopped, or bound to another \
         interface) or a firewall rejects the connection (WSAECONNREFUSED 10061). Without MRAS \
         clients get no relay credentials: they show \"Limited External Calling\" after sign-in \
         and SIP answers 504 Server time-out with ms-diagnostics 1038 \"Failed to connect to a \
         peer server\". Check the A/V Edge service on the edge's internal interface, the \
         firewall between front end and edge for TCP 5062, and, once the TCP connection works, \
         the MTLS certificates on both sides (duplicate intermediate CAs, an edge left \
         unpatched while the front end was patched).",
        ctx.host(dst.ip)
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::Role;
    use edgecap_net::{Direction, TcpFlags};
    use edgecap_testkit::TcpConversation;

    #[test]
    fn the_call_whose_media_debug_names_the_refused_connection() {
        let a = capture("field-call-refused.pcap");
        let all = detect_all(&a, &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].summary.ends_with(
                "; media application-sharing of call a622d7b9… (sip:user1@contoso.com → \
                 sip:user2@fabrikam.com), its LocalMR/RemoteMR in frame 10"
            ),
            "{}",
            f[0].summary
        );
        assert!(frames(f[0]).contains(&10));
        assert_eq!(
            detail(f[0], "media"),
            Some(&Detail::Text("application-sharing".into()))
        );
        // Without SIP, no call is named.
        let a = capture("field-desktop-sharing-refused.pcap");
        let all = detect_all(&a, &Default::default());
        assert!(with_id(&all, ID)
            .iter()
            .all(|f| detail(f, "call").is_none()));
    }

    #[test]
    fn field_case_1_in_the_committed_capture() {
        let a = capture("msturn-tcp443.pcap");
        let r = roles(&[
            ("10.3.0.40", Role::ExternalEdge),
            ("1.1.1.1", Role::RemoteEdge),
        ]);
        let all = detect_all(&a, &r);
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        let f = f[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(frames(f), vec![28, 29, 30, 31, 32, 33]);
        assert_eq!(
            f.summary,
            "external edge 10.3.0.40 → remote edge 1.1.1.1:50704 refused 3 times \
             (RST, frames 28-33), from relay port 58138"
        );
        assert_eq!(detail(f, "port"), Some(&Detail::Port(50704)));
        assert_eq!(detail(f, "count"), Some(&Detail::Count(3)));
        assert!(f.explanation.contains("outbound TCP 50000-59999"));
        assert!(f.explanation.contains("relayed 2.2.2.2:58138, frame 11"));
        assert_eq!(f.flows.len(), 3);
    }

    #[test]
    fn without_roles_addresses_stand_alone() {
        let a = capture("tcp-outcomes.pcap");
        let all = detect_all(&a, &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        assert!(f[0]
            .summary
            .starts_with("10.3.0.40 → 1.1.1.1:50704 refused 3 times (RST, frames 11-16)"));
        assert_eq!(detail(f[0], "syns"), Some(&Detail::Count(3)));
    }

    #[test]
    fn mras_refused_is_an_error_and_other_ports_a_warning() {
        let mut p = Pcap::default();
        for port in [49800, 49801] {
            let mut c = TcpConversation::new(sa(&format!("10.0.0.5:{port}")), sa("10.3.0.34:5062"));
            p.push(c.syn());
            p.push(c.emit(Direction::ToClient, TcpFlags::RST | TcpFlags::ACK, b"", 0));
        }
        let mut c = TcpConversation::new(sa("10.0.0.5:40000"), sa("10.0.0.9:8080"));
        p.push(c.syn());
        p.push(c.emit(Direction::ToClient, TcpFlags::RST | TcpFlags::ACK, b"", 0));
        let all = detect_all(&p.analyze(), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 2);
        let mras = f
            .iter()
            .find(|f| detail(f, "port") == Some(&Detail::Port(5062)));
        let mras = mras.expect("5062 group");
        assert_eq!(mras.severity, Severity::Error);
        assert_eq!(frames(mras), vec![1, 2, 3, 4]);
        assert!(mras.summary.contains("refused twice"));
        assert!(mras.summary.contains("from ports 49800, 49801"));
        assert!(mras.explanation.contains("Limited External Calling"));
        assert!(mras.explanation.contains("1038"));
        let other = f
            .iter()
            .find(|f| detail(f, "port") == Some(&Detail::Port(8080)));
        assert_eq!(other.expect("8080").severity, Severity::Warning);
    }
}
