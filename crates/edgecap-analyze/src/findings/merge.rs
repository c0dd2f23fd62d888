//! One finding per cause: findings with the same id, severity and
//! explanation are one diagnosis seen several times (a user's Allocate
//! rejected with 436 over UDP and again over TCP; the same peer failing on
//! five flows). They become the first of them, with the others' frames and
//! flows added, `similar` (how many more) in the details and the count in
//! the summary — so an explanation is printed once per cause.
//!
//! Findings that are not alike are still bounded: past
//! [`MAX_FINDINGS_PER_KIND`] distinct findings of one id and severity (a
//! flood of unanswered requests between ever new hosts), the rest are
//! counted in one roll-up finding of that id and severity, with their flows
//! and the first evidence frames.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::common::{frame_list, MAX_EVIDENCE_FRAMES};
use crate::{Detail, Finding, Severity};
use edgecap_capture::FrameNo;
use edgecap_net::FlowId;

/// Distinct findings kept per (id, severity); the rest are counted in one
/// roll-up finding. A thousand paragraphs is already more than anyone reads,
/// and each finding keeps about a kilobyte of text: this bounds the findings'
/// memory on captures of busy edges (400,000 unanswered requests between
/// new hosts made 400,000 findings, 1.1 KB each).
pub const MAX_FINDINGS_PER_KIND: usize = 1_000;

/// The findings of one (id, severity) beyond [`MAX_FINDINGS_PER_KIND`].
struct Overflow {
    id: &'static str,
    severity: Severity,
    count: u64,
    flows: Vec<FlowId>,
    /// The first [`MAX_EVIDENCE_FRAMES`] evidence frames seen.
    frames: Vec<FrameNo>,
}

/// Merges alike findings as they come, keeping the order of first
/// appearance: a detector's findings are pushed one by one, so a flood of
/// per-flow findings (100,000 unanswered requests) never exists as a list —
/// only the kept findings and, per kept finding, the others' flows and frames.
/// Linear in the number of findings (one hash-map lookup each).
#[derive(Default)]
pub struct Merger {
    out: Vec<Finding>,
    /// Per kept finding: how many were merged into it and their frames.
    others: Vec<(u64, Vec<FrameNo>)>,
    /// Keyed by a hash of (id, severity, explanation), so no explanation is
    /// copied; a kept finding is only merged into when all three are equal
    /// (a hash collision keeps both findings apart).
    index: HashMap<u64, usize>,
    /// Kept findings per (id, severity).
    kept: HashMap<(&'static str, Severity), usize>,
    /// Roll-ups, in order of their first finding.
    overflow: Vec<Overflow>,
}

impl Merger {
    /// Adds one finding: merged into a kept alike one, or kept.
    pub fn push(&mut self, f: Finding) {
        let key = cause_hash(&f);
        let alike = self.index.get(&key).copied().filter(|&i| {
            let kept = &self.out[i];
            kept.id == f.id && kept.severity == f.severity && kept.explanation == f.explanation
        });
        match alike {
            Some(i) => {
                self.out[i].flows.extend(f.flows.iter().copied());
                let (n, frames) = &mut self.others[i];
                *n += 1;
                frames.extend(f.frames.iter().copied());
            }
            None => {
                let kept = self.kept.entry((f.id, f.severity)).or_insert(0);
                if *kept >= MAX_FINDINGS_PER_KIND {
                    self.roll_up(f);
                    return;
                }
                *kept += 1;
                self.index.entry(key).or_insert(self.out.len());
                self.out.push(f);
                self.others.push((0, Vec::new()));
            }
        }
    }

    fn roll_up(&mut self, f: Finding) {
        let pos = self
            .overflow
            .iter()
            .position(|o| o.id == f.id && o.severity == f.severity);
        let o = match pos {
            Some(i) => &mut self.overflow[i],
            None => {
                self.overflow.push(Overflow {
                    id: f.id,
                    severity: f.severity,
                    count: 0,
                    flows: Vec::new(),
                    frames: Vec::new(),
                });
                let last = self.overflow.len() - 1;
                &mut self.overflow[last]
            }
        };
        o.count += 1;
        o.flows.extend(f.flows.iter().copied());
        let room = MAX_EVIDENCE_FRAMES.saturating_sub(o.frames.len());
        o.frames.extend(f.frames.iter().copied().take(room));
    }

    /// Adds a detector's findings in order.
    pub fn extend(&mut self, found: Vec<Finding>) {
        found.into_iter().for_each(|f| self.push(f));
    }

