//! Resynchronisation after damage, shared by the pcap and pcapng parsers:
//! skip forward in fixed steps until a plausible record or block starts,
//! with exactly one warning for the damaged region.

use super::buffer::{RefillBuffer, MAX_BLOCK_LEN};
use super::ledger::Ledger;
use super::WarningKind;

/// How far past a corrupt record or block the reader looks for the next good
/// one before giving up (two maximal blocks).
pub const RESYNC_SCAN_LIMIT: usize = 2 * MAX_BLOCK_LEN;

/// What one format's scan looks for.
pub struct Scan {
    /// Bytes to advance per attempt (1 for pcap records, 4 for aligned pcapng blocks).
    pub step: usize,
    /// Bytes a candidate needs before it can be judged.
    pub header_len: usize,
    /// Name of the unit in end-of-input warnings (`record`, `block`).
    pub unit: &'static str,
    /// What a good candidate is called in warnings (`plausible record`, `sane block`).
    pub target: &'static str,
}

/// Skips forward from a corrupt unit until `is_good` accepts the bytes at the
/// buffer's front. Returns false (after warning) when the input ends or the
/// scan limit is reached first.
pub fn scan_forward(
    buf: &mut RefillBuffer,
    ledger: &mut Ledger,
    reason: &str,
    scan: &Scan,
    mut is_good: impl FnMut(&mut RefillBuffer) -> bool,
) -> bool {
    let offset = buf.offset();
    let mut skipped = 0usize;
    loop {
        buf.consume(scan.step);
        skipped += scan.step;
        if skipped > RESYNC_SCAN_LIMIT {
            let message = format!(
                "{reason}; no {} in the next {RESYNC_SCAN_LIMIT} bytes, giving up",
                scan.target
            );
            ledger.warn(WarningKind::CorruptRecord, offset, message);
            return false;
        }
        if !buf.ensure(scan.header_len) {
            let rest = buf.offset() - offset + buf.available().len() as u64;
            let message = format!(
                "{reason}; no further {} found, skipped {rest} bytes to the end",
                scan.unit
            );
            ledger.warn(WarningKind::CorruptRecord, offset, message);
            buf.consume(usize::MAX);
            ledger.end_of_input(buf, scan.unit, scan.header_len);
            return false;
        }
        if is_good(buf) {
            let message = format!(
                "{reason}; skipped {skipped} bytes to the next {}",
                scan.target
            );
            ledger.warn(WarningKind::CorruptRecord, offset, message);
            return true;
        }
    }
}
