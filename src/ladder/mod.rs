//! The ladder index: columns (roles, then hosts without one), one row per
//! arrow (STUN/TURN message, TLS record, pseudo-TLS hello, SIP message, SYN, SYN-ACK,
//! RST) and flows grouped by column pair, built once from the [`Analysis`]
//! and [`Diagnosis`] — and from the logs given beside the capture, whose
//! messages join the rows ([`log_rows`]). The TUI draws from it and
//! `edgecap ladder` exports it.
//!
//! Owns every display string derived from the capture; each one goes through
//! [`edgecap_core::safe`] here, so views never see raw capture bytes and do
//! no decoding. Rows are sorted by (completing frame, kind order), so the
//! ladder is deterministic; a log's own rows go after the last capture row
//! not later than them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::IpAddr;

use edgecap_analyze::Analysis;
use edgecap_analyze::{Diagnosis, Role, RoleMap};
use edgecap_capture::{FrameNo, Timestamp};
use edgecap_net::tcp_state::TcpOutcome;
use edgecap_net::{Direction, Endpoint, FlowId};
use edgecap_proto::{AllocationOutcome, ProtoMsg};

pub mod challenge;
pub mod export;
pub mod filter;
pub mod labels;
pub mod log_rows;
pub mod path;
pub mod sip_label;
pub mod time;

#[cfg(test)]
mod tests_lanes;

pub use export::{to_mermaid, to_text};
pub use labels::{message_label, stun_label};
pub use time::{time_column, TimeFormat};

/// Most host columns in the ladder; further unknown hosts share "other".
pub const MAX_COLUMNS: usize = 6;
/// Most lanes of service ports on a host that talks to itself (loopback
/// captures); its other ports share one lane.
pub const MAX_PORT_LANES: usize = 3;
/// Most addresses listed for one lane (the rest are counted).
pub const MAX_LANE_ADDRESSES: usize = 4;

/// The addresses behind one lane, for its header and the legend.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LaneHosts {
    /// Addresses (or `ip:port`) in order of appearance, at most
    /// [`MAX_LANE_ADDRESSES`].
    pub shown: Vec<String>,
    /// Addresses not listed.
    pub more: usize,
}

impl LaneHosts {
    /// The first address and a count of the others (`2.2.2.2+1`); empty
    /// when the lane's title is its address.
    pub fn short(&self) -> String {
        let rest = self.shown.len().saturating_sub(1) + self.more;
        match self.shown.first() {
            None => String::new(),
            Some(a) if rest == 0 => a.clone(),
            Some(a) => format!("{a}+{rest}"),
        }
    }

    /// Every listed address and a count of the rest (`2.2.2.2, 10.3.0.40`).
    pub fn full(&self) -> String {
        let mut s = self.shown.join(", ");
        if self.more > 0 {
            s.push_str(&format!(" +{} more", self.more));
        }
        s
    }

    fn add(&mut self, a: String) {
        if self.shown.contains(&a) {
            return;
        }
        if self.shown.len() < MAX_LANE_ADDRESSES {
            self.shown.push(a);
        } else {
            self.more += 1;
        }
    }
}

/// How a ladder row or badge is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A request or neutral event (including the normal 401 challenge to
    /// an anonymous Allocate, see [`challenge`]).
    Neutral,
    /// Success (Allocate ✓, SYN-ACK, handshake complete).
    Good,
    /// Something odd: a 401/438 not followed by an authenticated retry,
    /// a retransmission.
    Warn,
    /// Failure (error response, RST, alert, no response).
    Bad,
}

/// Where a ladder row came from, for the detail pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowSource {
    /// `analysis.proto.messages[i]`.
    Message(usize),
    /// The SYN of `analysis.flows[i]`.
    Syn(usize),
    /// The SYN-ACK of `analysis.flows[i]`.
    SynAck(usize),
    /// An RST of `analysis.flows[i]`.
    Rst(usize),
    /// A SIP message only a log holds: `logs[log].sips[sip]` of the logs
    /// the index was built with (its `flow` is [`LOG_FLOW`]).
    Log {
        /// The log, in command-line order.
        log: usize,
        /// The message, in the log's order.
        sip: usize,
    },
}

/// The flow of a row only a log holds: no flow of the capture has this id
/// (flow records are capped far below it).
pub const LOG_FLOW: FlowId = FlowId(u32::MAX);

impl LadderRow {
    /// The frame column: the frame number, or `-` for a row only a log
    /// holds (its label names the log and line).
    pub fn frame_text(&self) -> String {
        match self.source {
            RowSource::Log { .. } => "-".to_string(),
            _ => self.frame.0.to_string(),
        }
    }
}

