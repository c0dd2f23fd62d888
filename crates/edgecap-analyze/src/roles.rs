//! Role inference: which IP address is the client, the internal edge, the
//! external edge, the remote edge or a peer, each with the rules and frames
//! that show it.
//!
//! All ports of a host share its role. Every rule that fires for an address
//! adds one [`Evidence`] entry (rule id, the first [`MAX_EVIDENCE_FRAMES`]
//! frames, one plain line naming addresses and ports); the address takes the
//! role of its strongest rule, and its evidence lists every rule that fired
//! for it, strongest first — so an address that is both the TURN client and
//! the TURN server (coturn on loopback) gets the server's role and the
//! evidence of both.
//!
//! # Rules, strongest first
//!
//! The first four decide which interface of an edge a TURN server is; the
//! TURN server is the address that answered an Allocate (success or error,
//! any dialect, UDP or TCP, MS-TURN over pseudo-TLS on 443 included) or, on
//! an edge port, received Allocates that were never answered.
//!
//! 1. `global_turn_server` → external edge: the TURN server's address is
//!    global ([`is_public`]): remote users and cloud relays (Teams, coturn on
//!    the internet) are reached on the internet-facing side.
//! 2. `allocate_from_internet` → external edge: a private TURN server served
//!    an Allocate from a global address — an edge interface behind a NAT
//!    that faces the internet.
//! 3. `client_behind_nat` → external edge: the Allocate success gives the
//!    client a global reflexive address (XOR-MAPPED-ADDRESS) other than its
//!    source address: the client came through a NAT from the internet.
//! 4. `relays_own_address` → external edge: the relayed address handed out
//!    is the server's own address (a relay with no NAT in front of it).
//! 5. `answers_allocate` → internal edge: a private TURN server answering
//!    private clients with no NAT evidence (the interface internal clients use).
//! 6. `mras_target` → internal edge: the TCP server on 5062 (MRAS). Its
//!    client is the front end (rule 14).
//! 7. `relayed_address` → external edge: the relayed address handed out in an
//!    Allocate success (MS-TURN MAPPED-ADDRESS, RFC XOR-RELAYED-ADDRESS); it
//!    may be the public address of a NAT in front of the edge.
//! 8. `sends_allocate` → client: the sender of TURN Allocate requests.
//! 9. `nat_relay_port` → external edge: a private address that sends (any
//!    transport) from the port of a relayed address whose address is public
//!    and different: the edge behind the NAT (relayed 2.2.2.2:58138, and
//!    10.3.0.40 sends a SYN from port 58138).
//! 10. `receives_allocate` → internal edge: a private target of Allocate
//!     requests that were never answered, when its port is an edge port
//!     ([`EdgeConfig::edge_ports`]).
//! 11. `relay_port_target` → remote edge: an edge (an address whose role from
//!     rules 1–10 is internal or external edge) sends from a relay port
//!     ([`EdgeConfig::relay_ports`]) to this address's relay port or edge port
//!     (10.3.0.40:58138 → 1.1.1.1:50704 makes 1.1.1.1 the remote edge).
//! 12. `relay_port_source` → remote edge: this address opens a conversation
//!     (TCP SYN sender, first UDP talker) from a relay port to an edge's relay
//!     port. Its target must be a relay port, not an edge port: clients often
//!     use ephemeral ports inside 50000-59999 towards 443 and 3478.
//! 13. `named_relay_peer` → remote edge: the address is named as a TURN peer
//!     with a relay port (Set Active Destination 1.1.1.1:50704) and exchanges
//!     traffic with an edge's relay port from any port — so a remote edge is
//!     recognised even when its NAT rewrote the relay source port.
//! 14. `mras_client` → front end: the TCP client of the MRAS port 5062 (a
//!     front end asks the edge's MRAS for relay credentials).
//! 15. `sip_server` → front end: the server a TURN client (rule 8) talks
//!     SIP to on 5060, 5061 or 5068 — the pool it registers with.
//! 16. `peer_address` → peer: an address named as XOR-PEER-ADDRESS, MS-TURN
//!     DESTINATION-ADDRESS or REMOTE-ADDRESS in the TURN messages of an
//!     allocation. The remote edge's relay address is often the peer address:
//!     the remote edge rules win.
//!
//! Global versus private address space: "private" means RFC 1918, the shared
//! (CGNAT) space 100.64.0.0/10, link-local, loopback, IPv6 unique-local
//! (fc00::/7), link-local and loopback (IPv4-mapped IPv6 as its IPv4
//! address); everything else is global, the documentation ranges included.
//!
//! The relay rules (11–13) never give a known edge the remote-edge role and
//! never pair an address with itself. Unspecified, multicast and broadcast
//! addresses get no role. A remote client whose media port falls into the
//! relay range is reported as a remote edge.
//!
//! Finally [`EdgeConfig::role_overrides`] (`--role ADDR=ROLE`) replace the
//! role of an address with a single `user_override` evidence; an overridden
//! address is listed even when the capture never shows it. Assignments are
//! ordered by role ([`Role::ALL`] order), then address. Everything is
//! deterministic.

