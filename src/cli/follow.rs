//! `edgecap summary --follow --json-lines FILE|-`: the live summary. Opens
//! the capture to follow it, makes Ctrl-C (SIGINT) and SIGTERM end the run
//! cleanly (a second Ctrl-C exits at once, status 130), runs the live
//! driver and writes its lines ([`crate::report::jsonl_live`]); exits like
//! the batch summary, on the final diagnosis.

use super::args::SummaryArgs;
use super::{findings_code, finish};
use crate::exit;
use crate::follow::{self, Next};
use crate::report::jsonl_live::LiveLines;
use edgecap_capture::{open_follow, StopFlag};
use std::io::{self, Write};
use std::process::ExitCode;

/// Raises `stop` on SIGINT and SIGTERM; a SIGINT while it is raised exits.
pub fn stop_on_signals(stop: &StopFlag) -> io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::flag;
    flag::register_conditional_shutdown(SIGINT, 130, std::sync::Arc::clone(stop))?;
    flag::register(SIGINT, std::sync::Arc::clone(stop))?;
    flag::register(SIGTERM, std::sync::Arc::clone(stop))?;
    Ok(())
}

/// Runs the live summary (see the module docs).
pub fn summary(args: &SummaryArgs) -> ExitCode {
    if !args.logs.is_empty() || !args.offsets.is_empty() {
        eprintln!("edgecap: --follow reads one capture; logs are read by the batch summary");
        return ExitCode::from(exit::ERROR);
    }
    let stop = StopFlag::default();
    if let Err(e) = stop_on_signals(&stop) {
        eprintln!("edgecap: cannot handle Ctrl-C: {e}");
        return ExitCode::from(exit::ERROR);
    }
    let opts = args.edge.analyze_options();
    let reader = match open_follow(&args.file, opts.inflate, stop.clone()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("edgecap: {e}");
            return ExitCode::from(exit::ERROR);
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut lines = LiveLines::default();
    let mut written = Ok(());
    let name = edgecap_core::safe::path_bytes(&args.file);
    let mut worst = ExitCode::SUCCESS;
    follow::run(
        reader,
        &name,
        &opts,
        &args.edge.edge_config(),
        &stop,
        &mut |tick| {
            if written.is_ok() {
                written = lines.write_tick(&tick, &mut out);
            }
            if tick.done {
                worst = findings_code(args.fail_on, &tick.diagnosis);
                // The process ends soon: returning the analysis' memory
                // piece by piece would only cost time.
                std::mem::forget(tick);
                return Next::Stop;
            }
            // A closed output (`| head`) ends the run.
            if written.is_ok() {
                Next::Continue
            } else {
                Next::Stop
            }
        },
    );
    finish(written.and_then(|()| out.flush()), worst)
}
