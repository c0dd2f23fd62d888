//! [`Certainty`]: which findings of a live snapshot are certain. A finding
//! seen on a capture still being written may be a stage of something else —
//! a request "unanswered" whose response is on its way, an Allocate error
//! the client is about to recover from. A finding becomes certain when it
//! has stood unchanged (same key, same last evidence frame) for its settle
//! time of *capture* time ([`settle_ns`]); findings made final by the
//! packet that shows them (a RST refusing a SYN, an Allocate success) have
//! none. At the end of the capture every finding is certain.
//!
//! A finding is known by its [`FindingKey`] (id, first evidence frame,
//! first flow): it stays the same while a finding grows (a refused
//! connection retried, more allocations counted), so each is reported once.

use crate::Finding;
use edgecap_capture::{FrameNo, Timestamp};
use edgecap_net::FlowId;
use std::collections::{HashMap, HashSet};

/// How long (capture time, ns) a finding must stand unchanged before it is
/// certain: 40 s, beyond a STUN client's whole transaction timeout of 39.5 s
/// (RFC 5389 §7.2.1: Rc = 7 transmissions from RTO = 500 ms) and a Windows
/// client's SYN retransmissions (3 + 6 + 12 s), after which a detector's
/// "unanswered" or "not recovered" can no longer change.
pub const SETTLE_NS: i64 = 40_000_000_000;

/// Findings final at their evidence: the packet that shows them cannot be
/// undone by a later one (a RST answering the SYN, an Allocate success, a
/// pseudo-TLS hello, a 436 or a private relayed address handed out).
const FINAL_AT_EVIDENCE: [&str; 5] = [
    "tcp.connection_refused",
    "tcp.pseudo_tls",
    "turn.allocation_succeeded",
    "turn.relayed_address_private",
    "turn.unknown_user",
];

/// The settle time of findings with this id (0 or [`SETTLE_NS`]).
pub fn settle_ns(id: &str) -> i64 {
    if FINAL_AT_EVIDENCE.contains(&id) {
        0
    } else {
        SETTLE_NS
    }
}

/// What identifies a finding across snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FindingKey {
    /// The finding's id.
    pub id: &'static str,
    /// Its first evidence frame.
    pub first_frame: Option<FrameNo>,
    /// Its first flow.
    pub first_flow: Option<FlowId>,
}

impl FindingKey {
    /// The key of `f`.
    pub fn of(f: &Finding) -> FindingKey {
        FindingKey {
            id: f.id,
            first_frame: f.frames.first().copied(),
            first_flow: f.flows.first().copied(),
        }
    }
}

/// The findings already certain, and those waiting to settle.
#[derive(Debug, Default)]
pub struct Certainty {
    /// Waiting: since when (capture time of the snapshot that first showed
    /// it with this last frame) and its last evidence frame.
    pending: HashMap<FindingKey, (Timestamp, Option<FrameNo>)>,
    certain: HashSet<FindingKey>,
}

impl Certainty {
    /// Reads the findings of a snapshot taken when the capture had reached
    /// `now`; returns the indexes (into `findings`) of those that became
    /// certain with it. Findings that left the snapshot stop waiting.
    pub fn update(&mut self, findings: &[Finding], now: Timestamp) -> Vec<usize> {
        let mut newly = Vec::new();
        let mut seen = HashSet::with_capacity(findings.len());
        for (i, f) in findings.iter().enumerate() {
            let key = FindingKey::of(f);
            if self.certain.contains(&key) {
                continue;
            }
            seen.insert(key);
            let last = f.frames.last().copied();
            let since = self.pending.entry(key).or_insert((now, last));
            if since.1 != last {
                *since = (now, last);
            }
            if now.0.saturating_sub(since.0 .0) >= settle_ns(f.id) {
                self.pending.remove(&key);
                self.certain.insert(key);
                newly.push(i);
            }
        }
        self.pending.retain(|k, _| seen.contains(k));
        newly
    }

    /// The capture ended: every finding not yet certain is; returns their indexes.
    pub fn finish(&mut self, findings: &[Finding]) -> Vec<usize> {
        self.pending.clear();
        let mut newly = Vec::new();
        for (i, f) in findings.iter().enumerate() {
            if self.certain.insert(FindingKey::of(f)) {
                newly.push(i);
            }
        }
        newly
    }

    /// True when `f` has been found certain.
    pub fn is_certain(&self, f: &Finding) -> bool {
        self.certain.contains(&FindingKey::of(f))
    }

    /// Findings waiting to settle.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests;
