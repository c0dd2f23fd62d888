//! The ladder index: columns (roles, then hosts without one), one row per
//! arrow (STUN/TURN message, TLS record, pseudo-TLS hello, SIP message, SYN, SYN-ACK,
//! RST) and flows grouped by column pair, built once from the [`Analysis`]
//! and [`Diagnosis`]. The TUI draws from it and `edgecap ladder` exports it.
//!
//! Owns every display string derived from the capture; each one goes through
//! [`edgecap_core::safe`] here, so views never see raw capture bytes and do
//! no decoding. Rows are sorted by (completing frame, kind order), so the
//! ladder is deterministic.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::IpAddr;

use edgecap_analyze::Analysis;
use edgecap_analyze::{Diagnosis, Role, RoleMap};
use edgecap_capture::{FrameNo, Timestamp};
use edgecap_net::tcp_state::TcpOutcome;
use edgecap_net::{Direction, FlowId};
use edgecap_proto::{AllocationOutcome, ProtoMsg};

pub mod challenge;
pub mod export;
pub mod filter;
pub mod labels;
pub mod path;
pub mod sip_label;
pub mod time;

pub use export::{to_mermaid, to_text};
pub use labels::{message_label, stun_label};
pub use time::{time_column, TimeFormat};

/// Most host columns in the ladder; further unknown hosts share "other".
pub const MAX_COLUMNS: usize = 6;

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
    /// Rows in frame order.
    pub rows: Vec<LadderRow>,
    /// Groups in order of first flow.
    pub groups: Vec<FlowGroup>,
    /// First frame's time, for the relative time mode.
    pub first_ts: Option<Timestamp>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ColKey {
    Role(Role),
    Host(IpAddr),
    Other,
}

struct Columns<'a> {
    roles: &'a RoleMap,
    keys: Vec<ColKey>,
}

impl Columns<'_> {
    fn key(&self, ip: IpAddr) -> ColKey {
        match self.roles.role_of(ip) {
            Some(r) => ColKey::Role(r),
            None if self.keys.contains(&ColKey::Host(ip)) => ColKey::Host(ip),
            None => ColKey::Other,
        }
    }

    fn col(&self, ip: IpAddr) -> usize {
        let k = self.key(ip);
        self.keys.iter().position(|x| *x == k).unwrap_or(0)
    }
}

fn col_title(k: ColKey) -> String {
    match k {
        ColKey::Role(r) => r.words().to_string(),
        ColKey::Host(ip) => ip.to_string(),
        ColKey::Other => "other hosts".to_string(),
    }
}

impl Index {
    /// Builds the index. Cost is linear in flows plus messages.
    pub fn build(analysis: &Analysis, diagnosis: &Diagnosis) -> Index {
        let columns = build_columns(analysis, &diagnosis.roles);
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
                from: columns.col(src.ip),
                to: columns.col(dst.ip),
                label,
                outcome,
                flow: d.flow,
                source: RowSource::Message(i),
            });
        }
        tcp_rows(analysis, &columns, &mut rows);
        rows.sort_by_key(|r| (r.frame, !matches!(r.source, RowSource::Message(_))));
        Index {
            columns: columns.keys.iter().map(|k| col_title(*k)).collect(),
            rows,
            groups: build_groups(analysis, &columns),
            first_ts: analysis.capture.first_ts,
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

fn build_columns<'a>(analysis: &Analysis, roles: &'a RoleMap) -> Columns<'a> {
    let mut role_set = BTreeSet::new();
    // Hosts without a role in order of appearance; the set keeps this linear
    // in flows on captures with thousands of hosts.
    let mut hosts: Vec<IpAddr> = Vec::new();
    let mut seen: HashSet<IpAddr> = HashSet::new();
    let mut note = |ip: IpAddr| match roles.role_of(ip) {
        Some(r) => {
            role_set.insert(r);
        }
        None if seen.insert(ip) => hosts.push(ip),
        None => {}
    };
    for f in &analysis.flows {
        note(f.client.ip);
        note(f.server.ip);
    }
    for f in analysis.proto.flows.values() {
        note(f.client.ip);
        note(f.server.ip);
    }
    let mut keys: Vec<ColKey> = role_set.into_iter().map(ColKey::Role).collect();
    let room = MAX_COLUMNS.saturating_sub(keys.len()).max(1);
    if hosts.len() <= room {
        keys.extend(hosts.into_iter().map(ColKey::Host));
    } else {
        keys.extend(hosts.into_iter().take(room - 1).map(ColKey::Host));
        keys.push(ColKey::Other);
    }
    if keys.is_empty() {
        keys.push(ColKey::Other);
    }
    Columns { roles, keys }
}

fn tcp_rows(analysis: &Analysis, columns: &Columns<'_>, rows: &mut Vec<LadderRow>) {
    for (i, f) in analysis.flows.iter().enumerate() {
        let Some(tcp) = &f.tcp else { continue };
        let c = columns.col(f.client.ip);
        let s = columns.col(f.server.ip);
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
            label,
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
        let (a, b) = (columns.key(f.client.ip), columns.key(f.server.ip));
        let pos = match groups.iter().position(|g| g.0 == a && g.1 == b) {
            Some(p) => p,
            None => {
                let pair = format!("{} ⇄ {}", col_title(a), col_title(b));
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
