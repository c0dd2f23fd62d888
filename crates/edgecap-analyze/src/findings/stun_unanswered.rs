//! `stun.request_unanswered`: STUN/TURN requests (original and
//! retransmissions) that never got a response, grouped per (flow, method).
//!
//! Severity: an unanswered Allocate is an `error`, or a `warning` when the
//! same client later got an allocation elsewhere (another transport or
//! server: the TCP 443 fallback worked, but the preferred path is broken);
//! other TURN requests are a `warning`; Binding requests are a `warning` to a
//! STUN/TURN server port and `info` otherwise (ICE checks to unreachable
//! candidate pairs fail routinely). Frames: every copy of every unanswered
//! request, plus the fallback's success. Details: `method`, `transport`,
//! `port`, `count` (transactions), `sends` (copies), `fallback`.

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, SocketAddr};

use super::common::{frames_phrase, times, Ctx, FindingBuilder};
use super::udp_port_unreachable::IcmpIndex;
use crate::{Detail, Finding, Severity};
use edgecap_capture::FrameNo;
use edgecap_net::{Endpoint, FlowId, Transport};
use edgecap_proto::stun::Method;
use edgecap_proto::{AllocationStory, StepKind, StunRecord};

/// The finding id.
pub const ID: &str = "stun.request_unanswered";

/// One finding per (flow, method) with unanswered requests, handed to
/// `found` one at a time (a capture may hold one per flow).
pub fn detect(ctx: &Ctx<'_>, found: &mut dyn FnMut(Finding)) {
    let mut groups: BTreeMap<(FlowId, Method), Vec<&StunRecord>> = BTreeMap::new();
    for (_, r) in ctx.originals() {
        // ICE connectivity checks fail by design on some pairs; the ICE
        // findings tell whether a pair succeeded (`ice.checks`,
        // `ice.no_pair_succeeded`).
        if r.unanswered && !super::ice_checks::is_check(r) {
            groups
                .entry((r.flow, r.msg.msg_type.method))
                .or_default()
                .push(r);
        }
    }
    let fallbacks = Fallbacks::new(ctx);
    let icmp = IcmpIndex::new(ctx);
    for ((flow, method), reqs) in groups {
        if let Some(f) = finding(ctx, &fallbacks, &icmp, flow, method, &reqs) {
            found(f);
        }
    }
}

struct Fallback<'a> {
    story: &'a AllocationStory,
    frame: FrameNo,
    relayed: Option<SocketAddr>,
}

/// One successful Allocate of a client host.
struct Success<'a> {
    frame: FrameNo,
    story: &'a AllocationStory,
    relayed: Option<SocketAddr>,
    /// The first position from this one on whose path (transport, server)
    /// differs from this one's (the list's length when none).
    next_other_path: usize,
}

/// Every successful Allocate per client host, in frame order (ties in story
/// and step order), to find fallbacks without scanning every story.
struct Fallbacks<'a> {
    by_host: HashMap<IpAddr, Vec<Success<'a>>>,
}

impl<'a> Fallbacks<'a> {
    fn new(ctx: &Ctx<'a>) -> Self {
        let mut by_host: HashMap<IpAddr, Vec<Success<'a>>> = HashMap::new();
        for s in &ctx.analysis.proto.allocations {
            for st in &s.steps {
                if let StepKind::AllocateSuccess { relayed, .. } = st.kind {
                    by_host.entry(s.client.ip).or_default().push(Success {
                        frame: st.frame,
                        story: s,
                        relayed,
                        next_other_path: 0,
                    });
                }
            }
        }
        for list in by_host.values_mut() {
            list.sort_by_key(|e| e.frame); // stable: ties keep story and step order
            let n = list.len();
            for i in (0..n).rev() {
                list[i].next_other_path = if i + 1 == n {
                    n
                } else if path(list[i + 1].story) != path(list[i].story) {
                    i + 1
                } else {
                    list[i + 1].next_other_path
                };
            }
        }
        Fallbacks { by_host }
    }

    /// A later successful allocation of the same client host on another
    /// path: the earliest success after `after` of a story whose (transport,
    /// server) is not (`transport`, `server`).
    fn find(
        &self,
        client: Endpoint,
        transport: Transport,
        server: Endpoint,
        after: FrameNo,
    ) -> Option<Fallback<'a>> {
        let list = self.by_host.get(&client.ip)?;
        let mut i = list.partition_point(|e| e.frame <= after);
        if path(list.get(i)?.story) == (transport, server) {
            i = list[i].next_other_path;
        }
        let e = list.get(i)?;
        Some(Fallback {
            story: e.story,
            frame: e.frame,
            relayed: e.relayed,
        })
    }
}

