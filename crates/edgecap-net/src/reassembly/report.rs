//! Anomaly reporting for one direction, with per-kind rate limits.
//!
//! This module owns turning reassembly events into [`NetAnomaly`] values and
//! the cap on how many of each repetitive kind one stream may report, so a
//! hostile or badly damaged stream cannot flood the timeline. Statistics are
//! counted by the caller regardless of whether a report was suppressed.

use crate::{NetAnomaly, NetAnomalyKind};
use edgecap_capture::FrameNo;

/// At most this many overlap, overlap-mismatch and buffer-cap anomalies are
/// reported per direction and kind; the last one says further ones are
/// suppressed. Gaps are always reported: each one is a distinct loss.
pub const MAX_REPORTS_PER_KIND: u32 = 8;

/// Per-kind report counters of one direction.
#[derive(Debug, Default, Clone)]
pub(super) struct Reporter {
    overlap: u32,
    mismatch: u32,
    cap: u32,
}

impl Reporter {
    /// Reports `kind` at `frame` unless its limit is used up; `detail` is only
    /// built when the report is kept.
    pub fn report(
        &mut self,
        anomalies: &mut Vec<NetAnomaly>,
        frame: FrameNo,
        kind: NetAnomalyKind,
        detail: impl FnOnce() -> String,
    ) {
        let count = match kind {
            NetAnomalyKind::TcpOverlap => &mut self.overlap,
            NetAnomalyKind::TcpOverlapMismatch => &mut self.mismatch,
            NetAnomalyKind::TcpBufferCap => &mut self.cap,
            _ => {
                anomalies.push(NetAnomaly {
                    frame,
                    kind,
                    detail: detail(),
                });
                return;
            }
        };
        if *count >= MAX_REPORTS_PER_KIND {
            return;
        }
        *count += 1;
        let mut detail = detail();
        if *count == MAX_REPORTS_PER_KIND {
            detail.push_str("; further reports of this kind for this direction suppressed");
        }
        anomalies.push(NetAnomaly {
            frame,
            kind,
            detail,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_reports_are_capped_gaps_are_not() {
        let mut r = Reporter::default();
        let mut out = Vec::new();
        for i in 0..20 {
            r.report(&mut out, FrameNo(i), NetAnomalyKind::TcpOverlap, || {
                "x".to_string()
            });
            r.report(&mut out, FrameNo(i), NetAnomalyKind::TcpGap, String::new);
        }
        let overlaps: Vec<_> = out
            .iter()
            .filter(|a| a.kind == NetAnomalyKind::TcpOverlap)
            .collect();
        assert_eq!(overlaps.len(), MAX_REPORTS_PER_KIND as usize);
        assert!(overlaps[7].detail.ends_with("suppressed"));
        assert_eq!(out.len(), 20 + MAX_REPORTS_PER_KIND as usize);
    }
}
