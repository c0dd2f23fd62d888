//! The findings that need two vantage points:
//!
//! * `path.lost` — a STUN message seen at one capture, travelling toward the
//!   other (the flow's orientation, [`super::FlowLink::client_side`]), never
//!   seen there although that capture saw the same flow — or, for a flow it
//!   never saw at all, a request from a client whose other traffic to the
//!   same server passed there, of a kind (transport, server port) it records
//!   — and covers the time
//!   it would have arrived (twice the longest flight measured between them
//!   plus [`FLIGHT_SLACK_NS`], at most [`MAX_FLIGHT_NS`]). Severity
//!   `error` on edge and relay ports, else `warning`; one finding per hop,
//!   transport, destination and kind (in a flow the other side saw, or not), alike
//!   flows counted in `similar`; frames of both captures.
//! * `path.reset_not_sent` — a TCP RST seen at one capture whose claimed
//!   sender's side — the other capture, nearer that sender on the flow's
//!   path — never shows it, although it covers that time: a middlebox
//!   between them sent it. Severity as `path.lost`.
//! * `path.nat_mapping` (info) — the NAT mappings between two vantage
//!   points (at most [`MAX_LISTED_MAPPINGS`] listed in the details, all
//!   counted).
//! * `nat.relay_port_rewritten` (error) — a source NAT mapping between two
//!   vantage points whose inside port is the port of a relayed address an
//!   Allocate success (in any capture) handed out on the mapping's outside
//!   address, and whose outside port differs: the NAT in front of the edge
//!   does not keep relay ports, seen on both sides of it.
//! * `clock.skew` (warning) — a capture's clock off the first one's by more
//!   than its error bound plus [`CLOCK_TOLERANCE_NS`], unless the offset is
//!   a time zone (whole or half hours plus a little: reported with the
//!   vantage points, no finding).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;
use std::net::SocketAddr;

use super::matching::{MatchedFlags, PairJoin};
use super::{
    ends, upstream_of, ClockBasis, InputFrame, Join, JoinInput, PathFinding, MAX_FLIGHT_NS,
};
use crate::log_offset::split_zone;
use crate::{Analysis, Detail, EdgeConfig, Severity};
use edgecap_capture::{FrameNo, Timestamp};
use edgecap_net::{Direction, Endpoint, Transport};
use edgecap_proto::AllocationOutcome;

/// The finding ids only the join raises, with a one-line description (the
/// README documents them; `nat.relay_port_rewritten` and `clock.skew` are
/// shared with the single-capture detectors,
/// [`crate::findings::FINDING_IDS`]).
pub const PATH_FINDING_IDS: &[(&str, &str)] = &[
    (
        LOST,
        "a STUN/TURN message seen at one vantage point never seen at the next one on its path, which covers the time",
    ),
    (
        RESET_NOT_SENT,
        "a RST its claimed sender's side of the path shows it never sent: a device between the two vantage points",
    ),
    (
        NAT_MAPPING,
        "the NAT mappings between two vantage points (inside ↔ outside, per transport)",
    ),
];

/// `path.lost`.
pub const LOST: &str = "path.lost";
/// `path.reset_not_sent`.
pub const RESET_NOT_SENT: &str = "path.reset_not_sent";
/// `path.nat_mapping`.
pub const NAT_MAPPING: &str = "path.nat_mapping";

/// Disagreement between capture clocks still read as agreement beyond the
/// error bound: hosts synchronised by NTP agree within tens of milliseconds.
pub const CLOCK_TOLERANCE_NS: i64 = 100_000_000;
/// Most NAT mappings listed in one `path.nat_mapping` finding's details.
pub const MAX_LISTED_MAPPINGS: usize = 20;
/// Most frames listed as evidence of one finding (the count is complete).
pub const MAX_EVIDENCE: usize = 20;

