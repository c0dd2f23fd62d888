//! pcapng interface timestamp resolution (`if_tsresol`, pcapng spec
//! draft-ietf-opsawg-pcapng §4.2) and the conversion of raw timestamp units
//! to and from [`Timestamp`] nanoseconds.
//!
//! All arithmetic is done in `u128`/`i128` and saturates: no input can make
//! it overflow or panic. Conversions truncate towards zero, so a
//! power-of-2 resolution that does not divide a second evenly loses at most
//! one unit when written and read back.

use crate::Timestamp;

const NANOS_PER_SEC: u128 = 1_000_000_000;

/// Units per second of a pcapng interface's timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TsResolution {
    /// 10^-n seconds per unit (`if_tsresol` with the high bit clear); 6 = µs.
    Pow10(u8),
    /// 2^-n seconds per unit (`if_tsresol` with the high bit set).
    Pow2(u8),
}

impl Default for TsResolution {
    /// Microseconds, the pcapng default when `if_tsresol` is absent.
    fn default() -> Self {
        TsResolution::Pow10(6)
    }
}

impl TsResolution {
    /// Decodes the one-byte `if_tsresol` option value.
    ///
    /// pcap-parser 0.17's `build_ts_resolution` returns `None` for every
    /// power-of-2 value (it compares the byte including the high bit against
    /// 63), so edgecap decodes the byte itself.
    pub fn from_raw(raw: u8) -> Self {
        if raw & 0x80 != 0 {
            TsResolution::Pow2(raw & 0x7f)
        } else {
            TsResolution::Pow10(raw)
        }
    }

    /// Encodes the resolution as the one-byte `if_tsresol` option value.
    pub fn to_raw(self) -> u8 {
        match self {
            TsResolution::Pow10(n) => n & 0x7f,
            TsResolution::Pow2(n) => 0x80 | (n & 0x7f),
        }
    }

    /// Converts raw timestamp units to nanoseconds (truncating, saturating).
    #[inline]
    pub fn units_to_nanos(self, units: u64) -> u128 {
        let units = u128::from(units);
        match self {
            TsResolution::Pow10(9) => units,
            TsResolution::Pow10(6) => units * 1000,
            TsResolution::Pow10(n) if n <= 9 => units * 10u128.pow(u32::from(9 - n)),
            TsResolution::Pow10(n) => match 10u128.checked_pow(u32::from(n - 9)) {
                Some(div) => units / div,
                None => 0,
            },
            // units < 2^64, so units * 10^9 < 2^94: no overflow.
            TsResolution::Pow2(n) if n < 128 => (units * NANOS_PER_SEC) >> n,
            TsResolution::Pow2(_) => 0,
        }
    }

    /// Converts nanoseconds to raw timestamp units (truncating, saturating).
    pub fn nanos_to_units(self, nanos: u128) -> u128 {
        match self {
            TsResolution::Pow10(n) if n <= 9 => nanos / 10u128.pow(u32::from(9 - n)),
            TsResolution::Pow10(n) => match 10u128.checked_pow(u32::from(n - 9)) {
                Some(mul) => nanos.saturating_mul(mul),
                None => u128::MAX,
            },
            TsResolution::Pow2(n) if n < 128 => nanos.saturating_mul(1u128 << n) / NANOS_PER_SEC,
            TsResolution::Pow2(_) => u128::MAX,
        }
    }

    /// The [`Timestamp`] of `units` ticks after `offset_secs` (pcapng
    /// `if_tsoffset`) seconds past the epoch, saturating at the `i64` range.
    #[inline]
    pub fn timestamp(self, units: u64, offset_secs: i64) -> Timestamp {
        // Both terms are below 2^95 in magnitude: the sum cannot overflow i128.
        let nanos =
            self.units_to_nanos(units) as i128 + i128::from(offset_secs) * NANOS_PER_SEC as i128;
        Timestamp(nanos.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_byte_round_trip() {
        assert_eq!(TsResolution::from_raw(6), TsResolution::Pow10(6));
        assert_eq!(TsResolution::from_raw(0x94), TsResolution::Pow2(20));
        assert_eq!(TsResolution::Pow2(20).to_raw(), 0x94);
        assert_eq!(TsResolution::Pow10(9).to_raw(), 9);
    }

    #[test]
    fn converts_units_exactly() {
        assert_eq!(
            TsResolution::Pow10(6).units_to_nanos(1_500_000),
            1_500_000_000
        );
        assert_eq!(TsResolution::Pow10(9).units_to_nanos(7), 7);
        assert_eq!(TsResolution::Pow10(0).units_to_nanos(3), 3_000_000_000);
        assert_eq!(TsResolution::Pow10(12).units_to_nanos(5_000), 5);
        // 2^20 units per second: half a second is 2^19 units.
        assert_eq!(TsResolution::Pow2(20).units_to_nanos(1 << 19), 500_000_000);
        assert_eq!(TsResolution::Pow2(0).units_to_nanos(2), 2_000_000_000);
        assert_eq!(TsResolution::Pow2(20).nanos_to_units(500_000_000), 1 << 19);
    }

    #[test]
    fn extreme_values_saturate_without_panicking() {
        for raw in 0..=255u8 {
            let r = TsResolution::from_raw(raw);
            let _ = r.timestamp(u64::MAX, i64::MAX);
            let _ = r.timestamp(u64::MAX, i64::MIN);
            let _ = r.nanos_to_units(u128::MAX);
        }
        assert_eq!(
            TsResolution::Pow10(0).timestamp(u64::MAX, i64::MAX),
            Timestamp(i64::MAX)
        );
        assert_eq!(
            TsResolution::Pow10(9).timestamp(0, i64::MIN),
            Timestamp(i64::MIN)
        );
        assert_eq!(
            TsResolution::Pow10(6).timestamp(1, -1),
            Timestamp(-999_999_000)
        );
    }
}
