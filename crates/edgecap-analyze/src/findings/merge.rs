//! One finding per cause: findings with the same id, severity and
//! explanation are one diagnosis seen several times (a user's Allocate
//! rejected with 436 over UDP and again over TCP; the same peer failing on
//! five flows). They become the first of them, with the others' frames and
//! flows added, `similar` (how many more) in the details and the count in
//! the summary — so an explanation is printed once per cause.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::common::{frame_list, MAX_EVIDENCE_FRAMES};
use crate::{Detail, Finding};
use edgecap_capture::FrameNo;

/// Merges alike findings, keeping the order of first appearance. Linear in
/// the number of findings (one hash-map lookup each).
pub fn merge_alike(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    // Per kept finding: how many were merged into it and their frames.
    let mut others: Vec<(u64, Vec<FrameNo>)> = Vec::new();
    // Keyed by a hash of (id, severity, explanation), so no explanation is
    // copied; a kept finding is only merged into when all three are equal
    // (a hash collision keeps both findings apart).
    let mut index: HashMap<u64, usize> = HashMap::new();
    for f in findings {
        let key = cause_hash(&f);
        let alike = index.get(&key).copied().filter(|&i| {
            let kept = &out[i];
            kept.id == f.id && kept.severity == f.severity && kept.explanation == f.explanation
        });
        match alike {
            Some(i) => {
                out[i].flows.extend(f.flows.iter().copied());
                let (n, frames) = &mut others[i];
                *n += 1;
                frames.extend(f.frames.iter().copied());
            }
            None => {
                index.entry(key).or_insert(out.len());
                out.push(f);
                others.push((0, Vec::new()));
            }
        }
    }
    for (f, (similar, mut extra)) in out.iter_mut().zip(others) {
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
    out
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
    fn alike_findings_become_one_with_the_others_evidence() {
        let merged = merge_alike(vec![
            finding("a", "why", 3, 0),
            finding("b", "why", 5, 1),
            finding("a", "why", 12, 2),
            finding("a", "other cause", 20, 3),
            finding("a", "why", 30, 2),
        ]);
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
