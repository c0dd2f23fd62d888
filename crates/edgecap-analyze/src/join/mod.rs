//! Several captures of one call, joined packet by packet: the same STUN
//! message (transaction id and type) or TCP connection (the client's initial
//! sequence number, which NATs keep) seen at two vantage points
//! ([`matching`]); the clock offset of each capture against the first, NTP
//! style from the request/response exchanges seen at both ([`clock`]); the
//! NAT mappings each pair implies ([`nat`]); and the findings that need two
//! sides — a packet lost between them, a RST its claimed sender never sent,
//! a NAT mapping, a relay port the NAT rewrote, clocks that disagree
//! ([`findings`]) — and the roles from all captures together ([`roles`]).
//!
//! Pure: takes the [`Analysis`] of each capture (made by the usual pipeline,
//! each with its own frame numbers) and returns a [`Join`]. Matching is
//! linear — hash maps keyed by transaction id and ISN, at most
//! [`matching::MAX_COPIES`] copies per key — and only pairs packets within
//! [`MAX_FLIGHT_NS`] of each other once the clocks are lined up; what falls
//! outside or beyond [`matching::MAX_KEYS`] is counted and reported.

pub mod clock;
pub mod findings;
pub mod matching;
pub mod nat;
pub mod roles;
#[cfg(test)]
mod tests;

use crate::{Analysis, Detail, EdgeConfig, RoleMap, Severity};
use edgecap_capture::{FrameNo, Timestamp};
use edgecap_net::{Direction, Endpoint, Transport};

pub use clock::{Clock, ClockBasis, ClockEstimate};
pub use matching::{FlowLink, MatchKind, Matched, PairJoin, Seen};
pub use nat::NatMapping;
pub use roles::{Host, JoinedRoles};

/// Most captures joined at once: every pair is matched, so the work grows
/// with the square of their number; a call crosses at most four vantage
/// points (client, internal edge, external edge, remote edge).
pub const MAX_INPUTS: usize = 8;

/// Longest time a packet takes from one vantage point to the next, once the
/// clocks are lined up: one-way delays between the vantage points of one
/// call are tens of milliseconds, half a second covers a satellite hop. It
/// is also less than STUN's first retransmission interval (500 ms, RFC 5389
/// §7.2.1), so two copies of one request are never taken for each other.
pub const MAX_FLIGHT_NS: i64 = 500_000_000;

/// One capture to join.
#[derive(Debug, Clone, Copy)]
pub struct JoinInput<'a> {
    /// Its name as reports print it (already escaped for a terminal).
    pub name: &'a str,
    /// Its analysis.
    pub analysis: &'a Analysis,
    /// Its clock minus the first capture's, in nanoseconds, when given by
    /// the user (`--offset`).
    pub offset_override_ns: Option<i64>,
}

/// A frame of one of the joined captures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InputFrame {
    /// Index of the capture among the inputs.
    pub input: usize,
    /// Its frame number there.
    pub frame: FrameNo,
}

/// A finding that needs two captures, with evidence in both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathFinding {
    /// Stable id (`path.lost`, `path.reset_not_sent`, `path.nat_mapping`, `clock.skew`).
    pub id: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// One line naming the vantage points, addresses and frames.
    pub summary: String,
    /// Likely causes and what to check next.
    pub explanation: String,
    /// Evidence frames, by capture.
    pub evidence: Vec<InputFrame>,
    /// Counts, addresses and names, in a fixed key order.
    pub details: Vec<(&'static str, Detail)>,
}

/// The captures joined.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// The inputs' names, in input order (those beyond [`MAX_INPUTS`] too).
    pub names: Vec<String>,
    /// Each input's clock against the first input's.
    pub clocks: Vec<Clock>,
    /// Each pair of inputs that shares packets, `a < b`.
    pub pairs: Vec<PairJoin>,
    /// The NAT mappings found between vantage points.
    pub nat: Vec<NatMapping>,
    /// Findings across captures, by severity then evidence.
    pub findings: Vec<PathFinding>,
    /// Inputs beyond [`MAX_INPUTS`], not joined.
    pub inputs_dropped: usize,
    /// Roles from all joined captures together ([`roles`]).
    pub roles: JoinedRoles,
}

impl Join {
    /// `name#frame` of an evidence frame.
    pub fn label(&self, f: InputFrame) -> String {
        format!(
            "{}#{}",
            self.names.get(f.input).map_or("?", String::as_str),
            f.frame
        )
    }

    /// Time of input `i`'s timestamp `ts` on the first input's clock, when
    /// input `i`'s offset is known.
    pub fn on_reference_clock(&self, i: usize, ts: Timestamp) -> Option<Timestamp> {
        let c = self.clocks.get(i)?;
        c.offset_ns
            .map(|o| Timestamp(ts.0.saturating_sub(o)))
            .or((i == 0).then_some(ts))
    }
}

/// Joins `inputs` (the first is the reference clock).
pub fn join(inputs: &[JoinInput<'_>], cfg: &EdgeConfig) -> Join {
    let inputs_dropped = inputs.len().saturating_sub(MAX_INPUTS);
    let names = inputs.iter().map(|i| i.name.to_string()).collect();
    let inputs = &inputs[..inputs.len().min(MAX_INPUTS)];
    let mut pairs = Vec::new();
    let mut unmatched = Vec::new();
    for a in 0..inputs.len() {
        for b in a + 1..inputs.len() {
            let (pair, flags) = matching::match_pair(a, inputs[a].analysis, b, inputs[b].analysis);
            if !pair.matched.is_empty() {
                pairs.push(pair);
                unmatched.push(flags);
            }
        }
    }
    let clocks = clock::resolve(inputs, &pairs);
    let mut j = Join {
        names,
        clocks,
        pairs,
        nat: Vec::new(),
        findings: Vec::new(),
        inputs_dropped,
        roles: JoinedRoles::default(),
    };
    for p in &mut j.pairs {
        let off = match (j.clocks[p.a].offset_ns, j.clocks[p.b].offset_ns) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => p.coarse_offset_ns,
        };
        p.offset_ns = off;
        matching::orient_links(p);
    }
    j.nat = nat::mappings(&j.pairs);
    j.findings = findings::detect(&j, inputs, &unmatched, cfg);
    let analyses: Vec<&Analysis> = inputs.iter().map(|i| i.analysis).collect();
    let own: Vec<RoleMap> = analyses
        .iter()
        .map(|a| crate::roles::infer(a, cfg))
        .collect();
    j.roles = roles::combine(&analyses, &own, &j.nat);
    j
}

/// The side of a link a packet in direction `dir` (as seen at side `side`)
/// reaches first, when known: 0 or 1.
pub fn upstream_of(link: &FlowLink, side: usize, dir: Direction) -> Option<usize> {
    let to_server = match (side, link.flipped) {
        (1, true) => dir == Direction::ToClient,
        _ => dir == Direction::ToServer,
    };
    let client_side = link.client_side?;
    Some(if to_server {
        client_side
    } else {
        1 - client_side
    })
}

/// The flow's client and server as side `side` sees them, in side 0's
/// orientation.
pub fn ends(link: &FlowLink, side: usize) -> (Transport, Endpoint, Endpoint) {
    let (c, s) = link.ends[side];
    if side == 1 && link.flipped {
        (link.transport, s, c)
    } else {
        (link.transport, c, s)
    }
}
