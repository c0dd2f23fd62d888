//! IP defragmentation: holds IPv4 (and IPv6) fragments until their datagram
//! is complete, under a timeout measured in capture time and bounded memory.
//!
//! This module owns the pending-datagram table and the buffer a completed
//! datagram is returned in; it knows nothing about links or transports.
//! Policies, all reported as [`NetAnomaly`] values at the frame that showed
//! them: overlapping bytes keep the first copy (`FragmentOverlap`, or
//! `FragmentOverlapMismatch` when the bytes differ); a datagram that would
//! exceed [`MAX_DATAGRAM_LEN`] is dropped (`FragmentTooLarge`) and its later
//! fragments are swallowed until it times out; when [`DefragLimits`] are hit
//! the oldest pending datagram is dropped (`FragmentMemoryCap`); incomplete
//! datagrams expire after the timeout (`FragmentTimeout`). Output order is
//! deterministic (by first frame), never hash-map order.

use super::{NetAnomaly, NetAnomalyKind};
use edgecap_capture::{FrameNo, Timestamp};
use rustc_hash::FxHashMap;
use std::net::IpAddr;
use std::time::Duration;

/// How long an incomplete datagram is kept, in capture time (Linux
/// `net.ipv4.ipfrag_time` default, 30 s; RFC 8200 §4.5 says 60 s for IPv6).
pub const FRAG_TIMEOUT: Duration = Duration::from_secs(30);
/// Total bytes buffered for all pending datagrams (Linux `ipfrag_high_thresh`
/// default, 4 MiB).
pub const MAX_BUFFERED_BYTES: usize = 4 << 20;
/// Largest reassembled datagram: the 16-bit IPv4 total length / IPv6 payload
/// length (RFC 791 §3.1, RFC 8200 §3).
pub const MAX_DATAGRAM_LEN: usize = 65_535;
/// Pending datagrams kept at once before the oldest is dropped.
pub const MAX_PENDING_DATAGRAMS: usize = 1024;

/// The limits a [`Defragmenter`] works under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefragLimits {
    /// How long (capture time) an incomplete datagram waits for its fragments.
    pub timeout: Duration,
    /// Total payload bytes buffered over all pending datagrams.
    pub max_buffered_bytes: usize,
    /// Largest datagram (IP header plus payload) that may be reassembled.
    pub max_datagram_len: usize,
    /// Largest number of datagrams pending at once.
    pub max_pending: usize,
}

impl Default for DefragLimits {
    fn default() -> Self {
        DefragLimits {
            timeout: FRAG_TIMEOUT,
            max_buffered_bytes: MAX_BUFFERED_BYTES,
            max_datagram_len: MAX_DATAGRAM_LEN,
            max_pending: MAX_PENDING_DATAGRAMS,
        }
    }
}

/// Identifies one fragmented datagram: RFC 791 §3.2 (IPv4: source,
/// destination, identification, protocol) or RFC 8200 §4.5 (IPv6: source,
/// destination, identification; `protocol` is 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FragKey {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// IPv4 identification (16 bits) or IPv6 fragment identification.
    pub id: u32,
    /// IPv4 protocol; 0 for IPv6.
    pub protocol: u8,
}

/// Counters of the defragmenter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DefragStats {
    /// IPv4 fragments seen.
    pub ipv4_fragments: u64,
    /// IPv6 fragments seen.
    pub ipv6_fragments: u64,
    /// Datagrams reassembled and delivered.
    pub reassembled: u64,
    /// Incomplete datagrams that expired (including those pending at the end).
    pub timed_out: u64,
    /// Datagrams dropped for a memory or count cap, or for being too large.
    pub dropped: u64,
    /// Fragments discarded: in expired or dropped datagrams, or arriving for a
    /// datagram already dropped.
    pub fragments_dropped: u64,
    /// Fragments that overlapped bytes already held (duplicates included).
    pub overlaps: u64,
}

/// One fragment as the defragmenter needs it (see [`super::ip::Fragment`]).
pub use super::ip::Fragment;

/// A reassembled datagram, borrowed from the defragmenter's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reassembled<'a> {
    /// The datagram's identity (addresses, id, protocol).
    pub key: FragKey,
    /// Protocol (IPv4) or first next-header (IPv6) of `payload`.
    pub next_header: u8,
    /// The reassembled IP payload.
    pub payload: &'a [u8],
    /// True when a fragment was cut by the snaplen: `payload` stops there.
    pub truncated: bool,
}

