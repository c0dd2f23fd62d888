//! The logs' messages on the ladder. A log message the capture also holds
//! (tied to it by the offset estimation, [`crate::inputs::correlate`]) is
//! shown once: the capture's row gains the mark `[log NAME:LINE]`. A
//! message only the log holds (the front end's SERVICE relayed to the edge
//! over MTLS, what the client sent before the capture started) becomes a
//! row of its own, marked the same, at its time on the capture's clock
//! (log time less the log's offset), after the last capture row not later
//! than it. Without an offset (nothing matched, no `--offset`) a log's own
//! messages cannot be placed and stay in the summary's Logs section only.
//!
//! Endpoints: the peer as the log writes it (an address, or a host name
//! given a column of its own); the writer's own address when the log says
//! it (UCCAPI), else the address the capture shows for it on the messages
//! both hold, else a column named after the log.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use super::sip_label::sip_label;
use super::{Columns, LadderRow, Outcome, RowSource, LOG_FLOW};
use crate::inputs::LogInput;
use edgecap_analyze::Analysis;
use edgecap_capture::{FrameNo, Timestamp};
use edgecap_core::safe::escape_bytes;
use edgecap_net::Direction;
use edgecap_sip::log::LogDirection;

/// One end of a log's message: an address, or a name (escaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEnd {
    /// An IP address (its column is the capture's for that host).
    Ip(IpAddr),
    /// A host name or the log writer's stand-in, already escaped.
    Name(String),
}

/// A row a log adds.
struct Planned {
    log: usize,
    sip: usize,
    ts: Timestamp,
    from: LogEnd,
    to: LogEnd,
    label: String,
    outcome: Outcome,
}

/// What the logs add to an index: marks on capture rows and rows of their own.
pub struct Plan {
    rows: Vec<Planned>,
    /// Index into `analysis.proto.messages` → its marks.
    marks: HashMap<usize, String>,
}

/// `[log NAME:LINE]`, NAME the log's file name, escaped.
pub fn log_mark(log: &LogInput, line: u64) -> String {
    format!("[log {}:{line}]", log.name())
}

/// `10.0.0.1:5061` → the address; `edge.contoso.com:5062` → the name.
fn end_of(text: &[u8]) -> LogEnd {
    if let Some(sa) = std::str::from_utf8(text)
        .ok()
        .and_then(|t| t.trim().parse::<SocketAddr>().ok())
    {
        return LogEnd::Ip(sa.ip());
    }
    let host = match text.iter().rposition(|&b| b == b':') {
        Some(i) if i + 1 < text.len() && text[i + 1..].iter().all(u8::is_ascii_digit) => &text[..i],
        _ => text,
    };
    LogEnd::Name(escape_bytes(host).into_owned())
}

/// The writer's address as the capture shows it on a message both hold.
fn writer_in_capture(analysis: &Analysis, log: &LogInput) -> Option<IpAddr> {
    log.sips.iter().zip(&log.messages).find_map(|(s, m)| {
        let d = analysis.proto.messages.get((*m)?)?;
        let (_, client, server) = analysis.flow_ends(d.flow)?;
        let (src, dst) = match d.dir {
            Direction::ToServer => (client, server),
            Direction::ToClient => (server, client),
        };
        match s.dir? {
            LogDirection::Sent => Some(src.ip),
            LogDirection::Received => Some(dst.ip),
        }
    })
}

/// Plans the rows and marks `logs` add to the ladder of `analysis`.
pub fn plan(analysis: &Analysis, logs: &[LogInput]) -> Plan {
    let mut plan = Plan {
        rows: Vec::new(),
        marks: HashMap::new(),
    };
    for (li, log) in logs.iter().enumerate() {
        let seen = writer_in_capture(analysis, log);
        for (si, s) in log.sips.iter().enumerate() {
            let mark = log_mark(log, s.line);
            if let Some(m) = log.messages.get(si).copied().flatten() {
                let e = plan.marks.entry(m).or_default();
                e.push(' ');
                e.push_str(&mark);
                continue;
            }
            let (Some(t), Some(off), Some(dir)) = (s.time, log.timeline_offset_ns(), s.dir) else {
                continue;
            };
            let peer = s
                .peer
                .as_deref()
                .map_or_else(|| LogEnd::Name("?".to_string()), end_of);
            let writer = match (s.local.as_deref().map(end_of), seen) {
                (Some(LogEnd::Ip(ip)), _) | (_, Some(ip)) => LogEnd::Ip(ip),
                _ => LogEnd::Name(format!("{} writer", log.name())),
            };
            let (from, to) = match dir {
                LogDirection::Sent => (writer, peer),
                LogDirection::Received => (peer, writer),
            };
            let (label, outcome) = sip_label(&s.message);
            plan.rows.push(Planned {
                log: li,
                sip: si,
                ts: Timestamp(t.unix_nanos().saturating_sub(off)),
                from,
                to,
                label: format!("{label} {mark}"),
                outcome,
            });
        }
    }
    // Stable: equal times keep log then file order.
    plan.rows.sort_by_key(|r| r.ts);
    plan
}

impl Plan {
    /// Every endpoint of the rows to add, for the columns.
    pub fn ends(&self) -> Vec<&LogEnd> {
        self.rows.iter().flat_map(|r| [&r.from, &r.to]).collect()
    }

    /// Marks the capture rows of messages a log also holds.
    pub(super) fn mark(&self, rows: &mut [LadderRow]) {
        if self.marks.is_empty() {
            return;
        }
        for r in rows {
            if let RowSource::Message(m) = r.source {
                if let Some(mark) = self.marks.get(&m) {
                    r.label.push_str(mark);
                }
            }
        }
    }

    /// Adds the log's own rows among `rows` (sorted by frame): each after
    /// the last row whose time (or an earlier row's) is not later than its
    /// own. Returns the index's first time.
    pub(super) fn insert(
        self,
        columns: &Columns<'_>,
        rows: &mut Vec<LadderRow>,
        first_ts: Option<Timestamp>,
    ) -> Option<Timestamp> {
        let Some(first) = self.rows.first().map(|r| r.ts) else {
            return first_ts;
        };
        let first_ts = Some(first_ts.map_or(first, |t| t.min(first)));
        let capture = std::mem::take(rows);
        rows.reserve(capture.len() + self.rows.len());
        let mut latest: Option<Timestamp> = None;
        let mut frame = FrameNo(0);
        let mut planned = self.rows.into_iter().peekable();
        for row in capture {
            latest = latest.max(row.ts);
            while let Some(p) = planned.next_if(|p| Some(p.ts) < latest) {
                rows.push(log_row(columns, p, frame));
            }
            frame = row.frame;
            rows.push(row);
        }
        rows.extend(planned.map(|p| log_row(columns, p, frame)));
        first_ts
    }
}

fn log_row(columns: &Columns<'_>, p: Planned, frame: FrameNo) -> LadderRow {
    LadderRow {
        frame,
        first_frame: frame,
        ts: Some(p.ts),
        from: columns.end_col(&p.from),
        to: columns.end_col(&p.to),
        label: p.label,
        outcome: p.outcome,
        flow: LOG_FLOW,
        source: RowSource::Log {
            log: p.log,
            sip: p.sip,
        },
    }
}

#[cfg(test)]
mod tests;
