//! Per-connection TCP bookkeeping that does not need the payload: handshake,
//! resets, closes, and the outcome users care about (`refused`, `reset`, …).

use super::{Direction, TcpFlags};
use edgecap_capture::{FrameNo, Timestamp};
use std::fmt;
use std::ops::Deref;

/// How a TCP connection ended (or did not), as reported per flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TcpOutcome {
    /// Handshake completed (or data flowed both ways) and no close was seen.
    Established,
    /// The SYN was answered by a RST: nothing listens, or a firewall rejects.
    Refused,
    /// An RST ended the connection after the handshake or mid-stream.
    Reset,
    /// SYNs were sent and never answered.
    SynUnanswered,
    /// Closed with FIN.
    Closed,
    /// Picked up mid-stream (no handshake seen) and neither closed nor reset.
    Midstream,
}

impl TcpOutcome {
    /// The stable snake_case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            TcpOutcome::Established => "established",
            TcpOutcome::Refused => "refused",
            TcpOutcome::Reset => "reset",
            TcpOutcome::SynUnanswered => "syn_unanswered",
            TcpOutcome::Closed => "closed",
            TcpOutcome::Midstream => "midstream",
        }
    }
}

/// What was seen of one TCP connection's control flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TcpControl {
    /// Frame of the client's first SYN.
    pub syn_frame: Option<FrameNo>,
    /// Frames of the client's SYNs, retransmissions included (first [`MAX_SYN_FRAMES`]).
    pub syn_frames: SmallList<FrameNo>,
    /// How many SYNs (without ACK) the client sent, retransmissions included.
    pub syn_count: u32,
    /// The client's initial sequence number.
    pub client_isn: Option<u32>,
    /// Frame of the server's first SYN-ACK.
    pub syn_ack_frame: Option<FrameNo>,
    /// Frames carrying RST, in order (bounded by [`MAX_RST_FRAMES`]).
    pub rst_frames: SmallList<FrameNo>,
    /// Which side sent the first RST.
    pub reset_by: Option<Direction>,
    /// Connection attempts refused: SYNs answered by a RST from the server
    /// before any SYN-ACK. Windows retries a refused SYN on the same tuple
    /// with the same initial sequence number, so one flow can hold several.
    pub refused_attempts: u16,
    /// A SYN was sent since the last refusal counted in `refused_attempts`.
    syn_pending_refusal: bool,
    /// IP TTL / hop limit of each side's packets before the first RST (the
    /// last one seen; 0 when none was seen), by [`Direction::index`].
    pub hop_limits: [u8; 2],
    /// IP TTL / hop limit of the first RST (0 when unknown).
    pub rst_hop_limit: u8,
    /// Packets other than RSTs that the first RST's sender sent after it
    /// (capped at 255): a host that reset a connection does not go on
    /// talking on it, so the RST came from a device in the path.
    pub sent_after_rst: u8,
    /// Payload bytes seen (both directions) before the first RST.
    pub bytes_before_reset: u64,
    /// Frame of the first FIN from each direction (index by [`Direction::index`]).
    pub fin_frames: [Option<FrameNo>; 2],
    /// Payload bytes seen per direction.
    pub payload_bytes: [u64; 2],
    /// Capture times of the control frames listed above (SYN, SYN-ACK, FIN,
    /// RST; first [`MAX_CONTROL_TIMES`]), for timelines.
    pub control_times: SmallList<(FrameNo, Timestamp)>,
}

/// A short, capped list that needs no heap allocation while it holds at most
/// one item — the usual case of a flood or a scan, where every connection has
/// one SYN (or one RST) — and grows to exactly its cap, not beyond.
/// Dereferences to a slice.
#[derive(Clone)]
pub struct SmallList<T>(Repr<T>);

#[derive(Clone)]
enum Repr<T> {
    Empty,
    One(T),
    /// Two items or more (never fewer once here). Boxed on purpose: a
    /// pointer keeps the list at 16 bytes for a `FrameNo`, a bare `Vec`
    /// would make it 32 — in every flow record, for the rare long list.
    #[allow(clippy::box_collection)]
    Many(Box<Vec<T>>),
}

impl<T> SmallList<T> {
    /// An empty list.
    pub const fn new() -> Self {
        SmallList(Repr::Empty)
    }