fn path(s: &AllocationStory) -> (Transport, Endpoint) {
    (s.transport, s.server)
}

fn finding(
    ctx: &Ctx<'_>,
    fallbacks: &Fallbacks<'_>,
    icmp: &IcmpIndex<'_>,
    flow: FlowId,
    method: Method,
    reqs: &[&StunRecord],
) -> Option<Finding> {
    let (client, server) = ctx.sender_receiver(flow, reqs[0].dir)?;
    let transport = ctx
        .analysis
        .proto
        .flows
        .get(&flow)
        .map_or(Transport::Udp, |f| f.transport);
    let mut b = FindingBuilder::default();
    b.flow(flow);
    let mut sends = 0u64;
    for r in reqs {
        b.frames([r.frame()]);
        b.frames(ctx.copies_of(flow, r.frame()).iter().copied());
        sends += 1 + u64::from(r.retransmissions);
    }
    let request_frames = b.sorted_frames();
    let last = *request_frames.last()?;
    // An ICMP error answered it: not unanswered but rejected, one cause that
    // `udp.port_unreachable` reports with these requests as evidence.
    if transport == Transport::Udp && icmp.first_on(flow, request_frames[0]).is_some() {
        return None;
    }
    let fb = if method == Method::Allocate {
        fallbacks.find(client, transport, server, last)
    } else {
        None
    };
    let stun_server = matches!(server.port, 3478..=3481) || ctx.cfg.is_edge_port(server.port);
    let severity = match method {
        Method::Allocate if fb.is_some() => Severity::Warning,
        Method::Allocate => Severity::Error,
        Method::Binding if stun_server => Severity::Warning,
        Method::Binding => Severity::Info,
        _ => Severity::Warning,
    };
    let tx = if reqs.len() > 1 {
        format!(" ({} transactions)", reqs.len())
    } else {
        String::new()
    };
    let mut summary = format!(
        "{} → {} ({}): {} request sent {}{tx}, never answered ({})",
        ctx.endpoint_or(client, "client"),
        ctx.endpoint_or(server, "server"),
        transport.as_str().to_uppercase(),
        method.name(),
        times(sends),
        frames_phrase(&request_frames),
    );
    let mut explanation = String::new();
    match method {
        Method::Binding if !stun_server => explanation.push_str(
            "Connectivity checks (STUN Binding, ICE) to this address got no answer. ICE tries \
             every candidate pair and many fail by design (unreachable host candidates, \
             filtered paths); this matters only if no pair succeeded — then check the relay \
             candidates and the firewall rules for the relay range.",
        ),
        _ => {
            explanation.push_str(&format!(
                "The {} request was {} with no response. ",
                method.name(),
                if sends > reqs.len() as u64 {
                    "retransmitted with back-off"
                } else {
                    "sent"
                }
            ));
            explanation.push_str(&match transport {
                Transport::Udp => format!(
                    "Most often a firewall silently drops UDP {} between {} and {} (or drops the \
                     answers on the way back: asymmetric routing, a NAT that lost its mapping), \
                     or the edge's A/V service is not listening on this address. Less often \
                     the server answers too late: a wrong clock or an overloaded server makes \
                     transactions time out (in Lync/SfB logs SIPPROXY_E_TRANSACTION_TIMEOUT). \
                     Capture on the edge too: if the requests arrive there and nothing leaves, \
                     it is the service; if they never arrive, it is the network.",
                    server.port,
                    ctx.host(client.ip),
                    ctx.host(server.ip)
                ),
                Transport::Tcp => format!(
                    "The TCP connection to {} carried the request but nothing came back: the \
                     service accepted the connection and did not answer (overloaded, hung, or \
                     a proxy/load balancer in front of it swallowing the stream), or the server \
                     clock is wrong and transactions expire.",
                    ctx.host(server.ip)
                ),
                // STUN is never decoded on other transports.
                Transport::Ip(_) => String::new(),
            });
        }
    }
    if let Some(fb) = &fb {
        let relayed = fb
            .relayed
            .map_or(String::new(), |r| format!(", relayed {r}"));
        summary.push_str(&format!(
            "; later allocated over {} {} (frame {})",
            fb.story.transport.as_str().to_uppercase(),
            ctx.endpoint(fb.story.server),
            fb.frame
        ));
        explanation.push_str(&format!(
            " The client then fell back and allocated over {} on {} (frame {}{relayed}): calls \
             can still get media, but over the fallback path (TCP media is worse for audio and \
             video). Fix the {} path anyway.",
            fb.story.transport.as_str().to_uppercase(),
            ctx.endpoint(fb.story.server),
            fb.frame,
            transport.as_str().to_uppercase(),
        ));
        b.frames([fb.frame]);
        for &f in &fb.story.flows {
            b.flow(f);
        }
    }
    b.detail("method", Detail::Text(method.name().to_string()))
        .detail("transport", Detail::Text(transport.as_str().to_string()))
        .detail("port", Detail::Port(server.port))
        .detail("count", Detail::Count(reqs.len() as u64))
        .detail("sends", Detail::Count(sends));
    if let Some(fb) = &fb {
        b.detail("fallback", Detail::Address(fb.story.server.to_string()));
    }
    Some(b.build(ID, severity, summary, explanation))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::Role;
    use edgecap_net::Direction::{ToClient, ToServer};
    use edgecap_testkit::stun as s;
    use edgecap_testkit::{IpBuilder, TcpConversation};

    fn allocate(n: u8) -> Vec<u8> {
        s::ms(
            0x0003,
            &s::rfc_txid(n),
            &[s::ms_magic_cookie(), s::u32_attr(0x000d, 3600)],
        )
        .bytes()
    }

    fn udp_attempts(p: &mut Pcap) {
        let ip = IpBuilder::v4([10, 98, 2, 1], [10, 3, 0, 34]);
        let req = allocate(1);
        for wait in [0, 100, 200, 400] {
            p.wait_ms(wait);
            p.push(ip.udp(50040, 3478, &req));
        }
    }

    #[test]
    fn udp_3478_dropped_without_fallback_is_an_error() {
        let mut p = Pcap::default();
        udp_attempts(&mut p);
        let r = roles(&[
            ("10.3.0.34", Role::InternalEdge),
            ("10.98.2.1", Role::Client),
        ]);
        let all = detect_all(&p.analyze(), &r);
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        let f = f[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(frames(f), vec![1, 2, 3, 4]);
        assert_eq!(
            f.summary,
            "client 10.98.2.1:50040 → internal edge 10.3.0.34:3478 (UDP): Allocate request \
             sent 4 times, never answered (frames 1-4)"
        );
        assert_eq!(detail(f, "sends"), Some(&Detail::Count(4)));
        assert!(f.explanation.contains("silently drops UDP 3478"));
        assert!(f.explanation.contains("clock"));
    }

    #[test]
    fn tcp_443_fallback_makes_it_a_warning() {
        let mut p = Pcap::default();
        udp_attempts(&mut p);
        let mut c = TcpConversation::new(sa("10.98.2.1:50124"), sa("10.3.0.34:443"));
        p.extend(c.handshake());
        p.push(c.data(ToServer, &s::ms_frame(2, &allocate(2))));
        let relayed = s::addr_attr(0x0001, sa("2.2.2.2:58138"), None);
        let ok = s::ms(0x0103, &s::rfc_txid(2), &[s::ms_magic_cookie(), relayed]).bytes();
        p.push(c.data(ToClient, &s::ms_frame(2, &ok)));
        let all = detect_all(&p.analyze(), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        let f = f[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(frames(f), vec![1, 2, 3, 4, 9]);
        assert!(f
            .summary
            .ends_with("; later allocated over TCP 10.3.0.34:443 (frame 9)"));
        assert!(f.explanation.contains("relayed 2.2.2.2:58138"));
        assert_eq!(
            detail(f, "fallback"),
            Some(&Detail::Address("10.3.0.34:443".into()))
        );
        assert_eq!(f.flows.len(), 2);
    }

    #[test]
    fn ice_checks_are_info() {
        let mut p = Pcap::default();
        let ip = IpBuilder::v4([10, 98, 2, 1], [192, 0, 2, 50]);
        p.push(ip.udp(50040, 50610, &s::rfc(0x0001, &s::rfc_txid(3), &[]).bytes()));
        let all = detect_all(&p.analyze(), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Info);
        assert!(f[0].summary.contains("Binding request sent once"));
    }

    #[test]
    fn answered_requests_are_not_findings() {
        let all = detect_all(&capture("msturn-udp.pcap"), &Default::default());
        assert!(with_id(&all, ID).is_empty());
    }
}