/// One arrow of the ladder.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderRow {
    /// The frame that completed the message.
    pub frame: FrameNo,
    /// The first frame of the message.
    pub first_frame: FrameNo,
    /// Capture time, when known (TCP control rows between the first and
    /// last frame of a flow have none).
    pub ts: Option<Timestamp>,
    /// Sender column.
    pub from: usize,
    /// Receiver column.
    pub to: usize,
    /// The arrow's label, already escaped.
    pub label: String,
    /// Colour.
    pub outcome: Outcome,
    /// The flow.
    pub flow: FlowId,
    /// What it is.
    pub source: RowSource,
}

/// A flow grouped with the others between the same two columns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FlowGroup {
    /// `client ⇄ internal edge`.
    pub pair: String,
    /// Indices into `analysis.flows`.
    pub flows: Vec<usize>,
    /// Protocol label → flows.
    pub protocols: BTreeMap<&'static str, usize>,
    /// Flows with an allocation that succeeded.
    pub allocated: usize,
    /// TCP flows refused (SYN → RST).
    pub refused: usize,
    /// TCP flows reset after the handshake.
    pub reset: usize,
    /// Flows with unanswered SYNs or STUN requests.
    pub unanswered: usize,
}

/// Ladder columns, rows and flow groups.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Index {
    /// Column titles, left to right.
    pub columns: Vec<String>,
    /// The addresses behind each column (same order as `columns`).
    pub hosts: Vec<LaneHosts>,
    /// Rows in frame order.
    pub rows: Vec<LadderRow>,
    /// Groups in order of first flow.
    pub groups: Vec<FlowGroup>,
    /// First frame's time, for the relative time mode.
    pub first_ts: Option<Timestamp>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum ColKey {
    Role(Role),
    Host(IpAddr),
    /// A service port of a host that talks to itself.
    Port(IpAddr, u16),
    /// The other ports of a host that talks to itself.
    Ports(IpAddr),
    /// A host a log names by name (`Columns::names`).
    Name(usize),
    Other,
}

struct Columns<'a> {
    roles: &'a RoleMap,
    keys: Vec<ColKey>,
    /// Hosts that talk to themselves, with the service ports given lanes.
    split: HashMap<IpAddr, Vec<u16>>,
    /// Titles of the `Name` columns, escaped.
    names: Vec<String>,
}

impl Columns<'_> {
    /// The column of a log's endpoint.
    fn end_col(&self, end: &log_rows::LogEnd) -> usize {
        match end {
            log_rows::LogEnd::Ip(ip) => self.col(Endpoint::new(*ip, 0)),
            log_rows::LogEnd::Name(n) => {
                let k = match self.names.iter().position(|x| x == n) {
                    Some(i) if self.keys.contains(&ColKey::Name(i)) => ColKey::Name(i),
                    _ => ColKey::Other,
                };
                self.keys.iter().position(|x| *x == k).unwrap_or(0)
            }
        }
    }

    fn key(&self, ep: Endpoint) -> ColKey {
        if let Some(ports) = self.split.get(&ep.ip) {
            return if ports.contains(&ep.port) {
                ColKey::Port(ep.ip, ep.port)
            } else {
                ColKey::Ports(ep.ip)
            };
        }
        match self.roles.role_of(ep.ip) {
            Some(r) => ColKey::Role(r),
            None if self.keys.contains(&ColKey::Host(ep.ip)) => ColKey::Host(ep.ip),
            None => ColKey::Other,
        }
    }

    fn col(&self, ep: Endpoint) -> usize {
        let k = self.key(ep);
        self.keys.iter().position(|x| *x == k).unwrap_or(0)
    }

    fn title(&self, k: ColKey) -> String {
        let host = |ip: IpAddr| match self.roles.role_of(ip) {
            Some(r) => r.words().to_string(),
            None => ip.to_string(),
        };
        match k {
            ColKey::Role(r) => r.words().to_string(),
            ColKey::Host(ip) => ip.to_string(),
            ColKey::Port(ip, _) | ColKey::Ports(ip) => host(ip),
            ColKey::Name(i) => self.names.get(i).cloned().unwrap_or_default(),
            ColKey::Other => "other hosts".to_string(),
        }
    }

    /// The name of a column in a role pair (`external edge 127.0.0.1:3478`
    /// for a port lane, the title otherwise).
    fn pair_name(&self, k: ColKey) -> String {
        match k {
            ColKey::Port(ip, port) => format!("{} {}", self.title(k), Endpoint::new(ip, port)),
            ColKey::Ports(ip) => format!("{} {ip} other ports", self.title(k)),
            _ => self.title(k),
        }
    }
}