    /// Appends `item` unless the list already holds `max`; returns whether it was added.
    pub fn push_capped(&mut self, item: T, max: usize) -> bool {
        if self.len() >= max {
            return false;
        }
        match std::mem::replace(&mut self.0, Repr::Empty) {
            Repr::Empty => self.0 = Repr::One(item),
            Repr::One(first) => {
                // `vec!` of two items has capacity 2; growth doubles from there.
                self.0 = Repr::Many(Box::new(vec![first, item]));
            }
            Repr::Many(mut v) => {
                if v.len() == v.capacity() {
                    // Double, but never past the cap.
                    let want = (v.len() * 2).min(max);
                    v.reserve_exact(want - v.len());
                }
                v.push(item);
                self.0 = Repr::Many(v);
            }
        }
        true
    }

    /// The items, in order.
    pub fn as_slice(&self) -> &[T] {
        match &self.0 {
            Repr::Empty => &[],
            Repr::One(item) => std::slice::from_ref(item),
            Repr::Many(v) => v,
        }
    }

    /// Heap bytes held (0 for at most one item).
    pub fn heap_bytes(&self) -> usize {
        match &self.0 {
            Repr::Many(v) => {
                std::mem::size_of::<Vec<T>>() + v.capacity() * std::mem::size_of::<T>()
            }
            _ => 0,
        }
    }
}

impl<T> Default for SmallList<T> {
    fn default() -> Self {
        SmallList::new()
    }
}

impl<T> Deref for SmallList<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<'a, T> IntoIterator for &'a SmallList<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for SmallList<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_slice().fmt(f)
    }
}

impl<T: PartialEq> PartialEq for SmallList<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Eq> Eq for SmallList<T> {}

impl<T: PartialEq> PartialEq<Vec<T>> for SmallList<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T> FromIterator<T> for SmallList<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut list = SmallList::new();
        for item in iter {
            list.push_capped(item, usize::MAX);
        }
        list
    }
}

/// RST frames remembered per connection; more are counted, not listed.
pub const MAX_RST_FRAMES: usize = 16;
/// SYN frames remembered per connection; more are counted (`syn_count`), not listed.
pub const MAX_SYN_FRAMES: usize = 16;
/// Control-frame times remembered per connection (enough for every listed
/// SYN, the SYN-ACK, both FINs and every listed RST).
pub const MAX_CONTROL_TIMES: usize = MAX_SYN_FRAMES + MAX_RST_FRAMES + 3;

impl TcpControl {
    /// Records one segment's flags and payload length.
    pub fn observe(
        &mut self,
        dir: Direction,
        flags: TcpFlags,
        frame: FrameNo,
        ts: Timestamp,
        payload_len: usize,
    ) {
        let (syn, ack, fin, rst) = (flags.syn(), flags.ack(), flags.fin(), flags.rst());
        if syn || fin || rst {
            self.control_times
                .push_capped((frame, ts), MAX_CONTROL_TIMES);
        }
        if syn && !ack && dir == Direction::ToServer {
            self.syn_count += 1;
            self.syn_frame.get_or_insert(frame);
            self.syn_frames.push_capped(frame, MAX_SYN_FRAMES);
            self.syn_pending_refusal = true;
        }
        if syn && ack && dir == Direction::ToClient {
            self.syn_ack_frame.get_or_insert(frame);
        }
        if rst {
            if dir == Direction::ToClient
                && self.syn_pending_refusal
                && self.syn_ack_frame.is_none()
            {
                self.refused_attempts = self.refused_attempts.saturating_add(1);
                self.syn_pending_refusal = false;
            }
            if self.rst_frames.is_empty() {
                self.reset_by = Some(dir);
                self.bytes_before_reset = self.payload_bytes[0] + self.payload_bytes[1];
            }
            self.rst_frames.push_capped(frame, MAX_RST_FRAMES);
        }
        if fin {
            self.fin_frames[dir.index()].get_or_insert(frame);
        }
        self.payload_bytes[dir.index()] += payload_len as u64;
    }

    /// Records the IP TTL / hop limit of one segment (any segment, payload
    /// or not, also after the connection ended), for telling a RST injected
    /// by a middlebox from one its claimed sender sent.
    pub fn observe_path(&mut self, dir: Direction, flags: TcpFlags, hop_limit: Option<u8>) {
        if self.rst_frames.is_empty() {
            if let (false, Some(h)) = (flags.rst(), hop_limit) {
                self.hop_limits[dir.index()] = h;
            }
            if flags.rst() {
                self.rst_hop_limit = hop_limit.unwrap_or(0);
            }
        } else if !flags.rst() && self.reset_by == Some(dir) {
            self.sent_after_rst = self.sent_after_rst.saturating_add(1);
        }
    }

