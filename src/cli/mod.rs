//! The command line: parses arguments, opens the input, runs the chosen mode
//! and maps the result to an exit code: 0 no finding at or above `--fail-on`,
//! 1 there is one, 2 fatal error (or bad usage).

pub mod args;
pub mod follow;
pub mod generate;
pub mod several;
pub mod typo;

use crate::inputs::{self, LogInput};
use crate::ladder::{self, Index};
use crate::report::{brief, json::Report, jsonl, logs_text, text};
use crate::{color, exit};
use args::{Cli, Command, EdgeArgs, FailOn, LadderArgs, LadderFormat, ReportArgs, SummaryArgs};
use edgecap_analyze::{analyze_capture, Analysis, AnalyzeOptions};
use edgecap_analyze::{diagnose, Diagnosis};
use edgecap_capture::open_capture_with;
use edgecap_core::Error;
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// Runs the command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Summary(args)) => summary(&args),
        Some(Command::Ladder(args)) => ladder_command(&args),
        Some(Command::Annotate(args)) => crate::annotate::run(&args),
        Some(Command::Report(args)) => report_command(&args),
        Some(Command::Completions(args)) => finish(
            generate::completions(args.shell, &mut io::stdout()),
            ExitCode::SUCCESS,
        ),
        Some(Command::Manpage) => finish(generate::manpage(&mut io::stdout()), ExitCode::SUCCESS),
        None => match cli.file {
            Some(file) => timeline(&file, &cli.tui),
            None => {
                eprintln!(
                    "edgecap: no capture given; try `edgecap summary FILE` or `edgecap --help`"
                );
                ExitCode::from(exit::ERROR)
            }
        },
    }
}

#[cfg(feature = "tui")]
fn timeline(file: &Path, args: &args::TuiArgs) -> ExitCode {
    let opts = crate::tui::TuiOptions {
        analyze: args.edge.analyze_options(),
        edge: args.edge.edge_config(),
        color: color::wanted(args.color, true),
        export_dir: args.export_dir.clone(),
        logs: args.logs.clone(),
        follow: args.follow,
    };
    if matches!(several::captures_among(file, &args.logs), Ok(Some(_))) {
        eprintln!(
            "edgecap: the interactive timeline shows one capture; join several with \
             `edgecap summary A B …` or `edgecap ladder A B …`"
        );
        return ExitCode::from(exit::ERROR);
    }
    if (args.follow || file == Path::new("-")) && !args.logs.is_empty() {
        eprintln!(
            "edgecap: a live timeline reads one capture; logs are read beside a finished capture"
        );
        return ExitCode::from(exit::ERROR);
    }
    if let Some(dir) = &args.export_dir {
        if !dir.is_dir() {
            eprintln!(
                "edgecap: --export-dir {}: not a directory",
                edgecap_core::safe::escape_path(dir)
            );
            return ExitCode::from(exit::ERROR);
        }
    }
    crate::tui::run(file, opts)
}

#[cfg(not(feature = "tui"))]
fn timeline(file: &Path, _args: &args::TuiArgs) -> ExitCode {
    eprintln!(
        "edgecap: this build has no interactive timeline (cargo feature `tui`); \
         run `edgecap summary {}` for the batch summary",
        edgecap_core::safe::escape_path(file)
    );
    ExitCode::from(exit::ERROR)
}

/// Opens and analyses a capture through every layer, protocols included.
pub fn load(path: &Path, opts: &AnalyzeOptions) -> Result<Analysis, Error> {
    let reader = open_capture_with(path, opts.inflate)?;
    Ok(analyze_capture(
        reader,
        edgecap_core::safe::path_bytes(path),
        opts,
    ))
}

/// Loads and diagnoses `file` with the edge flags, or prints why it could
/// not be read (the caller exits 2).
fn load_diagnosed(file: &Path, edge: &EdgeArgs) -> Option<(Analysis, Diagnosis)> {
    match load(file, &edge.analyze_options()) {
        Ok(analysis) => {
            let diagnosis = diagnose(&analysis, &edge.edge_config());
            Some((analysis, diagnosis))
        }
        Err(e) => {
            eprintln!("edgecap: {e}");
            None
        }
    }
}

/// The files of a command, read: the capture (`None` when a log is read
/// alone, then the only log) and the logs.
type Inputs = (Option<std::path::PathBuf>, Vec<LogInput>);