use super::{EdgeConfig, Evidence, Role, RoleAssignment, RoleMap};
use crate::Analysis;
use edgecap_capture::FrameNo;
use edgecap_net::table::FlowRecord;
use edgecap_net::{Direction, Endpoint, FlowId, Transport};
use edgecap_proto::stun::{AttrKind, AttrValue, Class, Method};
use edgecap_proto::ProtoMsg;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

#[cfg(test)]
mod tests;

/// The MRAS port on the edge's internal interface (docs/field-cases.md, "Ports to know").
pub const MRAS_PORT: u16 = 5062;

/// Most frames listed per evidence entry (the first ones, ascending).
pub const MAX_EVIDENCE_FRAMES: usize = 5;

/// Rule id of a `--role` override.
pub const USER_OVERRIDE: &str = "user_override";

/// Most distinct detail lines remembered per (address, rule) to count
/// "and N more"; beyond it the count is shown as a lower bound.
const MAX_DISTINCT_DETAILS: usize = 64;

/// Every inference rule as (id, role it gives), strongest first.
pub const RULES: [(&str, Role); 16] = [
    (GLOBAL_TURN_SERVER, Role::ExternalEdge),
    (ALLOCATE_FROM_INTERNET, Role::ExternalEdge),
    (CLIENT_BEHIND_NAT, Role::ExternalEdge),
    (RELAYS_OWN_ADDRESS, Role::ExternalEdge),
    (ANSWERS_ALLOCATE, Role::InternalEdge),
    (MRAS_TARGET, Role::InternalEdge),
    (RELAYED_ADDRESS, Role::ExternalEdge),
    (SENDS_ALLOCATE, Role::Client),
    (NAT_RELAY_PORT, Role::ExternalEdge),
    (RECEIVES_ALLOCATE, Role::InternalEdge),
    (RELAY_PORT_TARGET, Role::RemoteEdge),
    (RELAY_PORT_SOURCE, Role::RemoteEdge),
    (NAMED_RELAY_PEER, Role::RemoteEdge),
    (MRAS_CLIENT, Role::FrontEnd),
    (SIP_SERVER, Role::FrontEnd),
    (PEER_ADDRESS, Role::Peer),
];

const MRAS_CLIENT: &str = "mras_client";
const SIP_SERVER: &str = "sip_server";

/// SIP ports a client's front end listens on: 5060 (TCP/UDP), 5061 (TLS)
/// and 5068 (the Mediation/front-end clear port in the design notes).
const SIP_PORTS: [u16; 3] = [5060, 5061, 5068];