    /// The capture time of a control frame (SYN, SYN-ACK, FIN, RST) seen by [`Self::observe`].
    pub fn time_of(&self, frame: FrameNo) -> Option<Timestamp> {
        self.control_times
            .iter()
            .find(|(f, _)| *f == frame)
            .map(|(_, ts)| *ts)
    }

    /// True once a RST or a FIN has been seen.
    pub fn is_closing(&self) -> bool {
        !self.rst_frames.is_empty() || self.fin_frames.iter().any(Option::is_some)
    }

    /// The outcome implied by what was seen.
    pub fn outcome(&self) -> TcpOutcome {
        let handshake_started = self.syn_count > 0;
        let answered = self.syn_ack_frame.is_some();
        if !self.rst_frames.is_empty() {
            if handshake_started && !answered && self.reset_by == Some(Direction::ToClient) {
                TcpOutcome::Refused
            } else {
                TcpOutcome::Reset
            }
        } else if handshake_started && !answered {
            if self.payload_bytes[1] > 0 {
                // The SYN-ACK was not captured but the server talked.
                self.open_or_closed()
            } else {
                TcpOutcome::SynUnanswered
            }
        } else if handshake_started || answered {
            self.open_or_closed()
        } else if self.fin_frames.iter().any(Option::is_some) {
            TcpOutcome::Closed
        } else {
            TcpOutcome::Midstream
        }
    }

