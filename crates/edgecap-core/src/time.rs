//! Capture timestamps: nanoseconds since the Unix epoch, printed in UTC.

use std::fmt;

/// A point in time, in nanoseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Builds a timestamp from seconds and a sub-second part in nanoseconds.
    pub fn from_secs_nanos(secs: i64, nanos: u32) -> Self {
        Timestamp(
            secs.saturating_mul(1_000_000_000)
                .saturating_add(i64::from(nanos)),
        )
    }

    /// Seconds (possibly fractional) from `earlier` to `self`.
    pub fn seconds_since(self, earlier: Timestamp) -> f64 {
        (self.0.saturating_sub(earlier.0)) as f64 / 1e9
    }

    /// RFC 3339 text in UTC with microseconds, e.g. `2024-05-01T10:00:00.123456Z`.
    pub fn to_rfc3339(self) -> String {
        self.to_string()
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day)
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.div_euclid(1_000_000_000);
        let micros = self.0.rem_euclid(1_000_000_000) / 1000;
        let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
        let sod = secs.rem_euclid(86_400);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{micros:06}Z",
            sod / 3600,
            sod % 3600 / 60,
            sod % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_with_microseconds() {
        assert_eq!(
            Timestamp::from_secs_nanos(0, 0).to_string(),
            "1970-01-01T00:00:00.000000Z"
        );
        // 2024-02-29 (a leap day) 23:59:59.999999 UTC
        assert_eq!(
            Timestamp::from_secs_nanos(1_709_251_199, 999_999_999).to_string(),
            "2024-02-29T23:59:59.999999Z"
        );
        assert_eq!(
            Timestamp::from_secs_nanos(-1, 500_000_000).to_string(),
            "1969-12-31T23:59:59.500000Z"
        );
    }

    #[test]
    fn seconds_between_timestamps() {
        let a = Timestamp::from_secs_nanos(10, 0);
        let b = Timestamp::from_secs_nanos(11, 500_000_000);
        assert_eq!(b.seconds_since(a), 1.5);
    }
}