/// A datagram waiting for its fragments.
struct Pending {
    first_ts: Timestamp,
    first_frame: FrameNo,
    fragments: u32,
    next_header: Option<u8>,
    header_len: u32,
    /// Payload bytes indexed by fragment offset (grown to the largest end seen).
    buf: Vec<u8>,
    /// Declared byte ranges received: sorted, disjoint, adjacent ones merged.
    have: Vec<(u32, u32)>,
    /// Payload length, once the last fragment (MF = 0) has been seen.
    total: Option<u32>,
    /// Lowest offset whose bytes were cut by the snaplen.
    short_at: Option<u32>,
    /// Dropped (too large / over a cap): later fragments are swallowed.
    dead: bool,
}

/// Reassembles fragmented IP datagrams (see the module docs for the policies).
#[derive(Default)]
pub struct Defragmenter {
    limits: DefragLimits,
    pending: FxHashMap<FragKey, Pending>,
    buffered: usize,
    next_expiry: Option<Timestamp>,
    done: Vec<u8>,
    last: Option<(FragKey, u8, bool)>,
    stats: DefragStats,
}

impl Defragmenter {
    /// A defragmenter with the given limits.
    pub fn new(limits: DefragLimits) -> Self {
        Defragmenter {
            limits,
            ..Defragmenter::default()
        }
    }

    /// The counters so far.
    pub fn stats(&self) -> &DefragStats {
        &self.stats
    }

    /// Number of datagrams waiting for fragments.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Payload bytes currently buffered for pending datagrams.
    pub fn buffered_bytes(&self) -> usize {
        self.buffered
    }

    /// Expires datagrams older than the timeout at capture time `now`. Cheap
    /// (one comparison) when nothing is due, so it can run on every frame.
    #[inline]
    pub fn expire(&mut self, now: Timestamp, anomalies: &mut Vec<NetAnomaly>) {
        if self.next_expiry.is_some_and(|t| now >= t) {
            let timeout = self.timeout_ns();
            self.drain(anomalies, |p| now.0.saturating_sub(p.first_ts.0) >= timeout);
        }
    }

    /// Reports every datagram still pending (end of capture) as timed out.
    pub fn finish(&mut self, anomalies: &mut Vec<NetAnomaly>) {
        self.drain(anomalies, |_| true);
    }

