//! Each capture's clock against the first one's, as NTP estimates it: a
//! request seen at vantage point A at t1 and at B at t2, its response at B
//! at t3 and at A at t4 give the offset ((t2 − t1) + (t3 − t4)) / 2 of B's
//! clock, wrong by at most half the round trip between A and B,
//! ((t4 − t1) − (t3 − t2)) / 2 — the exact offset when both one-way delays
//! are equal. Of all exchanges the one with the smallest round trip is kept
//! (NTP's minimum-delay filter); over [`DRIFT_MIN_SPAN_NS`] or more, a
//! least-squares line through all of them gives the drift.
//!
//! A pair with matched packets but no exchange gives a one-way offset (the
//! median of its first copies, delay included, error unknown). Inputs not
//! joined to the first directly are reached through others, errors adding
//! up; `--offset` overrides an estimate. An offset within minutes of whole
//! or half hours is read as a time zone ([`crate::log_offset::split_zone`]).

use super::{JoinInput, PairJoin};

/// Shortest span of exchanges over which a drift is fitted: over less, a
/// clock's drift (tens of ppm) is below the delays' jitter.
pub const DRIFT_MIN_SPAN_NS: i64 = 60 * 1_000_000_000;

/// One request/response exchange seen at both captures of a pair:
/// `[t1, t2, t3, t4]` — request at a, request at b, response at b, response
/// at a — each on its capture's clock, nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exchange {
    /// The four times.
    pub t: [i64; 4],
}

impl Exchange {
    /// b's clock minus a's.
    pub fn offset_ns(&self) -> i64 {
        let [t1, t2, t3, t4] = self.t.map(i128::from);
        (((t2 - t1) + (t3 - t4)) / 2).clamp(i64::MIN.into(), i64::MAX.into()) as i64
    }

    /// Half the round trip between the two vantage points: the most the
    /// offset can be wrong by.
    pub fn error_ns(&self) -> i64 {
        let [t1, t2, t3, t4] = self.t.map(i128::from);
        (((t4 - t1) - (t3 - t2)).abs() / 2).min(i64::MAX.into()) as i64
    }
}

/// The clock offset of one pair from its exchanges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClockEstimate {
    /// b's clock minus a's, nanoseconds.
    pub offset_ns: i64,
    /// Its error bound (half the smallest round trip), nanoseconds.
    pub error_ns: i64,
    /// The exchanges it rests on.
    pub exchanges: usize,
    /// Exchanges whose own interval (offset ± error) misses the estimate.
    pub inconsistent: usize,
    /// b's clock rate against a's, parts per million, when the exchanges
    /// span [`DRIFT_MIN_SPAN_NS`] or more.
    pub drift_ppm: Option<f64>,
}

/// Estimates b's offset from `exchanges`; `None` without any.
pub fn estimate(exchanges: &[Exchange]) -> Option<ClockEstimate> {
    let best = exchanges.iter().min_by_key(|e| (e.error_ns(), e.t[0]))?;
    let (offset_ns, error_ns) = (best.offset_ns(), best.error_ns());
    let inconsistent = exchanges
        .iter()
        .filter(|e| {
            e.offset_ns().abs_diff(offset_ns) > e.error_ns().saturating_add(error_ns) as u64
        })
        .count();
    Some(ClockEstimate {
        offset_ns,
        error_ns,
        exchanges: exchanges.len(),
        inconsistent,
        drift_ppm: drift_ppm(exchanges),
    })
}

/// Least-squares slope of the exchanges' offsets over a's time, in ppm.
fn drift_ppm(exchanges: &[Exchange]) -> Option<f64> {
    let first = exchanges.iter().map(|e| e.t[0]).min()?;
    let last = exchanges.iter().map(|e| e.t[0]).max()?;
    if exchanges.len() < 3 || last.saturating_sub(first) < DRIFT_MIN_SPAN_NS {
        return None;
    }
    let n = exchanges.len() as f64;
    let pts: Vec<(f64, f64)> = exchanges
        .iter()
        .map(|e| (e.t[0].saturating_sub(first) as f64, e.offset_ns() as f64))
        .collect();
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx * 1e6)
}

