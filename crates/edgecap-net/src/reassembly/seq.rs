//! 32-bit TCP sequence numbers and their extension to 64-bit stream offsets.
//!
//! This module owns sequence arithmetic only: wrapping addition, the signed
//! RFC 1982 distance between two sequence numbers, and turning a sequence
//! number into an absolute stream offset relative to a known anchor. It keeps
//! no state. Nothing here panics: every operation wraps or saturates.

/// A TCP sequence number (RFC 9293 §3.4): 32 bits, compared modulo 2^32.
///
/// There is deliberately no `Ord`: serial-number order (RFC 1982 §3.2) is not
/// transitive, so comparisons go through [`SeqNumber::diff`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SeqNumber(pub u32);

impl SeqNumber {
    /// The sequence number `n` bytes after this one, wrapping at 2^32.
    pub fn plus(self, n: u32) -> SeqNumber {
        SeqNumber(self.0.wrapping_add(n))
    }

    /// Signed distance from `other` to `self` (RFC 1982 §3.2): positive when
    /// `self` is after `other`. Numbers exactly 2^31 apart read as
    /// `i32::MIN`, that is "before", which RFC 1982 leaves undefined.
    pub fn diff(self, other: SeqNumber) -> i32 {
        // Reinterpreting the wrapped difference as two's complement is the
        // RFC 1982 comparison.
        self.0.wrapping_sub(other.0) as i32
    }

    /// True when `self` comes strictly after `other` in serial-number order.
    pub fn is_after(self, other: SeqNumber) -> bool {
        self.diff(other) > 0
    }

    /// True when `self` comes strictly before `other` in serial-number order.
    pub fn is_before(self, other: SeqNumber) -> bool {
        self.diff(other) < 0
    }

    /// The absolute stream offset of `self`, given that `anchor` sits at
    /// offset `anchor_offset`. Negative when `self` lies before the start of
    /// the stream; the result is within ±2^31 of `anchor_offset`.
    pub fn offset_from(self, anchor: SeqNumber, anchor_offset: u64) -> i64 {
        let anchor_offset = i64::try_from(anchor_offset).unwrap_or(i64::MAX);
        anchor_offset.saturating_add(i64::from(self.diff(anchor)))
    }
}

#[cfg(test)]
mod tests {
    use super::SeqNumber;

    #[test]
    fn diff_wraps() {
        assert_eq!(SeqNumber(5).diff(SeqNumber(u32::MAX - 4)), 10);
        assert_eq!(SeqNumber(u32::MAX - 4).diff(SeqNumber(5)), -10);
        assert!(SeqNumber(3).is_after(SeqNumber(u32::MAX)));
        assert!(SeqNumber(u32::MAX).is_before(SeqNumber(3)));
        assert!(!SeqNumber(7).is_after(SeqNumber(7)));
    }

    #[test]
    fn half_range_reads_as_before() {
        assert_eq!(SeqNumber(1 << 31).diff(SeqNumber(0)), i32::MIN);
        assert_eq!(SeqNumber((1 << 31) - 1).diff(SeqNumber(0)), i32::MAX);
    }

    #[test]
    fn plus_wraps() {
        assert_eq!(SeqNumber(u32::MAX).plus(1), SeqNumber(0));
        assert_eq!(SeqNumber(u32::MAX - 1).plus(5), SeqNumber(3));
    }

    #[test]
    fn offset_extends_across_wrap() {
        // Anchor: seq u32::MAX - 1 is at offset 10; seq 3 is 5 bytes later.
        let anchor = SeqNumber(u32::MAX - 1);
        assert_eq!(SeqNumber(3).offset_from(anchor, 10), 15);
        assert_eq!(SeqNumber(u32::MAX - 11).offset_from(anchor, 10), 0);
        assert_eq!(SeqNumber(u32::MAX - 20).offset_from(anchor, 10), -9);
        assert_eq!(SeqNumber(0).offset_from(SeqNumber(0), u64::MAX), i64::MAX);
    }
}
