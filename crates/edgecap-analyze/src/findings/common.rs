//! What every detector shares: the [`Ctx`] (analysis, roles, ports and an
//! index of STUN records), naming of hosts and endpoints with their roles,
//! compact frame lists, port knowledge, safe rendering of the few captured
//! strings a finding may quote, and the [`FindingBuilder`] that sorts and
//! deduplicates evidence.

use rustc_hash::FxHashMap;
use std::collections::BinaryHeap;
use std::net::{IpAddr, SocketAddr};

use crate::Analysis;
use crate::{Detail, EdgeConfig, Finding, RoleMap, Severity};
use edgecap_capture::FrameNo;
use edgecap_net::table::FlowRecord;
use edgecap_net::tcp_state::TcpOutcome;
use edgecap_net::{Direction, Endpoint, FlowId};
use edgecap_proto::stun::{Class, Method};
use edgecap_proto::{AllocationStory, ProtoMsg, StepKind, StunRecord};

/// Most evidence frames one finding lists (counts stay in `details`).
pub const MAX_EVIDENCE_FRAMES: usize = 64;

/// TCP port of MRAS (Media Relay Authentication Service) on the edge's internal interface.
pub const MRAS_PORT: u16 = 5062;
/// TCP port of SIP over MTLS.
pub const SIP_TLS_PORT: u16 = 5061;

/// What detectors look at: the analysis, the roles, the port configuration,
/// and indexes of the STUN records (a record is found by its completing
/// frame with a binary search: the messages are sorted by it).
pub struct Ctx<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// Roles (possibly empty).
    pub roles: &'a RoleMap,
    /// Port knowledge.
    pub cfg: &'a EdgeConfig,
    /// (flow, original frame) → frames of the copies that retransmitted it.
    copies: FxHashMap<(FlowId, FrameNo), Vec<FrameNo>>,
    /// flow → index of the first allocation story that carried it.
    story_of_flow: FxHashMap<FlowId, usize>,
    /// (flow, method) → original success responses as (message index,
    /// frame), in message order (so frames never decrease).
    successes: FxHashMap<(FlowId, Method), Vec<(usize, FrameNo)>>,
    /// Relayed port → successful Allocates with that relayed port, as
    /// (story index, success frame, relayed address) in story and step order.
    relayed: FxHashMap<u16, Vec<(usize, FrameNo, SocketAddr)>>,
}

impl<'a> Ctx<'a> {
    /// Indexes the STUN records of `analysis`.
    pub fn new(analysis: &'a Analysis, roles: &'a RoleMap, cfg: &'a EdgeConfig) -> Self {
        let mut copies: FxHashMap<(FlowId, FrameNo), Vec<FrameNo>> = FxHashMap::default();
        let mut successes: FxHashMap<(FlowId, Method), Vec<(usize, FrameNo)>> =
            FxHashMap::default();
        for (i, d) in analysis.proto.messages.iter().enumerate() {
            if let ProtoMsg::Stun(r) = &d.msg {
                match r.retransmission_of {
                    Some(orig) => copies.entry((r.flow, orig)).or_default().push(r.frame()),
                    None => {
                        if r.msg.msg_type.class == Class::Success {
                            successes
                                .entry((r.flow, r.msg.msg_type.method))
                                .or_default()
                                .push((i, r.frame()));
                        }
                    }
                }
            }
        }
        let mut story_of_flow = FxHashMap::default();
        let mut relayed: FxHashMap<u16, Vec<(usize, FrameNo, SocketAddr)>> = FxHashMap::default();
        for (i, story) in analysis.proto.allocations.iter().enumerate() {
            for &flow in &story.flows {
                story_of_flow.entry(flow).or_insert(i);
            }
            for step in &story.steps {
                if let StepKind::AllocateSuccess {
                    relayed: Some(addr),
                    ..
                } = step.kind
                {
                    relayed
                        .entry(addr.port())
                        .or_default()
                        .push((i, step.frame, addr));
                }
            }
        }
        Ctx {
            analysis,
            roles,
            cfg,
            copies,
            story_of_flow,
            successes,
            relayed,
        }
    }

