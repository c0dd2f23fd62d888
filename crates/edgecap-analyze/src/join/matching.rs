//! Finds the same packet in two captures. A STUN message keeps its
//! transaction id and type through any NAT, so `(transaction id, type)` is
//! its key; a TCP connection keeps the client's initial sequence number (NATs
//! rewrite addresses and ports, rarely sequence numbers), so its SYN and
//! SYN-ACK are matched by ISN whatever the ports.
//!
//! Copies of one key (retransmissions) are paired in two passes: the first
//! copies of every key give a coarse offset between the clocks (their
//! median), then each copy is paired with the copy of the other capture
//! nearest in time once shifted by it, within [`super::MAX_FLIGHT_NS`]. A
//! copy whose nearest partner is further is counted in
//! [`PairJoin::beyond_window`]. Each matched message links the two flows it
//! belongs to ([`FlowLink`]); request/response exchanges seen at both give
//! the clock estimate ([`super::clock`]).

use std::collections::HashMap;

use super::clock::{self, ClockEstimate, Exchange};
use super::MAX_FLIGHT_NS;
use crate::Analysis;
use edgecap_capture::{FrameNo, Timestamp};
use edgecap_net::table::FlowRecord;
use edgecap_net::{Direction, Endpoint, FlowId, Transport};
use edgecap_proto::stun::Class;

/// Most STUN keys (transaction id and type) of one capture held for
/// matching, and most TCP initial sequence numbers: a busy edge's hour holds
/// some hundreds of thousands of transactions. Beyond, messages are counted
/// in [`PairJoin::keys_dropped`], not matched.
pub const MAX_KEYS: usize = 1_000_000;

/// Most copies of one STUN key (or connections with one ISN) matched: RFC
/// 5389 §7.2.1 sends a request at most 7 times; a key seen more often is
/// replayed traffic, counted in [`PairJoin::keys_dropped`].
pub const MAX_COPIES: usize = 16;

/// One capture's sighting of a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    /// The frame.
    pub frame: FrameNo,
    /// Its time on that capture's clock.
    pub ts: Timestamp,
    /// The flow it belongs to there.
    pub flow: FlowId,
    /// Its direction in that flow.
    pub dir: Direction,
}

/// What kind of packet was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// A STUN message: its method and class names.
    Stun {
        /// The method (`Allocate`, …).
        method: &'static str,
        /// The class (`request`, `success`, …).
        class: &'static str,
    },
    /// A TCP SYN.
    TcpSyn,
    /// A TCP SYN-ACK.
    TcpSynAck,
}

impl MatchKind {
    /// "Allocate request", "SYN".
    pub fn label(&self) -> String {
        match self {
            MatchKind::Stun { method, class } => format!("{method} {class}"),
            MatchKind::TcpSyn => "SYN".to_string(),
            MatchKind::TcpSynAck => "SYN-ACK".to_string(),
        }
    }
}

/// A packet seen in both captures of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matched {
    /// What it is.
    pub kind: MatchKind,
    /// Where each capture saw it: `[a, b]`.
    pub sides: [Seen; 2],
    /// Index of its flow link in [`PairJoin::links`].
    pub link: usize,
}

/// One flow seen at both vantage points of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowLink {
    /// TCP or UDP.
    pub transport: Transport,
    /// The flow at each side.
    pub flows: [FlowId; 2],
    /// Client and server of the flow as each side recorded them.
    pub ends: [(Endpoint, Endpoint); 2],
    /// Side 1 took the other end for the client (its directions are
    /// reversed against side 0's).
    pub flipped: bool,
    /// The side nearer the flow's client (its packets to the server pass
    /// there first), once the clocks are known.
    pub client_side: Option<usize>,
    /// Packets matched on it.
    pub matched: u64,
    /// The first matched frame at each side.
    pub first: [FrameNo; 2],
}

