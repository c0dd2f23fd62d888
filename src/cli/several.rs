//! `edgecap summary` and `edgecap ladder` with several captures: each is
//! analysed and diagnosed on its own, then they are joined
//! ([`crate::vantage`]); logs given beside them are read against the first
//! capture, as with one. Exit codes as with one capture, over every
//! capture's findings and the join's.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::args::{FailOn, LadderArgs, LadderFormat, SummaryArgs, TimeChoice};
use super::finish;
use crate::inputs::{self, InputKind};
use crate::ladder::path;
use crate::report::json::Report;
use crate::report::sink::Spill;
use crate::report::{jsonl_join, logs_text, vantage_text};
use crate::vantage::{self, Vantage};
use crate::{color, exit};
use edgecap_sip::log::LogKind;

/// The captures and logs among the summary's files.
#[derive(Debug)]
pub struct Split {
    /// The captures, in the order given.
    pub captures: Vec<PathBuf>,
    /// The logs.
    pub logs: Vec<(PathBuf, LogKind)>,
}

/// Sorts `file` and `more` into captures and logs by content when there are
/// several captures among them (`None` for one capture, which the
/// single-capture path handles, errors included).
pub fn captures_among(file: &Path, more: &[PathBuf]) -> Result<Option<Split>, String> {
    if more.is_empty() {
        return Ok(None);
    }
    let mut split = Split {
        captures: Vec::new(),
        logs: Vec::new(),
    };
    for p in std::iter::once(file).chain(more.iter().map(PathBuf::as_path)) {
        match inputs::sniff(p) {
            Ok(InputKind::Capture) => split.captures.push(p.to_path_buf()),
            Ok(InputKind::Log(k)) => split.logs.push((p.to_path_buf(), k)),
            // The single-capture path names the unreadable file.
            Err(_) => return Ok(None),
        }
    }
    if split
        .captures
        .iter()
        .filter(|p| p.as_path() == Path::new("-"))
        .count()
        > 0
    {
        return Err("standard input cannot be one of several captures".to_string());
    }
    Ok((split.captures.len() > 1).then_some(split))
}

fn load(
    captures: &[PathBuf],
    logs: &[PathBuf],
    names: &[(PathBuf, String)],
    offsets: &[(PathBuf, i64)],
    edge: &super::args::EdgeArgs,
) -> Result<(Vec<Vantage>, edgecap_analyze::join::Join), String> {
    vantage::check_flags(captures, logs, names, offsets)?;
    let capture_offsets: Vec<(PathBuf, i64)> = offsets
        .iter()
        .filter(|(p, _)| captures.contains(p))
        .cloned()
        .collect();
    vantage::load_and_join(captures, names, &capture_offsets, edge)
}

/// `edgecap summary A B …`.
pub fn summary(args: &SummaryArgs, split: Split) -> ExitCode {
    let log_paths: Vec<PathBuf> = split.logs.iter().map(|(p, _)| p.clone()).collect();
    let (vs, join) = match load(
        &split.captures,
        &log_paths,
        &args.names,
        &args.offsets,
        &args.edge,
    ) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("edgecap: {e}");
            return ExitCode::from(exit::ERROR);
        }
    };
    let mut logs = Vec::new();
    for (path, kind) in split.logs {
        match inputs::read_log(&path, kind) {
            Ok(mut log) => {
                log.offset_override = args
                    .offsets
                    .iter()
                    .find(|(p, _)| *p == path)
                    .map(|(_, o)| *o);
                inputs::correlate(&mut log, &vs[0].analysis);
                logs.push(log);
            }
            Err(e) => {
                eprintln!("edgecap: {}: {e}", edgecap_core::safe::escape_path(&path));
                return ExitCode::from(exit::ERROR);
            }
        }
    }
    let stdout = io::stdout();
    let color = color::wanted(args.color, stdout.is_terminal());
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let written = if args.json {
        Report::new(&vs[0].analysis, &vs[0].diagnosis)
            .with_inputs(&logs)
            .with_vantage(&vs, &join)
            .write_to(&mut out)
    } else if args.json_lines {
        jsonl_join::write_lines(&vs, &join, &logs, &mut out)
    } else {
        let opts = vantage_text::VantageOptions {
            color,
            max_rows: args.max_flows,
            brief: args.brief,
            explain: args.explain,
        };
        let mut sink = Spill::new(&mut out);
        vantage_text::write_to(&mut sink, &vs, &join, opts);
        sink.finish().and_then(|()| {
            if args.brief {
                Ok(())
            } else {
                logs_text::write_logs(&mut out, &logs)
            }
        })
    };
    let failed = match (args.fail_on, vantage::worst(&vs, &join)) {
        (FailOn::AtLeast(threshold), Some(worst)) => worst <= threshold,
        _ => false,
    };
    let code = if failed {
        ExitCode::from(exit::FINDINGS)
    } else {
        ExitCode::SUCCESS
    };
    let result = finish(written.and_then(|()| out.flush()), code);
    std::mem::forget((vs, join));
    result
}

/// `edgecap ladder A B …`: the joined ladder as text.
pub fn ladder(args: &LadderArgs) -> ExitCode {
    let fail = |e: String| {
        eprintln!("edgecap: {e}");
        ExitCode::from(exit::ERROR)
    };
    if !args.flows.is_empty() {
        return fail("--flow takes one capture (flow ids are per capture)".to_string());
    }
    if args.format != LadderFormat::Text || args.time != TimeChoice::Relative {
        return fail(
            "several captures: the ladder is text, with times relative to the first packet on the first capture's clock"
                .to_string(),
        );
    }
    let mut captures = vec![args.file.clone()];
    captures.extend(args.logs.iter().cloned());
    for p in &captures {
        match inputs::sniff(p) {
            Ok(InputKind::Capture) => {}
            Ok(InputKind::Log(_)) => {
                return fail(format!(
                    "{}: a log; the ladder joins captures only",
                    edgecap_core::safe::escape_path(p)
                ))
            }
            Err(e) => return fail(format!("{}: {e}", edgecap_core::safe::escape_path(p))),
        }
    }
    let (vs, join) = match load(&captures, &[], &args.names, &args.offsets, &args.edge) {
        Ok(loaded) => loaded,
        Err(e) => return fail(e),
    };
    let analyses: Vec<&edgecap_analyze::Analysis> = vs.iter().map(|v| &v.analysis).collect();
    let rows = path::rows(&analyses, &join);
    let text = path::to_text(&join, &rows, 0);
    let mut out = io::stdout().lock();
    let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    finish(written, ExitCode::SUCCESS)
}