    /// The first allocation story whose flows include `flow`.
    pub fn story_with_flow(&self, flow: FlowId) -> Option<&'a AllocationStory> {
        let i = *self.story_of_flow.get(&flow)?;
        self.analysis.proto.allocations.get(i)
    }

    /// The first original success response of `method` on `flow` completed
    /// after `after`: (message index, frame).
    pub fn first_success_after(
        &self,
        flow: FlowId,
        method: Method,
        after: FrameNo,
    ) -> Option<(usize, FrameNo)> {
        let list = self.successes.get(&(flow, method))?;
        // Messages are in frame order, so the list is sorted by frame.
        let p = list.partition_point(|&(_, frame)| frame <= after);
        list.get(p).copied()
    }

    /// Every STUN record that is not a retransmission, with its message index.
    pub fn originals(&self) -> impl Iterator<Item = (usize, &'a StunRecord)> + '_ {
        self.analysis
            .proto
            .messages
            .iter()
            .enumerate()
            .filter_map(|(i, d)| match &d.msg {
                ProtoMsg::Stun(r) if r.retransmission_of.is_none() => Some((i, &**r)),
                _ => None,
            })
    }

    /// The original STUN record completed at `frame` on `flow`.
    pub fn record_at(&self, flow: FlowId, frame: FrameNo) -> Option<(usize, &'a StunRecord)> {
        let messages = &self.analysis.proto.messages;
        let start = messages.partition_point(|d| d.frames.last < frame);
        messages[start..]
            .iter()
            .take_while(|d| d.frames.last == frame)
            .enumerate()
            .find_map(|(k, d)| match &d.msg {
                ProtoMsg::Stun(r) if r.flow == flow && r.retransmission_of.is_none() => {
                    Some((start + k, &**r))
                }
                _ => None,
            })
    }

    /// The request a response answers.
    pub fn request_of(&self, response: &StunRecord) -> Option<(usize, &'a StunRecord)> {
        self.record_at(response.flow, response.response_to?)
    }

    /// Frames of the retransmitted copies of the original message at `frame`.
    pub fn copies_of(&self, flow: FlowId, frame: FrameNo) -> &[FrameNo] {
        self.copies
            .get(&(flow, frame))
            .map_or(&[][..], |v| v.as_slice())
    }

    /// The client and server endpoints of a flow (from the flow table, else the proto layer).
    pub fn endpoints(&self, flow: FlowId) -> Option<(Endpoint, Endpoint)> {
        let (_, client, server) = self.analysis.flow_ends(flow)?;
        Some((client, server))
    }

    /// Sender and receiver of a message travelling `dir` on `flow`.
    pub fn sender_receiver(&self, flow: FlowId, dir: Direction) -> Option<(Endpoint, Endpoint)> {
        let (c, s) = self.endpoints(flow)?;
        Some(match dir {
            Direction::ToServer => (c, s),
            Direction::ToClient => (s, c),
        })
    }

    /// "external edge 10.3.0.40" when the address has a role, else "10.3.0.40".
    pub fn host(&self, ip: IpAddr) -> String {
        match self.roles.role_of(ip) {
            Some(role) => format!("{} {ip}", role.words()),
            None => ip.to_string(),
        }
    }

    /// "remote edge 1.1.1.1:50704" when the address has a role, else "1.1.1.1:50704".
    pub fn endpoint(&self, ep: Endpoint) -> String {
        match self.roles.role_of(ep.ip) {
            Some(role) => format!("{} {ep}", role.words()),
            None => ep.to_string(),
        }
    }

    /// Like [`Ctx::endpoint`], with `fallback` ("client", "server") when the address has no role.
    pub fn endpoint_or(&self, ep: Endpoint, fallback: &str) -> String {
        match self.roles.role_of(ep.ip) {
            Some(role) => format!("{} {ep}", role.words()),
            None => format!("{fallback} {ep}"),
        }
    }

    /// True for relay-range or edge service ports.
    pub fn is_edge_or_relay(&self, port: u16) -> bool {
        self.cfg.is_relay_port(port) || self.cfg.is_edge_port(port)
    }

    /// Allocation stories whose Allocate succeeded with a relayed port equal to `port`:
    /// (story, success frame, relayed address), in story and step order.
    pub fn allocations_with_relay_port(
        &self,
        port: u16,
    ) -> impl Iterator<Item = (&'a AllocationStory, FrameNo, SocketAddr)> + '_ {
        let stories = &self.analysis.proto.allocations;
        self.relayed
            .get(&port)
            .map_or(&[][..], |v| v.as_slice())
            .iter()
            .map(move |&(i, frame, addr)| (&stories[i], frame, addr))
    }
}

/// Collects a finding's evidence and returns it sorted, deduplicated and bounded.
#[derive(Debug, Default)]
pub struct FindingBuilder {
    frames: Vec<FrameNo>,
    flows: Vec<FlowId>,
    details: Vec<(&'static str, Detail)>,
}

impl FindingBuilder {
    /// Adds evidence frames.
    pub fn frames(&mut self, frames: impl IntoIterator<Item = FrameNo>) -> &mut Self {
        self.frames.extend(frames);
        self
    }

    /// Adds one flow.
    pub fn flow(&mut self, flow: FlowId) -> &mut Self {
        self.flows.push(flow);
        self
    }

    /// Adds one detail (keys keep insertion order).
    pub fn detail(&mut self, key: &'static str, value: Detail) -> &mut Self {
        self.details.push((key, value));
        self
    }

    /// Evidence frames added so far (duplicates included).
    pub fn frame_count(&self) -> usize {
        self.frames.len()
    }

    /// The evidence frames so far, sorted and deduplicated.
    pub fn sorted_frames(&self) -> Vec<FrameNo> {
        let mut f = self.frames.clone();
        f.sort_unstable();
        f.dedup();
        f
    }

    /// The finding.
    pub fn build(
        &self,
        id: &'static str,
        severity: Severity,
        mut summary: String,
        mut explanation: String,
    ) -> Finding {
        // Kept until the report is written, one per flow in a flood: give
        // back what `format!` and `push_str` reserved while growing them.
        summary.shrink_to_fit();
        explanation.shrink_to_fit();
        let mut frames = self.sorted_frames();
        frames.truncate(MAX_EVIDENCE_FRAMES);
        let mut flows = self.flows.clone();
        flows.sort_unstable();
        flows.dedup();
        Finding {
            id,
            severity,
            summary,
            explanation,
            frames,
            flows,
            details: self.details.clone(),
        }
    }
}

/// Frames as compact runs: "28-33", "7, 9, 11-12"; at most six runs, then "…".
pub fn frame_list(frames: &[FrameNo]) -> String {
    let mut f = frames.to_vec();
    f.sort_unstable();
    f.dedup();
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for FrameNo(n) in f {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == n => *end = n,
            _ => runs.push((n, n)),
        }
    }
    let mut parts: Vec<String> = runs
        .iter()
        .take(6)
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    if runs.len() > 6 {
        parts.push("…".to_string());
    }
    parts.join(", ")
}

/// "frame 24" or "frames 28-33".
pub fn frames_phrase(frames: &[FrameNo]) -> String {
    let mut f = frames.to_vec();
    f.sort_unstable();
    f.dedup();
    if f.len() == 1 {
        format!("frame {}", f[0])
    } else {
        format!("frames {}", frame_list(&f))
    }
}

/// "once", "twice", "3 times".
pub fn times(n: u64) -> String {
    match n {
        1 => "once".to_string(),
        2 => "twice".to_string(),
        n => format!("{n} times"),
    }
}

/// "1 byte", "13 bytes".
pub fn bytes(n: u64) -> String {
    if n == 1 {
        "1 byte".to_string()
    } else {
        format!("{n} bytes")
    }
}

/// What a well-known port is for, in the words of docs/field-cases.md ("Ports to know").
pub fn port_purpose(cfg: &EdgeConfig, port: u16) -> Option<&'static str> {
    Some(match port {
        MRAS_PORT => "MRAS (Media Relay Authentication Service)",
        SIP_TLS_PORT => "SIP over MTLS",
        5060 => "SIP over TCP",
        443 => "TURN over TCP 443 (or TLS)",
        3478 => "STUN/TURN",
        p if cfg.is_relay_port(p) => "relayed media",
        _ => return None,
    })
}