/// Two captures joined.
#[derive(Debug, Clone, PartialEq)]
pub struct PairJoin {
    /// The first input's index.
    pub a: usize,
    /// The second input's index (`a < b`).
    pub b: usize,
    /// The packets seen in both, in `a`'s time order.
    pub matched: Vec<Matched>,
    /// The flows seen in both.
    pub links: Vec<FlowLink>,
    /// The median offset of the keys' first copies (b's clock minus a's,
    /// nanoseconds), used to pair copies.
    pub coarse_offset_ns: i64,
    /// The offset used for the findings: from the resolved clocks, else the
    /// coarse one.
    pub offset_ns: i64,
    /// The estimate from the exchanges seen at both (b minus a).
    pub estimate: Option<ClockEstimate>,
    /// The longest time in flight of a matched packet once the clocks are
    /// lined up by `offset_ns` (set with the links' orientation).
    pub max_flight_ns: i64,
    /// Copies whose nearest partner was beyond [`MAX_FLIGHT_NS`].
    pub beyond_window: u64,
    /// Messages not matched because of [`MAX_KEYS`] or [`MAX_COPIES`].
    pub keys_dropped: u64,
}

/// Which STUN records (by their index in `stun_records()`) each side matched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchedFlags {
    /// Per side, per STUN record.
    pub stun: [Vec<bool>; 2],
}

type StunKey = ([u8; 16], u16);

#[derive(Debug, Clone, Copy)]
struct Copy {
    seen: Seen,
    index: usize,
    class: Class,
    method: &'static str,
}

/// Every STUN record of `a` by key, copies in time order.
fn stun_keys(a: &Analysis, dropped: &mut u64) -> HashMap<StunKey, Vec<Copy>> {
    let mut keys: HashMap<StunKey, Vec<Copy>> = HashMap::new();
    for (index, r) in a.proto.stun_records().enumerate() {
        let key = (r.msg.txid(), r.msg.msg_type.raw);
        if keys.len() >= MAX_KEYS && !keys.contains_key(&key) {
            *dropped += 1;
            continue;
        }
        let copies = keys.entry(key).or_default();
        if copies.len() >= MAX_COPIES {
            *dropped += 1;
            continue;
        }
        copies.push(Copy {
            seen: Seen {
                frame: r.frames.last,
                ts: r.ts,
                flow: r.flow,
                dir: r.dir,
            },
            index,
            class: r.msg.msg_type.class,
            method: r.msg.msg_type.method.name(),
        });
    }
    keys
}

/// TCP flows with a SYN, by the client's ISN.
fn isn_keys<'a>(a: &'a Analysis, dropped: &mut u64) -> HashMap<u32, Vec<&'a FlowRecord>> {
    let mut keys: HashMap<u32, Vec<&FlowRecord>> = HashMap::new();
    for f in &a.flows {
        let Some(isn) = f.tcp.as_ref().and_then(|t| t.control.client_isn) else {
            continue;
        };
        if syn_seen(f).is_none() {
            continue;
        }
        if keys.len() >= MAX_KEYS && !keys.contains_key(&isn) {
            *dropped += 1;
            continue;
        }
        let flows = keys.entry(isn).or_default();
        if flows.len() >= MAX_COPIES {
            *dropped += 1;
            continue;
        }
        flows.push(f);
    }
    keys
}

/// The time of control frame `frame` of `f`.
fn control_time(f: &FlowRecord, frame: FrameNo) -> Option<Timestamp> {
    let t = &f.tcp.as_ref()?.control;
    t.control_times
        .iter()
        .find(|(n, _)| *n == frame)
        .map(|(_, ts)| *ts)
}

fn syn_seen(f: &FlowRecord) -> Option<Seen> {
    let frame = f.tcp.as_ref()?.control.syn_frame?;
    Some(Seen {
        frame,
        ts: control_time(f, frame)?,
        flow: f.id,
        dir: Direction::ToServer,
    })
}

fn syn_ack_seen(f: &FlowRecord) -> Option<Seen> {
    let frame = f.tcp.as_ref()?.control.syn_ack_frame?;
    Some(Seen {
        frame,
        ts: control_time(f, frame)?,
        flow: f.id,
        dir: Direction::ToClient,
    })
}

fn median(mut v: Vec<i64>) -> Option<i64> {
    v.sort_unstable();
    v.get(v.len() / 2).copied()
}

