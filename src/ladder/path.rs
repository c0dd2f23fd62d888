//! The ladder of several captures joined: every STUN/TURN message and TCP
//! SYN, SYN-ACK and RST of every capture, each packet once however many
//! vantage points saw it (the join's matches merge its sightings), with the
//! vantage points that saw it (`seen at client#1, edge-ext#1`) and the time
//! it took between them. Times are on the first capture's clock, shifted by
//! each capture's estimated offset; a capture whose offset is unknown keeps
//! its own clock (marked `?`).

use std::collections::HashMap;
use std::fmt::Write;

use edgecap_analyze::join::{Join, MatchKind};
use edgecap_analyze::Analysis;
use edgecap_capture::{FrameNo, Timestamp};
use edgecap_net::table::FlowRecord;
use edgecap_net::{Direction, Endpoint, FlowId, Transport};

/// One vantage point's sighting of a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sighting {
    /// The input.
    pub input: usize,
    /// Its frame there.
    pub frame: FrameNo,
    /// Its time on the reference clock (its own when the offset is unknown).
    pub at: Timestamp,
    /// Whether `at` is on the reference clock.
    pub aligned: bool,
    /// Source as that capture saw it.
    pub src: Endpoint,
    /// Destination as that capture saw it.
    pub dst: Endpoint,
}

/// One packet of the joined ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRow {
    /// "Allocate request", "SYN", "RST".
    pub label: String,
    /// Its transport.
    pub transport: Transport,
    /// Where it was seen, earliest first.
    pub sightings: Vec<Sighting>,
}

type Key = (usize, FrameNo, String);

struct Rows {
    keys: HashMap<Key, usize>,
    parent: Vec<usize>,
    items: Vec<(String, Transport, Sighting)>,
}

impl Rows {
    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }
}

fn sighting(
    join: &Join,
    input: usize,
    a: &Analysis,
    flow: FlowId,
    dir: Direction,
    frame: FrameNo,
    ts: Timestamp,
) -> Option<(Transport, Sighting)> {
    let (t, c, s) = a.flow_ends(flow)?;
    let (src, dst) = match dir {
        Direction::ToServer => (c, s),
        Direction::ToClient => (s, c),
    };
    let at = join.on_reference_clock(input, ts);
    Some((
        t,
        Sighting {
            input,
            frame,
            at: at.unwrap_or(ts),
            aligned: at.is_some(),
            src,
            dst,
        },
    ))
}

fn control(f: &FlowRecord) -> Vec<(&'static str, Direction, FrameNo, Timestamp)> {
    let Some(tcp) = &f.tcp else { return Vec::new() };
    let t = &tcp.control;
    let time = |n: FrameNo| {
        t.control_times
            .iter()
            .find(|(m, _)| *m == n)
            .map(|(_, ts)| *ts)
    };
    let mut out = Vec::new();
    for (label, dir, frame) in [
        ("SYN", Direction::ToServer, t.syn_frame),
        ("SYN-ACK", Direction::ToClient, t.syn_ack_frame),
        (
            "RST",
            t.reset_by.unwrap_or(Direction::ToServer),
            t.rst_frames.first().copied(),
        ),
    ] {
        if let Some((frame, ts)) = frame.and_then(|n| Some((n, time(n)?))) {
            out.push((label, dir, frame, ts));
        }
    }
    out
}

/// The rows of the joined captures, by time on the reference clock.
pub fn rows(analyses: &[&Analysis], join: &Join) -> Vec<PathRow> {
    let mut r = Rows {
        keys: HashMap::new(),
        parent: Vec::new(),
        items: Vec::new(),
    };
    let add = |r: &mut Rows, label: String, item: Option<(Transport, Sighting)>| {
        if let Some((t, s)) = item {
            let i = r.items.len();
            r.keys.insert((s.input, s.frame, label.clone()), i);
            r.parent.push(i);
            r.items.push((label, t, s));
        }
    };
    for (input, a) in analyses.iter().enumerate() {
        for m in a.proto.stun_records() {
            let t = m.msg.msg_type;
            let label = format!("{} {}", t.method.name(), t.class.name());
            let s = sighting(join, input, a, m.flow, m.dir, m.frames.last, m.ts);
            add(&mut r, label, s);
        }
        for f in &a.flows {
            for (label, dir, frame, ts) in control(f) {
                let s = sighting(join, input, a, f.id, dir, frame, ts);
                add(&mut r, label.to_string(), s);
            }
        }
    }
    for p in &join.pairs {
        for m in &p.matched {
            let label = match m.kind {
                MatchKind::Stun { method, class } => format!("{method} {class}"),
                k => k.label(),
            };
            let ka = (p.a, m.sides[0].frame, label.clone());
            let kb = (p.b, m.sides[1].frame, label);
            if let (Some(&x), Some(&y)) = (r.keys.get(&ka), r.keys.get(&kb)) {
                let (x, y) = (r.find(x), r.find(y));
                r.parent[y] = x;
            }
        }
    }
    let mut groups: HashMap<usize, usize> = HashMap::new();
    let mut out: Vec<PathRow> = Vec::new();
    for i in 0..r.items.len() {
        let root = r.find(i);
        let (label, t, s) = r.items[i].clone();
        match groups.get(&root) {
            Some(&row) => out[row].sightings.push(s),
            None => {
                groups.insert(root, out.len());
                out.push(PathRow {
                    label,
                    transport: t,
                    sightings: vec![s],
                });
            }
        }
    }
    for row in &mut out {
        row.sightings.sort_by_key(|s| (s.at, s.input));
    }
    out.sort_by_key(|row| {
        row.sightings
            .first()
            .map(|s| (s.at, s.input, s.frame))
            .unwrap_or((Timestamp(0), 0, FrameNo(0)))
    });
    out
}

