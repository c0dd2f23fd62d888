//! `udp.port_unreachable`: ICMP / ICMPv6 destination-unreachable errors
//! (port unreachable, host or network unreachable, administratively
//! prohibited) quoting a UDP datagram to an edge: a TURN/STUN server port, an
//! edge port (`--edge-ports`), a relay port (`--relay-ports`), or any
//! datagram whose quote holds a STUN header. One finding per (quoted flow,
//! ICMP sender, reason).
//!
//! Severity: `error` when no fallback succeeded — the client host got no
//! TURN allocation on another path (transport or server) after the first
//! error — and the datagram was an Allocate or went to a TURN server or edge
//! port; else `warning`. Frames: every ICMP error and the requests they
//! answer (linked by the quoted transaction id), plus the fallback's success.
//! Details: `port`, `count` (errors), `from` (the ICMP sender), `reason`
//! (`port_unreachable`, `admin_prohibited`, …), and `method` and `fallback`
//! when known. [`IcmpIndex`] also tells `stun.request_unanswered` that a
//! request was rejected, not silently dropped.

use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::net::IpAddr;

use super::common::{frames_phrase, times, Ctx, FindingBuilder};
use crate::{Detail, Finding, Severity};
use edgecap_capture::FrameNo;
use edgecap_net::icmp::UnreachableReason;
use edgecap_net::{Endpoint, FlowId, Transport};
use edgecap_proto::icmp::IcmpEvent;
use edgecap_proto::stun::Method;
use edgecap_proto::{ProtoMsg, StepKind};

/// The finding id.
pub const ID: &str = "udp.port_unreachable";

/// The ICMP errors of the analysis by the flow they quote, in frame order.
pub struct IcmpIndex<'a> {
    by_flow: FxHashMap<FlowId, Vec<(FrameNo, &'a IcmpEvent)>>,
}

impl<'a> IcmpIndex<'a> {
    /// One pass over the decoded messages.
    pub fn new(ctx: &Ctx<'a>) -> Self {
        let mut by_flow: FxHashMap<FlowId, Vec<(FrameNo, &'a IcmpEvent)>> = FxHashMap::default();
        for d in &ctx.analysis.proto.messages {
            if let ProtoMsg::Icmp(e) = &d.msg {
                by_flow.entry(d.flow).or_default().push((d.frames.last, e));
            }
        }
        IcmpIndex { by_flow }
    }

    /// The first ICMP error on `flow` at or after frame `from` (frame, event).
    pub fn first_on(&self, flow: FlowId, from: FrameNo) -> Option<(FrameNo, &'a IcmpEvent)> {
        let list = self.by_flow.get(&flow)?;
        let i = list.partition_point(|&(f, _)| f < from);
        list.get(i).copied()
    }
}

/// A finding's group: the quoted flow, the ICMP sender and the reason.
type GroupKey = (FlowId, IpAddr, UnreachableReason);

/// One finding per (quoted flow, ICMP sender, reason).
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    let mut groups: BTreeMap<GroupKey, Vec<(FrameNo, &IcmpEvent)>> = BTreeMap::new();
    for d in &ctx.analysis.proto.messages {
        let ProtoMsg::Icmp(e) = &d.msg else {
            continue;
        };
        if e.transport == Transport::Udp && (e.stun.is_some() || to_edge(ctx, e.quoted_dst.port)) {
            groups
                .entry((d.flow, e.from, e.reason))
                .or_default()
                .push((d.frames.last, e));
        }
    }
    groups
        .into_iter()
        .map(|((flow, from, reason), errors)| finding(ctx, flow, from, reason, &errors))
        .collect()
}

/// A TURN/STUN server port, an edge port or a relay port.
fn to_edge(ctx: &Ctx<'_>, port: u16) -> bool {
    turn_server_port(ctx, port) || ctx.is_edge_or_relay(port)
}

fn turn_server_port(ctx: &Ctx<'_>, port: u16) -> bool {
    matches!(port, 3478..=3481) || ctx.cfg.is_edge_port(port)
}

/// The first successful Allocate of `client`'s host after `after` on a path
/// (transport, server) other than (UDP, `server`): (frame, transport, server).
fn fallback(
    ctx: &Ctx<'_>,
    client: Endpoint,
    server: Endpoint,
    after: FrameNo,
) -> Option<(FrameNo, Transport, Endpoint)> {
    ctx.analysis
        .proto
        .allocations
        .iter()
        .filter(|s| s.client.ip == client.ip && (s.transport, s.server) != (Transport::Udp, server))
        .flat_map(|s| {
            s.steps.iter().filter_map(move |st| match st.kind {
                StepKind::AllocateSuccess { .. } if st.frame > after => {
                    Some((st.frame, s.transport, s.server))
                }
                _ => None,
            })
        })
        .min_by_key(|&(frame, _, _)| frame)
}