    fn open_or_closed(&self) -> TcpOutcome {
        if self.fin_frames.iter().any(Option::is_some) {
            TcpOutcome::Closed
        } else {
            TcpOutcome::Established
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::{ToClient, ToServer};

    fn f(n: u64) -> FrameNo {
        FrameNo(n)
    }

    /// One segment with `flags` and `len` payload bytes, at time zero.
    fn see(c: &mut TcpControl, dir: Direction, flags: u8, frame: FrameNo, len: usize) {
        c.observe(dir, TcpFlags(flags), frame, Timestamp::default(), len);
    }

    #[test]
    fn syn_then_rst_is_refused() {
        let mut c = TcpControl::default();
        see(&mut c, ToServer, TcpFlags::SYN, f(1), 0);
        see(&mut c, ToClient, TcpFlags::ACK | TcpFlags::RST, f(2), 0);
        assert_eq!(c.outcome(), TcpOutcome::Refused);
        assert_eq!(c.reset_by, Some(ToClient));
        assert_eq!(c.rst_frames, vec![f(2)]);
    }

    #[test]
    fn reset_after_data_counts_bytes() {
        let mut c = TcpControl::default();
        see(&mut c, ToServer, TcpFlags::SYN, f(1), 0);
        see(&mut c, ToClient, TcpFlags::SYN | TcpFlags::ACK, f(2), 0);
        see(&mut c, ToServer, TcpFlags::ACK, f(3), 100);
        see(&mut c, ToClient, TcpFlags::ACK, f(4), 20);
        see(&mut c, ToServer, TcpFlags::ACK | TcpFlags::RST, f(5), 0);
        assert_eq!(c.outcome(), TcpOutcome::Reset);
        assert_eq!(c.reset_by, Some(ToServer));
        assert_eq!(c.bytes_before_reset, 120);
    }

    #[test]
    fn unanswered_syns() {
        let mut c = TcpControl::default();
        for n in 1..=3 {
            see(&mut c, ToServer, TcpFlags::SYN, f(n), 0);
        }
        assert_eq!(c.outcome(), TcpOutcome::SynUnanswered);
        assert_eq!(c.syn_count, 3);
        assert_eq!(c.syn_frames, vec![f(1), f(2), f(3)]);
        assert_eq!(c.time_of(f(2)), Some(Timestamp::default()));
        assert_eq!(c.time_of(f(9)), None);
    }

    #[test]
    fn handshake_and_fin() {
        let mut c = TcpControl::default();
        see(&mut c, ToServer, TcpFlags::SYN, f(1), 0);
        see(&mut c, ToClient, TcpFlags::SYN | TcpFlags::ACK, f(2), 0);
        assert_eq!(c.outcome(), TcpOutcome::Established);
        see(&mut c, ToServer, TcpFlags::ACK | TcpFlags::FIN, f(3), 0);
        assert_eq!(c.outcome(), TcpOutcome::Closed);
    }

    #[test]
    fn small_lists_need_no_heap_for_one_item_and_stop_at_their_cap() {
        let mut l: SmallList<FrameNo> = SmallList::new();
        assert!(l.is_empty());
        assert!(l.push_capped(f(1), 3));
        assert_eq!(l.heap_bytes(), 0);
        assert_eq!(l, vec![f(1)]);
        assert!(l.push_capped(f(2), 3));
        assert!(l.push_capped(f(3), 3));
        assert!(!l.push_capped(f(4), 3), "full");
        assert_eq!(l.as_slice(), &[f(1), f(2), f(3)]);
        assert_eq!(format!("{l:?}"), format!("{:?}", vec![f(1), f(2), f(3)]));
        assert_eq!(l.iter().count(), 3);
        assert_eq!((&l).into_iter().next(), Some(&f(1)));
        // Growth stops at the cap: 35 control times take 35 slots, not 64.
        let mut times: SmallList<(FrameNo, Timestamp)> = SmallList::new();
        for n in 0..100 {
            times.push_capped((f(n), Timestamp::default()), MAX_CONTROL_TIMES);
        }
        assert_eq!(times.len(), MAX_CONTROL_TIMES);
        let slot = std::mem::size_of::<(FrameNo, Timestamp)>();
        let vec = std::mem::size_of::<Vec<(FrameNo, Timestamp)>>();
        assert_eq!(times.heap_bytes(), vec + MAX_CONTROL_TIMES * slot);
        let collected: SmallList<u8> = [1, 2].into_iter().collect();
        assert_eq!(collected, vec![1, 2]);
    }

    #[test]
    fn path_state_tells_who_sent_the_rst() {
        let mut c = TcpControl::default();
        c.observe_path(ToServer, TcpFlags(TcpFlags::SYN), Some(128));
        c.observe_path(ToClient, TcpFlags(TcpFlags::SYN | TcpFlags::ACK), Some(57));
        c.observe_path(ToClient, TcpFlags(TcpFlags::RST), Some(250));
        see(&mut c, ToClient, TcpFlags::RST, f(3), 0);
        assert_eq!(c.hop_limits, [128, 57]);
        assert_eq!(c.rst_hop_limit, 250);
        // The claimed sender talks on; the other side's packets do not count.
        c.observe_path(ToClient, TcpFlags(TcpFlags::ACK), Some(57));
        c.observe_path(ToServer, TcpFlags(TcpFlags::ACK), Some(128));
        c.observe_path(ToClient, TcpFlags(TcpFlags::RST), Some(57));
        assert_eq!(c.sent_after_rst, 1);
        assert_eq!(c.hop_limits, [128, 57], "frozen at the first RST");
    }

    #[test]
    fn same_isn_retries_after_a_refusal_count_as_attempts() {
        let mut c = TcpControl::default();
        for i in 0..3 {
            see(&mut c, ToServer, TcpFlags::SYN, f(2 * i + 1), 0);
            see(
                &mut c,
                ToClient,
                TcpFlags::RST | TcpFlags::ACK,
                f(2 * i + 2),
                0,
            );
        }
        // A second RST to the same SYN is not another attempt.
        see(&mut c, ToClient, TcpFlags::RST, f(7), 0);
        assert_eq!(c.refused_attempts, 3);
        assert_eq!(c.syn_count, 3);
        assert_eq!(c.outcome(), TcpOutcome::Refused);
    }

    #[test]
    fn a_lone_syn_needs_no_heap() {
        let mut c = TcpControl::default();
        see(&mut c, ToServer, TcpFlags::SYN, f(1), 0);
        assert_eq!(c.syn_frames.heap_bytes() + c.control_times.heap_bytes(), 0);
        assert_eq!(c.time_of(f(1)), Some(Timestamp::default()));
        assert!(
            std::mem::size_of::<TcpControl>() <= 168,
            "{}",
            std::mem::size_of::<TcpControl>()
        );
    }

    #[test]
    fn midstream_without_handshake() {
        let mut c = TcpControl::default();
        see(&mut c, ToServer, TcpFlags::ACK, f(1), 10);
        assert_eq!(c.outcome(), TcpOutcome::Midstream);
    }
}