const GLOBAL_TURN_SERVER: &str = "global_turn_server";
const CLIENT_BEHIND_NAT: &str = "client_behind_nat";
const RELAYS_OWN_ADDRESS: &str = "relays_own_address";
const NAMED_RELAY_PEER: &str = "named_relay_peer";

const ANSWERS_ALLOCATE: &str = "answers_allocate";
const MRAS_TARGET: &str = "mras_target";
const RELAYED_ADDRESS: &str = "relayed_address";
const ALLOCATE_FROM_INTERNET: &str = "allocate_from_internet";
const SENDS_ALLOCATE: &str = "sends_allocate";
const NAT_RELAY_PORT: &str = "nat_relay_port";
const RECEIVES_ALLOCATE: &str = "receives_allocate";
const RELAY_PORT_TARGET: &str = "relay_port_target";
const RELAY_PORT_SOURCE: &str = "relay_port_source";
const PEER_ADDRESS: &str = "peer_address";

/// Index of a rule in [`RULES`] (its priority: lower is stronger).
pub(crate) fn rule_index(rule: &str) -> usize {
    RULES
        .iter()
        .position(|(id, _)| *id == rule)
        .unwrap_or(RULES.len())
}

/// The role a rule id gives, `None` for unknown ids and `user_override`.
pub fn rule_role(rule: &str) -> Option<Role> {
    RULES.iter().find(|(id, _)| *id == rule).map(|(_, r)| *r)
}

/// True for addresses that are not routed on the internet: RFC 1918,
/// 100.64.0.0/10, link-local and loopback, IPv6 unique-local (fc00::/7),
/// link-local and loopback; an IPv4-mapped IPv6 address as its IPv4 form.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_private_v4(v4),
            None => {
                let first = v6.segments()[0];
                v6.is_loopback() || first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80
            }
        },
    }
}

fn is_private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_private() || ip.is_loopback() || ip.is_link_local() || (a == 100 && b & 0xc0 == 64)
}

/// True for an address that can hold a role (not unspecified, multicast or
/// broadcast) and is not private ([`is_private`]).
pub fn is_public(ip: IpAddr) -> bool {
    assignable(ip) && !is_private(ip)
}

/// Unspecified, multicast and broadcast addresses never get a role.
fn assignable(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !(v4.is_unspecified() || v4.is_multicast() || v4.is_broadcast()),
        IpAddr::V6(v6) => !(v6.is_unspecified() || v6.is_multicast()),
    }
}

/// The evidence gathered for one (address, rule). Kept small: an edge seen
/// by a few hundred thousand hosts (or as many hosts each seen once) holds
/// one of these per address, so frames are inline and the distinct details
/// after the first need no allocation until there is a second one.
struct Acc {
    /// The first [`MAX_EVIDENCE_FRAMES`] frames, ascending (`frames[..len]`).
    frames: [FrameNo; MAX_EVIDENCE_FRAMES],
    len: u8,
    /// Whether a distinct detail beyond [`MAX_DISTINCT_DETAILS`] was seen.
    capped: bool,
    first_detail: Box<str>,
    /// The distinct details other than `first_detail`.
    others: BTreeSet<Box<str>>,
}

impl Acc {
    fn new(detail: String) -> Self {
        Acc {
            frames: [FrameNo(0); MAX_EVIDENCE_FRAMES],
            len: 0,
            capped: false,
            first_detail: detail.into_boxed_str(),
            others: BTreeSet::new(),
        }
    }

    fn add_frame(&mut self, frame: FrameNo) {
        let len = usize::from(self.len);
        if let Err(pos) = self.frames[..len].binary_search(&frame) {
            if pos < MAX_EVIDENCE_FRAMES {
                let end = (len + 1).min(MAX_EVIDENCE_FRAMES);
                self.frames.copy_within(pos..end - 1, pos + 1);
                self.frames[pos] = frame;
                self.len = end as u8;
            }
        }
    }

