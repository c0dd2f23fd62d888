//! `edgecap summary --follow --json-lines`: JSON lines written as things
//! happen on a capture still being written, for monitoring scripts. The
//! lines have the shape and entries of `--json-lines` ([`super::jsonl`]):
//!
//! * `flow` — a flow whose payload ended (reset, closed by both sides,
//!   expired), written at the tick after it ended; flows still open when
//!   the capture ends come at the end;
//! * `allocation` — a TURN allocation story when its outcome is decided or
//!   changes (an Allocate success or error response); outcomes that only
//!   the end decides (no response, challenge not answered) come at the end;
//! * `finding` — a finding once it is certain (see
//!   `edgecap_analyze::live::Certainty`); the rest at the end;
//!
//! then, when the capture ends, one `capture` line (the final facts) and one
//! `end` line counting the lines of each kind. Each line is flushed as it
//! is written.

use super::json::{flow_json, CaptureJson};
use super::json_diag::finding_json;
use super::json_proto::story_json;
use super::jsonl::{write_line, CaptureLine, Line};
use crate::follow::Tick;
use edgecap_proto::stun::allocation::{AllocationOutcome, AllocationStory};
use serde::{Serialize, Serializer};
use std::collections::HashSet;
use std::io::{self, Write};

/// The kinds of lines written before `capture` and `end`, as the `end` line counts them.
pub const LIVE_KINDS: [&str; 3] = ["flow", "allocation", "finding"];

/// The writer's memory of what it wrote.
#[derive(Default)]
pub struct LiveLines {
    /// Allocation outcomes written: (story start frame, outcome).
    outcomes: HashSet<(u64, String)>,
    counts: [u64; LIVE_KINDS.len()],
}

/// The key of an allocation story's outcome, when it is decided.
fn decided(s: &AllocationStory, done: bool) -> Option<(u64, String)> {
    let start = s.steps.first().map_or(0, |st| st.frame.0);
    let key = match s.outcome {
        AllocationOutcome::Allocated { frame, .. } => format!("allocated@{}", frame.0),
        AllocationOutcome::Failed { frame, code } => format!("failed {code}@{}", frame.0),
        other if done => format!("{other:?}"),
        _ => return None,
    };
    Some((start, key))
}

impl LiveLines {
    /// Writes the lines of one tick and flushes them.
    pub fn write_tick<W: Write>(&mut self, tick: &Tick, out: &mut W) -> io::Result<()> {
        let a = &tick.analysis;
        for id in &tick.ended {
            if let Some(f) = a.flow(*id) {
                let entry = flow_json(f, a.proto.flow_label(f.id));
                self.line(out, 0, &entry)?;
            }
        }
        for s in super::stories_in_order(a) {
            if let Some(key) = decided(s, tick.done) {
                if self.outcomes.insert(key) {
                    self.line(out, 1, &story_json(a, s))?;
                }
            }
        }
        for &i in &tick.newly_certain {
            if let Some(f) = tick.diagnosis.findings.get(i) {
                self.line(out, 2, &finding_json(f))?;
            }
        }
        if tick.done {
            let capture = CaptureJson::new(a);
            write_line(
                out,
                &CaptureLine {
                    kind: "capture",
                    input: None,
                    edgecap_version: env!("CARGO_PKG_VERSION"),
                    capture: &capture,
                },
            )?;
            write_line(
                out,
                &Line {
                    kind: "end",
                    entry: EndCounts(self.counts),
                },
            )?;
        }
        out.flush()
    }

    fn line<W: Write, T: Serialize>(
        &mut self,
        out: &mut W,
        kind: usize,
        entry: &T,
    ) -> io::Result<()> {
        self.counts[kind] += 1;
        write_line(
            out,
            &Line {
                kind: LIVE_KINDS[kind],
                entry,
            },
        )
    }
}

/// The `end` line's entry: lines written per kind, in [`LIVE_KINDS`] order.
struct EndCounts([u64; LIVE_KINDS.len()]);

impl Serialize for EndCounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(LIVE_KINDS.iter().zip(self.0.iter()))
    }
}

#[cfg(test)]
mod tests;