/// `[1.2.3.4] label` for a row to or from the shared "other hosts" lane,
/// naming the host the lane cannot.
fn name_other(columns: &Columns<'_>, src: Endpoint, dst: Endpoint, label: String) -> String {
    let other = |ep: Endpoint| columns.key(ep) == ColKey::Other;
    match (other(src), other(dst)) {
        (true, true) => format!("[{} → {}] {label}", src.ip, dst.ip),
        (true, false) => format!("[{}] {label}", src.ip),
        (false, true) => format!("[{}] {label}", dst.ip),
        (false, false) => label,
    }
}

impl Index {
    /// Builds the index. Cost is linear in flows plus messages.
    pub fn build(analysis: &Analysis, diagnosis: &Diagnosis) -> Index {
        Index::build_with_logs(analysis, diagnosis, &[])
    }

    /// Builds the index with the messages of `logs` (correlated with the
    /// capture, or one log read alone): a message the capture also holds
    /// marks its row `[log NAME:LINE]`, the others become rows of their own
    /// at their time on the capture's clock. Linear in flows, messages and
    /// log messages (plus a sort of the log rows).
    pub fn build_with_logs(
        analysis: &Analysis,
        diagnosis: &Diagnosis,
        logs: &[crate::inputs::LogInput],
    ) -> Index {
        let plan = log_rows::plan(analysis, logs);
        let columns = build_columns(analysis, &diagnosis.roles, &plan.ends());
        let challenges = challenge::Challenges::new(analysis);
        let mut rows = Vec::new();
        for (i, d) in analysis.proto.messages.iter().enumerate() {
            let Some((label, mut outcome)) = message_label(&d.msg) else {
                continue;
            };
            if matches!(&d.msg, ProtoMsg::Stun(r) if challenges.is_normal(r)) {
                outcome = Outcome::Neutral;
            }
            let Some((_, client, server)) = analysis.flow_ends(d.flow) else {
                continue;
            };
            let (src, dst) = match d.dir {
                Direction::ToServer => (client, server),
                Direction::ToClient => (server, client),
            };
            rows.push(LadderRow {
                frame: d.frames.last,
                first_frame: d.frames.first,
                ts: Some(d.ts),
                from: columns.col(src),
                to: columns.col(dst),
                label: name_other(&columns, src, dst, label),
                outcome,
                flow: d.flow,
                source: RowSource::Message(i),
            });
        }
        tcp_rows(analysis, &columns, &mut rows);
        rows.sort_by_key(|r| (r.frame, !matches!(r.source, RowSource::Message(_))));
        plan.mark(&mut rows);
        let first_ts = plan.insert(&columns, &mut rows, analysis.capture.first_ts);
        Index {
            columns: columns.keys.iter().map(|k| columns.title(*k)).collect(),
            hosts: lane_hosts(analysis, &columns),
            rows,
            groups: build_groups(analysis, &columns),
            first_ts,
        }
    }

    /// The ladder row of exactly `frame`: the row it completes, else the
    /// row of a message spanning it; `None` when no row has that frame.
    pub fn row_at_frame(&self, frame: FrameNo) -> Option<usize> {
        self.rows.iter().position(|r| r.frame == frame).or_else(|| {
            self.rows
                .iter()
                .position(|r| r.first_frame <= frame && frame <= r.frame)
        })
    }

    /// The ladder row that best shows `frame`: the row of that frame (or
    /// whose message spans it), else the first row after it, else the last.
    pub fn row_for_frame(&self, frame: FrameNo) -> Option<usize> {
        if let Some(i) = self.row_at_frame(frame) {
            return Some(i);
        }
        self.rows
            .iter()
            .position(|r| r.frame >= frame)
            .or(self.rows.len().checked_sub(1))
    }

    /// The first ladder row of any of `flows` (indices into `analysis.flows`).
    pub fn first_row_of(&self, analysis: &Analysis, flows: &[usize]) -> Option<usize> {
        let ids: BTreeSet<FlowId> = flows.iter().map(|&i| analysis.flows[i].id).collect();
        self.rows.iter().position(|r| ids.contains(&r.flow))
    }
}

/// Client and server of every flow record, then of every protocol flow
/// (walked again rather than collected: no copy per flow).
fn flow_ends(analysis: &Analysis) -> impl Iterator<Item = (Endpoint, Endpoint)> + '_ {
    analysis
        .flows
        .iter()
        .map(|f| (f.client, f.server))
        .chain(analysis.proto.flows.values().map(|f| (f.client, f.server)))
}

