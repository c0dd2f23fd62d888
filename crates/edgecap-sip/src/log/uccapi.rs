//! The client UCCAPI log (`Communicator-uccapi-0.uccapilog`): every line of
//! the client's own tracing starts `MM/DD/YYYY|HH:MM:SS.mmm PID:TID LEVEL ::`;
//! a SIP message is announced by `Sending Packet - PEER (From Local
//! Address: LOCAL) N bytes:` or `Data Received - PEER (To Local Address:
//! LOCAL) N bytes:`, its start line follows on the next prefixed line, its
//! other lines are bare, and `End of Sending Packet` / `End of Data
//! Received` closes it.
//!
//! Owns this record grammar. Prefixed lines inside an open message (other
//! threads) are skipped; a message not closed before the next one or the end
//! of the file is reported as a problem and still decoded.

use super::time::LogTime;
use super::{LogDirection, LogItem, LogProblem, LogSip, MAX_RECORD_LEN};
use crate::message::SipMessage;
use crate::text::{find, parse_uint, trim};

/// The time and the text after `::` of a prefixed line.
pub fn prefix(line: &[u8]) -> Option<(LogTime, &[u8])> {
    if line.get(10) != Some(&b'|') {
        return None;
    }
    let time = LogTime::parse_us(line)?;
    let rest = line.get(23..)?;
    let sep = find(rest.get(..rest.len().min(64))?, b"::")?;
    Some((time, trim(&rest[sep + 2..])))
}

struct Open {
    line: u64,
    time: LogTime,
    dir: LogDirection,
    peer: Vec<u8>,
    local: Option<Vec<u8>>,
    declared: Option<u64>,
    bytes: Vec<u8>,
    too_long: bool,
}

/// UCCAPI parser state: the message being read.
#[derive(Default)]
pub struct Parser {
    open: Option<Open>,
}

/// `PEER (From Local Address: LOCAL) N bytes:` after the announcement.
fn announcement(rest: &[u8]) -> (Vec<u8>, Option<Vec<u8>>, Option<u64>) {
    let paren = rest.iter().position(|c| *c == b'(').unwrap_or(rest.len());
    let peer = trim(&rest[..paren]).to_vec();
    let inner = &rest[paren.min(rest.len())..];
    let local = find(inner, b"Address:").and_then(|i| {
        let after = &inner[i + b"Address:".len()..];
        let end = after.iter().position(|c| *c == b')')?;
        Some(trim(&after[..end]).to_vec())
    });
    let declared = inner.iter().position(|c| *c == b')').and_then(|i| {
        let after = trim(&inner[i + 1..]);
        let end = after.iter().position(|c| *c == b' ').unwrap_or(after.len());
        parse_uint(&after[..end], 10, u64::from(u32::MAX))
    });
    (peer, local, declared)
}

impl Parser {
    /// Takes one line; returns whether it belonged to a message.
    pub fn line(&mut self, no: u64, line: &[u8], out: &mut Vec<LogItem>) -> bool {
        if let Some((time, rest)) = prefix(line) {
            let start = [
                (&b"Sending Packet - "[..], LogDirection::Sent),
                (b"Data Received - ", LogDirection::Received),
            ]
            .into_iter()
            .find_map(|(p, d)| rest.strip_prefix(p).map(|r| (d, r)));
            if let Some((dir, r)) = start {
                self.close(out, Some("not closed before the next message"));
                let (peer, local, declared) = announcement(r);
                self.open = Some(Open {
                    line: no,
                    time,
                    dir,
                    peer,
                    local,
                    declared,
                    bytes: Vec::new(),
                    too_long: false,
                });
                return true;
            }
            if rest.starts_with(b"End of Sending Packet")
                || rest.starts_with(b"End of Data Received")
            {
                let had = self.open.is_some();
                self.close(out, None);
                return had;
            }
            return match self.open.as_mut() {
                Some(o) if o.bytes.is_empty() => {
                    o.bytes.extend_from_slice(rest);
                    o.bytes.extend_from_slice(b"\r\n");
                    true
                }
                _ => false,
            };
        }
        let Some(o) = self.open.as_mut() else {
            return false;
        };
        if o.bytes.len() + line.len() + 2 > MAX_RECORD_LEN {
            o.too_long = true;
        } else {
            o.bytes.extend_from_slice(line);
            o.bytes.extend_from_slice(b"\r\n");
        }
        true
    }

    /// Ends the file: an open message is reported and decoded.
    pub fn finish(&mut self, out: &mut Vec<LogItem>) {
        self.close(out, Some("not closed before the end of the file"));
    }

    fn close(&mut self, out: &mut Vec<LogItem>, unclosed: Option<&str>) {
        let Some(o) = self.open.take() else {
            return;
        };
        if let Some(why) = unclosed {
            out.push(LogItem::Problem(LogProblem {
                line: o.line,
                what: format!("message {why}"),
            }));
        }
        if o.too_long {
            out.push(LogItem::Problem(LogProblem {
                line: o.line,
                what: format!("message longer than {MAX_RECORD_LEN} bytes, cut"),
            }));
        }
        match SipMessage::parse(&o.bytes, true) {
            Ok(message) => out.push(LogItem::Sip(Box::new(LogSip {
                line: o.line,
                time: Some(o.time),
                dir: Some(o.dir),
                peer: Some(o.peer),
                local: o.local,
                declared_len: o.declared,
                message,
            }))),
            Err(_) => out.push(LogItem::Problem(LogProblem {
                line: o.line,
                what: "no SIP start line after the packet announcement".to_string(),
            })),
        }
    }
}
