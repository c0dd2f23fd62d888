//! Each explanation sentence printed once per finding id in a text report.
//! Findings of one id on different servers or transports share most of
//! their explanation (what a relayed and a reflexive address are, say);
//! printed in full under each, the reader meets the same paragraph twice.
//! [`Explained::fresh`] keeps a finding's explanation but leaves out the
//! sentences an earlier finding with the same id already printed; when
//! nothing new is left, it points up instead. JSON, the HTML page and the
//! timeline keep every explanation whole (each finding is read alone there).
//! Memory: one entry per distinct sentence, bounded by the findings.

use std::collections::HashSet;

/// What a finding says when all its sentences were printed above.
pub const AS_ABOVE: &str = "As explained above for the same finding.";

/// The sentences printed so far, by finding id.
#[derive(Debug, Default)]
pub struct Explained {
    seen: HashSet<(&'static str, String)>,
}

impl Explained {
    /// Nothing printed yet.
    pub fn new() -> Explained {
        Explained::default()
    }

    /// `explanation` without the sentences already printed for `id` (then
    /// remembered as printed), or [`AS_ABOVE`] when none is left.
    pub fn fresh(&mut self, id: &'static str, explanation: &str) -> String {
        let mut kept: Vec<&str> = Vec::new();
        for s in sentences(explanation) {
            if self.seen.insert((id, s.to_string())) {
                kept.push(s);
            }
        }
        if kept.is_empty() && !explanation.trim().is_empty() {
            return AS_ABOVE.to_string();
        }
        kept.join(" ")
    }
}

/// `text` cut after each `. ` that a capital letter follows (so `e.g. the`
/// and the dots inside addresses do not cut), each sentence trimmed.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, w) in bytes.windows(3).enumerate() {
        if w[0] == b'.' && w[1] == b' ' && w[2].is_ascii_uppercase() {
            out.push(text[start..=i].trim());
            start = i + 2;
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

#[cfg(test)]
mod tests;