/// Captured text made safe for a summary: control characters, bidi
/// overrides and invalid UTF-8 written as visible escapes (`\x1b`, as every
/// report does, see [`edgecap_core::safe`]), at most `max` characters, never cut
/// inside an escape.
pub fn safe_text(bytes: &[u8], max: usize) -> String {
    let escaped = edgecap_core::safe::escape_bytes(bytes);
    if escaped.chars().count() <= max {
        return escaped.into_owned();
    }
    let mut s: String = escaped.chars().take(max).collect();
    if let Some(pos) = s.rfind('\\') {
        let tail = &s[pos..];
        let complete = (tail.starts_with("\\x") && tail.len() >= 4)
            || (tail.starts_with("\\u{") && tail.contains('}'));
        if !complete {
            s.truncate(pos);
        }
    }
    s.push('…');
    s
}

/// Most (source, target) groups a TCP detector lists as findings; the rest
/// are summed up in one roll-up finding, so a SYN flood or a scan from a
/// million sources stays one screenful (and bounded memory).
pub const MAX_TCP_GROUPS: usize = 100;

/// TCP flows with one outcome, grouped per (source address, destination
/// endpoint): the first [`MAX_TCP_GROUPS`] groups by first frame, and what
/// is left over.
pub struct TcpGroups<'a> {
    /// The groups to report one finding each, in first-frame order.
    pub listed: Vec<(IpAddr, Endpoint, Vec<&'a FlowRecord>)>,
    /// Groups beyond the cap.
    pub more_groups: usize,
    /// Flows in those groups.
    pub more_flows: usize,
    /// The first frame of the first of those groups.
    pub more_first_frame: Option<FrameNo>,
}