    fn add_detail(&mut self, detail: String) {
        if *self.first_detail == *detail {
            return;
        }
        // Distinct details so far: the first one and the others.
        if 1 + self.others.len() < MAX_DISTINCT_DETAILS {
            self.others.insert(detail.into_boxed_str());
        } else if !self.others.contains(detail.as_str()) {
            self.capped = true;
        }
    }

    fn into_evidence(self, rule: &'static str) -> Evidence {
        let more = self.others.len();
        let first = self.first_detail.into_string();
        let detail = match (more, self.capped) {
            (0, _) => first,
            (n, false) => format!("{first} (and {n} more like it)"),
            (n, true) => format!("{first} (and over {n} more like it)"),
        };
        Evidence {
            rule,
            frames: self.frames[..usize::from(self.len)].to_vec(),
            detail,
        }
    }
}

/// The rules that fired for one address, with their evidence, by rule
/// priority (index in [`RULES`], ascending). Most addresses fire one rule:
/// a sorted vector grown one entry at a time holds it in one small
/// allocation, where a map would allocate a whole tree node.
type AddrHits = Vec<(u8, Acc)>;

/// Every rule hit, by address and rule priority.
#[derive(Default)]
struct Hits {
    by_addr: BTreeMap<IpAddr, AddrHits>,
}

impl Hits {
    fn add(&mut self, ip: IpAddr, rule: &'static str, frame: Option<FrameNo>, detail: String) {
        if !assignable(ip) {
            return;
        }
        let index = rule_index(rule) as u8;
        let rules = self.by_addr.entry(ip).or_default();
        let acc = match rules.binary_search_by_key(&index, |(i, _)| *i) {
            Ok(pos) => {
                let acc = &mut rules[pos].1;
                acc.add_detail(detail);
                acc
            }
            Err(pos) => {
                rules.reserve_exact(1);
                rules.insert(pos, (index, Acc::new(detail)));
                &mut rules[pos].1
            }
        };
        if let Some(frame) = frame {
            acc.add_frame(frame);
        }
    }

    /// The role of the strongest rule that fired for `ip`, so far.
    fn best_role(&self, ip: IpAddr) -> Option<Role> {
        let (index, _) = self.by_addr.get(&ip)?.first()?;
        RULES.get(usize::from(*index)).map(|(_, role)| *role)
    }

    fn is_edge(&self, ip: IpAddr) -> bool {
        matches!(
            self.best_role(ip),
            Some(Role::InternalEdge | Role::ExternalEdge)
        )
    }
}

/// "TCP" or "UDP".
fn transport_name(t: Transport) -> String {
    t.as_str().to_ascii_uppercase()
}

/// A relayed address handed out, with where it was seen.
struct Relayed {
    addr: SocketAddr,
    frame: FrameNo,
}

/// Infers the role of every address from the traffic, then applies
/// `cfg.role_overrides`. See the module documentation for the rules.
pub fn infer(analysis: &Analysis, cfg: &EdgeConfig) -> RoleMap {
    let mut hits = Hits::default();
    let facts = stun_rules(analysis, cfg, &mut hits);
    let first_msg = first_message_frames(analysis);
    for flow in &analysis.flows {
        mras_rule(flow, &mut hits);
        nat_rule(flow, &facts.relayed, &first_msg, &mut hits);
    }
    // The relay rules need the edges found so far (rules 1–10).
    let edges: BTreeSet<IpAddr> = hits
        .by_addr
        .keys()
        .copied()
        .filter(|ip| hits.is_edge(*ip))
        .collect();
    for flow in &analysis.flows {
        relay_rules(flow, cfg, &edges, &facts.named_peers, &first_msg, &mut hits);
        sip_server_rule(flow, &mut hits);
    }
    resolve(hits, cfg)
}

