//! The `Logs` section of the text summary: for each log given beside the
//! capture, its kind and counts, the clock offset against the capture and
//! how it was found (a time zone is named as such), then its SIP messages on
//! the capture's clock with the frame of the same message in the capture,
//! its diagnostic events and its broken records.

use std::fmt::Write;

use super::sip_text::{detail_lines, head_line};
use crate::inputs::LogInput;
use edgecap_capture::Timestamp;
use edgecap_core::safe::{escape, escape_bytes, escape_path};
use edgecap_sip::log::{LogDirection, LogTime};

/// Records listed per log at most; the rest are counted.
pub const MAX_TEXT_LOG_RECORDS: usize = 200;

fn secs(ns: i64) -> String {
    format!("{:+.3} s", ns as f64 / 1e9)
}

/// `+01:00` for 60 minutes east of UTC.
pub fn zone_name(minutes: i64) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    format!(
        "UTC{sign}{:02}:{:02}",
        minutes.abs() / 60,
        minutes.abs() % 60
    )
}

/// The log time of a record on the capture's clock, or as written.
pub fn record_time(log: &LogInput, t: Option<LogTime>) -> String {
    match (t, log.offset_ns()) {
        (Some(t), Some(off)) => Timestamp(t.unix_nanos().saturating_sub(off)).to_string(),
        (Some(t), None) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03} (log clock)",
            t.year, t.month, t.day, t.hour, t.minute, t.second, t.millis
        ),
        (None, _) => "(no time)".to_string(),
    }
}

/// The offset line of one log.
pub fn offset_line(log: &LogInput) -> String {
    if log.alone {
        return "read alone: its SIP messages are the timeline above, on the log's own clock, frame numbers its line numbers".to_string();
    }
    if let Some(o) = log.offset_override {
        return format!("clock offset {} (given by --offset)", secs(o));
    }
    let Some(o) = log.offset else {
        return "clock offset unknown: no SIP message in common with the capture (set it with --offset FILE=SECONDS)".to_string();
    };
    let how = format!(
        "{} messages matched by Call-ID and CSeq, spread {:.3} s",
        o.matched,
        o.spread_ns as f64 / 1e9
    );
    match o.zone_minutes {
        Some(0) => format!("clock offset {} ({how}): the log is in UTC, its clock {} off", secs(o.offset_ns), secs(o.skew_ns)),
        Some(z) => format!(
            "clock offset {} ({how}): the log is in local time {} (a time zone, not a skew), its clock {} off",
            secs(o.offset_ns),
            zone_name(z),
            secs(o.skew_ns)
        ),
        None => format!("clock offset {} ({how}): not a time zone — the clocks disagree", secs(o.offset_ns)),
    }
}

/// A record of a log, by index into its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Record {
    Problem(usize),
    Sip(usize),
    Event(usize),
}

fn sip_record(s: &mut String, log: &LogInput, i: usize) {
    let m = &log.sips[i];
    let dir = match m.dir {
        Some(LogDirection::Sent) => "sent to",
        Some(LogDirection::Received) => "received from",
        None => "peer",
    };
    let peer = m
        .peer
        .as_deref()
        .map_or_else(|| "?".to_string(), |p| escape_bytes(p).into_owned());
    let frame = match log.frames.get(i).copied().flatten() {
        Some(f) => format!("  (frame {f})"),
        None if log.alone => String::new(),
        None => "  (not in the capture)".to_string(),
    };
    let _ = writeln!(
        s,
        "    line {:>6}  {}  {dir} {peer}  {}{frame}",
        m.line,
        record_time(log, m.time),
        head_line(&m.message)
    );
    for l in detail_lines(&m.message) {
        let _ = writeln!(s, "                 {l}");
    }
}

fn event_record(s: &mut String, log: &LogInput, i: usize) {
    let e = &log.events[i];
    let fields: Vec<String> = e
        .fields
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case(b"LogType"))
        .map(|(k, v)| format!("{}: {}", escape_bytes(k), escape_bytes(v)))
        .collect();
    let _ = writeln!(
        s,
        "    line {:>6}  {}  {} \"{}\"  {}",
        e.line,
        record_time(log, e.time),
        escape_bytes(&e.severity),
        escape_bytes(&e.text),
        fields.join("; ")
    );
}

/// Writes the section when logs were given.
pub fn write_logs<W: std::io::Write>(out: &mut W, logs: &[LogInput]) -> std::io::Result<()> {
    if logs.is_empty() {
        return Ok(());
    }
    let mut s = String::new();
    let _ = writeln!(s, "\nLogs ({})", logs.len());
    for log in logs {
        let st = &log.stats;
        let _ = writeln!(
            s,
            "  {}  {}  {} lines: {} SIP messages, {} events, {} broken records, {} lines skipped",
            escape_path(&log.path),
            log.kind.name(),
            st.lines,
            st.messages,
            st.events,
            st.problems,
            st.skipped_lines
        );
        if st.long_lines > 0 || log.dropped > 0 {
            let _ = writeln!(
                s,
                "    {} lines cut, {} records beyond the cap not kept",
                st.long_lines, log.dropped
            );
        }
        if let Some(e) = &log.io_error {
            let _ = writeln!(s, "    read error: {}", escape(e));
        }
        let _ = writeln!(s, "    {}", offset_line(log));
        // Every record in file order, at most MAX_TEXT_LOG_RECORDS.
        let mut order: Vec<(u64, Record)> = Vec::new();
        order.extend(
            log.problems
                .iter()
                .enumerate()
                .map(|(i, p)| (p.line, Record::Problem(i))),
        );
        order.extend(
            log.sips
                .iter()
                .enumerate()
                .map(|(i, m)| (m.line, Record::Sip(i))),
        );
        order.extend(
            log.events
                .iter()
                .enumerate()
                .map(|(i, e)| (e.line, Record::Event(i))),
        );
        order.sort_unstable();
        for (_, r) in order.into_iter().take(MAX_TEXT_LOG_RECORDS) {
            match r {
                Record::Problem(i) => {
                    let p = &log.problems[i];
                    let _ = writeln!(
                        s,
                        "    line {:>6}  broken record: {}",
                        p.line,
                        escape(&p.what)
                    );
                }
                Record::Sip(i) => sip_record(&mut s, log, i),
                Record::Event(i) => event_record(&mut s, log, i),
            }
        }
        let total = log.sips.len() + log.events.len() + log.problems.len();
        if total > MAX_TEXT_LOG_RECORDS {
            let _ = writeln!(
                s,
                "    ({} more records not listed; see --json)",
                total - MAX_TEXT_LOG_RECORDS
            );
        }
    }
    out.write_all(s.as_bytes())
}