/// Groups the TCP flows with `outcome` per (source address, destination
/// endpoint): the unit TCP findings report on.
///
/// Memory stays at four bytes per matching flow whatever the number of
/// groups (a SYN flood from a million sources): the matching flows' indices
/// are sorted by (pair, flow order), each run of one pair is a group, and
/// only the first [`MAX_TCP_GROUPS`] groups by first frame (ties in pair
/// order) get their list of flows; the others are only counted.
pub fn tcp_flows_by_target(analysis: &Analysis, outcome: TcpOutcome) -> TcpGroups<'_> {
    let flows = &analysis.flows;
    let pair = |i: u32| {
        let f = &flows[i as usize];
        (f.client.ip, f.server)
    };
    let mut idx: Vec<u32> = (0..flows.len())
        .filter(|&i| flows[i].tcp_outcome() == Some(outcome))
        .map(|i| u32::try_from(i).expect("fewer than 2^32 flow records"))
        .collect();
    idx.sort_unstable_by(|&a, &b| pair(a).cmp(&pair(b)).then(a.cmp(&b)));
    // Each group is dated by its first flow (flows are in first-frame
    // order); ties keep pair order, as a stable sort of the groups by first
    // frame would. Keep the MAX_TCP_GROUPS + 1 earliest: (first frame, rank
    // in pair order, start in `idx`, length).
    let mut best: BinaryHeap<(FrameNo, usize, usize, usize)> = BinaryHeap::new();
    let mut groups = 0usize;
    let mut start = 0usize;
    while start < idx.len() {
        let p = pair(idx[start]);
        let len = idx[start..].iter().take_while(|&&i| pair(i) == p).count();
        let key = (flows[idx[start] as usize].first_frame, groups, start, len);
        if best.len() <= MAX_TCP_GROUPS {
            best.push(key);
        } else if best.peek().is_some_and(|top| key < *top) {
            best.pop();
            best.push(key);
        }
        groups += 1;
        start += len;
    }
    let mut chosen = best.into_sorted_vec();
    let next = chosen.get(MAX_TCP_GROUPS).copied();
    chosen.truncate(MAX_TCP_GROUPS);
    let listed: Vec<(IpAddr, Endpoint, Vec<&FlowRecord>)> = chosen
        .iter()
        .map(|&(_, _, start, len)| {
            let (src, dst) = pair(idx[start]);
            let list = idx[start..start + len]
                .iter()
                .map(|&i| &flows[i as usize])
                .collect();
            (src, dst, list)
        })
        .collect();
    let listed_flows: usize = chosen.iter().map(|&(_, _, _, len)| len).sum();
    TcpGroups {
        listed,
        more_groups: groups - chosen.len(),
        more_flows: idx.len() - listed_flows,
        more_first_frame: next.map(|(first, ..)| first),
    }
}

