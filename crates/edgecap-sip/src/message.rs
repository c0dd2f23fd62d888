//! A SIP message as edgecap keeps it: the start line, every header field
//! (canonical name, value bytes, folding undone) and the body, with the
//! anomalies found while reading it (RFC 3261 §7).
//!
//! Owns the head grammar: start line (request or status), header lines with
//! compact forms and continuation lines, `Content-Length` against the bytes
//! present. [`SipMessage::parse`] takes one complete message (a UDP datagram,
//! a message cut by `framing.rs`, a log record) and never fails on a
//! readable start line: damage inside becomes [`SipAnomaly`] values. Memory
//! is bounded by [`MAX_HEAD_LEN`], [`MAX_HEADERS`] and [`MAX_BODY_LEN`].

use crate::header::{canonical_name, is_token_char, CSeq, NameAddr, Via};
use crate::text::{eq_ci, parse_uint, strip_cr, trim};

/// Most bytes of a message head (start line + headers) read. RFC 3261 sets
/// no limit; Lync heads with long Via/Record-Route chains and diagnostics
/// stay under a few KiB, so 64 KiB is generous and bounds a hostile stream.
pub const MAX_HEAD_LEN: usize = 64 * 1024;
/// Most header fields kept per message; later ones are counted in
/// [`SipMessage::headers_dropped`]. Not from an RFC: Lync messages carry
/// about 30.
pub const MAX_HEADERS: usize = 256;
/// Most body bytes kept per message (SDP offers are 2–10 KiB, MRAS XML about
/// 1 KiB); a longer body is cut and flagged (`sip.body_truncated`). Matches
/// the largest UDP payload (65,535 bytes, RFC 768).
pub const MAX_BODY_LEN: usize = 64 * 1024;
/// Longest start line the strict probe reads before it answers "no".
pub const MAX_START_LINE: usize = 4096;

/// The first line of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    /// `METHOD Request-URI SIP/2.0`.
    Request {
        /// The method token (`INVITE`, `SERVICE`, …).
        method: Vec<u8>,
        /// The Request-URI as written.
        uri: Vec<u8>,
    },
    /// `SIP/2.0 code reason`.
    Response {
        /// Status code, 100–699.
        code: u16,
        /// Reason phrase as written (may be empty).
        reason: Vec<u8>,
    },
}

/// One header field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Canonical name: lower case, compact forms expanded.
    pub name: String,
    /// Value with surrounding blanks trimmed and continuation lines joined
    /// by one space.
    pub value: Vec<u8>,
}

/// Something wrong inside a message whose start line was readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SipAnomaly {
    /// A header line without a colon or with a name that is not a token.
    BadHeaderLine,
    /// More than [`MAX_HEADERS`] header fields.
    TooManyHeaders,
    /// `Content-Length` is not a number.
    BadContentLength,
    /// No `Content-Length` on a stream (RFC 3261 §18.3 requires it).
    MissingContentLength,
    /// `Content-Length` larger than the bytes present (a UDP datagram or a
    /// log record cut short).
    BodyShorterThanContentLength,
    /// The body was longer than [`MAX_BODY_LEN`] and was cut.
    BodyTruncated,
    /// The head has no blank line ending it.
    UnterminatedHead,
}

impl SipAnomaly {
    /// Stable snake_case id.
    pub fn id(self) -> &'static str {
        match self {
            SipAnomaly::BadHeaderLine => "sip.bad_header_line",
            SipAnomaly::TooManyHeaders => "sip.too_many_headers",
            SipAnomaly::BadContentLength => "sip.bad_content_length",
            SipAnomaly::MissingContentLength => "sip.missing_content_length",
            SipAnomaly::BodyShorterThanContentLength => "sip.body_short",
            SipAnomaly::BodyTruncated => "sip.body_truncated",
            SipAnomaly::UnterminatedHead => "sip.unterminated_head",
        }
    }
}

/// A parsed SIP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipMessage {
    /// Request or status line.
    pub start: StartLine,
    /// Header fields in order.
    pub headers: Vec<Header>,
    /// Header fields beyond [`MAX_HEADERS`], counted.
    pub headers_dropped: usize,
    /// The body (at most [`MAX_BODY_LEN`] bytes).
    pub body: Vec<u8>,
    /// What was wrong, in the order found.
    pub anomalies: Vec<SipAnomaly>,
}

/// Why bytes are not a SIP message at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSip {
    /// The first line is not a SIP request or status line.
    BadStartLine,
}

/// Where the head ends: (length of the head lines, length including the
/// blank line). Accepts CRLF CRLF and the lenient LF LF.
pub fn head_end(bytes: &[u8]) -> Option<(usize, usize)> {
    let limit = bytes.len().min(MAX_HEAD_LEN);
    let mut i = 0;
    while i < limit {
        if bytes[i] == b'\n' {
            if bytes.get(i + 1) == Some(&b'\n') {
                return Some((i + 1, i + 2));
            }
            if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') {
                return Some((i + 1, i + 3));
            }
        }
        i += 1;
    }
    None
}

/// Parses a start line (without its line end).
pub fn parse_start_line(line: &[u8]) -> Option<StartLine> {
    let line = strip_cr(line);
    if line.len() > MAX_START_LINE || line.iter().any(|c| c.is_ascii_control() && *c != b'\t') {
        return None;
    }
    if let Some(rest) = line.strip_prefix(b"SIP/2.0 ") {
        let code = parse_uint(rest.get(..3)?, 3, 699)?;
        if code < 100 || !matches!(rest.get(3), None | Some(b' ')) {
            return None;
        }
        let reason = rest.get(4..).unwrap_or_default().to_vec();
        return Some(StartLine::Response {
            code: u16::try_from(code).ok()?,
            reason,
        });
    }
    let mut parts = line.split(|c| *c == b' ');
    let (method, uri, version) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || method.is_empty()
        || !method.iter().all(|c| is_token_char(*c))
        || version != b"SIP/2.0"
        || !uri.contains(&b':')
    {
        return None;
    }
    Some(StartLine::Request {
        method: method.to_vec(),
        uri: uri.to_vec(),
    })
}