fn finding(
    ctx: &Ctx<'_>,
    flow: FlowId,
    from: IpAddr,
    reason: UnreachableReason,
    errors: &[(FrameNo, &IcmpEvent)],
) -> Finding {
    let (first_frame, first) = errors[0];
    let (client, server) = (first.quoted_src, first.quoted_dst);
    let method = errors
        .iter()
        .find_map(|(_, e)| e.stun.map(|q| q.msg_type.method));
    let mut b = FindingBuilder::default();
    b.flow(flow);
    for (frame, e) in errors {
        b.frames([*frame]);
        b.frames(e.request);
    }
    let icmp_frames: Vec<FrameNo> = errors.iter().map(|(f, _)| *f).collect();
    let fb = fallback(ctx, client, server, first_frame);
    let severity = if fb.is_none()
        && (method == Some(Method::Allocate) || turn_server_port(ctx, server.port))
    {
        Severity::Error
    } else {
        Severity::Warning
    };
    let sender = if from == server.ip {
        "the host itself".to_string()
    } else {
        ctx.host(from)
    };
    let what = match method {
        Some(m) => format!("{} request", m.name()),
        None => "datagram".to_string(),
    };
    let mut summary = format!(
        "{} → {} (UDP): {} {} from {} {} ({})",
        ctx.endpoint_or(client, "client"),
        ctx.endpoint_or(server, "server"),
        first.protocol_name(),
        reason.words(),
        sender,
        times(errors.len() as u64),
        frames_phrase(&icmp_frames),
    );
    if method.is_some() {
        summary.push_str(&format!(", answering the {what}"));
    }
    let mut explanation = match reason {
        UnreachableReason::Port if from == server.ip => format!(
            "{} answered the {what} to UDP {} with ICMP port unreachable: nothing listens \
             there. The A/V Edge (or TURN) service is stopped, listens on another address or \
             interface, or a host firewall rejects the port. This is a closed port, not a \
             silent drop: check that the service runs and is bound to {}.",
            ctx.host(server.ip),
            server.port,
            ctx.host(server.ip),
        ),
        UnreachableReason::Port | UnreachableReason::AdminProhibited => format!(
            "A firewall or router at {} rejected the {what} to UDP {} on {} ({}): a rule \
             blocks the port and says so, instead of dropping it silently. Open UDP {} (and \
             the media range 50000-59999) from the clients to the edge, or find the rule on \
             the device at {}.",
            ctx.host(from),
            server.port,
            ctx.host(server.ip),
            reason.words(),
            server.port,
            ctx.host(from),
        ),
        _ => format!(
            "{} could not deliver the {what} to {} ({}): the address is not reachable from \
             the client — the host is down, the address is wrong (an old DNS record, the \
             internal address handed to an external client), or a route is missing.",
            ctx.host(from),
            ctx.host(server.ip),
            reason.words(),
        ),
    };
    if let Some((frame, transport, to)) = fb {
        summary.push_str(&format!(
            "; later allocated over {} {} (frame {frame})",
            transport.as_str().to_uppercase(),
            ctx.endpoint(to)
        ));
        explanation.push_str(&format!(
            " The client then allocated over {} on {} (frame {frame}): media still works over \
             the fallback path, but UDP is the path that should work.",
            transport.as_str().to_uppercase(),
            ctx.endpoint(to),
        ));
        b.frames([frame]);
    }
    b.detail("port", Detail::Port(server.port))
        .detail("count", Detail::Count(errors.len() as u64))
        .detail("from", Detail::Address(from.to_string()))
        .detail("reason", Detail::Text(reason.as_str().to_string()));
    if let Some(m) = method {
        b.detail("method", Detail::Text(m.name().to_string()));
    }
    if let Some((_, _, to)) = fb {
        b.detail("fallback", Detail::Address(to.to_string()));
    }
    b.build(ID, severity, summary, explanation)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::Role;
    use edgecap_net::Direction::{ToClient, ToServer};
    use edgecap_testkit::stun as s;
    use edgecap_testkit::{IpBuilder, TcpConversation};

    const CLIENT: [u8; 4] = [192, 168, 0, 20];
    const EDGE: [u8; 4] = [198, 51, 100, 9];
    const FIREWALL: [u8; 4] = [192, 168, 0, 1];

    fn allocate(n: u8) -> Vec<u8> {
        s::rfc(0x0003, &s::rfc_txid(n), &[s::u32_attr(0x0019, 0x1100_0000)]).bytes()
    }

    /// Allocate to UDP 3478, twice, each answered by an ICMP error from
    /// `from` with `code`, quoting `quote` bytes.
    fn rejected(p: &mut Pcap, from: [u8; 4], code: u8, quote: usize) {
        let req = IpBuilder::v4(CLIENT, EDGE).udp(50300, 3478, &allocate(1));
        for _ in 0..2 {
            p.push(req.clone());
            p.push(IpBuilder::v4(from, CLIENT).icmp_unreachable(code, &req, quote));
            p.wait_ms(400);
        }
    }

    #[test]
    fn admin_prohibited_by_a_firewall_without_fallback_is_an_error() {
        let mut p = Pcap::default();
        rejected(&mut p, FIREWALL, 13, 576);
        let r = roles(&[("198.51.100.9", Role::ExternalEdge)]);
        let all = detect_all(&p.analyze(), &r);
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        let f = f[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(frames(f), vec![1, 2, 3, 4], "requests and errors");
        assert_eq!(
            f.summary,
            "client 192.168.0.20:50300 → external edge 198.51.100.9:3478 (UDP): ICMP \
             administratively prohibited from 192.168.0.1 twice (frames 2, 4), answering the \
             Allocate request"
        );
        assert_eq!(detail(f, "port"), Some(&Detail::Port(3478)));
        assert_eq!(detail(f, "count"), Some(&Detail::Count(2)));
        assert_eq!(
            detail(f, "from"),
            Some(&Detail::Address("192.168.0.1".into()))
        );
        assert_eq!(
            detail(f, "reason"),
            Some(&Detail::Text("admin_prohibited".into()))
        );
        assert_eq!(detail(f, "method"), Some(&Detail::Text("Allocate".into())));
        assert!(f
            .explanation
            .contains("rejected the Allocate request to UDP 3478"));
        // A rejected request is not also "unanswered" (one cause, one
        // finding): its frames are this finding's evidence.
        assert!(
            with_id(&all, "stun.request_unanswered").is_empty(),
            "{all:#?}"
        );
        assert!(frames(f).contains(&1), "the rejected request is evidence");
    }

    #[test]
    fn port_unreachable_from_the_edge_itself_and_a_tcp_fallback_is_a_warning() {
        let mut p = Pcap::default();
        rejected(&mut p, EDGE, 3, 576);
        let mut c = TcpConversation::new(sa("192.168.0.20:50301"), sa("198.51.100.9:443"));
        p.extend(c.handshake());
        p.push(c.data(ToServer, &s::rfc4571(&allocate(2))));
        let relayed = s::addr_attr(0x0020, sa("198.51.100.9:50010"), Some(&s::rfc_txid(2)));
        let ok = s::rfc(0x0103, &s::rfc_txid(2), &[relayed]).bytes();
        p.push(c.data(ToClient, &s::rfc4571(&ok)));
        let a = p.analyze();
        let all = detect_all(&a, &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1, "{all:#?}");
        let f = f[0];
        assert_eq!(f.severity, Severity::Warning);
        assert!(f
            .summary
            .contains("ICMP port unreachable from the host itself"));
        assert!(f.explanation.contains("nothing listens there"));
        assert!(f.summary.ends_with("(frame 9)"), "{}", f.summary);
        assert_eq!(
            detail(f, "fallback"),
            Some(&Detail::Address("198.51.100.9:443".into()))
        );
    }

    #[test]
    fn an_eight_byte_quote_still_names_port_and_sender() {
        let mut p = Pcap::default();
        rejected(&mut p, FIREWALL, 10, 28);
        let all = detect_all(&p.analyze(), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Error, "3478 is a TURN server port");
        assert_eq!(frames(f[0]), vec![2, 4], "no STUN quoted: no request link");
        assert_eq!(detail(f[0], "method"), None);
        assert!(!f[0].summary.contains("answering"), "{}", f[0].summary);
    }

    #[test]
    fn unreachable_ports_that_are_not_the_edge_are_not_findings() {
        let mut p = Pcap::default();
        // A DNS query answered by port unreachable.
        let q = IpBuilder::v4(CLIENT, [192, 168, 0, 53]).udp(50999, 53, b"dns query");
        p.push(q.clone());
        p.push(IpBuilder::v4([192, 168, 0, 53], CLIENT).icmp_unreachable(3, &q, 576));
        assert!(with_id(&detect_all(&p.analyze(), &Default::default()), ID).is_empty());
    }

    #[test]
    fn an_error_quoting_a_flow_never_seen_is_counted_not_reported() {
        let mut p = Pcap::default();
        let req = IpBuilder::v4(CLIENT, EDGE).udp(50300, 3478, &allocate(1));
        p.push(IpBuilder::v4(FIREWALL, CLIENT).icmp_unreachable(13, &req, 576));
        let a = p.analyze();
        assert_eq!(a.capture.icmp_unlinked, 1);
        assert!(a.flows.is_empty());
        assert!(with_id(&detect_all(&a, &Default::default()), ID).is_empty());
    }

    #[test]
    fn healthy_captures_have_no_icmp_finding() {
        for name in ["field-healthy-call.pcap", "coturn-loopback.pcap"] {
            let all = detect_all(&capture(name), &Default::default());
            assert!(with_id(&all, ID).is_empty(), "{name}");
        }
    }
}