/// Every finding of `join`, sorted by severity then first evidence.
pub fn detect(
    join: &Join,
    inputs: &[JoinInput<'_>],
    flags: &[MatchedFlags],
    cfg: &EdgeConfig,
) -> Vec<PathFinding> {
    let mut out = lost(join, inputs, flags, cfg);
    out.extend(resets_not_sent(join, inputs, cfg));
    out.extend(nat_mappings(join));
    out.extend(relay_ports_rewritten(join, inputs));
    out.extend(clock_skew(join));
    out.sort_by(|a, b| (a.severity, a.evidence.first()).cmp(&(b.severity, b.evidence.first())));
    out
}

fn severity(cfg: &EdgeConfig, server: Endpoint) -> Severity {
    if cfg.is_edge_port(server.port) || cfg.is_relay_port(server.port) {
        Severity::Error
    } else {
        Severity::Warning
    }
}

/// Time in flight added to the longest one measured between two vantage
/// points before a packet not seen at the second counts as lost: the
/// jitter of a path that is not congested (a few milliseconds) with room.
pub const FLIGHT_SLACK_NS: i64 = 10_000_000;

/// How long after a packet passed one vantage point the other must still
/// be capturing to count it as lost: twice the longest flight measured
/// between them plus [`FLIGHT_SLACK_NS`], at most [`MAX_FLIGHT_NS`].
fn flight_margin(p: &PairJoin) -> i64 {
    p.max_flight_ns
        .saturating_mul(2)
        .saturating_add(FLIGHT_SLACK_NS)
        .min(MAX_FLIGHT_NS)
}

/// Does `a` cover time `ts` (on its own clock), and `margin` after it?
fn covers(a: &Analysis, ts: i64, margin: i64) -> bool {
    match (a.capture.first_ts, a.capture.last_ts) {
        (Some(Timestamp(first)), Some(Timestamp(last))) => {
            first <= ts && ts.saturating_add(margin) <= last
        }
        _ => false,
    }
}

/// `src → dst` of a packet in direction `dir` of a flow with these ends.
fn src_dst(c: Endpoint, s: Endpoint, dir: Direction) -> (Endpoint, Endpoint) {
    match dir {
        Direction::ToServer => (c, s),
        Direction::ToClient => (s, c),
    }
}

fn to_server(flipped: bool, side: usize, dir: Direction) -> Direction {
    if side == 1 && flipped {
        dir.reverse()
    } else {
        dir
    }
}

fn frames_of(join: &Join, frames: &[InputFrame]) -> String {
    let shown: Vec<String> = frames
        .iter()
        .take(MAX_EVIDENCE)
        .map(|f| join.label(*f))
        .collect();
    let more = frames.len().saturating_sub(MAX_EVIDENCE);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

const LOST_EXPLANATION: &str = "The packet left one vantage point, and the next one on its path — which saw the same flow's other packets, before and after — never saw it: it was dropped between the two, by the network or a device on the way (a firewall's flood protection or rate limit, a NAT that lost its mapping, a full queue), unless the second capture itself dropped it (check its drop counters: tcpdump's \"dropped by kernel\", pcapng interface statistics). A lost Allocate or response makes the client retransmit (after 0.5 s, 1.5 s, …) and fall back to TCP 443 when every copy is lost; on relay ports, lost media is heard as gaps.";

/// A lost message: its frame, "Allocate request", its direction.
type Lost = (FrameNo, String, Direction);

/// Messages lost on their way from one side of a pair, with what the other
/// side saw instead.
struct LostGroup {
    side: usize,
    frames: Vec<Lost>,
    transport: Transport,
    src: Endpoint,
    dst: Endpoint,
    server: Endpoint,
    there: String,
    other_frame: FrameNo,
}

fn lost(
    join: &Join,
    inputs: &[JoinInput<'_>],
    flags: &[MatchedFlags],
    cfg: &EdgeConfig,
) -> Vec<PathFinding> {
    let mut out = Vec::new();
    for (p, f) in join.pairs.iter().zip(flags) {
        let sides = [p.a, p.b];
        // (side, linked?, link or flow) → the group of lost messages.
        let mut groups: BTreeMap<(usize, bool, u64), LostGroup> = BTreeMap::new();
        for side in 0..2 {
            let links: HashMap<_, usize> = p
                .links
                .iter()
                .enumerate()
                .map(|(i, l)| (l.flows[side], i))
                .collect();
            // (client IP, server IP) at this side → a link whose client is
            // nearer this side: that host's traffic to that server passes
            // the other vantage point after this one.
            let mut routes: HashMap<_, usize> = HashMap::new();
            for (i, l) in p.links.iter().enumerate() {
                if l.client_side == Some(side) {
                    let (_, c, s) = ends(l, side);
                    routes.entry((c.ip, s.ip)).or_insert(i);
                }
            }
            let a = inputs[sides[side]].analysis;
            let other = inputs[sides[1 - side]].analysis;
            // What the other capture records at all: (transport, server port).
            let recorded: HashSet<(Transport, u16)> = other
                .flows
                .iter()
                .map(|f| (f.transport, f.server.port))
                .collect();
            let shift = if side == 0 { p.offset_ns } else { -p.offset_ns };
            for (idx, r) in a.proto.stun_records().enumerate() {
                if f.stun[side].get(idx).copied().unwrap_or(true)
                    || !covers(other, r.ts.0.saturating_add(shift), flight_margin(p))
                {
                    continue;
                }
                let t = r.msg.msg_type;
                let lost = (
                    r.frames.last,
                    format!("{} {}", t.method.name(), t.class.name()),
                    r.dir,
                );
                if let Some(&li) = links.get(&r.flow) {
                    let l = &p.links[li];
                    if upstream_of(l, side, r.dir) != Some(side) {
                        continue;
                    }
                    let g = groups.entry((side, true, li as u64)).or_insert_with(|| {
                        let (tr, c, s) = ends(l, side);
                        let (_, c2, s2) = ends(l, 1 - side);
                        let dir = to_server(l.flipped, side, r.dir);
                        let (src, dst) = src_dst(c, s, dir);
                        let (src2, dst2) = src_dst(c2, s2, dir);
                        LostGroup {
                            side,
                            frames: Vec::new(),
                            transport: tr,
                            src,
                            dst,
                            server: s,
                            there: format!("{src2} → {dst2} there"),
                            other_frame: l.first[1 - side],
                        }
                    });
                    g.frames.push(lost);
                    continue;
                }
                // A flow the other side never saw at all: lost when this
                // client's other traffic to the same server passed there,
                // and the other capture records this kind of traffic.
                let Some((tr, c, s)) = a.flow_ends(r.flow) else {
                    continue;
                };
                let (Some(&li), Direction::ToServer) = (routes.get(&(c.ip, s.ip)), r.dir) else {
                    continue;
                };
                if !recorded.contains(&(tr, s.port)) {
                    continue;
                }
                let l = &p.links[li];
                let g = groups
                    .entry((side, false, u64::from(r.flow.0)))
                    .or_insert_with(|| LostGroup {
                        side,
                        frames: Vec::new(),
                        transport: tr,
                        src: c,
                        dst: s,
                        server: s,
                        there: format!(
                            "no packet of that flow there, though it saw {}'s traffic to {} from {}",
                            c.ip,
                            s.ip,
                            join.label(InputFrame {
                                input: sides[1 - side],
                                frame: l.first[1 - side],
                            })
                        ),
                        other_frame: l.first[1 - side],
                    });
                g.frames.push(lost);
            }
        }
        // Alike losses — same hop, same destination, same kind (in a flow
        // the other side saw, or not) — are one cause: one finding, the
        // first group's summary and `; and N more like it`.
        let mut alike: Vec<Vec<LostGroup>> = Vec::new();
        let mut index: HashMap<(usize, bool, Transport, Endpoint), usize> = HashMap::new();
        for ((side, linked, _), g) in groups {
            let key = (side, linked, g.transport, g.dst);
            match index.get(&key) {
                Some(&i) => alike[i].push(g),
                None => {
                    index.insert(key, alike.len());
                    alike.push(vec![g]);
                }
            }
        }
        for gs in alike {
            out.push(lost_finding(join, sides, &gs, cfg));
        }
    }
    out
}

/// One `path.lost` finding for alike groups `gs` (at least one).
fn lost_finding(join: &Join, sides: [usize; 2], gs: &[LostGroup], cfg: &EdgeConfig) -> PathFinding {
    let g = &gs[0];
    let (from, to) = (sides[g.side], sides[1 - g.side]);
    let (src, dst, tr) = (g.src, g.dst, g.transport);
    let evidence: Vec<InputFrame> = g
        .frames
        .iter()
        .map(|(frame, _, _)| InputFrame {
            input: from,
            frame: *frame,
        })
        .collect();
    let what = g.frames[0].1.clone();
    let n = g.frames.len();
    let total: usize = gs.iter().map(|g| g.frames.len()).sum();
    let similar = gs.len() - 1;
    let mut summary = format!(
        "{what}{} {} {src} → {dst} seen at {} never reached {} ({}): lost between {} and {}",
        if n > 1 {
            format!(" and {} more", n - 1)
        } else {
            String::new()
        },
        tr.as_str(),
        frames_of(join, &evidence),
        join.names[to],
        g.there,
        join.names[from],
        join.names[to],
    );
    if similar > 0 {
        let _ = write!(
            summary,
            "; and {similar} more like it ({total} messages lost in {} flows)",
            gs.len()
        );
    }
    // Every alike flow's frames, up to the evidence cap.
    let mut evidence: Vec<InputFrame> = gs
        .iter()
        .flat_map(|g| g.frames.iter())
        .take(MAX_EVIDENCE)
        .map(|(frame, _, _)| InputFrame {
            input: from,
            frame: *frame,
        })
        .collect();
    evidence.push(InputFrame {
        input: to,
        frame: g.other_frame,
    });
    let mut details = vec![
        ("count", Detail::Count(total as u64)),
        ("from", Detail::Text(join.names[from].clone())),
        ("to", Detail::Text(join.names[to].clone())),
        ("transport", Detail::Text(tr.as_str().to_string())),
        ("source", Detail::Address(src.to_string())),
        ("destination", Detail::Address(dst.to_string())),
        ("port", Detail::Port(g.server.port)),
    ];
    if similar > 0 {
        details.push(("similar", Detail::Count(similar as u64)));
    }
    PathFinding {
        id: LOST,
        severity: severity(cfg, g.server),
        summary,
        explanation: LOST_EXPLANATION.to_string(),
        evidence,
        details,
    }
}

const RESET_EXPLANATION: &str = "The RST names a sender whose own side of the path — a capture nearer that host, which saw the connection until then and covers the moment — shows it never sent one: a device between the two vantage points reset the connection in that host's name. Typical culprits are a TLS-inspecting or IPS firewall that does not accept MS-TURN's pseudo-TLS on 443, a load balancer, or a NAT that dropped the mapping. Find the device on the hop between the two capture points and exempt the edge's ports from inspection.";

fn resets_not_sent(join: &Join, inputs: &[JoinInput<'_>], cfg: &EdgeConfig) -> Vec<PathFinding> {
    let mut out = Vec::new();
    for p in &join.pairs {
        let sides = [p.a, p.b];
        for l in p.links.iter().filter(|l| l.transport == Transport::Tcp) {
            for side in 0..2 {
                let a = inputs[sides[side]].analysis;
                let Some(tcp) = a.flow(l.flows[side]).and_then(|f| f.tcp.as_ref()) else {
                    continue;
                };
                let (Some(by), Some(&rst)) = (tcp.control.reset_by, tcp.control.rst_frames.first())
                else {
                    continue;
                };
                let o = 1 - side;
                // The claimed sender's side is where the RST passes first.
                if upstream_of(l, side, by) != Some(o) {
                    continue;
                }
                let Some(ts) = tcp
                    .control
                    .control_times
                    .iter()
                    .find(|(f, _)| *f == rst)
                    .map(|(_, t)| t.0)
                else {
                    continue;
                };
                let shift = if side == 0 { p.offset_ns } else { -p.offset_ns };
                let other = inputs[sides[o]].analysis;
                let by_o = if l.flipped { by.reverse() } else { by };
                let sent = other
                    .flow(l.flows[o])
                    .and_then(|f| f.tcp.as_ref())
                    .is_some_and(|t| t.control.reset_by == Some(by_o));
                let margin = flight_margin(p);
                if sent
                    || !covers(
                        other,
                        ts.saturating_add(shift).saturating_sub(margin),
                        margin,
                    )
                {
                    continue;
                }
                let (_, c, s) = ends(l, side);
                let (sender, receiver) = src_dst(c, s, to_server(l.flipped, side, by));
                let (_, c2, s2) = ends(l, o);
                let (sender2, _) = src_dst(c2, s2, to_server(l.flipped, side, by));
                let here = InputFrame {
                    input: sides[side],
                    frame: rst,
                };
                let there = InputFrame {
                    input: sides[o],
                    frame: l.first[o],
                };
                out.push(PathFinding {
                    id: RESET_NOT_SENT,
                    severity: severity(cfg, s),
                    summary: format!(
                        "RST from {sender} to {receiver} seen at {} was never sent by {sender2}: {} saw that connection (from {}) and no RST from it — a device between {} and {} reset it",
                        join.label(here),
                        join.names[sides[o]],
                        join.label(there),
                        join.names[sides[o]],
                        join.names[sides[side]],
                    ),
                    explanation: RESET_EXPLANATION.to_string(),
                    evidence: vec![here, there],
                    details: vec![
                        ("seen_at", Detail::Text(join.names[sides[side]].clone())),
                        ("not_sent_at", Detail::Text(join.names[sides[o]].clone())),
                        ("claimed_sender", Detail::Address(sender.to_string())),
                        ("receiver", Detail::Address(receiver.to_string())),
                        ("port", Detail::Port(s.port)),
                    ],
                });
            }
        }
    }
    out
}

fn nat_mappings(join: &Join) -> Vec<PathFinding> {
    let mut groups: BTreeMap<(usize, usize), Vec<&super::NatMapping>> = BTreeMap::new();
    for m in &join.nat {
        groups
            .entry((m.inside_input, m.outside_input))
            .or_default()
            .push(m);
    }
    groups
        .into_iter()
        .map(|((inside, outside), ms)| {
            let line = |m: &super::NatMapping| {
                format!("{} {} = {}", m.transport.as_str(), m.inside, m.outside)
            };
            let first = ms[0];
            let more = ms.len() - 1;
            PathFinding {
                id: NAT_MAPPING,
                severity: Severity::Info,
                summary: format!(
                    "{} {} seen at {} is {} at {} ({} NAT, {} ↔ {}){}",
                    first.transport.as_str(),
                    first.inside,
                    join.names[inside],
                    first.outside,
                    join.names[outside],
                    if first.destination { "destination" } else { "source" },
                    join.label(first.first[0]),
                    join.label(first.first[1]),
                    if more > 0 { format!("; {more} more mapping{}", if more == 1 { "" } else { "s" }) } else { String::new() },
                ),
                explanation: "A NAT between these two vantage points translates the addresses: the same packets carry the inside address and port at one and the outside ones at the other. An edge sees clients (and a partner's edge) by their outside addresses; a relay port or an address that changes across the NAT is what breaks media when the NAT does not keep ports or times a mapping out early.".to_string(),
                evidence: vec![first.first[0], first.first[1]],
                details: vec![
                    ("inside", Detail::Text(join.names[inside].clone())),
                    ("outside", Detail::Text(join.names[outside].clone())),
                    ("count", Detail::Count(ms.len() as u64)),
                    (
                        "mappings",
                        Detail::List(ms.iter().take(MAX_LISTED_MAPPINGS).map(|m| line(m)).collect()),
                    ),
                ],
            }
        })
        .collect()
}

/// The relayed addresses of every successful Allocate of `inputs`.
fn relayed_addresses(inputs: &[JoinInput<'_>]) -> HashSet<SocketAddr> {
    inputs
        .iter()
        .flat_map(|i| i.analysis.proto.allocations.iter())
        .filter_map(|s| match s.outcome {
            AllocationOutcome::Allocated { relayed, .. } => relayed,
            _ => None,
        })
        .collect()
}

fn relay_ports_rewritten(join: &Join, inputs: &[JoinInput<'_>]) -> Vec<PathFinding> {
    let relayed = relayed_addresses(inputs);
    join.nat
        .iter()
        .filter(|m| !m.destination && m.inside.port != m.outside.port)
        .filter_map(|m| {
            let announced = SocketAddr::new(m.outside.ip, m.inside.port);
            relayed.contains(&announced).then_some((m, announced))
        })
        .map(|(m, announced)| PathFinding {
            id: "nat.relay_port_rewritten",
            severity: Severity::Error,
            summary: format!(
                "relay port {} of {} at {} leaves the NAT as {} at {} ({}, {} ↔ {}), not as the relayed address {announced}",
                m.inside.port,
                m.inside,
                join.names[m.inside_input],
                m.outside,
                join.names[m.outside_input],
                m.transport.as_str(),
                join.label(m.first[0]),
                join.label(m.first[1]),
            ),
            explanation: "The edge hands out its relayed address with the port it allocated, and the far side sends media to that address and port; the NAT between these two vantage points translated the relay port to another one, so the far side's media to the announced port finds no mapping (and its checks of the announced candidate fail). Configure the NAT in front of the external edge with a static 1:1 mapping that keeps the ports of the relay range (50000-59999) unchanged.".to_string(),
            evidence: m.first.to_vec(),
            details: vec![
                ("inside", Detail::Address(m.inside.to_string())),
                ("outside", Detail::Address(m.outside.to_string())),
                ("relayed", Detail::Address(announced.to_string())),
                ("port", Detail::Port(m.inside.port)),
            ],
        })
        .collect()
}

fn clock_skew(join: &Join) -> Vec<PathFinding> {
    let mut out = Vec::new();
    for (i, c) in join.clocks.iter().enumerate().skip(1) {
        let (Some(off), Some(err), ClockBasis::Exchanges { via, count }) =
            (c.offset_ns, c.error_ns, c.basis)
        else {
            continue;
        };
        let (zone, skew) = split_zone(off);
        if zone.is_some_and(|z| z != 0)
            || skew.saturating_abs() <= err.saturating_add(CLOCK_TOLERANCE_NS)
        {
            continue;
        }
        let evidence: Vec<InputFrame> = join
            .pairs
            .iter()
            .find(|p| (p.a, p.b) == (via.min(i), via.max(i)))
            .and_then(|p| p.matched.first().map(|m| (p, m)))
            .map(|(p, m)| {
                vec![
                    InputFrame {
                        input: p.a,
                        frame: m.sides[0].frame,
                    },
                    InputFrame {
                        input: p.b,
                        frame: m.sides[1].frame,
                    },
                ]
            })
            .unwrap_or_default();
        out.push(PathFinding {
            id: "clock.skew",
            severity: Severity::Warning,
            summary: format!(
                "{}'s clock is {:.4} s {} {}'s (± {:.4} s, from {count} request/response exchange{} seen at both)",
                join.names[i],
                (off as f64 / 1e9).abs(),
                if off < 0 { "behind" } else { "ahead of" },
                join.names[0],
                err as f64 / 1e9,
                if count == 1 { "" } else { "s" },
            ),
            explanation: "The two captures' clocks disagree by more than the error of the estimate: one host's clock is off (no NTP, or a wrong time zone on a capture tool that writes local time). edgecap lines the captures up by the estimated offset; lining them up by their own timestamps (mergecap, Wireshark's time display) puts packets in the wrong order. Fix the host's time source; `--offset FILE=SECONDS` overrides the estimate.".to_string(),
            evidence,
            details: vec![
                ("input", Detail::Text(join.names[i].clone())),
                ("reference", Detail::Text(join.names[0].clone())),
                ("offset_ns", Detail::Text(off.to_string())),
                ("error_ns", Detail::Text(err.to_string())),
                ("exchanges", Detail::Count(count as u64)),
            ],
        });
    }
    out
}