impl SipMessage {
    /// Parses one whole message. `stream` says the bytes came from a stream
    /// transport or a log (Content-Length required and trusted to cut the
    /// body) rather than a datagram.
    pub fn parse(bytes: &[u8], stream: bool) -> Result<SipMessage, NotSip> {
        let mut anomalies = Vec::new();
        let (head, body_start) = match head_end(bytes) {
            Some((h, b)) => (&bytes[..h], b),
            None => {
                anomalies.push(SipAnomaly::UnterminatedHead);
                let cut = bytes.len().min(MAX_HEAD_LEN);
                (&bytes[..cut], cut)
            }
        };
        let mut lines = head.split(|c| *c == b'\n');
        let start =
            parse_start_line(lines.next().unwrap_or_default()).ok_or(NotSip::BadStartLine)?;
        let mut headers: Vec<Header> = Vec::new();
        let mut headers_dropped = 0;
        for raw in lines {
            let line = strip_cr(raw);
            if line.is_empty() {
                continue;
            }
            if matches!(line[0], b' ' | b'\t') {
                // A continuation line (RFC 3261 §7.3.1) folds into the last header.
                if let Some(h) = headers.last_mut() {
                    h.value.push(b' ');
                    h.value.extend_from_slice(trim(line));
                } else {
                    anomalies.push(SipAnomaly::BadHeaderLine);
                }
                continue;
            }
            let Some(colon) = line.iter().position(|c| *c == b':') else {
                anomalies.push(SipAnomaly::BadHeaderLine);
                continue;
            };
            let Some(name) = canonical_name(trim(&line[..colon])) else {
                anomalies.push(SipAnomaly::BadHeaderLine);
                continue;
            };
            if headers.len() >= MAX_HEADERS {
                if headers_dropped == 0 {
                    anomalies.push(SipAnomaly::TooManyHeaders);
                }
                headers_dropped += 1;
                continue;
            }
            headers.push(Header {
                name,
                value: trim(&line[colon + 1..]).to_vec(),
            });
        }
        let rest = bytes.get(body_start..).unwrap_or_default();
        let declared = headers
            .iter()
            .find(|h| h.name == "content-length")
            .map(|h| parse_uint(trim(&h.value), 10, u64::from(u32::MAX)));
        let body_len = match declared {
            Some(Some(n)) => {
                let n = usize::try_from(n).unwrap_or(usize::MAX);
                if n > rest.len() {
                    anomalies.push(SipAnomaly::BodyShorterThanContentLength);
                }
                n.min(rest.len())
            }
            Some(None) => {
                anomalies.push(SipAnomaly::BadContentLength);
                if stream {
                    0
                } else {
                    rest.len()
                }
            }
            None if stream => {
                anomalies.push(SipAnomaly::MissingContentLength);
                0
            }
            None => rest.len(),
        };
        if body_len > MAX_BODY_LEN {
            anomalies.push(SipAnomaly::BodyTruncated);
        }
        let body = rest[..body_len.min(MAX_BODY_LEN)].to_vec();
        Ok(SipMessage {
            start,
            headers,
            headers_dropped,
            body,
            anomalies,
        })
    }

    /// The first value of header `name` (canonical: lower case, long form).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|h| h.name == name)
            .map(|h| h.value.as_slice())
    }

    /// Every value of header `name`, in order.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |h| h.name == name)
            .map(|h| h.value.as_slice())
    }

    /// The request method, or `None` for a response.
    pub fn method(&self) -> Option<&[u8]> {
        match &self.start {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Response { .. } => None,
        }
    }

    /// The status code, or `None` for a request.
    pub fn status(&self) -> Option<u16> {
        match &self.start {
            StartLine::Response { code, .. } => Some(*code),
            StartLine::Request { .. } => None,
        }
    }

    /// The `Call-ID`.
    pub fn call_id(&self) -> Option<&[u8]> {
        self.header("call-id")
    }

    /// The parsed `CSeq`.
    pub fn cseq(&self) -> Option<CSeq> {
        self.header("cseq").and_then(CSeq::parse)
    }

    /// The parsed `From`.
    pub fn from(&self) -> Option<NameAddr> {
        self.header("from").and_then(NameAddr::parse)
    }

    /// The parsed `To`.
    pub fn to(&self) -> Option<NameAddr> {
        self.header("to").and_then(NameAddr::parse)
    }

    /// The `Date` header as seconds since the epoch (RFC 1123 form, GMT).
    pub fn date(&self) -> Option<i64> {
        self.header("date").and_then(crate::header::parse_date)
    }

    /// Every Via hop of every Via header, top first.
    pub fn vias(&self) -> Vec<Via> {
        self.headers_named("via").flat_map(Via::parse_all).collect()
    }

    /// The media type of the body (`application/sdp`), lower case, without
    /// parameters.
    pub fn content_type(&self) -> Option<String> {
        let v = self.header("content-type")?;
        let end = v.iter().position(|c| *c == b';').unwrap_or(v.len());
        Some(String::from_utf8_lossy(trim(&v[..end])).to_ascii_lowercase())
    }

    /// Whether the body is of media type `mime` (case-insensitive).
    pub fn body_is(&self, mime: &str) -> bool {
        self.content_type()
            .is_some_and(|t| eq_ci(t.as_bytes(), mime.as_bytes()))
    }
}

#[cfg(test)]
mod tests;
