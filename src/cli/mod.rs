//! The command line: parses arguments, opens the input, runs the chosen mode
//! and maps the result to an exit code (0 ok, 1 findings — later —, 2 error).

pub mod args;

use crate::capture::CaptureReader;
use crate::engine::{analyze_capture, Analysis, AnalyzeOptions};
use crate::report::{json::Report, text};
use crate::{Error, ErrorKind};
use args::{Cli, Command, SummaryArgs};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;

/// Exit code for a fatal error (unreadable input, not a capture, bad usage).
pub const EXIT_ERROR: u8 = 2;

/// Runs the command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Summary(args)) => summary(&args),
        None => match cli.file {
            Some(file) => {
                eprintln!(
                    "edgecap: the interactive timeline is not available in this version yet; \
                     run `edgecap summary {}` for the batch summary",
                    file.display()
                );
                ExitCode::from(EXIT_ERROR)
            }
            None => {
                eprintln!(
                    "edgecap: no capture given; try `edgecap summary FILE` or `edgecap --help`"
                );
                ExitCode::from(EXIT_ERROR)
            }
        },
    }
}

/// Opens `path` (`-` is standard input) as a capture.
pub fn open_capture(path: &Path) -> Result<CaptureReader, Error> {
    let name = path.display().to_string();
    let input: Box<dyn Read + Send> = if name == "-" {
        Box::new(io::stdin())
    } else {
        let file = File::open(path)
            .map_err(|e| Error::new(ErrorKind::Io, format!("{name}: cannot open: {e}")))?;
        Box::new(file)
    };
    CaptureReader::new(input, &name)
}

/// Opens and analyses a capture through every layer, protocols included.
pub fn load(path: &Path, opts: &AnalyzeOptions) -> Result<Analysis, Error> {
    let reader = open_capture(path)?;
    Ok(analyze_capture(reader, &path.display().to_string(), opts))
}

fn summary(args: &SummaryArgs) -> ExitCode {
    let opts = AnalyzeOptions {
        credentials: args.credentials.clone(),
    };
    let analysis = match load(&args.file, &opts) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("edgecap: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let stdout = io::stdout().lock();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout);
    let written = if args.json {
        Report::new(&analysis).write_to(&mut out)
    } else {
        let opts = text::TextOptions {
            max_flows: args.max_flows,
            max_steps: args.max_steps,
        };
        out.write_all(text::render(&analysis, opts).as_bytes())
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`edgecap summary x | head`) is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("edgecap: cannot write output: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
