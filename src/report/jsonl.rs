//! `edgecap summary --json-lines`: the whole analysis as JSON lines, one
//! compact object per line, each written to the output as soon as it is
//! serialised (nothing is collected, so memory does not grow with the
//! output, and nothing is capped).
//!
//! Every line is `{"type": KIND, KIND: ENTRY}`: the tag first, then the
//! entry under a key named like the tag. The entry is the very object the
//! `--json` document lists (same structs, same escaping); it is nested, not
//! merged, because STUN entries already have a `type` key (the message
//! type). Order: one `capture`, then every `flow`, `stun`, `tls`,
//! `allocation`, `turn_channel`, `icmp`, `anomaly` (id and count), `role`,
//! `finding`, `sip` and `input` (one per log given), then one `end` with the
//! number of lines of each kind.

use super::json::{CaptureJson, JsonLimits, Report};
use edgecap_analyze::{Analysis, Diagnosis};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::io::{self, Write};

/// One line: `{"type": kind, kind: entry}`.
pub(crate) struct Line<'k, T> {
    pub(crate) kind: &'k str,
    pub(crate) entry: T,
}

impl<T: Serialize> Serialize for Line<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("type", self.kind)?;
        map.serialize_entry(self.kind, &self.entry)?;
        map.end()
    }
}

/// A line of one capture among several: `{"type": kind, "input": NAME,
/// kind: entry}`; without a name, exactly a [`Line`].
pub(crate) struct Tagged<'k, T> {
    pub(crate) kind: &'k str,
    pub(crate) input: Option<&'k str>,
    pub(crate) entry: T,
}

impl<T: Serialize> Serialize for Tagged<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2 + usize::from(self.input.is_some())))?;
        map.serialize_entry("type", self.kind)?;
        if let Some(input) = self.input {
            map.serialize_entry("input", input)?;
        }
        map.serialize_entry(self.kind, &self.entry)?;
        map.end()
    }
}

/// The `capture` line's extra key: the version that wrote the lines.
#[derive(Serialize)]
pub(crate) struct CaptureLine<'a> {
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    /// The capture's name, among several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) input: Option<&'a str>,
    pub(crate) edgecap_version: &'static str,
    pub(crate) capture: &'a CaptureJson,
}

/// An `anomaly` line's entry.
#[derive(Serialize)]
struct AnomalyCount {
    id: &'static str,
    count: u64,
}

/// The kinds of lines between `capture` and `end`, in output order; the
/// `end` line counts each.
pub const KINDS: [&str; 11] = [
    "flow",
    "stun",
    "tls",
    "allocation",
    "turn_channel",
    "icmp",
    "anomaly",
    "role",
    "finding",
    "sip",
    "input",
];

pub(crate) fn write_line<W: Write, T: Serialize>(out: &mut W, line: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, line).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// Writes every line of `kind`, one entry at a time, tagged with `input`
/// when given; returns how many.
pub(crate) fn write_all<W: Write, T: Serialize>(
    out: &mut W,
    kind: &'static str,
    input: Option<&str>,
    entries: impl Iterator<Item = T>,
) -> io::Result<u64> {
    let mut n = 0;
    for entry in entries {
        write_line(out, &Tagged { kind, input, entry })?;
        n += 1;
    }
    Ok(n)
}

/// Writes the analysis as JSON lines (see the module docs). Generic over the
/// writer for the same reason as [`Report::write_to`].
pub fn write_lines<W: Write>(
    analysis: &Analysis,
    diagnosis: &Diagnosis,
    out: &mut W,
) -> io::Result<()> {
    write_lines_with_inputs(analysis, diagnosis, &[], out)
}

/// [`write_lines`] with one `input` line per log read beside the capture
/// (the `inputs` entry of `--json`, uncapped).
pub fn write_lines_with_inputs<W: Write>(
    analysis: &Analysis,
    diagnosis: &Diagnosis,
    logs: &[crate::inputs::LogInput],
    out: &mut W,
) -> io::Result<()> {
    let mut counts = capture_lines(analysis, diagnosis, None, out)?;
    counts[KINDS.len() - 1] = write_all(
        out,
        KINDS[10],
        None,
        logs.iter()
            .map(|l| super::json_inputs::input_json(l, usize::MAX)),
    )?;
    write_line(
        out,
        &Line {
            kind: "end",
            entry: EndCounts(counts),
        },
    )
}

/// The `capture` line and every line of [`KINDS`] but `input`, each tagged
/// with `input` when given; returns the lines written per kind (`input` 0).
pub(crate) fn capture_lines<W: Write>(
    analysis: &Analysis,
    diagnosis: &Diagnosis,
    input: Option<&str>,
    out: &mut W,
) -> io::Result<[u64; KINDS.len()]> {
    // The document's parts, uncapped: the lines list everything.
    let unlimited = JsonLimits {
        flows: usize::MAX,
        messages: usize::MAX,
        allocations: usize::MAX,
        roles_per_role: usize::MAX,
        findings: usize::MAX,
    };
    let r = Report::with_limits(analysis, diagnosis, unlimited);
    write_line(
        out,
        &CaptureLine {
            kind: "capture",
            input,
            edgecap_version: r.edgecap_version,
            capture: &r.capture,
        },
    )?;
    Ok([
        write_all(out, KINDS[0], input, r.flows.entries())?,
        write_all(
            out,
            KINDS[1],
            input,
            super::json_stun::stun_entries(analysis),
        )?,
        write_all(out, KINDS[2], input, r.tls.entries())?,
        write_all(out, KINDS[3], input, r.allocations.entries())?,
        write_all(out, KINDS[4], input, r.turn_channels.entries())?,
        write_all(out, KINDS[5], input, r.icmp.entries())?,
        write_all(
            out,
            KINDS[6],
            input,
            r.anomalies
                .counts
                .iter()
                .map(|(&id, &count)| AnomalyCount { id, count }),
        )?,
        write_all(out, KINDS[7], input, r.roles.entries())?,
        write_all(out, KINDS[8], input, r.findings.entries())?,
        write_all(out, KINDS[9], input, super::json_sip::sip_entries(analysis))?,
        0,
    ])
}

/// The `end` line's entry: lines written per kind, in [`KINDS`] order.
pub(crate) struct EndCounts(pub(crate) [u64; KINDS.len()]);

impl Serialize for EndCounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(KINDS.iter().zip(self.0.iter()))
    }
}