fn build_columns<'a>(
    analysis: &Analysis,
    roles: &'a RoleMap,
    log_ends: &[&log_rows::LogEnd],
) -> Columns<'a> {
    let mut role_set = BTreeSet::new();
    // Hosts without a role in order of appearance (the capture's, then the
    // logs'); the set keeps this linear in flows on captures with thousands
    // of hosts.
    let mut hosts: Vec<ColKey> = Vec::new();
    let mut seen: HashSet<IpAddr> = HashSet::new();
    // Hosts that talk to themselves, in order, with their service ports.
    let mut split: HashMap<IpAddr, Vec<u16>> = HashMap::new();
    let mut split_order: Vec<IpAddr> = Vec::new();
    let mut roles_elsewhere: BTreeSet<Role> = BTreeSet::new();
    for (c, s) in flow_ends(analysis) {
        if c.ip == s.ip {
            let ports = split.entry(c.ip).or_insert_with(|| {
                split_order.push(c.ip);
                Vec::new()
            });
            if !ports.contains(&s.port) && ports.len() < MAX_PORT_LANES {
                ports.push(s.port);
            }
        }
    }
    let log_ips = log_ends.iter().filter_map(|end| match end {
        log_rows::LogEnd::Ip(ip) => Some(*ip),
        log_rows::LogEnd::Name(_) => None,
    });
    let ips = flow_ends(analysis)
        .flat_map(|(c, s)| [c.ip, s.ip])
        .chain(log_ips);
    for ip in ips {
        match roles.role_of(ip) {
            Some(r) => {
                role_set.insert(r);
                if !split.contains_key(&ip) {
                    roles_elsewhere.insert(r);
                }
            }
            None if split.contains_key(&ip) => {}
            None if seen.insert(ip) => hosts.push(ColKey::Host(ip)),
            None => {}
        }
    }
    let port_lanes = |ip: IpAddr, keys: &mut Vec<ColKey>| {
        keys.push(ColKey::Ports(ip));
        if let Some(ports) = split.get(&ip) {
            keys.extend(ports.iter().map(|&p| ColKey::Port(ip, p)));
        }
    };
    let mut keys: Vec<ColKey> = Vec::new();
    for r in role_set {
        if roles_elsewhere.contains(&r) {
            keys.push(ColKey::Role(r));
        }
        for &ip in split_order
            .iter()
            .filter(|&&ip| roles.role_of(ip) == Some(r))
        {
            port_lanes(ip, &mut keys);
        }
    }
    for &ip in split_order
        .iter()
        .filter(|&&ip| roles.role_of(ip).is_none())
    {
        port_lanes(ip, &mut keys);
    }
    let mut names: Vec<String> = Vec::new();
    for end in log_ends {
        match end {
            log_rows::LogEnd::Name(n) if !names.contains(n) => names.push(n.clone()),
            _ => {}
        }
    }
    hosts.extend((0..names.len()).map(ColKey::Name));
    let room = MAX_COLUMNS.saturating_sub(keys.len()).max(1);
    if hosts.len() <= room {
        keys.extend(hosts);
    } else {
        keys.extend(hosts.into_iter().take(room - 1));
        keys.push(ColKey::Other);
    }
    if keys.is_empty() {
        keys.push(ColKey::Other);
    }
    Columns {
        roles,
        keys,
        split,
        names,
    }
}

/// The addresses behind each column, in order of appearance in the flows.
fn lane_hosts(analysis: &Analysis, columns: &Columns<'_>) -> Vec<LaneHosts> {
    let mut out = vec![LaneHosts::default(); columns.keys.len()];
    let mut others: HashSet<IpAddr> = HashSet::new();
    for (c, s) in flow_ends(analysis) {
        for ep in [c, s] {
            let k = columns.key(ep);
            let col = columns.col(ep);
            match k {
                ColKey::Role(_) => out[col].add(ep.ip.to_string()),
                ColKey::Host(_) | ColKey::Name(_) => {}
                ColKey::Port(ip, port) => out[col].add(Endpoint::new(ip, port).to_string()),
                ColKey::Ports(ip) => {
                    out[col].add(format!("{}:*", Endpoint::new(ip, 0)).replace(":0:*", ":*"))
                }
                ColKey::Other => {
                    if others.insert(ep.ip) {
                        out[col].add(ep.ip.to_string());
                    }
                }
            }
        }
    }
    out
}