/// Pairs copies `xs` of one key with copies `ys` of the other capture:
/// closest pairs first once `xs` are shifted by `offset`, none further apart
/// than [`MAX_FLIGHT_NS`]. Returns index pairs; counts in `beyond` the copies
/// left without a partner while the other side also has one left (their
/// times too far apart).
fn pair_copies(
    xs: &[Timestamp],
    ys: &[Timestamp],
    offset: i64,
    beyond: &mut u64,
) -> Vec<(usize, usize)> {
    let mut cands: Vec<(i64, usize, usize)> = Vec::with_capacity(xs.len() * ys.len());
    for (i, x) in xs.iter().enumerate() {
        for (j, y) in ys.iter().enumerate() {
            let d =
                y.0.saturating_sub(x.0.saturating_add(offset))
                    .saturating_abs();
            cands.push((d, i, j));
        }
    }
    cands.sort_unstable();
    let (mut used_x, mut used_y) = (vec![false; xs.len()], vec![false; ys.len()]);
    let mut out = Vec::new();
    for (d, i, j) in cands {
        if d <= MAX_FLIGHT_NS && !used_x[i] && !used_y[j] {
            used_x[i] = true;
            used_y[j] = true;
            out.push((i, j));
        }
    }
    let left = |u: &[bool]| u.iter().filter(|b| !**b).count() as u64;
    *beyond += left(&used_x).min(left(&used_y));
    out.sort_unstable();
    out
}

struct Builder {
    pair: PairJoin,
    links: HashMap<(FlowId, FlowId), usize>,
}

impl Builder {
    fn link(&mut self, a: &Analysis, b: &Analysis, sa: Seen, sb: Seen) -> Option<usize> {
        let key = (sa.flow, sb.flow);
        if let Some(&i) = self.links.get(&key) {
            return Some(i);
        }
        let (ta, ca, va) = a.flow_ends(sa.flow)?;
        let (_, cb, vb) = b.flow_ends(sb.flow)?;
        let i = self.pair.links.len();
        self.pair.links.push(FlowLink {
            transport: ta,
            flows: [sa.flow, sb.flow],
            ends: [(ca, va), (cb, vb)],
            flipped: sa.dir != sb.dir,
            client_side: None,
            matched: 0,
            first: [sa.frame, sb.frame],
        });
        self.links.insert(key, i);
        Some(i)
    }

    fn push(&mut self, a: &Analysis, b: &Analysis, kind: MatchKind, sa: Seen, sb: Seen) {
        if let Some(link) = self.link(a, b, sa, sb) {
            self.pair.links[link].matched += 1;
            self.pair.matched.push(Matched {
                kind,
                sides: [sa, sb],
                link,
            });
        }
    }
}

