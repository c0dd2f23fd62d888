//! The time written in a log line: a calendar date and time of day with
//! milliseconds, in the writer's clock and an unstated zone.

/// Years a log time may carry: from the Unix epoch to 2200, so that every
/// time, plus or minus an offset of up to 10^9 seconds, stays inside the
/// nanosecond `i64` range (years 1678–2262). Lync logs are from this century.
pub const YEARS: std::ops::RangeInclusive<u16> = 1970..=2200;

/// A log timestamp as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogTime {
    /// Year.
    pub year: u16,
    /// Month 1–12.
    pub month: u8,
    /// Day 1–31.
    pub day: u8,
    /// Hour 0–23.
    pub hour: u8,
    /// Minute 0–59.
    pub minute: u8,
    /// Second 0–60.
    pub second: u8,
    /// Milliseconds.
    pub millis: u16,
}

fn num(b: &[u8]) -> Option<u16> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    b.iter().try_fold(0u16, |a, d| {
        a.checked_mul(10)?.checked_add(u16::from(d - b'0'))
    })
}

impl LogTime {
    /// Parses `MM/DD/YYYY?HH:MM:SS.mmm` (the separator between date and time
    /// is `|` in UCCAPI logs, `-` in SIPStack traces) from the first 23
    /// bytes of `b`.
    pub fn parse_us(b: &[u8]) -> Option<LogTime> {
        let b = b.get(..23)?;
        let fixed = [(2, b'/'), (5, b'/'), (13, b':'), (16, b':'), (19, b'.')];
        if fixed.iter().any(|(i, c)| b[*i] != *c) || !matches!(b[10], b'|' | b'-') {
            return None;
        }
        let t = LogTime {
            month: u8::try_from(num(&b[0..2])?).ok()?,
            day: u8::try_from(num(&b[3..5])?).ok()?,
            year: num(&b[6..10])?,
            hour: u8::try_from(num(&b[11..13])?).ok()?,
            minute: u8::try_from(num(&b[14..16])?).ok()?,
            second: u8::try_from(num(&b[17..19])?).ok()?,
            millis: num(&b[20..23])?,
        };
        let valid = YEARS.contains(&t.year)
            && (1..=12).contains(&t.month)
            && (1..=31).contains(&t.day)
            && t.hour < 24
            && t.minute < 60
            && t.second <= 60;
        valid.then_some(t)
    }

    /// Nanoseconds since 1970-01-01 00:00:00 reading the time as UTC (the
    /// caller adds the log's offset). Saturates for a year outside
    /// [`YEARS`] (never from [`LogTime::parse_us`]).
    pub fn unix_nanos(&self) -> i64 {
        // Days from civil (Howard Hinnant's algorithm), proleptic Gregorian.
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        let secs = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        secs.saturating_mul(1_000_000_000)
            .saturating_add(i64::from(self.millis) * 1_000_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_separators_and_epoch() {
        let t = LogTime::parse_us(b"12/10/2012|10:43:06.703 24F8:2648").expect("uccapi");
        assert_eq!((t.year, t.month, t.day, t.millis), (2012, 12, 10, 703));
        // date -u -d '2012-12-10 10:43:06' +%s = 1355136186
        assert_eq!(t.unix_nanos(), 1_355_136_186_703_000_000);
        let s = LogTime::parse_us(b"01/18/2012-05:00:43.101.00005386").expect("sipstack");
        assert_eq!((s.hour, s.minute, s.second), (5, 0, 43));
        assert_eq!(LogTime::parse_us(b"13/10/2012|10:43:06.703"), None);
        assert_eq!(LogTime::parse_us(b"12/10/2012 10:43:06.703"), None);
        assert_eq!(LogTime::parse_us(b"12/10/2012|10:43"), None);
        // A year the nanosecond clock cannot hold (found by the sip_log fuzz target).
        assert_eq!(LogTime::parse_us(b"11/26/9999-13:00:00.004"), None);
        assert_eq!(LogTime::parse_us(b"11/26/1969-13:00:00.004"), None);
        let far = LogTime {
            year: u16::MAX,
            ..t
        };
        assert_eq!(far.unix_nanos(), i64::MAX);
    }
}