fn tcp_rows(analysis: &Analysis, columns: &Columns<'_>, rows: &mut Vec<LadderRow>) {
    for (i, f) in analysis.flows.iter().enumerate() {
        let Some(tcp) = &f.tcp else { continue };
        let c = columns.col(f.client);
        let s = columns.col(f.server);
        let ts_of = |frame: FrameNo| {
            tcp.control.time_of(frame).or(if frame == f.first_frame {
                Some(f.first_ts)
            } else if frame == f.last_frame {
                Some(f.last_ts)
            } else {
                None
            })
        };
        let outcome = f.tcp_outcome();
        let row = |frame, from, to, label: String, outcome, source| LadderRow {
            frame,
            first_frame: frame,
            ts: ts_of(frame),
            from,
            to,
            label: name_other(columns, f.client, f.server, label),
            outcome,
            flow: f.id,
            source,
        };
        let ctl = &tcp.control;
        if ctl.refused_attempts > 1 {
            // Refused, then retried on the same tuple (Windows keeps the
            // ISN): one SYN row per attempt, each paired with its RST below.
            for (n, &syn) in ctl.syn_frames.iter().enumerate() {
                let label = match n {
                    0 => format!("SYN → port {}", f.server.port),
                    _ => format!("SYN → port {} (retry {n})", f.server.port),
                };
                rows.push(row(syn, c, s, label, Outcome::Neutral, RowSource::Syn(i)));
            }
        } else if let Some(syn) = ctl.syn_frame {
            let mut label = format!("SYN → port {}", f.server.port);
            if ctl.syn_count > 1 {
                label.push_str(&format!(" (×{})", ctl.syn_count));
            }
            let o = if outcome == Some(TcpOutcome::SynUnanswered) {
                label.push_str(" — unanswered");
                Outcome::Bad
            } else {
                Outcome::Neutral
            };
            rows.push(row(syn, c, s, label, o, RowSource::Syn(i)));
        }
        if let Some(sa) = ctl.syn_ack_frame {
            rows.push(row(
                sa,
                s,
                c,
                "SYN-ACK".to_string(),
                Outcome::Good,
                RowSource::SynAck(i),
            ));
        }
        let (rf, rt) = match ctl.reset_by {
            Some(Direction::ToServer) => (c, s),
            _ => (s, c),
        };
        // Every listed RST (the flow record keeps a bounded list).
        for &rst in ctl.rst_frames.iter() {
            let label = if outcome == Some(TcpOutcome::Refused) {
                "RST (refused)".to_string()
            } else {
                "RST".to_string()
            };
            rows.push(row(rst, rf, rt, label, Outcome::Bad, RowSource::Rst(i)));
        }
    }
}

fn build_groups(analysis: &Analysis, columns: &Columns<'_>) -> Vec<FlowGroup> {
    let mut allocated: BTreeSet<FlowId> = BTreeSet::new();
    let mut unanswered: BTreeSet<FlowId> = BTreeSet::new();
    for s in &analysis.proto.allocations {
        match s.outcome {
            AllocationOutcome::Allocated { .. } => allocated.extend(s.flows.iter().copied()),
            AllocationOutcome::NoResponse { .. } => unanswered.extend(s.flows.iter().copied()),
            _ => {}
        }
    }
    for r in analysis.proto.stun_records() {
        if r.unanswered {
            unanswered.insert(r.flow);
        }
    }
    let mut groups: Vec<(ColKey, ColKey, FlowGroup)> = Vec::new();
    for (i, f) in analysis.flows.iter().enumerate() {
        let (a, b) = (columns.key(f.client), columns.key(f.server));
        let pos = match groups.iter().position(|g| g.0 == a && g.1 == b) {
            Some(p) => p,
            None => {
                let pair = format!("{} ⇄ {}", columns.pair_name(a), columns.pair_name(b));
                groups.push((
                    a,
                    b,
                    FlowGroup {
                        pair,
                        ..FlowGroup::default()
                    },
                ));
                groups.len() - 1
            }
        };
        let g = &mut groups[pos].2;
        g.flows.push(i);
        *g.protocols
            .entry(analysis.proto.flow_label(f.id))
            .or_insert(0) += 1;
        let outcome = f.tcp_outcome();
        g.allocated += usize::from(allocated.contains(&f.id));
        g.refused += usize::from(outcome == Some(TcpOutcome::Refused));
        g.reset += usize::from(outcome == Some(TcpOutcome::Reset));
        g.unanswered +=
            usize::from(outcome == Some(TcpOutcome::SynUnanswered) || unanswered.contains(&f.id));
    }
    groups.into_iter().map(|g| g.2).collect()
}