    /// Adds one fragment seen at `frame`/`ts`. Returns the datagram when this
    /// fragment completed it.
    pub fn insert(
        &mut self,
        frame: FrameNo,
        ts: Timestamp,
        frag: &Fragment<'_>,
        anomalies: &mut Vec<NetAnomaly>,
    ) -> Option<Reassembled<'_>> {
        if self.add(frame, ts, frag, anomalies) {
            self.last_completed()
        } else {
            None
        }
    }

    /// The datagram the last successful [`Defragmenter::insert`] completed.
    pub fn last_completed(&self) -> Option<Reassembled<'_>> {
        self.last.map(|(key, next_header, truncated)| Reassembled {
            key,
            next_header,
            payload: &self.done,
            truncated,
        })
    }

    /// [`Defragmenter::insert`] without the borrow: true when a datagram was
    /// completed (then available from [`Defragmenter::last_completed`]).
    pub fn add(
        &mut self,
        frame: FrameNo,
        ts: Timestamp,
        frag: &Fragment<'_>,
        anomalies: &mut Vec<NetAnomaly>,
    ) -> bool {
        self.last = None;
        match frag.key.src {
            IpAddr::V4(_) => self.stats.ipv4_fragments += 1,
            IpAddr::V6(_) => self.stats.ipv6_fragments += 1,
        }
        let key = frag.key;
        if !self.pending.contains_key(&key) {
            if self.pending.len() >= self.limits.max_pending {
                self.evict_oldest(None, anomalies, "pending datagram limit reached");
            }
            self.pending.insert(key, Pending::new(ts, frame));
            let due = Timestamp(ts.0.saturating_add(self.timeout_ns()));
            self.next_expiry = Some(self.next_expiry.map_or(due, |t| t.min(due)));
        }
        let start = frag.offset;
        let end = start.saturating_add(frag.declared_len);
        let limit = self.limits.max_datagram_len as u64;
        let Some(p) = self.pending.get_mut(&key) else {
            return false;
        };
        p.fragments += 1;
        if p.dead {
            self.stats.fragments_dropped += 1;
            return false;
        }
        if u64::from(frag.header_len) + u64::from(end) > limit {
            let detail = format!("{}, fragment ends at {end}", describe(&key));
            self.kill(
                &key,
                frame,
                NetAnomalyKind::FragmentTooLarge,
                detail,
                anomalies,
            );
            return false;
        }
        let total_conflict = match (p.total, frag.more) {
            (Some(t), false) => t != end,
            (Some(t), true) => end > t,
            (None, false) => p.have.last().is_some_and(|&(_, e)| e > end),
            (None, true) => false,
        };
        if total_conflict {
            self.stats.overlaps += 1;
            let detail = format!(
                "{}, fragment at {start}..{end} disagrees on the length",
                describe(&key)
            );
            anomalies.push(anomaly(
                frame,
                NetAnomalyKind::FragmentOverlapMismatch,
                detail,
            ));
            return false;
        }
        let grow = (end as usize).saturating_sub(p.buf.len());
        if self.buffered + grow > self.limits.max_buffered_bytes {
            while self.buffered + grow > self.limits.max_buffered_bytes
                && self.evict_oldest(Some(&key), anomalies, "memory cap reached")
            {}
            if self.buffered + grow > self.limits.max_buffered_bytes {
                let detail = format!("{}, memory cap reached", describe(&key));
                self.kill(
                    &key,
                    frame,
                    NetAnomalyKind::FragmentMemoryCap,
                    detail,
                    anomalies,
                );
                return false;
            }
        }
        let Some(p) = self.pending.get_mut(&key) else {
            return false;
        };
        self.buffered += grow;
        let overlap = p.merge(frag, start, end);
        if frag.offset == 0 && p.next_header.is_none() {
            p.next_header = Some(frag.next_header);
            p.header_len = frag.header_len;
        }
        if !frag.more {
            p.total = Some(end);
        }
        let complete = p.total.is_some_and(|t| p.have.as_slice() == [(0, t)]);
        if let Some(differs) = overlap {
            self.stats.overlaps += 1;
            let kind = if differs {
                NetAnomalyKind::FragmentOverlapMismatch
            } else {
                NetAnomalyKind::FragmentOverlap
            };
            let detail = format!("{}, fragment at {start}..{end}", describe(&key));
            anomalies.push(anomaly(frame, kind, detail));
        }
        if !complete {
            return false;
        }
        let Some(mut p) = self.pending.remove(&key) else {
            return false;
        };
        self.buffered -= p.buf.len();
        std::mem::swap(&mut self.done, &mut p.buf);
        let keep = p.short_at.map_or(self.done.len(), |s| s as usize);
        self.done.truncate(keep);
        self.stats.reassembled += 1;
        self.last = Some((key, p.next_header.unwrap_or_default(), p.short_at.is_some()));
        true
    }

    fn timeout_ns(&self) -> i64 {
        i64::try_from(self.limits.timeout.as_nanos()).unwrap_or(i64::MAX)
    }

    /// Removes the pending datagrams `expired` selects, reporting live ones as
    /// timed out in first-frame order, and recomputes the next expiry.
    fn drain(&mut self, anomalies: &mut Vec<NetAnomaly>, expired: impl Fn(&Pending) -> bool) {
        let mut gone: Vec<(FrameNo, FragKey)> = self
            .pending
            .iter()
            .filter(|(_, p)| expired(p))
            .map(|(k, p)| (p.first_frame, *k))
            .collect();
        gone.sort_unstable();
        for (first_frame, key) in gone {
            let Some(p) = self.pending.remove(&key) else {
                continue;
            };
            self.buffered -= p.buf.len();
            if !p.dead {
                self.stats.timed_out += 1;
                self.stats.fragments_dropped += u64::from(p.fragments);
                let detail = format!("{}, {}", describe(&key), p.progress());
                anomalies.push(anomaly(
                    first_frame,
                    NetAnomalyKind::FragmentTimeout,
                    detail,
                ));
            }
        }
        let timeout = self.timeout_ns();
        self.next_expiry = self
            .pending
            .values()
            .map(|p| Timestamp(p.first_ts.0.saturating_add(timeout)))
            .min();
    }

    /// Drops the oldest pending datagram other than `keep` (reported as
    /// `FragmentMemoryCap`). False when there was none to drop.
    fn evict_oldest(
        &mut self,
        keep: Option<&FragKey>,
        anomalies: &mut Vec<NetAnomaly>,
        why: &str,
    ) -> bool {
        let oldest = self
            .pending
            .iter()
            // A memory eviction skips dead entries: they hold no bytes.
            .filter(|(k, p)| Some(*k) != keep && !(keep.is_some() && p.dead))
            .min_by_key(|(k, p)| (p.first_ts, p.first_frame, **k))
            .map(|(k, p)| (*k, p.first_frame));
        let Some((key, first_frame)) = oldest else {
            return false;
        };
        let Some(p) = self.pending.remove(&key) else {
            return false;
        };
        self.buffered -= p.buf.len();
        if !p.dead {
            self.stats.dropped += 1;
            self.stats.fragments_dropped += u64::from(p.fragments);
            let detail = format!("{}, {why}, {}", describe(&key), p.progress());
            anomalies.push(anomaly(
                first_frame,
                NetAnomalyKind::FragmentMemoryCap,
                detail,
            ));
        }
        true
    }

    /// Marks a datagram dead: frees its bytes, keeps the entry until timeout so
    /// its remaining fragments are swallowed instead of starting a new datagram.
    fn kill(
        &mut self,
        key: &FragKey,
        frame: FrameNo,
        kind: NetAnomalyKind,
        detail: String,
        anomalies: &mut Vec<NetAnomaly>,
    ) {
        if let Some(p) = self.pending.get_mut(key) {
            self.buffered -= p.buf.len();
            p.buf = Vec::new();
            p.have.clear();
            p.dead = true;
            self.stats.dropped += 1;
            self.stats.fragments_dropped += u64::from(p.fragments);
        }
        anomalies.push(anomaly(frame, kind, detail));
    }
}