    /// The kept findings, each merged one with the others' evidence, their
    /// count (`similar`) and a phrase naming them in the summary.
    pub fn finish(self) -> Vec<Finding> {
        let mut out = self.out;
        for (f, (similar, mut extra)) in out.iter_mut().zip(self.others) {
            if similar == 0 {
                continue;
            }
            f.flows.sort_unstable();
            f.flows.dedup();
            extra.sort_unstable();
            extra.dedup();
            f.summary.push_str(&format!(
                "; and {similar} more like it ({})",
                phrase(&extra)
            ));
            f.frames.extend(extra);
            f.frames.sort_unstable();
            f.frames.dedup();
            f.frames.truncate(MAX_EVIDENCE_FRAMES);
            f.details.push(("similar", Detail::Count(similar)));
        }
        out.extend(self.overflow.into_iter().map(rolled_up));
        out.shrink_to_fit();
        out
    }
}

/// The roll-up finding of an [`Overflow`].
fn rolled_up(o: Overflow) -> Finding {
    let mut flows = o.flows;
    flows.sort_unstable();
    flows.dedup();
    let mut frames = o.frames;
    frames.sort_unstable();
    frames.dedup();
    Finding {
        id: o.id,
        severity: o.severity,
        summary: format!(
            "{} more {} {} findings, not listed one by one: {} flows, first evidence {}",
            o.count,
            o.id,
            o.severity.as_str(),
            flows.len(),
            phrase(&frames)
        ),
        explanation: format!(
            "edgecap lists at most {MAX_FINDINGS_PER_KIND} distinct findings of one id and \
             severity and counts the rest here, so the summary stays readable and memory stays \
             bounded on captures of busy edges. The findings above show the kind of problem; to \
             see these one by one, filter the capture to the addresses of interest (for \
             example with tshark or editcap) and run edgecap on the smaller file."
        ),
        frames,
        flows,
        details: vec![
            ("count", Detail::Count(o.count)),
            ("limit", Detail::Count(MAX_FINDINGS_PER_KIND as u64)),
        ],
    }
}

fn cause_hash(f: &Finding) -> u64 {
    let mut h = DefaultHasher::new();
    (f.id, f.severity, &f.explanation).hash(&mut h);
    h.finish()
}

fn phrase(frames: &[FrameNo]) -> String {
    match frames {
        [one] => format!("frame {one}"),
        many => format!("frames {}", frame_list(many)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;
    use edgecap_net::FlowId;

    fn finding(id: &'static str, explanation: &str, frame: u64, flow: u32) -> Finding {
        Finding {
            id,
            severity: Severity::Error,
            summary: format!("seen at {frame}"),
            explanation: explanation.to_string(),
            frames: vec![FrameNo(frame), FrameNo(frame + 1)],
            flows: vec![FlowId(flow)],
            details: vec![("count", Detail::Count(1))],
        }
    }

    #[test]
    fn distinct_findings_past_the_limit_of_their_kind_are_rolled_up() {
        let mut merger = Merger::default();
        let extra = 5;
        for n in 0..MAX_FINDINGS_PER_KIND + extra {
            // Each explanation differs, so none is alike another.
            let n = n as u64;
            merger.push(finding("a", &format!("cause {n}"), 10 * n, n as u32));
        }
        merger.push(finding("b", "other kind", 1, 9_999));
        let out = merger.finish();
        assert_eq!(out.len(), MAX_FINDINGS_PER_KIND + 2);
        assert!(out[..MAX_FINDINGS_PER_KIND].iter().all(|f| f.id == "a"));
        assert_eq!(out[MAX_FINDINGS_PER_KIND].id, "b");
        let rolled = &out[MAX_FINDINGS_PER_KIND + 1];
        assert_eq!((rolled.id, rolled.severity), ("a", Severity::Error));
        assert_eq!(rolled.details[0], ("count", Detail::Count(extra as u64)));
        let first = MAX_FINDINGS_PER_KIND as u64 * 10;
        assert_eq!(rolled.frames.first(), Some(&FrameNo(first)));
        assert_eq!(rolled.frames.len(), 2 * extra);
        assert_eq!(rolled.flows.len(), extra);
        assert!(rolled
            .summary
            .starts_with("5 more a error findings, not listed one by one: 5 flows"));
    }

    #[test]
    fn alike_findings_become_one_with_the_others_evidence() {
        let mut merger = Merger::default();
        for f in [
            finding("a", "why", 3, 0),
            finding("b", "why", 5, 1),
            finding("a", "why", 12, 2),
            finding("a", "other cause", 20, 3),
            finding("a", "why", 30, 2),
        ] {
            merger.push(f);
        }
        let merged = merger.finish();
        let got: Vec<(&str, &str)> = merged
            .iter()
            .map(|f| (f.id, f.explanation.as_str()))
            .collect();
        assert_eq!(got, [("a", "why"), ("b", "why"), ("a", "other cause")]);
        let a = &merged[0];
        assert_eq!(
            a.summary,
            "seen at 3; and 2 more like it (frames 12-13, 30-31)"
        );
        let frames: Vec<u64> = a.frames.iter().map(|f| f.0).collect();
        assert_eq!(frames, [3, 4, 12, 13, 30, 31]);
        assert_eq!(a.flows, [FlowId(0), FlowId(2)]);
        assert_eq!(a.details.last(), Some(&("similar", Detail::Count(2))));
        assert_eq!(
            merged[1].summary, "seen at 5",
            "nothing merged, nothing added"
        );
    }
}
