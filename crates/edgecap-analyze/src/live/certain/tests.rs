//! Settling: a finding is certain after standing unchanged for its settle
//! time of capture time, at once when final at its evidence, and always at
//! the end.

use super::*;
use crate::Severity;

fn finding(id: &'static str, frames: &[u64]) -> Finding {
    Finding {
        id,
        severity: Severity::Error,
        summary: String::new(),
        explanation: String::new(),
        frames: frames.iter().map(|&n| FrameNo(n)).collect(),
        flows: vec![FlowId(3)],
        details: Vec::new(),
    }
}

const S: i64 = 1_000_000_000;

#[test]
fn a_finding_settles_after_standing_unchanged() {
    let mut c = Certainty::default();
    let f = [finding("stun.request_unanswered", &[5, 6])];
    assert!(c.update(&f, Timestamp(0)).is_empty());
    assert!(c.update(&f, Timestamp(SETTLE_NS - 1)).is_empty());
    assert_eq!(c.pending(), 1);
    assert_eq!(c.update(&f, Timestamp(SETTLE_NS)), vec![0]);
    assert!(c.is_certain(&f[0]));
    // Reported once.
    assert!(c.update(&f, Timestamp(2 * SETTLE_NS)).is_empty());
    assert!(c.finish(&f).is_empty());
}

#[test]
fn new_evidence_or_absence_restarts_the_wait() {
    let mut c = Certainty::default();
    assert!(c
        .update(&[finding("tcp.syn_unanswered", &[5])], Timestamp(0))
        .is_empty());
    // A retransmission: same key, a later last frame.
    let grown = [finding("tcp.syn_unanswered", &[5, 9])];
    assert!(c.update(&grown, Timestamp(30 * S)).is_empty());
    assert!(c.update(&grown, Timestamp(SETTLE_NS + S)).is_empty());
    assert_eq!(c.update(&grown, Timestamp(30 * S + SETTLE_NS)), vec![0]);
    // A finding that leaves a snapshot (answered after all) stops waiting.
    let mut c = Certainty::default();
    let f = [finding("stun.request_unanswered", &[7])];
    c.update(&f, Timestamp(0));
    c.update(&[], Timestamp(S));
    assert_eq!(c.pending(), 0);
    assert!(c.update(&f, Timestamp(SETTLE_NS)).is_empty());
}

#[test]
fn final_findings_are_certain_at_once_and_the_end_settles_all() {
    let mut c = Certainty::default();
    let f = [
        finding("stun.request_unanswered", &[2]),
        finding("tcp.connection_refused", &[3, 4]),
    ];
    assert_eq!(c.update(&f, Timestamp(0)), vec![1]);
    // The refusal repeated: same key, not reported again.
    let f2 = [
        finding("stun.request_unanswered", &[2]),
        finding("tcp.connection_refused", &[3, 4, 8]),
    ];
    assert!(c.update(&f2, Timestamp(S)).is_empty());
    assert_eq!(c.finish(&f2), vec![0]);
    assert!(c.is_certain(&f2[0]) && c.is_certain(&f2[1]));
}