/// The completing frame of the first decoded message per flow and direction.
fn first_message_frames(analysis: &Analysis) -> FxHashMap<FlowId, [Option<FrameNo>; 2]> {
    let mut map: FxHashMap<FlowId, [Option<FrameNo>; 2]> = FxHashMap::default();
    for d in &analysis.proto.messages {
        let slot = &mut map.entry(d.flow).or_default()[d.dir.index()];
        if slot.is_none_or(|f| d.frames.last < f) {
            *slot = Some(d.frames.last);
        }
    }
    map
}

/// The first frame the sender of `dir` sent in `flow`, as far as the record
/// tells (the flow's first frame when nothing better is known).
fn first_sent(
    flow: &FlowRecord,
    dir: Direction,
    first_msg: &FxHashMap<FlowId, [Option<FrameNo>; 2]>,
) -> FrameNo {
    let from_tcp = flow.tcp.as_ref().and_then(|t| match dir {
        Direction::ToServer => t.control.syn_frame,
        Direction::ToClient => t.control.syn_ack_frame.or_else(|| {
            (t.control.reset_by == Some(Direction::ToClient))
                .then(|| t.control.rst_frames.first().copied())
                .flatten()
        }),
    });
    let from_msg = first_msg.get(&flow.id).and_then(|f| f[dir.index()]);
    match (from_tcp, from_msg) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => flow.first_frame,
    }
}

/// The public relayed addresses handed out, by port (first sighting of each
/// address, in frame order), for rule 9.
type RelayedByPort = HashMap<u16, Vec<Relayed>>;

/// Addresses named as TURN peers with a relay port: the first such peer
/// address per IP and the frame that named it, for rule 13.
type NamedRelayPeers = HashMap<IpAddr, (SocketAddr, FrameNo)>;

/// What the STUN rules hand to the flow rules.
#[derive(Default)]
struct StunFacts {
    relayed: RelayedByPort,
    named_peers: NamedRelayPeers,
}

/// What a TURN server's answer (or silence) says about it.
struct ServerSighting {
    client: Endpoint,
    server: Endpoint,
    answered: bool,
    /// The client's reflexive address from an Allocate success.
    reflexive: Option<SocketAddr>,
    /// The relayed address from an Allocate success.
    relayed: Option<SocketAddr>,
    frame: Option<FrameNo>,
    over: String,
}

/// Rules from the decoded STUN/TURN messages: 1–5, 7, 8, 10 and 14. Returns
/// the public relayed addresses handed out and the peers named with relay
/// ports, for rules 9 and 13.
fn stun_rules(analysis: &Analysis, cfg: &EdgeConfig, hits: &mut Hits) -> StunFacts {
    let mut facts = StunFacts::default();
    // Every address already in `relayed`, so each is listed once without a scan.
    let mut listed: HashSet<SocketAddr> = HashSet::new();
    for d in &analysis.proto.messages {
        let ProtoMsg::Stun(r) = &d.msg else {
            continue;
        };
        if r.retransmission_of.is_some() {
            continue;
        }
        let Some(flow) = analysis.proto.flows.get(&r.flow) else {
            continue;
        };
        let (from, to) = match r.dir {
            Direction::ToServer => (flow.client, flow.server),
            Direction::ToClient => (flow.server, flow.client),
        };
        let over = format!("over {} ({})", transport_name(flow.transport), flow.label);
        let frame = Some(r.frame());
        let method = r.msg.msg_type.method;
        match (method, r.msg.msg_type.class) {
            (Method::Allocate, Class::Request) => {
                hits.add(
                    from.ip,
                    SENDS_ALLOCATE,
                    frame,
                    format!("{from} sent TURN Allocate requests to {to} {over}"),
                );
                if r.response_in.is_none() && cfg.is_edge_port(to.port) {
                    let sighting = ServerSighting {
                        client: from,
                        server: to,
                        answered: false,
                        reflexive: None,
                        relayed: None,
                        frame,
                        over,
                    };
                    server_rules(hits, &sighting);
                }
            }
            (Method::Allocate, class @ (Class::Success | Class::Error)) => {
                let success = class == Class::Success;
                let relayed = r.msg.relayed_address().filter(|_| success);
                let sighting = ServerSighting {
                    client: to,
                    server: from,
                    answered: true,
                    reflexive: r.msg.xor_mapped_address().filter(|_| success),
                    relayed,
                    frame,
                    over,
                };
                server_rules(hits, &sighting);
                if let Some(addr) = relayed {
                    hits.add(
                        addr.ip(),
                        RELAYED_ADDRESS,
                        frame,
                        format!("{addr} was handed out as the relayed address by {from} to {to}"),
                    );
                    if is_public(addr.ip()) && listed.insert(addr) {
                        facts.relayed.entry(addr.port()).or_default().push(Relayed {
                            addr,
                            frame: r.frame(),
                        });
                    }
                }
            }
            (Method::Binding, _) => {}
            _ => peer_rule(hits, cfg, &mut facts.named_peers, &r.msg, (from, to), frame),
        }
    }
    facts
}

