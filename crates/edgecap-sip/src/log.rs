//! The Lync / Skype for Business text logs as inputs beside a capture:
//! the client's UCCAPI log (`Communicator-uccapi-0.uccapilog`, `.uccapilog`)
//! and the server's SIPStack trace as the logging tools export it as text
//! (OCSLogger / CLSLogger `$$begin_record` … `$$end_record` records).
//!
//! Owns detection by content ([`detect`]), the bounded line reader, and the
//! streaming [`LogReader`] that yields [`LogItem`]s: SIP messages with their
//! log time, direction and peer; diagnostic events of the server log; and
//! problems (a broken record, with its line number). Lenient: lines that
//! belong to no record are skipped and counted in [`LogStats`]; nothing
//! panics. Memory is bounded by [`MAX_LINE_LEN`] and [`MAX_RECORD_LEN`]
//! whatever the file holds. The binary ETL traces are not read.

mod lines;
mod sipstack;
mod time;
mod uccapi;

use std::collections::VecDeque;
use std::io::BufRead;

pub use time::LogTime;

use crate::message::{SipMessage, MAX_BODY_LEN, MAX_HEAD_LEN};
use lines::LineReader;

/// Longest line kept; the rest of a longer line is dropped and counted
/// ([`LogStats::long_lines`]). A SIP header line is far shorter; SDP and
/// XML bodies are split into lines in both logs.
pub const MAX_LINE_LEN: usize = 16 * 1024;
/// Most bytes of one record's SIP message: a maximal head and body
/// (`MAX_HEAD_LEN + MAX_BODY_LEN`). A longer record is reported broken.
pub const MAX_RECORD_LEN: usize = MAX_HEAD_LEN + MAX_BODY_LEN;
/// Bytes read from the start of a file to recognise its kind.
pub const DETECT_LEN: usize = 64 * 1024;

/// Which log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    /// Client UCCAPI log.
    Uccapi,
    /// Server SIPStack text trace.
    SipStack,
}

impl LogKind {
    /// Stable name: `uccapi`, `sipstack`.
    pub fn name(self) -> &'static str {
        match self {
            LogKind::Uccapi => "uccapi",
            LogKind::SipStack => "sipstack",
        }
    }
}

/// Whether the log's writer sent or received the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogDirection {
    /// Sent by the logging host to the peer.
    Sent,
    /// Received by the logging host from the peer.
    Received,
}

/// A SIP message found in a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSip {
    /// Line number (1-based) where the record starts.
    pub line: u64,
    /// Time written in the log (the writer's clock, zone unknown).
    pub time: Option<LogTime>,
    /// Sent or received, when the log says.
    pub dir: Option<LogDirection>,
    /// The other side as written (`10.10.10.1:5061`, `host:port`).
    pub peer: Option<Vec<u8>>,
    /// The writer's own address, when the log says (UCCAPI).
    pub local: Option<Vec<u8>>,
    /// The size the log announces (`2520 bytes`), when it does.
    pub declared_len: Option<u64>,
    /// The message.
    pub message: SipMessage,
}

/// A diagnostic event of the server log (`LogType: diagnostic`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    /// Line number of the record's first line.
    pub line: u64,
    /// Time written in the log.
    pub time: Option<LogTime>,
    /// `Severity:` (`error`, `warning`) or the trace level.
    pub severity: Vec<u8>,
    /// `Text:`.
    pub text: Vec<u8>,
    /// Every other `Name: value` field in order (`Result-Code`,
    /// `SIP-Start-Line`, `Peer`, `Data`, …).
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
}

impl LogEvent {
    /// The value of field `name` (case-insensitive).
    pub fn field(&self, name: &str) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| v.as_slice())
    }
}

/// A record that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogProblem {
    /// Line number (1-based) where the broken record starts.
    pub line: u64,
    /// What was wrong.
    pub what: String,
}

/// One output of a [`LogReader`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogItem {
    /// A SIP message.
    Sip(Box<LogSip>),
    /// A server diagnostic event.
    Event(LogEvent),
    /// A broken record.
    Problem(LogProblem),
}

/// Counters of a whole read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LogStats {
    /// Lines read.
    pub lines: u64,
    /// Lines outside any record, skipped.
    pub skipped_lines: u64,
    /// Lines longer than [`MAX_LINE_LEN`], cut.
    pub long_lines: u64,
    /// SIP messages yielded.
    pub messages: u64,
    /// Events yielded.
    pub events: u64,
    /// Problems yielded.
    pub problems: u64,
}

/// The kind of log `head` (the first bytes of a file, up to [`DETECT_LEN`])
/// starts, by content: a UCCAPI line prefix (`MM/DD/YYYY|HH:MM:SS.mmm`) or
/// a SIPStack record marker.
pub fn detect(head: &[u8]) -> Option<LogKind> {
    let head = &head[..head.len().min(DETECT_LEN)];
    let mut start_line = false;
    for line in head.split(|c| *c == b'\n') {
        if uccapi::prefix(line).is_some() {
            return Some(LogKind::Uccapi);
        }
        if sipstack::is_record_header(line) {
            return Some(LogKind::SipStack);
        }
        start_line |= line.starts_with(b"Start-Line: ");
        if start_line && line.starts_with(b"$$end_record") {
            return Some(LogKind::SipStack);
        }
    }
    None
}

/// Parser state of one log kind.
enum Parser {
    Uccapi(uccapi::Parser),
    SipStack(sipstack::Parser),
}

/// Streams the items of one log.
pub struct LogReader<R> {
    lines: LineReader<R>,
    parser: Parser,
    pending: VecDeque<LogItem>,
    stats: LogStats,
    done: bool,
}

impl<R: BufRead> LogReader<R> {
    /// A reader of a log of `kind`.
    pub fn new(input: R, kind: LogKind) -> Self {
        LogReader {
            lines: LineReader::new(input),
            parser: match kind {
                LogKind::Uccapi => Parser::Uccapi(uccapi::Parser::default()),
                LogKind::SipStack => Parser::SipStack(sipstack::Parser::default()),
            },
            pending: VecDeque::new(),
            stats: LogStats::default(),
            done: false,
        }
    }

    /// Counters so far (final once the iterator ended).
    pub fn stats(&self) -> LogStats {
        self.stats
    }

    /// The I/O error that ended reading early, if any.
    pub fn io_error(&self) -> Option<&std::io::Error> {
        self.lines.error()
    }

    fn count(&mut self, item: &LogItem) {
        match item {
            LogItem::Sip(_) => self.stats.messages += 1,
            LogItem::Event(_) => self.stats.events += 1,
            LogItem::Problem(_) => self.stats.problems += 1,
        }
    }
}

impl<R: BufRead> Iterator for LogReader<R> {
    type Item = LogItem;

    fn next(&mut self) -> Option<LogItem> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                self.count(&item);
                return Some(item);
            }
            if self.done {
                return None;
            }
            let mut out = Vec::new();
            match self.lines.next_line() {
                Some((no, line, cut)) => {
                    self.stats.lines += 1;
                    self.stats.long_lines += u64::from(cut);
                    let used = match &mut self.parser {
                        Parser::Uccapi(p) => p.line(no, line, &mut out),
                        Parser::SipStack(p) => p.line(no, line, &mut out),
                    };
                    self.stats.skipped_lines += u64::from(!used);
                }
                None => {
                    self.done = true;
                    match &mut self.parser {
                        Parser::Uccapi(p) => p.finish(&mut out),
                        Parser::SipStack(p) => p.finish(&mut out),
                    }
                }
            }
            self.pending.extend(out);
        }
    }
}

#[cfg(test)]
mod tests;
