//! The files given on the command line: one capture and any number of
//! Lync / Skype for Business logs beside it, told apart by content (a log is
//! recognised by `edgecap_sip::log::detect` on its first bytes; everything
//! else is handed to the capture reader, which names what it is not). Each
//! log is read whole through the bounded streaming reader, and its clock
//! offset against the capture is estimated from the SIP messages both hold
//! (or set by `--offset FILE=SECONDS`). A log given alone becomes the
//! timeline itself ([`analyze_alone`]).
//!
//! Memory: at most [`MAX_LOG_ITEMS`] records kept per log, the rest counted.

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use edgecap_analyze::log_alone::analysis_from_log;
use edgecap_analyze::log_offset::{estimate, message_key, LogOffset};
use edgecap_analyze::mras_credentials::{Issued, IssuedAt};
use edgecap_analyze::Analysis;
use edgecap_proto::ProtoMsg;
use edgecap_sip::log::{
    detect, LogEvent, LogItem, LogKind, LogProblem, LogReader, LogSip, LogStats, DETECT_LEN,
};

/// Records (SIP messages, events and problems) kept per log; later ones are
/// counted in [`LogInput::dropped`]. A day of a busy client's UCCAPI log
/// holds some tens of thousands of SIP messages.
pub const MAX_LOG_ITEMS: usize = 100_000;

/// What a command-line file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A capture (or something the capture reader will reject).
    Capture,
    /// A log of this kind.
    Log(LogKind),
}

/// Reads the first bytes of `path` and tells a log from a capture. `-`
/// (standard input) is always the capture.
pub fn sniff(path: &Path) -> io::Result<InputKind> {
    if path == Path::new("-") {
        return Ok(InputKind::Capture);
    }
    let mut head = Vec::with_capacity(DETECT_LEN);
    File::open(path)?
        .take(DETECT_LEN as u64)
        .read_to_end(&mut head)?;
    Ok(detect(&head).map_or(InputKind::Capture, InputKind::Log))
}

/// Splits the command-line files into the one capture and the logs.
pub fn split_inputs(paths: &[PathBuf]) -> Result<(PathBuf, Vec<(PathBuf, LogKind)>), String> {
    let mut capture = None;
    let mut logs = Vec::new();
    for p in paths {
        let shown = edgecap_core::safe::escape_path(p);
        match sniff(p).map_err(|e| format!("{shown}: {e}"))? {
            InputKind::Log(kind) => logs.push((p.clone(), kind)),
            InputKind::Capture if capture.is_none() => capture = Some(p.clone()),
            InputKind::Capture => {
                return Err(format!(
                "{shown}: a second capture (one capture at a time; logs are recognised by content)"
            ))
            }
        }
    }
    let capture = capture.ok_or_else(|| {
        "no capture among the files: several logs are read beside a capture (one log may be read alone)".to_string()
    })?;
    Ok((capture, logs))
}

/// One log, read.
#[derive(Debug)]
pub struct LogInput {
    /// The file.
    pub path: PathBuf,
    /// Its kind.
    pub kind: LogKind,
    /// SIP messages, in file order.
    pub sips: Vec<LogSip>,
    /// Diagnostic events.
    pub events: Vec<LogEvent>,
    /// Broken records.
    pub problems: Vec<LogProblem>,
    /// Records beyond [`MAX_LOG_ITEMS`], counted.
    pub dropped: u64,
    /// The reader's counters.
    pub stats: LogStats,
    /// The I/O error that stopped reading early, if any.
    pub io_error: Option<String>,
    /// The offset estimated against the capture.
    pub offset: Option<LogOffset>,
    /// The offset given by `--offset`, nanoseconds.
    pub offset_override: Option<i64>,
    /// For each of `sips`, the capture frame of the same message (same
    /// Call-ID, CSeq and method or status), when the capture has it.
    pub frames: Vec<Option<u64>>,
    /// For each of `sips`, the index in the analysis' protocol messages of
    /// the same message, when it has it (the ladder marks that row).
    pub messages: Vec<Option<usize>>,
    /// Read without a capture: its messages are the timeline, on its own
    /// clock, their frame numbers its line numbers.
    pub alone: bool,
}

impl LogInput {
    /// The file name (without its directories), escaped for a terminal.
    pub fn name(&self) -> String {
        self.path.file_name().map_or_else(
            || edgecap_core::safe::escape_path(&self.path),
            |n| edgecap_core::safe::escape_path(Path::new(n)),
        )
    }

    /// The offset to subtract from the log's times: the override, else the
    /// estimate.
    pub fn offset_ns(&self) -> Option<i64> {
        self.offset_override.or(self.offset.map(|o| o.offset_ns))
    }

    /// The offset that puts the log's times on the timeline: the offset
    /// against the capture, or none at all for a log read alone (its own
    /// clock is the timeline's).
    pub fn timeline_offset_ns(&self) -> Option<i64> {
        if self.alone {
            return Some(0);
        }
        self.offset_ns()
    }
}

/// Reads the log at `path`.
pub fn read_log(path: &Path, kind: LogKind) -> io::Result<LogInput> {
    Ok(read_log_from(BufReader::new(File::open(path)?), path, kind))
}