/// How an input's offset was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockBasis {
    /// The first input: the reference clock.
    Reference,
    /// Given with `--offset`.
    Given,
    /// From request/response exchanges with input `via`.
    Exchanges {
        /// The input it was estimated against.
        via: usize,
        /// How many exchanges.
        count: usize,
    },
    /// From packets seen one way only with input `via` (delay included).
    OneWay {
        /// The input it was estimated against.
        via: usize,
        /// How many packets were matched with it.
        packets: usize,
    },
    /// No packet shared with a capture of known clock.
    Unknown,
}

/// One input's clock against the first input's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    /// Its clock minus the reference's, nanoseconds.
    pub offset_ns: Option<i64>,
    /// The error bound of the offset, when known.
    pub error_ns: Option<i64>,
    /// How it was found.
    pub basis: ClockBasis,
    /// Exchanges whose own bound misses the offset (see [`ClockEstimate`]).
    pub inconsistent: usize,
    /// Drift against the input it was estimated from, ppm.
    pub drift_ppm: Option<f64>,
}

impl Clock {
    fn unknown() -> Clock {
        Clock {
            offset_ns: None,
            error_ns: None,
            basis: ClockBasis::Unknown,
            inconsistent: 0,
            drift_ppm: None,
        }
    }
}

/// Every input's clock: the first is the reference, overrides are taken as
/// given, the rest reached through the pairs (exchanges first, then one-way
/// offsets), errors adding up along the way.
pub fn resolve(inputs: &[JoinInput<'_>], pairs: &[PairJoin]) -> Vec<Clock> {
    let mut clocks: Vec<Clock> = inputs
        .iter()
        .map(|i| match i.offset_override_ns {
            Some(o) => Clock {
                offset_ns: Some(o),
                error_ns: Some(0),
                basis: ClockBasis::Given,
                ..Clock::unknown()
            },
            None => Clock::unknown(),
        })
        .collect();
    if let Some(c) = clocks.first_mut() {
        if c.offset_ns.is_none() {
            *c = Clock {
                offset_ns: Some(0),
                error_ns: Some(0),
                basis: ClockBasis::Reference,
                ..Clock::unknown()
            };
        }
    }
    for one_way in [false, true] {
        // At most one new input per round: the graph has fewer than
        // MAX_INPUTS nodes.
        for _ in 0..inputs.len() {
            let mut changed = false;
            for p in pairs {
                let (off, err, basis_count, est) = match (&p.estimate, one_way) {
                    (Some(e), _) => (e.offset_ns, Some(e.error_ns), e.exchanges, Some(e)),
                    (None, true) => (p.coarse_offset_ns, None, p.matched.len(), None),
                    (None, false) => continue,
                };
                for (from, to, sign) in [(p.a, p.b, 1i64), (p.b, p.a, -1)] {
                    let (Some(base), None) = (clocks[from].offset_ns, clocks[to].offset_ns) else {
                        continue;
                    };
                    let error = match (clocks[from].error_ns, err) {
                        (Some(x), Some(y)) => Some(x.saturating_add(y)),
                        _ => None,
                    };
                    clocks[to] = Clock {
                        offset_ns: Some(base.saturating_add(sign.saturating_mul(off))),
                        error_ns: error,
                        basis: if est.is_some() {
                            ClockBasis::Exchanges {
                                via: from,
                                count: basis_count,
                            }
                        } else {
                            ClockBasis::OneWay {
                                via: from,
                                packets: basis_count,
                            }
                        },
                        inconsistent: est.map_or(0, |e| e.inconsistent),
                        drift_ppm: est.and_then(|e| e.drift_ppm.map(|d| d * sign as f64)),
                    };
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }
    clocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntp_offset_and_error() {
        // b is 2.35 s ahead; 15 ms there, 16 ms back.
        let e = Exchange {
            t: [0, 2_365, 2_370, 36].map(|ms: i64| ms * 1_000_000),
        };
        assert_eq!(e.offset_ns(), 2_349_500_000);
        assert_eq!(e.error_ns(), 15_500_000);
        // Seen from the other side the offset flips, the error stays.
        let r = Exchange {
            t: [2_365, 0, 36, 2_370].map(|ms: i64| ms * 1_000_000),
        };
        assert_eq!(r.offset_ns(), -2_349_500_000);
        assert_eq!(r.error_ns(), 15_500_000);
        let far = Exchange {
            t: [i64::MIN, i64::MAX, i64::MAX, i64::MIN],
        };
        assert_eq!(far.offset_ns(), i64::MAX, "saturates");
    }

    #[test]
    fn smallest_round_trip_wins_and_drift_is_fitted() {
        let ms = |v: [i64; 4]| Exchange {
            t: v.map(|x| x * 1_000_000),
        };
        let es = [
            ms([0, 2_365, 2_370, 36]),
            ms([550, 2_914, 2_920, 585]),
            ms([1_000, 3_370, 3_375, 1_060]),
        ];
        let e = estimate(&es).expect("exchanges");
        assert_eq!((e.offset_ns, e.error_ns), (2_349_500_000, 14_500_000));
        assert_eq!(e.exchanges, 3);
        assert_eq!(
            e.inconsistent, 0,
            "the slow one's wide bound still holds it"
        );
        assert_eq!(e.drift_ppm, None, "one second is too short for a drift");
        assert_eq!(estimate(&[]), None);
        // 100 ppm over 10 minutes: 60 ms more every 600 s.
        let s = 1_000_000_000i64;
        let drifting: Vec<Exchange> = (0..11)
            .map(|k| {
                let t = k * 60 * s;
                let off = 2 * s + k * 6_000_000;
                Exchange {
                    t: [
                        t,
                        t + off + 10_000_000,
                        t + off + 11_000_000,
                        t + 21_000_000,
                    ],
                }
            })
            .collect();
        let d = estimate(&drifting)
            .expect("exchanges")
            .drift_ppm
            .expect("drift");
        assert!((d - 100.0).abs() < 0.5, "{d}");
    }

    #[test]
    fn clocks_through_a_chain_one_way_and_given() {
        use super::super::{JoinInput, PairJoin};
        let a = crate::test_util::capture("msturn-udp.pcap", &crate::AnalyzeOptions::default());
        let input = |o: Option<i64>| JoinInput {
            name: "x",
            analysis: &a,
            offset_override_ns: o,
        };
        let inputs = [
            input(None),
            input(None),
            input(None),
            input(None),
            input(Some(-7)),
            input(None),
        ];
        let pair = |a: usize, b: usize, est: Option<(i64, i64)>, coarse: i64| PairJoin {
            a,
            b,
            matched: Vec::new(),
            links: Vec::new(),
            coarse_offset_ns: coarse,
            offset_ns: coarse,
            estimate: est.map(|(offset_ns, error_ns)| ClockEstimate {
                offset_ns,
                error_ns,
                exchanges: 4,
                inconsistent: 0,
                drift_ppm: None,
            }),
            max_flight_ns: 0,
            beyond_window: 0,
            keys_dropped: 0,
        };
        // 2 is reached only through 1; 3 shares packets one way with 0
        // only; 5 shares exchanges with 4, whose offset is given.
        let pairs = [
            pair(0, 1, Some((1_000, 10)), 999),
            pair(1, 2, Some((2_000, 20)), 1_999),
            pair(0, 3, None, 5_000),
            pair(4, 5, Some((50, 1)), 50),
        ];
        let c = resolve(&inputs, &pairs);
        assert_eq!(c[0].basis, ClockBasis::Reference);
        assert_eq!((c[1].offset_ns, c[1].error_ns), (Some(1_000), Some(10)));
        assert_eq!(
            (c[2].offset_ns, c[2].error_ns),
            (Some(3_000), Some(30)),
            "errors add up"
        );
        assert_eq!(c[2].basis, ClockBasis::Exchanges { via: 1, count: 4 });
        assert_eq!((c[3].offset_ns, c[3].error_ns), (Some(5_000), None));
        assert_eq!(c[3].basis, ClockBasis::OneWay { via: 0, packets: 0 });
        assert_eq!((c[4].offset_ns, c[4].basis), (Some(-7), ClockBasis::Given));
        assert_eq!((c[5].offset_ns, c[5].error_ns), (Some(43), Some(1)));
    }
}