/// Rules 1–5 and 10: which interface of an edge a TURN server is.
fn server_rules(hits: &mut Hits, s: &ServerSighting) {
    let (client, server, over) = (s.client, s.server, &s.over);
    let verb = if s.answered {
        "answered"
    } else {
        "received, never answering,"
    };
    let mut external = false;
    if is_public(server.ip) {
        external = true;
        hits.add(
            server.ip,
            GLOBAL_TURN_SERVER,
            s.frame,
            format!(
                "{server} {verb} TURN Allocate requests from {client} {over} on a global address: the relay on the internet"
            ),
        );
    } else if is_public(client.ip) {
        external = true;
        hits.add(
            server.ip,
            ALLOCATE_FROM_INTERNET,
            s.frame,
            format!(
                "{server} (private) {verb} TURN Allocate requests from the global address {client}: the edge's internet-facing side"
            ),
        );
    }
    if let Some(reflexive) = s.reflexive {
        if reflexive.ip() != client.ip && is_public(reflexive.ip()) {
            external = true;
            hits.add(
                server.ip,
                CLIENT_BEHIND_NAT,
                s.frame,
                format!(
                    "{server} saw its client {client} as {reflexive} (reflexive address): the client came through a NAT from the internet"
                ),
            );
        }
    }
    if let Some(relayed) = s.relayed {
        if relayed.ip() == server.ip {
            external = true;
            hits.add(
                server.ip,
                RELAYS_OWN_ADDRESS,
                s.frame,
                format!("{server} handed out its own address as the relayed address {relayed}"),
            );
        }
    }
    if external {
        return;
    }
    let (rule, detail) = if s.answered {
        (
            ANSWERS_ALLOCATE,
            format!("{server} answered TURN Allocate requests from {client} {over}"),
        )
    } else {
        (
            RECEIVES_ALLOCATE,
            format!(
                "{server} received TURN Allocate requests from {client} {over} on edge port {}, no answer seen",
                server.port
            ),
        )
    };
    hits.add(server.ip, rule, s.frame, detail);
}

/// Rule 14: peer addresses named in a TURN message; those with a relay port
/// are remembered for rule 13.
fn peer_rule(
    hits: &mut Hits,
    cfg: &EdgeConfig,
    named: &mut NamedRelayPeers,
    msg: &edgecap_proto::stun::StunMessage,
    (from, to): (Endpoint, Endpoint),
    frame: Option<FrameNo>,
) {
    let method = msg.msg_type.method;
    for a in &msg.attributes {
        if !matches!(
            a.kind,
            AttrKind::XorPeerAddress | AttrKind::DestinationAddress | AttrKind::RemoteAddress
        ) {
            continue;
        }
        let (AttrValue::Address(peer) | AttrValue::XorAddress(peer)) = a.value(msg) else {
            continue;
        };
        if let (Some(f), true) = (frame, cfg.is_relay_port(peer.port())) {
            named.entry(peer.ip()).or_insert((peer, f));
        }
        hits.add(
            peer.ip(),
            PEER_ADDRESS,
            frame,
            format!(
                "{peer} is named as {} in a TURN {} between {from} and {to}",
                a.kind.name(),
                method.name()
            ),
        );
    }
}

