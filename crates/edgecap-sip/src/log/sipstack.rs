//! The server SIPStack trace as text (OCSLogger / CLSLogger export): records
//! opened by a header line `TL_INFO(TF_PROTOCOL) [0]06E4.0EB4::01/18/2012-05:00:43.101.00005386
//! (SIPStack,…)$$begin_record` and closed by `$$end_record`. Protocol
//! records carry `Direction:`, `Peer:`, `Start-Line:`, the SIP header lines
//! and `Message-Body:` (the body, `-` when empty); diagnostic records carry
//! `LogType:`, `Severity:`, `Text:`, `Result-Code:`, `SIP-Start-Line:`,
//! `Peer:`, `Data:`.
//!
//! Owns this record grammar. A record quoted without its header line (from
//! `Start-Line:` to `$$end_record`) is read with no time; a record left
//! open by the next header or the end of the file is reported and still
//! decoded.

use super::time::LogTime;
use super::{LogDirection, LogEvent, LogItem, LogProblem, LogSip, MAX_RECORD_LEN};
use crate::message::SipMessage;
use crate::text::{find, starts_with_ci, trim};

/// Most fields kept per non-SIP record (diagnostic records have about ten).
const MAX_FIELDS: usize = 64;

/// Whether `line` opens a record.
pub fn is_record_header(line: &[u8]) -> bool {
    trim(line).ends_with(b"$$begin_record") && find(line, b"::").is_some()
}

#[derive(Default)]
struct Open {
    line: u64,
    time: Option<LogTime>,
    level: Vec<u8>,
    fields: Vec<(Vec<u8>, Vec<u8>)>,
    start: Option<Vec<u8>>,
    head: Vec<u8>,
    body: Option<Vec<u8>>,
    too_long: bool,
}

impl Open {
    fn size(&self) -> usize {
        self.head.len() + self.body.as_ref().map_or(0, Vec::len)
    }

    fn field(&self, name: &[u8]) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

/// SIPStack parser state: the record being read.
#[derive(Default)]
pub struct Parser {
    open: Option<Open>,
}

impl Parser {
    /// Takes one line; returns whether it belonged to a record.
    pub fn line(&mut self, no: u64, line: &[u8], out: &mut Vec<LogItem>) -> bool {
        if is_record_header(line) {
            self.close(out, Some("no $$end_record before the next record"));
            let sep = find(line, b"::").unwrap_or(0);
            let level = line
                .iter()
                .position(|c| *c == b'(' || *c == b' ')
                .unwrap_or(0);
            self.open = Some(Open {
                line: no,
                time: line.get(sep + 2..).and_then(LogTime::parse_us),
                level: line[..level].to_vec(),
                ..Open::default()
            });
            return true;
        }
        if trim(line).starts_with(b"$$end_record") {
            let had = self.open.is_some();
            self.close(out, None);
            return had;
        }
        if self.open.is_none() && line.starts_with(b"Start-Line: ") {
            self.open = Some(Open {
                line: no,
                ..Open::default()
            });
        }
        let Some(o) = self.open.as_mut() else {
            return false;
        };
        if o.size() + line.len() + 2 > MAX_RECORD_LEN {
            o.too_long = true;
            return true;
        }
        if let Some(body) = o.body.as_mut() {
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(line);
            return true;
        }
        let colon = line.iter().position(|c| *c == b':');
        let (name, value) = match colon {
            Some(i) => (trim(&line[..i]), trim(&line[i + 1..])),
            None => (&b""[..], trim(line)),
        };
        if name.eq_ignore_ascii_case(b"Start-Line") && o.start.is_none() {
            o.start = Some(value.to_vec());
        } else if name.eq_ignore_ascii_case(b"Message-Body") && o.start.is_some() {
            o.body = Some(if value == b"-" {
                Vec::new()
            } else {
                value.to_vec()
            });
        } else if o.start.is_some() {
            o.head.extend_from_slice(line);
            o.head.extend_from_slice(b"\r\n");
        } else if name.is_empty() || name.contains(&b' ') {
            // A continuation of the previous field's value.
            if let Some((_, v)) = o.fields.last_mut() {
                v.push(b' ');
                v.extend_from_slice(value);
            }
        } else if o.fields.len() < MAX_FIELDS {
            o.fields.push((name.to_vec(), value.to_vec()));
        }
        true
    }

    /// Ends the file: an open record is reported and decoded.
    pub fn finish(&mut self, out: &mut Vec<LogItem>) {
        self.close(out, Some("no $$end_record before the end of the file"));
    }

    fn close(&mut self, out: &mut Vec<LogItem>, unclosed: Option<&str>) {
        let Some(o) = self.open.take() else {
            return;
        };
        let problem = |what: String| LogItem::Problem(LogProblem { line: o.line, what });
        if let Some(why) = unclosed {
            out.push(problem(format!("record with {why}")));
        }
        if o.too_long {
            out.push(problem(format!(
                "record longer than {MAX_RECORD_LEN} bytes, cut"
            )));
        }
        if let Some(start) = &o.start {
            let mut bytes = start.clone();
            bytes.extend_from_slice(b"\r\n");
            bytes.extend_from_slice(&o.head);
            bytes.extend_from_slice(b"\r\n");
            bytes.extend_from_slice(o.body.as_deref().unwrap_or_default());
            let dir = o.field(b"Direction").and_then(|d| {
                if starts_with_ci(d, b"incoming") {
                    Some(LogDirection::Received)
                } else if starts_with_ci(d, b"outgoing") {
                    Some(LogDirection::Sent)
                } else {
                    None
                }
            });
            match SipMessage::parse(&bytes, false) {
                Ok(message) => out.push(LogItem::Sip(Box::new(LogSip {
                    line: o.line,
                    time: o.time,
                    dir,
                    peer: o.field(b"Peer").map(<[u8]>::to_vec),
                    local: None,
                    declared_len: None,
                    message,
                }))),
                Err(_) => out.push(problem("Start-Line is not a SIP start line".to_string())),
            }
            return;
        }
        if let Some(text) = o.field(b"Text") {
            let severity = o
                .field(b"Severity")
                .map_or_else(|| o.level.clone(), <[u8]>::to_vec);
            let text = text.to_vec();
            let fields = o
                .fields
                .into_iter()
                .filter(|(k, _)| {
                    !k.eq_ignore_ascii_case(b"Text") && !k.eq_ignore_ascii_case(b"Severity")
                })
                .collect();
            out.push(LogItem::Event(LogEvent {
                line: o.line,
                time: o.time,
                severity,
                text,
                fields,
            }));
        }
    }
}