/// One row as text: time since `t0`, `src → dst`, transport, label, the
/// vantage points with their frames and the time in flight between them.
pub fn row_text(join: &Join, row: &PathRow, t0: Timestamp) -> String {
    let Some(first) = row.sightings.first() else {
        return String::new();
    };
    let mut line = format!(
        "{:>10.3} s{}  {} → {}  {}  {}  seen at ",
        first.at.seconds_since(t0),
        if first.aligned { " " } else { "?" },
        first.src,
        first.dst,
        row.transport.as_str(),
        row.label,
    );
    let seen: Vec<String> = row
        .sightings
        .iter()
        .map(|s| {
            join.label(edgecap_analyze::join::InputFrame {
                input: s.input,
                frame: s.frame,
            })
        })
        .collect();
    line.push_str(&seen.join(", "));
    if row.sightings.len() == 1 && join.names.len() > 1 {
        line.push_str(" only");
    }
    let hops: Vec<String> = row
        .sightings
        .windows(2)
        .filter(|w| w[0].aligned && w[1].aligned)
        .map(|w| {
            let ms = (w[1].at.0.saturating_sub(w[0].at.0)) as f64 / 1e6;
            let name = |i: usize| join.names.get(i).map_or("?", String::as_str);
            format!("{} → {} {ms:.1} ms", name(w[0].input), name(w[1].input))
        })
        .collect();
    if !hops.is_empty() {
        let _ = write!(line, "  (in flight {})", hops.join(", "));
    }
    line
}

/// The whole joined ladder as text, at most `max` rows (0 = all).
pub fn to_text(join: &Join, rows: &[PathRow], max: usize) -> String {
    let t0 = rows
        .iter()
        .filter_map(|r| r.sightings.first())
        .filter(|s| s.aligned)
        .map(|s| s.at)
        .min()
        .unwrap_or(Timestamp(0));
    let mut out = String::new();
    let shown = if max == 0 {
        rows.len()
    } else {
        max.min(rows.len())
    };
    for row in &rows[..shown] {
        let _ = writeln!(out, "{}", row_text(join, row, t0));
    }
    if shown < rows.len() {
        let _ = writeln!(out, "  … {} more rows", rows.len() - shown);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::capture;
    use edgecap_analyze::join::{join, JoinInput};
    use edgecap_analyze::{AnalyzeOptions, EdgeConfig};

    #[test]
    fn each_packet_once_with_its_flight() {
        let o = AnalyzeOptions::default();
        let (c, e) = (
            capture("multi-client.pcap", &o),
            capture("multi-edge-ext.pcap", &o),
        );
        let inputs = [
            JoinInput {
                name: "c",
                analysis: &c,
                offset_override_ns: None,
            },
            JoinInput {
                name: "e",
                analysis: &e,
                offset_override_ns: None,
            },
        ];
        let j = join(&inputs, &EdgeConfig::default());
        let rows = rows(&[&c, &e], &j);
        let seen: Vec<usize> = rows.iter().map(|r| r.sightings.len()).collect();
        assert_eq!(
            seen,
            [2, 2, 1, 2, 2, 2, 2, 1, 1, 1, 2, 2],
            "the lost requests and the RST once"
        );
        assert!(rows.iter().all(|r| r.sightings.iter().all(|s| s.aligned)));
        // Sightings earliest first: the 401 reaches the client after the edge sent it.
        assert_eq!(rows[1].sightings[0].input, 1);
        let text = row_text(&j, &rows[0], rows[0].sightings[0].at);
        assert!(
            text.ends_with("seen at c#1, e#1  (in flight c → e 15.5 ms)"),
            "{text}"
        );
        let lost = row_text(&j, &rows[2], rows[0].sightings[0].at);
        assert!(lost.ends_with("seen at c#3 only"), "{lost}");
        assert!(to_text(&j, &rows, 3).ends_with("  … 9 more rows\n"));
    }
}
