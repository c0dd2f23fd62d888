//! `edgecap summary --json-lines A B …`: several captures joined, as JSON
//! lines. First each capture's own lines as [`super::jsonl`] writes them for
//! one capture (`capture`, `flow`, `stun`, …, `finding`, `sip`), each with
//! `"input": NAME` after its `type`; then one `input` line per capture (the
//! `inputs` entry of `--json` without its findings: name, file, packets,
//! times, clock offset ± error and basis) and per log, one `nat_mapping`
//! line per NAT mapping, one `host` line per host of the roles from all
//! captures, one `path_finding` line per finding across captures (the
//! `join` object's entries, uncapped), and one `end` counting every kind.

use std::io::{self, Write};

use serde::{Serialize, Serializer};

use super::json_join::{self, finding_json, host_json, nat_json};
use super::jsonl::{capture_lines, write_all, write_line, Line, KINDS};
use crate::inputs::LogInput;
use crate::vantage::Vantage;
use edgecap_analyze::join::Join;

/// The kinds of lines of the join, after those of [`KINDS`], in output order.
pub const JOIN_KINDS: [&str; 3] = ["nat_mapping", "host", "path_finding"];

/// Writes the captures and their join as JSON lines (see the module docs).
pub fn write_lines<W: Write>(
    vs: &[Vantage],
    join: &Join,
    logs: &[LogInput],
    out: &mut W,
) -> io::Result<()> {
    let names = json_join::names(vs);
    let mut counts = [0u64; KINDS.len() + JOIN_KINDS.len()];
    for (v, name) in vs.iter().zip(&names) {
        let own = capture_lines(&v.analysis, &v.diagnosis, Some(name), out)?;
        for (total, n) in counts.iter_mut().zip(own) {
            *total += n;
        }
    }
    let inputs = json_join::capture_inputs(vs, join, 0)
        .into_iter()
        .map(|mut c| {
            c.findings = None;
            c
        });
    counts[KINDS.len() - 1] = write_all(out, "input", None, inputs)?
        + write_all(
            out,
            "input",
            None,
            logs.iter()
                .map(|l| super::json_inputs::input_json(l, usize::MAX)),
        )?;
    let base = KINDS.len();
    counts[base] = write_all(
        out,
        JOIN_KINDS[0],
        None,
        join.nat.iter().map(|m| nat_json(m, &names)),
    )?;
    counts[base + 1] = write_all(
        out,
        JOIN_KINDS[1],
        None,
        join.roles
            .hosts
            .iter()
            .map(|h| host_json(h, &names, usize::MAX)),
    )?;
    counts[base + 2] = write_all(
        out,
        JOIN_KINDS[2],
        None,
        join.findings.iter().map(|f| finding_json(f, &names)),
    )?;
    write_line(
        out,
        &Line {
            kind: "end",
            entry: EndCounts(counts),
        },
    )
}

/// The `end` line's entry: lines written per kind, [`KINDS`] then
/// [`JOIN_KINDS`].
struct EndCounts([u64; KINDS.len() + JOIN_KINDS.len()]);

impl Serialize for EndCounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(KINDS.iter().chain(JOIN_KINDS.iter()).zip(self.0.iter()))
    }
}