/// The frame that opened a flow: its first SYN, else its first frame.
fn opening_frame(flow: &FlowRecord) -> FrameNo {
    flow.tcp
        .as_ref()
        .and_then(|t| t.control.syn_frame)
        .unwrap_or(flow.first_frame)
}

/// Rules 6 and 14: the TCP server on the MRAS port, and its client.
fn mras_rule(flow: &FlowRecord, hits: &mut Hits) {
    if flow.transport != Transport::Tcp || flow.server.port != MRAS_PORT {
        return;
    }
    let outcome = flow.tcp_outcome().map_or("unknown", |o| o.as_str());
    let frame = opening_frame(flow);
    hits.add(
        flow.server.ip,
        MRAS_TARGET,
        Some(frame),
        format!(
            "{} is the TCP server on MRAS port {MRAS_PORT} for {} ({outcome})",
            flow.server, flow.client
        ),
    );
    hits.add(
        flow.client.ip,
        MRAS_CLIENT,
        Some(frame),
        format!(
            "{} connects to MRAS on {} ({outcome}): a front end asking for relay credentials",
            flow.client, flow.server
        ),
    );
}

/// Rule 15: the SIP server of a TURN client.
fn sip_server_rule(flow: &FlowRecord, hits: &mut Hits) {
    if !SIP_PORTS.contains(&flow.server.port)
        || flow.client.ip == flow.server.ip
        || !matches!(hits.best_role(flow.client.ip), Some(Role::Client))
    {
        return;
    }
    let frame = opening_frame(flow);
    hits.add(
        flow.server.ip,
        SIP_SERVER,
        Some(frame),
        format!(
            "{} is the SIP server ({} {}) of the TURN client {}",
            flow.server,
            transport_name(flow.transport),
            flow.server.port,
            flow.client
        ),
    );
}

/// The two sides of a flow that sent something: (sender, receiver, direction).
fn talkers(flow: &FlowRecord) -> impl Iterator<Item = (Endpoint, Endpoint, Direction)> + '_ {
    [
        (flow.client, flow.server, Direction::ToServer),
        (flow.server, flow.client, Direction::ToClient),
    ]
    .into_iter()
    .filter(|(_, _, dir)| flow.packets[dir.index()] > 0)
}

/// Rule 9: a private address sending from the port of a public relayed address.
fn nat_rule(
    flow: &FlowRecord,
    relayed: &RelayedByPort,
    first_msg: &FxHashMap<FlowId, [Option<FrameNo>; 2]>,
    hits: &mut Hits,
) {
    for (sender, receiver, dir) in talkers(flow) {
        if !is_private(sender.ip) {
            continue;
        }
        let Some(r) = relayed
            .get(&sender.port)
            .and_then(|all| all.iter().find(|r| r.addr.ip() != sender.ip))
        else {
            continue;
        };
        let frame = first_sent(flow, dir, first_msg);
        hits.add(
            sender.ip,
            NAT_RELAY_PORT,
            Some(frame),
            format!(
                "{} sent from port {} ({} to {receiver}), the port of relayed address {} (frame {}): the edge behind the NAT",
                sender.ip,
                sender.port,
                transport_name(flow.transport),
                r.addr,
                r.frame
            ),
        );
    }
}

