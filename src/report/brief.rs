//! `edgecap summary --brief`: the answer on one screen — a header line with
//! the capture and the finding counts, one line per finding (worst first,
//! as the diagnosis sorts them), then one line per role. `--explain` adds
//! each finding's explanation under it (each sentence once per finding id,
//! as in the full summary). Everything from the capture is
//! escaped, as in the full summary.

use std::fmt::Write;
use std::io;

use super::diagnosis::{wrap, Style};
use super::explained::Explained;
use super::sink::{Spill, TextSink};
use edgecap_analyze::{Analysis, Diagnosis, Role, Severity};
use edgecap_core::safe::{escape, escape_bytes};

/// Most findings listed: with more, the last line says how many were left
/// out (the full summary lists them all).
pub const MAX_BRIEF_FINDINGS: usize = 15;

/// Most addresses named per role line (then "and N more").
pub const MAX_BRIEF_ADDRESSES: usize = 6;

/// Options of the brief summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct BriefOptions {
    /// Colour the severity tags.
    pub color: bool,
    /// Print each finding's explanation under it.
    pub explain: bool,
}

/// Writes the brief summary to `out` as it is produced.
pub fn write_to<W: io::Write>(
    out: &mut W,
    analysis: &Analysis,
    diagnosis: &Diagnosis,
    opts: BriefOptions,
) -> io::Result<()> {
    let mut sink = Spill::new(out);
    render_into(&mut sink, analysis, diagnosis, opts);
    sink.finish()
}

/// The brief summary as a string (tests).
pub fn render(analysis: &Analysis, diagnosis: &Diagnosis, opts: BriefOptions) -> String {
    let mut out = String::new();
    render_into(&mut out, analysis, diagnosis, opts);
    out
}

fn render_into<S: TextSink>(
    out: &mut S,
    analysis: &Analysis,
    diagnosis: &Diagnosis,
    opts: BriefOptions,
) {
    let c = &analysis.capture;
    let findings = &diagnosis.findings;
    let count = |s: Severity| diagnosis.count(s);
    let damage = if c.warnings.is_empty() {
        String::new()
    } else {
        format!(
            ", {} capture warning{} (see the full summary)",
            c.warnings.len(),
            if c.warnings.len() == 1 { "" } else { "s" }
        )
    };
    let _ = writeln!(
        out,
        "{}: {} error, {} warning, {} info — {} packets, {:.1} s{damage}",
        escape_bytes(&c.name),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
        c.packets,
        c.duration_secs(),
    );
    let style = Style { color: opts.color };
    let mut explained = Explained::new();
    for f in findings.iter().take(MAX_BRIEF_FINDINGS) {
        let _ = writeln!(
            out,
            "{}  {}  {}",
            style.severity(f.severity),
            f.id,
            escape(&f.summary)
        );
        if opts.explain {
            let text = explained.fresh(f.id, &f.explanation);
            wrap(out, "         ", &escape(&text));
        }
        out.spill();
    }
    if findings.len() > MAX_BRIEF_FINDINGS {
        let _ = writeln!(
            out,
            "… and {} more findings (`edgecap summary` without --brief lists them all)",
            findings.len() - MAX_BRIEF_FINDINGS
        );
    }
    for role in Role::ALL {
        let addresses: Vec<String> = diagnosis
            .roles
            .assignments
            .iter()
            .filter(|a| a.role == role)
            .map(|a| a.address.to_string())
            .collect();
        if addresses.is_empty() {
            continue;
        }
        let mut line = addresses
            .iter()
            .take(MAX_BRIEF_ADDRESSES)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if addresses.len() > MAX_BRIEF_ADDRESSES {
            let _ = write!(line, " and {} more", addresses.len() - MAX_BRIEF_ADDRESSES);
        }
        let _ = writeln!(out, "{:<13}  {line}", role.as_str());
    }
}