/// Splits the files into the capture and the logs, and reads the logs;
/// prints why it could not (the caller exits 2). A log given alone has no
/// capture: it becomes the timeline.
fn read_logs(
    file: &Path,
    more: &[std::path::PathBuf],
    offsets: &[(std::path::PathBuf, i64)],
) -> Option<Inputs> {
    if more.is_empty() {
        match inputs::sniff(file) {
            Ok(inputs::InputKind::Log(kind)) => {
                if let Some((p, _)) = offsets.first() {
                    eprintln!(
                        "edgecap: --offset {}: a log read alone is on its own clock",
                        edgecap_core::safe::escape_path(p)
                    );
                    return None;
                }
                return match inputs::read_log(file, kind) {
                    Ok(log) => Some((None, vec![log])),
                    Err(e) => {
                        eprintln!("edgecap: {}: {e}", edgecap_core::safe::escape_path(file));
                        None
                    }
                };
            }
            // One file: the capture reader reports a missing or unreadable file.
            _ if offsets.is_empty() => return Some((Some(file.to_path_buf()), Vec::new())),
            _ => {}
        }
    }
    let mut all = vec![file.to_path_buf()];
    all.extend(more.iter().cloned());
    let (capture, kinds) = match inputs::split_inputs(&all) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("edgecap: {e}");
            return None;
        }
    };
    let mut logs = Vec::new();
    for (path, kind) in kinds {
        match inputs::read_log(&path, kind) {
            Ok(mut log) => {
                log.offset_override = offsets.iter().find(|(p, _)| *p == path).map(|(_, o)| *o);
                logs.push(log);
            }
            Err(e) => {
                eprintln!("edgecap: {}: {e}", edgecap_core::safe::escape_path(&path));
                return None;
            }
        }
    }
    if let Some((p, _)) = offsets
        .iter()
        .find(|(p, _)| !logs.iter().any(|l| l.path == *p))
    {
        eprintln!(
            "edgecap: --offset {}: not one of the logs given",
            edgecap_core::safe::escape_path(p)
        );
        return None;
    }
    Some((Some(capture), logs))
}

/// Analyses and diagnoses the inputs: the capture with each log correlated
/// against it, or the log read alone as the timeline.
fn load_inputs(
    capture: Option<&Path>,
    logs: &mut [LogInput],
    edge: &EdgeArgs,
) -> Option<(Analysis, Diagnosis)> {
    let Some(capture) = capture else {
        let analysis = inputs::analyze_alone(logs.first_mut()?);
        let diagnosis = diagnose(&analysis, &edge.edge_config());
        return Some((analysis, diagnosis));
    };
    let (analysis, mut diagnosis) = load_diagnosed(capture, edge)?;
    for log in logs.iter_mut() {
        inputs::correlate(log, &analysis);
        if let Some(f) = inputs::clock_finding(log) {
            diagnosis.add(f);
        }
        for f in inputs::exchange_findings(log) {
            diagnosis.add(f);
        }
    }
    let issued = inputs::issued_in_logs(logs);
    edgecap_analyze::mras_credentials::apply(&analysis, &mut diagnosis, &issued);
    Some((analysis, diagnosis))
}

fn summary(args: &SummaryArgs) -> ExitCode {
    if args.follow {
        return follow::summary(args);
    }
    match several::captures_among(&args.file, &args.logs) {
        Ok(Some(split)) => return several::summary(args, split),
        Ok(None) => {}
        Err(e) => {
            eprintln!("edgecap: {e}");
            return ExitCode::from(exit::ERROR);
        }
    }
    let Some((capture, mut logs)) = read_logs(&args.file, &args.logs, &args.offsets) else {
        return ExitCode::from(exit::ERROR);
    };
    let Some((analysis, diagnosis)) = load_inputs(capture.as_deref(), &mut logs, &args.edge) else {
        return ExitCode::from(exit::ERROR);
    };
    let stdout = io::stdout();
    let color = color::wanted(args.color, stdout.is_terminal());
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let written = if args.json {
        Report::new(&analysis, &diagnosis)
            .with_inputs(&logs)
            .write_to(&mut out)
    } else if args.json_lines {
        jsonl::write_lines_with_inputs(&analysis, &diagnosis, &logs, &mut out)
    } else if args.brief {
        let opts = brief::BriefOptions {
            color,
            explain: args.explain,
        };
        brief::write_to(&mut out, &analysis, &diagnosis, opts)
    } else {
        let opts = text::TextOptions {
            max_flows: args.max_flows,
            max_steps: args.max_steps,
            color,
        };
        text::write_to(&mut out, &analysis, &diagnosis, opts)
            .and_then(|()| logs_text::write_logs(&mut out, &logs))
    };
    let code = findings_code(args.fail_on, &diagnosis);
    let result = finish(written.and_then(|()| out.flush()), code);
    // The process ends here: returning the analysis' memory piece by piece
    // (a busy edge's millions of records) would only cost time.
    std::mem::forget((analysis, diagnosis));
    result
}