/// Matches inputs `ai` and `bi`; also returns which STUN records matched.
pub fn match_pair(ai: usize, a: &Analysis, bi: usize, b: &Analysis) -> (PairJoin, MatchedFlags) {
    let mut dropped = 0;
    let mut ka = stun_keys(a, &mut dropped);
    let kb = stun_keys(b, &mut dropped);
    let ta = isn_keys(a, &mut dropped);
    let tb = isn_keys(b, &mut dropped);
    // Coarse offset: the first copies of every shared key.
    let mut firsts: Vec<i64> = ka
        .iter()
        .filter_map(|(k, xs)| Some(kb.get(k)?[0].seen.ts.0.saturating_sub(xs[0].seen.ts.0)))
        .collect();
    firsts.extend(ta.iter().filter_map(|(k, xs)| {
        let (x, y) = (syn_seen(xs[0])?, syn_seen(tb.get(k)?[0])?);
        Some(y.ts.0.saturating_sub(x.ts.0))
    }));
    let coarse = median(firsts).unwrap_or(0);
    let mut flags = MatchedFlags {
        stun: [
            vec![false; a.proto.stun_records().count()],
            vec![false; b.proto.stun_records().count()],
        ],
    };
    let mut bld = Builder {
        pair: PairJoin {
            a: ai,
            b: bi,
            matched: Vec::new(),
            links: Vec::new(),
            coarse_offset_ns: coarse,
            offset_ns: coarse,
            estimate: None,
            max_flight_ns: 0,
            beyond_window: 0,
            keys_dropped: dropped,
        },
        links: HashMap::new(),
    };
    // STUN, keys in a's order; requests remembered for the exchanges.
    let mut requests: HashMap<[u8; 16], (Seen, Seen)> = HashMap::new();
    let mut exchanges = Vec::new();
    for r in a.proto.stun_records() {
        let key = (r.msg.txid(), r.msg.msg_type.raw);
        let (Some(xs), Some(ys)) = (ka.remove(&key), kb.get(&key)) else {
            continue;
        };
        let xt: Vec<Timestamp> = xs.iter().map(|c| c.seen.ts).collect();
        let yt: Vec<Timestamp> = ys.iter().map(|c| c.seen.ts).collect();
        for (i, j) in pair_copies(&xt, &yt, coarse, &mut bld.pair.beyond_window) {
            let (x, y) = (xs[i], ys[j]);
            flags.stun[0][x.index] = true;
            flags.stun[1][y.index] = true;
            let kind = MatchKind::Stun {
                method: x.method,
                class: x.class.name(),
            };
            bld.push(a, b, kind, x.seen, y.seen);
            match x.class {
                Class::Request => {
                    requests.entry(key.0).or_insert((x.seen, y.seen));
                }
                Class::Success | Class::Error => {
                    if let Some((q, p)) = requests.remove(&key.0) {
                        if x.seen.ts >= q.ts && y.seen.ts >= p.ts {
                            exchanges.push(Exchange {
                                t: [q.ts.0, p.ts.0, y.seen.ts.0, x.seen.ts.0],
                            });
                        }
                    }
                }
                Class::Indication => {}
            }
        }
    }
    // TCP connections by ISN, in a's flow order.
    for f in &a.flows {
        let Some(isn) = f.tcp.as_ref().and_then(|t| t.control.client_isn) else {
            continue;
        };
        let (Some(xs), Some(ys)) = (ta.get(&isn), tb.get(&isn)) else {
            continue;
        };
        if !std::ptr::eq(xs[0], f) {
            continue;
        }
        let times = |fs: &[&FlowRecord]| -> Vec<Timestamp> {
            fs.iter()
                .map(|f| syn_seen(f).map_or(Timestamp(i64::MIN / 2), |s| s.ts))
                .collect()
        };
        for (i, j) in pair_copies(&times(xs), &times(ys), coarse, &mut bld.pair.beyond_window) {
            let (x, y) = (xs[i], ys[j]);
            let (Some(sx), Some(sy)) = (syn_seen(x), syn_seen(y)) else {
                continue;
            };
            bld.push(a, b, MatchKind::TcpSyn, sx, sy);
            if let (Some(ax), Some(ay)) = (syn_ack_seen(x), syn_ack_seen(y)) {
                bld.push(a, b, MatchKind::TcpSynAck, ax, ay);
                exchanges.push(Exchange {
                    t: [sx.ts.0, sy.ts.0, ay.ts.0, ax.ts.0],
                });
            }
        }
    }
    bld.pair
        .matched
        .sort_by_key(|m| (m.sides[0].ts, m.sides[0].frame));
    bld.pair.estimate = clock::estimate(&exchanges);
    (bld.pair, flags)
}

/// Decides, for each link, which side is nearer the flow's client: the side
/// its packets toward the server reach first (and toward the client last),
/// by a majority of its matched packets with the clocks lined up by
/// `pair.offset_ns`; and measures the longest time in flight.
pub fn orient_links(pair: &mut PairJoin) {
    let mut votes = vec![[0u64; 2]; pair.links.len()];
    pair.max_flight_ns = 0;
    for m in &pair.matched {
        let [x, y] = m.sides;
        let flight = y.ts.0.saturating_sub(x.ts.0).saturating_sub(pair.offset_ns);
        pair.max_flight_ns = pair.max_flight_ns.max(flight.saturating_abs());
        let a_first = flight > 0;
        let to_server = x.dir == Direction::ToServer;
        // Toward the server, the first side is nearer the client.
        let client_side = usize::from(a_first != to_server);
        votes[m.link][client_side] += 1;
    }
    for (l, v) in pair.links.iter_mut().zip(votes) {
        l.client_side = match v[0].cmp(&v[1]) {
            std::cmp::Ordering::Greater => Some(0),
            std::cmp::Ordering::Less => Some(1),
            std::cmp::Ordering::Equal => None,
        };
    }
}