/// Rules 11–13: the far side of an edge's relay-port conversation.
fn relay_rules(
    flow: &FlowRecord,
    cfg: &EdgeConfig,
    edges: &BTreeSet<IpAddr>,
    named: &NamedRelayPeers,
    first_msg: &FxHashMap<FlowId, [Option<FrameNo>; 2]>,
    hits: &mut Hits,
) {
    let t = transport_name(flow.transport);
    for (sender, receiver, dir) in talkers(flow) {
        if sender.ip == receiver.ip {
            continue;
        }
        if edges.contains(&sender.ip)
            && !edges.contains(&receiver.ip)
            && cfg.is_relay_port(sender.port)
            && (cfg.is_relay_port(receiver.port) || cfg.is_edge_port(receiver.port))
        {
            hits.add(
                receiver.ip,
                RELAY_PORT_TARGET,
                Some(first_sent(flow, dir, first_msg)),
                format!("the edge {sender} sent from its relay port to {receiver} over {t}"),
            );
        }
        if edges.contains(&receiver.ip)
            && !edges.contains(&sender.ip)
            && dir == Direction::ToServer
            && cfg.is_relay_port(sender.port)
            && cfg.is_relay_port(receiver.port)
        {
            hits.add(
                sender.ip,
                RELAY_PORT_SOURCE,
                Some(first_sent(flow, dir, first_msg)),
                format!(
                    "{sender} opened a {t} conversation from a relay port to the edge's relay port {receiver}"
                ),
            );
        }
        // Rule 13: the far side's port does not matter (its NAT may rewrite it).
        let (edge, far) = if edges.contains(&sender.ip) {
            (sender, receiver)
        } else {
            (receiver, sender)
        };
        if edges.contains(&edge.ip) && !edges.contains(&far.ip) && cfg.is_relay_port(edge.port) {
            if let Some(&(peer, named_at)) = named.get(&far.ip) {
                let port_note = if far.port == peer.port() {
                    String::new()
                } else {
                    format!(
                        " from port {}, not {}: a NAT rewrote its port",
                        far.port,
                        peer.port()
                    )
                };
                hits.add(
                    far.ip,
                    NAMED_RELAY_PEER,
                    Some(first_sent(flow, dir, first_msg)),
                    format!(
                        "{} is the TURN peer {peer} (a relay port, frame {named_at}) and talks {t} with the edge's relay port {edge}{port_note}",
                        far.ip
                    ),
                );
            }
        }
    }
}

/// Picks each address's strongest rule, applies the overrides and orders.
fn resolve(hits: Hits, cfg: &EdgeConfig) -> RoleMap {
    // The overrides first (the last one given for an address wins), so the
    // inferred assignments they replace are never built. Every address is
    // listed once, so an unstable sort by (role, address) needs no buffer
    // and gives the one order there is.
    let mut overrides: BTreeMap<IpAddr, Role> = BTreeMap::new();
    for &(ip, role) in &cfg.role_overrides {
        overrides.insert(ip, role);
    }
    let mut assignments: Vec<RoleAssignment> =
        Vec::with_capacity(hits.by_addr.len() + overrides.len());
    for (ip, rules) in hits.by_addr {
        if overrides.contains_key(&ip) {
            continue;
        }
        let Some(role) = rules
            .first()
            .and_then(|(i, _)| RULES.get(usize::from(*i)))
            .map(|(_, role)| *role)
        else {
            continue;
        };
        let evidence = rules
            .into_iter()
            .filter_map(|(i, acc)| {
                RULES
                    .get(usize::from(i))
                    .map(|(id, _)| acc.into_evidence(id))
            })
            .collect();
        assignments.push(RoleAssignment {
            address: ip,
            role,
            evidence,
        });
    }
    for (ip, role) in overrides {
        assignments.push(RoleAssignment {
            address: ip,
            role,
            evidence: vec![Evidence {
                rule: USER_OVERRIDE,
                frames: Vec::new(),
                detail: format!("set with --role {ip}={role}"),
            }],
        });
    }
    let rank = |r: Role| Role::ALL.iter().position(|x| *x == r).unwrap_or(usize::MAX);
    assignments.sort_unstable_by_key(|a| (rank(a.role), a.address));
    RoleMap::new(assignments)
}