/// Reads a log of `kind` from `input`, named `path` (the fuzz harnesses
/// read logs from memory this way).
pub fn read_log_from<R: BufRead>(input: R, path: &Path, kind: LogKind) -> LogInput {
    let mut reader = LogReader::new(input, kind);
    let mut log = LogInput {
        path: path.to_path_buf(),
        kind,
        sips: Vec::new(),
        events: Vec::new(),
        problems: Vec::new(),
        dropped: 0,
        stats: LogStats::default(),
        io_error: None,
        offset: None,
        offset_override: None,
        frames: Vec::new(),
        messages: Vec::new(),
        alone: false,
    };
    let mut kept = 0;
    for item in reader.by_ref() {
        if kept >= MAX_LOG_ITEMS {
            log.dropped += 1;
            continue;
        }
        kept += 1;
        match item {
            LogItem::Sip(s) => log.sips.push(*s),
            LogItem::Event(e) => log.events.push(e),
            LogItem::Problem(p) => log.problems.push(p),
        }
    }
    log.stats = reader.stats();
    log.io_error = reader.io_error().map(ToString::to_string);
    log
}

/// The analysis of `log` read with no capture beside it: its SIP messages
/// are the timeline ([`edgecap_analyze::log_alone`]); marks it `alone`.
pub fn analyze_alone(log: &mut LogInput) -> Analysis {
    log.alone = true;
    let analysis = analysis_from_log(&edgecap_core::safe::path_bytes(&log.path), &log.sips);
    // Each placed record is the message whose frame is its line.
    let by_line: BTreeMap<u64, usize> = analysis
        .proto
        .messages
        .iter()
        .enumerate()
        .map(|(i, d)| (d.frames.last.0, i))
        .collect();
    log.messages = log
        .sips
        .iter()
        .map(|s| by_line.get(&s.line).copied())
        .collect();
    analysis
}

/// Estimates `log`'s clock offset against the capture's SIP messages and
/// finds the capture frame of each of its messages.
pub fn correlate(log: &mut LogInput, analysis: &Analysis) {
    let capture = || {
        analysis
            .proto
            .messages
            .iter()
            .enumerate()
            .filter_map(|(i, d)| match &d.msg {
                ProtoMsg::Sip(r) => Some((message_key(&r.msg)?, d.ts.0, (d.frames.last.0, i))),
                _ => None,
            })
    };
    let ours = log
        .sips
        .iter()
        .filter_map(|s| Some((message_key(&s.message)?, s.time?.unix_nanos())));
    log.offset = estimate(capture().map(|(k, t, _)| (k, t)), ours);
    let mut pool: BTreeMap<Vec<u8>, VecDeque<(u64, usize)>> = BTreeMap::new();
    for (k, _, at) in capture() {
        pool.entry(k).or_default().push_back(at);
    }
    let found: Vec<Option<(u64, usize)>> = log
        .sips
        .iter()
        .map(|s| pool.get_mut(&message_key(&s.message)?)?.pop_front())
        .collect();
    log.frames = found.iter().map(|f| f.map(|(frame, _)| frame)).collect();
    log.messages = found.iter().map(|f| f.map(|(_, i)| i)).collect();
}

/// `clock.skew` from `log`'s estimated offset, when it is beyond 5
/// minutes and not a time zone (none when `--offset` set it: the user
/// knows).
pub fn clock_finding(log: &LogInput) -> Option<edgecap_analyze::Finding> {
    if log.offset_override.is_some() {
        return None;
    }
    let raw = edgecap_core::safe::path_bytes(log.path.file_name().map_or(&log.path, Path::new));
    let mut frames: Vec<edgecap_core::FrameNo> = log
        .frames
        .iter()
        .flatten()
        .map(|&f| edgecap_core::FrameNo(f))
        .collect();
    frames.sort_unstable();
    frames.dedup();
    edgecap_analyze::findings::clock_skew_of_log(&log.name(), &raw, log.offset.as_ref()?, frames)
}

/// `mras.request_failed` and `sip.error_response` of the failing exchanges
/// only `log` holds (not for a log read alone: its messages are the
/// timeline already).
pub fn exchange_findings(log: &LogInput) -> Vec<edgecap_analyze::Finding> {
    if log.alone {
        return Vec::new();
    }
    let raw = edgecap_core::safe::path_bytes(log.path.file_name().map_or(&log.path, Path::new));
    edgecap_analyze::findings::sip_findings_of_log(&log.name(), &raw, &log.sips, &log.frames)
}

/// The MRAS credentials the logs' own messages hand out (those the capture
/// does not also hold), on the capture's clock: logs without an offset
/// cannot be placed and give none.
pub fn issued_in_logs(logs: &[LogInput]) -> Vec<Issued> {
    let mut out = Vec::new();
    for log in logs.iter().filter(|l| !l.alone) {
        let Some(off) = log.offset_ns() else { continue };
        let name =
            edgecap_core::safe::path_bytes(log.path.file_name().map_or(&log.path, Path::new))
                .into_owned();
        for (i, s) in log.sips.iter().enumerate() {
            if log.messages.get(i).copied().flatten().is_some() {
                continue;
            }
            let Some(t) = s.time else { continue };
            let at = IssuedAt::Log(name.clone(), s.line);
            let time = edgecap_core::Timestamp(t.unix_nanos().saturating_sub(off));
            out.extend(Issued::of_message(&s.message, time, at));
        }
    }
    out.truncate(edgecap_analyze::mras_credentials::MAX_ISSUED);
    out
}

/// Parses `FILE=SECONDS` of `--offset`.
pub fn parse_offset(s: &str) -> Result<(PathBuf, i64), String> {
    let (file, secs) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("expected FILE=SECONDS, got {s:?}"))?;
    let secs: f64 = secs
        .parse()
        .map_err(|_| format!("{secs:?} is not a number of seconds"))?;
    if !secs.is_finite() || secs.abs() > 1e9 {
        return Err(format!("{secs} seconds is out of range"));
    }
    Ok((PathBuf::from(file), (secs * 1e9).round() as i64))
}

#[cfg(test)]
mod tests;
