//! The `inputs` array of the JSON report: one object per log given beside
//! the capture (file, kind, counts, clock offset and how it was found), with
//! its SIP messages (the fields of the `sip` array, plus the log line, the
//! time as written and on the capture's clock, and the capture frame of the
//! same message), its diagnostic events and its broken records. Present
//! only when logs were given. Lists are capped at
//! [`super::json::MAX_JSON_MESSAGES`] per log (`omitted` counts the rest).

use std::collections::BTreeMap;

use serde::Serialize;

use super::json_sip::{sip_message_json, SipMessageJson};
use super::logs_text::{record_time, zone_name};
use crate::inputs::LogInput;
use edgecap_core::safe::text_or_hex;
use edgecap_sip::log::{LogDirection, LogTime};

/// One log.
#[derive(Serialize)]
pub struct InputJson<'a> {
    /// The file name (hex: when not printable UTF-8).
    pub file: String,
    /// `"uccapi"` or `"sipstack"`.
    pub kind: &'static str,
    /// Lines read.
    pub lines: u64,
    /// Lines outside any record.
    pub skipped_lines: u64,
    /// Lines cut at the line cap.
    pub long_lines: u64,
    /// Records beyond the keep cap.
    pub dropped_records: u64,
    /// The read error that stopped reading early.
    pub read_error: Option<String>,
    /// Read without a capture: its SIP messages are the report's timeline
    /// (the `sip` array, `calls`, the findings), on the log's own clock,
    /// their frame numbers its line numbers.
    pub alone: bool,
    /// Clock offset, when known.
    pub offset: Option<OffsetJson>,
    /// Entries the caps left out of the lists below.
    pub omitted: u64,
    /// SIP messages.
    pub sip: Vec<LogSipJson<'a>>,
    /// Diagnostic events.
    pub events: Vec<LogEventJson>,
    /// Broken records.
    pub problems: Vec<ProblemJson>,
}

/// A log's clock offset.
#[derive(Serialize)]
pub struct OffsetJson {
    /// Log time minus capture time, seconds.
    pub seconds: f64,
    /// `"estimated"` or `"override"`.
    pub source: &'static str,
    /// Messages matched (estimated only).
    pub matched: Option<usize>,
    /// Spread of the per-message offsets, seconds.
    pub spread_seconds: Option<f64>,
    /// The time zone the offset suggests (`UTC+01:00`).
    pub zone: Option<String>,
    /// The offset less the zone, seconds.
    pub skew_seconds: Option<f64>,
}

/// One SIP message of a log.
#[derive(Serialize)]
pub struct LogSipJson<'a> {
    /// Line where its record starts.
    pub line: u64,
    /// Time as written, `YYYY-MM-DDTHH:MM:SS.mmm` (zone unknown).
    pub log_time: Option<String>,
    /// Time on the capture's clock (log time less the offset).
    pub time: Option<String>,
    /// `"sent"` / `"received"` from the log writer's side.
    pub direction: Option<&'static str>,
    /// The other side as written.
    pub peer: Option<String>,
    /// The writer's address as written.
    pub local: Option<String>,
    /// The capture frame of the same message.
    pub frame: Option<u64>,
    /// The message's fields.
    #[serde(flatten)]
    pub message: SipMessageJson<'a>,
}

/// One diagnostic event.
#[derive(Serialize)]
pub struct LogEventJson {
    /// Line.
    pub line: u64,
    /// Time as written.
    pub log_time: Option<String>,
    /// Severity.
    pub severity: String,
    /// Text.
    pub text: String,
    /// Other fields.
    pub fields: BTreeMap<String, String>,
}

/// One broken record.
#[derive(Serialize)]
pub struct ProblemJson {
    /// Line.
    pub line: u64,
    /// What was wrong.
    pub what: String,
}

fn log_time(t: Option<LogTime>) -> Option<String> {
    t.map(|t| {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}",
            t.year, t.month, t.day, t.hour, t.minute, t.second, t.millis
        )
    })
}

fn s(b: &[u8]) -> String {
    text_or_hex(b).into_owned()
}

/// The entry of one log, lists capped at `limit`.
pub fn input_json(log: &LogInput, limit: usize) -> InputJson<'_> {
    let offset = match (log.offset_override, log.offset) {
        (Some(ns), _) => Some(OffsetJson {
            seconds: ns as f64 / 1e9,
            source: "override",
            matched: None,
            spread_seconds: None,
            zone: None,
            skew_seconds: None,
        }),
        (None, Some(o)) => Some(OffsetJson {
            seconds: o.offset_ns as f64 / 1e9,
            source: "estimated",
            matched: Some(o.matched),
            spread_seconds: Some(o.spread_ns as f64 / 1e9),
            zone: o.zone_minutes.map(zone_name),
            skew_seconds: Some(o.skew_ns as f64 / 1e9),
        }),
        (None, None) => None,
    };
    let total = log.sips.len() + log.events.len() + log.problems.len();
    let listed =
        log.sips.len().min(limit) + log.events.len().min(limit) + log.problems.len().min(limit);
    InputJson {
        file: s(&edgecap_core::safe::path_bytes(&log.path)),
        kind: log.kind.name(),
        lines: log.stats.lines,
        skipped_lines: log.stats.skipped_lines,
        long_lines: log.stats.long_lines,
        dropped_records: log.dropped,
        read_error: log.io_error.clone(),
        alone: log.alone,
        offset,
        omitted: (total - listed) as u64,
        sip: log
            .sips
            .iter()
            .enumerate()
            .take(limit)
            .map(|(i, m)| LogSipJson {
                line: m.line,
                log_time: log_time(m.time),
                time: (m.time.is_some() && log.offset_ns().is_some())
                    .then(|| record_time(log, m.time)),
                direction: m.dir.map(|d| match d {
                    LogDirection::Sent => "sent",
                    LogDirection::Received => "received",
                }),
                peer: m.peer.as_deref().map(s),
                local: m.local.as_deref().map(s),
                frame: log.frames.get(i).copied().flatten(),
                message: sip_message_json(&m.message),
            })
            .collect(),
        events: log
            .events
            .iter()
            .take(limit)
            .map(|e| LogEventJson {
                line: e.line,
                log_time: log_time(e.time),
                severity: s(&e.severity),
                text: s(&e.text),
                fields: e.fields.iter().map(|(k, v)| (s(k), s(v))).collect(),
            })
            .collect(),
        problems: log
            .problems
            .iter()
            .take(limit)
            .map(|p| ProblemJson {
                line: p.line,
                what: p.what.clone(),
            })
            .collect(),
    }
}
