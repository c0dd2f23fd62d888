//! Memory limits for out-of-order TCP data, and the budget shared by all flows.
//!
//! This module owns the named caps ([`ReassemblyLimits`]) and the running
//! total of bytes buffered by every [`super::HalfStream`]
//! ([`ReassemblyBudget`]). It only counts; the decision of what to do when a
//! cap is reached belongs to `half.rs`. Invariant: the budget's count never
//! exceeds `limits.total`, because streams only charge after [`fits`]-style
//! checks and release exactly what they charged.
//!
//! [`fits`]: ReassemblyBudget::fits

/// Default cap on memory held out of order by one direction of one flow
/// (1 MiB: about 16 full 64 KiB receive windows, or ~700 full-size segments).
pub const DEFAULT_PER_DIRECTION: usize = 1 << 20;

/// Default cap on memory held out of order by all flows together (64 MiB).
pub const DEFAULT_TOTAL: usize = 64 << 20;

/// Bookkeeping bytes charged for every buffered piece on top of its payload
/// (map entry, boxed slice header and allocator overhead, rounded up), so that
/// many tiny out-of-order segments cannot escape the caps.
pub const PIECE_OVERHEAD: usize = 64;

/// What a buffered piece of `len` payload bytes costs against the caps.
pub(super) fn piece_cost(len: usize) -> usize {
    len.saturating_add(PIECE_OVERHEAD)
}

/// The caps on buffered out-of-order data, in bytes (payload plus
/// [`PIECE_OVERHEAD`] per piece).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReassemblyLimits {
    /// Cap for one direction of one flow.
    pub per_direction: usize,
    /// Cap for all flows together.
    pub total: usize,
}

impl ReassemblyLimits {
    /// [`DEFAULT_PER_DIRECTION`] per direction, [`DEFAULT_TOTAL`] in total.
    pub const DEFAULT: ReassemblyLimits = ReassemblyLimits {
        per_direction: DEFAULT_PER_DIRECTION,
        total: DEFAULT_TOTAL,
    };
}

impl Default for ReassemblyLimits {
    fn default() -> Self {
        ReassemblyLimits::DEFAULT
    }
}

/// The memory budget shared by every [`super::HalfStream`] of a capture.
///
/// Streams charge it when they buffer and release it when they deliver,
/// [`flush`](super::HalfStream::flush) or
/// [`discard`](super::HalfStream::discard). A stream dropped while still
/// holding data leaks its charge, so the flow table must flush or discard
/// before dropping a flow.
#[derive(Debug, Clone)]
pub struct ReassemblyBudget {
    limits: ReassemblyLimits,
    used: usize,
}

impl ReassemblyBudget {
    /// An empty budget enforcing `limits`.
    pub fn new(limits: ReassemblyLimits) -> Self {
        ReassemblyBudget { limits, used: 0 }
    }

    /// Bytes currently charged by all streams (payload plus per-piece overhead).
    pub fn buffered(&self) -> usize {
        self.used
    }

    /// The caps this budget enforces.
    pub fn limits(&self) -> ReassemblyLimits {
        self.limits
    }

    /// True when `cost` more bytes stay within the total cap.
    pub(super) fn fits(&self, cost: usize) -> bool {
        self.used
            .checked_add(cost)
            .is_some_and(|n| n <= self.limits.total)
    }

    /// Records `cost` bytes as buffered; callers check [`Self::fits`] first.
    pub(super) fn charge(&mut self, cost: usize) {
        self.used = self.used.saturating_add(cost);
    }

    /// Records `cost` bytes as no longer buffered.
    pub(super) fn release(&mut self, cost: usize) {
        self.used = self.used.saturating_sub(cost);
    }
}

impl Default for ReassemblyBudget {
    fn default() -> Self {
        ReassemblyBudget::new(ReassemblyLimits::DEFAULT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_charge_release() {
        let mut b = ReassemblyBudget::new(ReassemblyLimits {
            per_direction: 10,
            total: 100,
        });
        assert!(b.fits(100));
        assert!(!b.fits(101));
        assert!(!b.fits(usize::MAX));
        b.charge(60);
        assert_eq!(b.buffered(), 60);
        assert!(!b.fits(41));
        b.release(60);
        assert_eq!(b.buffered(), 0);
    }

    #[test]
    fn defaults_are_named() {
        assert_eq!(ReassemblyLimits::default().per_direction, 1 << 20);
        assert_eq!(ReassemblyLimits::default().total, 64 << 20);
    }
}