/// The exit code for `diagnosis` under `--fail-on`: 1 when a finding is at
/// or above the threshold, else 0.
fn findings_code(fail_on: FailOn, diagnosis: &Diagnosis) -> ExitCode {
    let failed = match (fail_on, diagnosis.worst()) {
        (FailOn::AtLeast(threshold), Some(worst)) => worst <= threshold,
        _ => false,
    };
    if failed {
        ExitCode::from(exit::FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// `edgecap report`: the HTML page, written to a file created for it (exit 0,
/// or 2 when the capture cannot be read or the file not created).
fn report_command(args: &ReportArgs) -> ExitCode {
    let mut file = match crate::output::create_new(&args.output) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("edgecap: {e}");
            return ExitCode::from(exit::ERROR);
        }
    };
    let Some((analysis, diagnosis)) = load_diagnosed(&args.file, &args.edge) else {
        // The file is ours: created empty above.
        let _ = std::fs::remove_file(&args.output);
        return ExitCode::from(exit::ERROR);
    };
    let page = crate::report::html::render(&analysis, &diagnosis);
    match file.write_all(page.as_bytes()).and_then(|()| file.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "edgecap: cannot write {}: {e}",
                edgecap_core::safe::escape_path(&args.output)
            );
            ExitCode::from(exit::ERROR)
        }
    }
}

/// `code` once the output is written; a closed pipe (`edgecap … | head`) is
/// not an error, any other write failure is.
fn finish(written: io::Result<()>, code: ExitCode) -> ExitCode {
    match written {
        Ok(()) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            eprintln!("edgecap: cannot write output: {e}");
            ExitCode::from(exit::ERROR)
        }
    }
}

/// The rows of `index` to export: all of them, or those of `flows` (flow
/// ids as in the summary's Flows table). An id no flow has is an error
/// naming the valid range.
fn ladder_rows(index: &Index, analysis: &Analysis, flows: &[u32]) -> Result<Vec<usize>, String> {
    let ids = || analysis.flows.iter().map(|f| f.id.0);
    if let Some(bad) = flows.iter().find(|n| !ids().any(|id| id == **n)) {
        let valid = match (ids().min(), ids().max()) {
            (Some(lo), Some(hi)) => format!("flows are {lo}-{hi}"),
            _ => "the capture has no flows".to_string(),
        };
        return Err(format!(
            "--flow {bad}: no such flow ({valid}; see `edgecap summary`)"
        ));
    }
    Ok((0..index.rows.len())
        .filter(|&i| flows.is_empty() || flows.contains(&index.rows[i].flow.0))
        .collect())
}

fn ladder_command(args: &LadderArgs) -> ExitCode {
    match several::captures_among(&args.file, &args.logs) {
        Ok(Some(_)) => return several::ladder(args),
        Ok(None) => {}
        Err(e) => {
            eprintln!("edgecap: {e}");
            return ExitCode::from(exit::ERROR);
        }
    }
    if !args.names.is_empty() {
        eprintln!("edgecap: --name takes several captures");
        return ExitCode::from(exit::ERROR);
    }
    let Some((capture, mut logs)) = read_logs(&args.file, &args.logs, &args.offsets) else {
        return ExitCode::from(exit::ERROR);
    };
    let Some((analysis, diagnosis)) = load_inputs(capture.as_deref(), &mut logs, &args.edge) else {
        return ExitCode::from(exit::ERROR);
    };
    let index = Index::build_with_logs(&analysis, &diagnosis, &logs);
    let rows = match ladder_rows(&index, &analysis, &args.flows) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!(
                "edgecap: {}: {e}",
                edgecap_core::safe::escape_path(&args.file)
            );
            return ExitCode::from(exit::ERROR);
        }
    };
    let text = match args.format {
        LadderFormat::Text => ladder::to_text(&index, &rows, args.time.into()),
        LadderFormat::Mermaid => ladder::to_mermaid(&index, &rows),
    };
    let mut out = io::stdout().lock();
    let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    finish(written, ExitCode::SUCCESS)
}