impl Pending {
    fn new(ts: Timestamp, frame: FrameNo) -> Self {
        Pending {
            first_ts: ts,
            first_frame: frame,
            fragments: 0,
            next_header: None,
            header_len: 0,
            buf: Vec::new(),
            have: Vec::new(),
            total: None,
            short_at: None,
            dead: false,
        }
    }

    /// Copies the fragment's bytes into the holes of `[start, end)` (first copy
    /// wins) and records the range. Returns `Some(differs)` on overlap.
    fn merge(&mut self, frag: &Fragment<'_>, start: u32, end: u32) -> Option<bool> {
        if self.buf.len() < end as usize {
            self.buf.resize(end as usize, 0);
        }
        let captured_end = start + (frag.data.len() as u32).min(end - start);
        if captured_end < end {
            self.short_at = Some(self.short_at.map_or(captured_end, |s| s.min(captured_end)));
        }
        let mut overlap = None;
        let mut cursor = start;
        for i in 0..self.have.len() {
            let (a, b) = self.have[i];
            if b <= start || a >= end {
                continue;
            }
            // Bytes before this held range are a hole: copy them.
            self.copy(frag, start, cursor, a.max(cursor).min(end), captured_end);
            let (lo, hi) = (a.max(start), b.min(end).min(captured_end));
            let differs = lo < hi
                && self.buf.get(lo as usize..hi as usize)
                    != frag.data.get((lo - start) as usize..(hi - start) as usize);
            overlap = Some(overlap.unwrap_or(false) || differs);
            cursor = cursor.max(b);
        }
        self.copy(frag, start, cursor, end, captured_end);
        self.insert_range(start, end);
        overlap
    }

    /// Copies fragment bytes for `[from, to)` (clipped to what was captured).
    fn copy(&mut self, frag: &Fragment<'_>, start: u32, from: u32, to: u32, captured_end: u32) {
        let to = to.min(captured_end);
        if from >= to {
            return;
        }
        let src = frag
            .data
            .get((from - start) as usize..(to - start) as usize);
        let dst = self.buf.get_mut(from as usize..to as usize);
        if let (Some(src), Some(dst)) = (src, dst) {
            dst.copy_from_slice(src);
        }
    }

    /// Adds `[start, end)` to the sorted, merged range list.
    fn insert_range(&mut self, start: u32, end: u32) {
        if start >= end {
            return;
        }
        let mut lo = start;
        let mut hi = end;
        self.have.retain(|&(a, b)| {
            if b < lo || a > hi {
                true
            } else {
                lo = lo.min(a);
                hi = hi.max(b);
                false
            }
        });
        let at = self.have.partition_point(|&(a, _)| a < lo);
        self.have.insert(at, (lo, hi));
    }

    /// "3 fragments, 2960 of 4000 bytes" (or "of ? bytes" without the last one).
    fn progress(&self) -> String {
        let held: u32 = self.have.iter().map(|(a, b)| b - a).sum();
        let first = if self.have.first().is_some_and(|&(a, _)| a == 0) {
            ""
        } else {
            ", first fragment missing"
        };
        match self.total {
            Some(t) => format!("{} fragments, {held} of {t} bytes{first}", self.fragments),
            None => format!("{} fragments, {held} of ? bytes{first}", self.fragments),
        }
    }
}

fn describe(key: &FragKey) -> String {
    format!("id {:#x} from {} to {}", key.id, key.src, key.dst)
}

fn anomaly(frame: FrameNo, kind: NetAnomalyKind, detail: String) -> NetAnomaly {
    NetAnomaly {
        frame,
        kind,
        detail,
    }
}

#[cfg(test)]
mod tests;
