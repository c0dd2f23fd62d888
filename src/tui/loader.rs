//! Loading off the UI thread: opens the capture, runs the analysis with a
//! progress callback, diagnoses it and builds the [`Loaded`] index, sending
//! [`Action`]s over a channel. A Lync / Skype for Business log given alone
//! is read instead, its SIP messages the timeline
//! ([`crate::inputs::analyze_alone`]). A panic in the loader becomes a
//! `LoadFailed` message instead of tearing down the terminal.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::action::Action;
use super::loaded::Loaded;
use edgecap_analyze::{analyze_capture_with_progress, AnalyzeOptions};
use edgecap_analyze::{diagnose, EdgeConfig};

/// The loader thread's name (the panic hook leaves the terminal alone for it).
pub const LOADER_THREAD: &str = "edgecap-loader";
/// Progress messages are sent at most this often.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(50);

/// Starts loading `path` (and the `logs` beside it) on its own thread.
pub fn spawn(
    path: PathBuf,
    logs: Vec<PathBuf>,
    opts: AnalyzeOptions,
    cfg: EdgeConfig,
    tx: Sender<Action>,
) -> std::io::Result<JoinHandle<()>> {
    thread::Builder::new()
        .name(LOADER_THREAD.to_string())
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| load(&path, &logs, &opts, &cfg, &tx)));
            let action = match result {
                Ok(Ok(loaded)) => Action::Loaded(Box::new(loaded)),
                Ok(Err(msg)) => Action::LoadFailed(msg),
                Err(_) => Action::LoadFailed("edgecap: internal error while loading".to_string()),
            };
            // The UI may have quit already; nothing to do then.
            let _ = tx.send(action);
        })
}

fn load(
    path: &std::path::Path,
    logs: &[PathBuf],
    opts: &AnalyzeOptions,
    cfg: &EdgeConfig,
    tx: &Sender<Action>,
) -> Result<Loaded, String> {
    let shown = |p: &std::path::Path, e: std::io::Error| {
        format!("edgecap: {}: {e}", edgecap_core::safe::escape_path(p))
    };
    let mut read_logs = Vec::new();
    for p in logs {
        match crate::inputs::sniff(p).map_err(|e| shown(p, e))? {
            crate::inputs::InputKind::Log(kind) => {
                read_logs.push(crate::inputs::read_log(p, kind).map_err(|e| shown(p, e))?);
            }
            crate::inputs::InputKind::Capture => {
                return Err(format!(
                "edgecap: {}: not a log (one capture at a time; logs are recognised by content)",
                edgecap_core::safe::escape_path(p)
            ))
            }
        }
    }
    if let Ok(crate::inputs::InputKind::Log(kind)) = crate::inputs::sniff(path) {
        if !read_logs.is_empty() {
            return Err("edgecap: no capture among the files: several logs are read beside a capture (one log may be read alone)".to_string());
        }
        let mut log = crate::inputs::read_log(path, kind)
            .map_err(|e| format!("edgecap: {}: {e}", edgecap_core::safe::escape_path(path)))?;
        let analysis = crate::inputs::analyze_alone(&mut log);
        let diagnosis = diagnose(&analysis, cfg);
        return Ok(Loaded::with_logs(analysis, diagnosis, vec![log]));
    }
    let reader = edgecap_capture::open_capture_with(path, opts.inflate)
        // The message names the file through `escape_path` already.
        .map_err(|e| format!("edgecap: {e}"))?;
    let mut last = Instant::now();
    let opts = &AnalyzeOptions {
        keep_frame_index: true,
        ..opts.clone()
    };
    let name = edgecap_core::safe::path_bytes(path);
    let analysis = analyze_capture_with_progress(reader, name, opts, &mut |p| {
        if last.elapsed() >= PROGRESS_INTERVAL {
            last = Instant::now();
            let _ = tx.send(Action::Progress(p));
        }
    });
    let mut diagnosis = diagnose(&analysis, cfg);
    for log in &mut read_logs {
        crate::inputs::correlate(log, &analysis);
        if let Some(f) = crate::inputs::clock_finding(log) {
            diagnosis.add(f);
        }
        for f in crate::inputs::exchange_findings(log) {
            diagnosis.add(f);
        }
    }
    let issued = crate::inputs::issued_in_logs(&read_logs);
    edgecap_analyze::mras_credentials::apply(&analysis, &mut diagnosis, &issued);
    Ok(Loaded::with_logs(analysis, diagnosis, read_logs))
}
