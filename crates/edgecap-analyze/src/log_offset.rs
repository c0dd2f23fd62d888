//! How far a log's clock is from the capture's: the SIP messages that appear
//! in both (same Call-ID, CSeq and method or status) give one offset each;
//! their median is the log's offset. An offset of whole or half hours plus
//! at most [`ZONE_SLACK_NS`] is a log written in local time (a time zone),
//! reported as zone plus the remaining skew, not as a wrong clock.
//!
//! Pure: takes the keys and times, returns the estimate; the caller (the
//! app, or a later correlation pass) supplies the messages. The log's times
//! are read as if UTC (`edgecap_sip::log::LogTime::unix_nanos`).

use edgecap_sip::message::StartLine;
use edgecap_sip::SipMessage;

/// Largest distance from a whole or half hour still read as a time zone
/// (plus a skew): 5 minutes, the threshold of the `clock.skew` finding.
pub const ZONE_SLACK_NS: i64 = 5 * 60 * 1_000_000_000;
/// Most matched pairs used (the first ones); enough for a median.
pub const MAX_PAIRS: usize = 10_000;

const HALF_HOUR_NS: i64 = 30 * 60 * 1_000_000_000;

/// The estimated offset of one log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogOffset {
    /// Log time minus capture time (median over the pairs), nanoseconds.
    pub offset_ns: i64,
    /// Messages found in both.
    pub matched: usize,
    /// Largest minus smallest pair offset.
    pub spread_ns: i64,
    /// The time zone the offset suggests, in minutes east of UTC (a
    /// multiple of 30), when the offset is within [`ZONE_SLACK_NS`] of one;
    /// `Some(0)` for a log in UTC.
    pub zone_minutes: Option<i64>,
    /// The offset less the zone: the log clock's own error.
    pub skew_ns: i64,
}

/// The key a message is matched by: Call-ID, CSeq and the method or status
/// of its start line. `None` without Call-ID or CSeq.
pub fn message_key(m: &SipMessage) -> Option<Vec<u8>> {
    let mut k = m.call_id()?.to_vec();
    let c = m.cseq()?;
    k.push(0);
    k.extend_from_slice(c.seq.to_string().as_bytes());
    k.push(b' ');
    k.extend_from_slice(&c.method);
    k.push(0);
    match &m.start {
        StartLine::Request { method, .. } => k.extend_from_slice(method),
        StartLine::Response { code, .. } => k.extend_from_slice(code.to_string().as_bytes()),
    }
    Some(k)
}

/// Estimates a log's offset from (key, time) of the capture's messages and
/// of the log's. Each log message is paired with the first capture message
/// of the same key not yet paired. `None` when nothing matches.
pub fn estimate(
    capture: impl IntoIterator<Item = (Vec<u8>, i64)>,
    log: impl IntoIterator<Item = (Vec<u8>, i64)>,
) -> Option<LogOffset> {
    let mut pool: std::collections::BTreeMap<Vec<u8>, std::collections::VecDeque<i64>> =
        std::collections::BTreeMap::new();
    for (k, t) in capture.into_iter().take(10 * MAX_PAIRS) {
        pool.entry(k).or_default().push_back(t);
    }
    let mut diffs: Vec<i64> = log
        .into_iter()
        .filter_map(|(k, t)| Some(t.saturating_sub(pool.get_mut(&k)?.pop_front()?)))
        .take(MAX_PAIRS)
        .collect();
    if diffs.is_empty() {
        return None;
    }
    diffs.sort_unstable();
    let offset_ns = diffs[diffs.len() / 2];
    let (zone, skew_ns) = split_zone(offset_ns);
    Some(LogOffset {
        offset_ns,
        matched: diffs.len(),
        spread_ns: diffs[diffs.len() - 1].saturating_sub(diffs[0]),
        zone_minutes: zone,
        skew_ns,
    })
}

/// Splits a clock offset into the time zone it suggests (minutes east of
/// UTC, a multiple of 30, when the offset is within [`ZONE_SLACK_NS`] of a
/// whole or half hour) and the rest, the clock's own error (the whole
/// offset when no zone fits).
pub fn split_zone(offset_ns: i64) -> (Option<i64>, i64) {
    let halves = (offset_ns as f64 / HALF_HOUR_NS as f64).round() as i64;
    let zone_ns = halves.saturating_mul(HALF_HOUR_NS);
    let rest = offset_ns.saturating_sub(zone_ns);
    let zone = (rest.saturating_abs() <= ZONE_SLACK_NS).then_some(halves.saturating_mul(30));
    (zone, if zone.is_some() { rest } else { offset_ns })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Vec<u8> {
        s.as_bytes().to_vec()
    }

    #[test]
    fn zone_and_skew() {
        let h = 3_600_000_000_000i64;
        let skew = 2_350_000_000;
        let cap = vec![(k("a"), 0), (k("b"), 10), (k("a"), 1_000), (k("c"), 5)];
        let log = vec![
            (k("a"), h + skew),
            (k("a"), 1_000 + h + skew),
            (k("b"), 10 + h + skew + 4),
            (k("x"), 0),
        ];
        let o = estimate(cap, log).expect("matched");
        assert_eq!(o.matched, 3);
        assert_eq!(o.offset_ns, h + skew);
        assert_eq!(o.spread_ns, 4);
        assert_eq!(o.zone_minutes, Some(60));
        assert_eq!(o.skew_ns, skew);
        let o = estimate(vec![(k("a"), 0)], vec![(k("a"), -(3 * h / 2) - 1)]).expect("matched");
        assert_eq!((o.zone_minutes, o.skew_ns), (Some(-90), -1));
        let o =
            estimate(vec![(k("a"), 0)], vec![(k("a"), 20 * 60 * 1_000_000_000)]).expect("matched");
        assert_eq!((o.zone_minutes, o.skew_ns), (None, 20 * 60 * 1_000_000_000));
        assert_eq!(estimate(vec![(k("a"), 0)], vec![(k("b"), 0)]), None);
        let o = estimate(vec![(k("a"), i64::MIN)], vec![(k("a"), i64::MAX)]).expect("extremes");
        assert_eq!(o.offset_ns, i64::MAX, "saturates, never overflows");
    }

    #[test]
    fn keys() {
        let m = SipMessage::parse(
            b"SIP/2.0 504 x\r\nCall-ID: c1\r\nCSeq: 2 SERVICE\r\n\r\n",
            false,
        )
        .expect("sip");
        assert_eq!(message_key(&m), Some(b"c1\x002 SERVICE\x00504".to_vec()));
        let m = SipMessage::parse(b"ACK sip:a SIP/2.0\r\nCall-ID: c1\r\n\r\n", false).expect("sip");
        assert_eq!(message_key(&m), None);
    }
}