/// The roll-up finding for the groups beyond [`MAX_TCP_GROUPS`], if any:
/// `what` names the outcome ("refused connections", "unanswered SYNs").
pub fn tcp_rollup(id: &'static str, groups: &TcpGroups<'_>, what: &str) -> Option<Finding> {
    if groups.more_groups == 0 {
        return None;
    }
    let mut b = FindingBuilder::default();
    b.frames(groups.more_first_frame);
    b.detail("count", Detail::Count(groups.more_groups as u64))
        .detail("flows", Detail::Count(groups.more_flows as u64));
    let first = groups
        .more_first_frame
        .map_or(String::new(), |f| format!(", the first at frame {f}"));
    let summary = format!(
        "… and {} more source/target pairs with {what} ({} flows{first}), not listed one by one",
        groups.more_groups, groups.more_flows
    );
    let explanation = format!(
        "Only the first {MAX_TCP_GROUPS} source/target pairs are reported one by one. So many \
         pairs usually mean a port scan, a SYN flood or a misconfigured client trying every \
         address; the flows are all in the JSON `flows` array with their TCP outcome."
    );
    Some(b.build(id, Severity::Warning, summary, explanation))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn f(v: &[u64]) -> Vec<FrameNo> {
        v.iter().map(|&n| FrameNo(n)).collect()
    }

    #[test]
    fn frame_lists_compress_runs() {
        assert_eq!(frame_list(&f(&[33, 28, 29, 30, 31, 32])), "28-33");
        assert_eq!(frame_list(&f(&[7, 9, 11, 12, 9])), "7, 9, 11-12");
        assert_eq!(frames_phrase(&f(&[24])), "frame 24");
        assert_eq!(frames_phrase(&f(&[23, 24])), "frames 23-24");
        let many = f(&[1, 3, 5, 7, 9, 11, 13]);
        assert_eq!(frame_list(&many), "1, 3, 5, 7, 9, 11, …");
    }

    #[test]
    fn words() {
        assert_eq!(times(1), "once");
        assert_eq!(times(3), "3 times");
        assert_eq!(bytes(13), "13 bytes");
        let cfg = EdgeConfig::default();
        assert_eq!(port_purpose(&cfg, 50704), Some("relayed media"));
        assert_eq!(port_purpose(&cfg, 80), None);
    }

    #[test]
    fn tcp_groups_match_a_map_of_every_pair() {
        use super::super::test_util::{sa, Pcap};
        use edgecap_testkit::TcpConversation;
        // 400 flows over 130 sources and two targets, interleaved so that
        // pair order and first-frame order differ; some SYNs repeated.
        let mut p = Pcap::default();
        let mut convs = Vec::new();
        for i in 0..400u32 {
            let src = format!("10.0.0.{}:{}", (i * 37) % 130 + 1, 40_000 + i);
            let dst = if i % 3 == 0 {
                "192.0.2.9:5062"
            } else {
                "192.0.2.9:443"
            };
            let mut c = TcpConversation::new(sa(&src), sa(dst));
            p.push(c.syn());
            convs.push(c);
        }
        for c in convs.iter_mut().step_by(7) {
            p.push(c.syn());
        }
        let a = p.analyze();
        // What the detectors grouped before: a map of every pair's flows.
        let mut map: BTreeMap<(IpAddr, Endpoint), Vec<FlowId>> = BTreeMap::new();
        for f in &a.flows {
            if f.tcp_outcome() == Some(TcpOutcome::SynUnanswered) {
                map.entry((f.client.ip, f.server)).or_default().push(f.id);
            }
        }
        let mut all: Vec<_> = map.into_iter().collect();
        let first = |ids: &[FlowId]| a.flow(ids[0]).unwrap().first_frame;
        all.sort_by_key(|(_, ids)| first(ids));
        let rest = all.split_off(MAX_TCP_GROUPS);
        assert!(rest.len() > 50, "{} pairs beyond the cap", rest.len());

        let g = tcp_flows_by_target(&a, TcpOutcome::SynUnanswered);
        let listed: Vec<_> = g
            .listed
            .iter()
            .map(|(src, dst, flows)| ((*src, *dst), flows.iter().map(|f| f.id).collect()))
            .collect::<Vec<((IpAddr, Endpoint), Vec<FlowId>)>>();
        assert_eq!(listed, all);
        assert_eq!(g.more_groups, rest.len());
        assert_eq!(
            g.more_flows,
            rest.iter().map(|(_, ids)| ids.len()).sum::<usize>()
        );
        assert_eq!(g.more_first_frame, Some(first(&rest[0].1)));
    }

    #[test]
    fn safe_text_escapes_visibly_and_truncates_cleanly() {
        assert_eq!(safe_text(b"\x1b[31mroot\x07", 40), "\\x1b[31mroot\\x07");
        assert_eq!(safe_text("a\u{202e}b".as_bytes(), 40), "a\\u{202e}b");
        assert_eq!(safe_text(b"bad \xff", 40), "bad \\xff");
        assert_eq!(safe_text(b"abcdef", 3), "abc…");
        // Never cut inside an escape: "ab\x1b" cut at 4 keeps "ab".
        assert_eq!(safe_text(b"ab\x1bcd", 4), "ab…");
    }
}
